"""Governor and trust pages never name a pupil and hide small numbers (docs/access.md)."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reports.anonymise import suppress, suppressed_percent
from sendhub.roles import Role
from tests.conftest import make_member
from tests.factories import PupilFactory
from tests.reviews.ehc_plan_data import issue_plan


@pytest.mark.parametrize(
    ("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (23, 23), (None, None)]
)
def test_counts_from_one_to_four_are_suppressed(count, shown):
    assert suppress(count) == shown


def test_percent_of_a_suppressed_count_is_suppressed_too():
    assert suppressed_percent(3, 100) is None
    assert suppressed_percent(14, 100) == 14.0
    assert suppressed_percent(5, 0) is None


def put_on_register(world, pupils, stage):
    senco = world.user(Role.SENCO)
    for pupil in pupils:
        if stage == SenStage.EHCP:
            issue_plan(pupil, senco, needs=["SEMH"])
            continue
        record_register_change(
            pupil=pupil,
            stage=stage,
            needs=["SEMH"],
            effective_on=date(2025, 9, 1),
            reason="Test",
            decided_by=senco,
            recorded_by=senco,
        )


@pytest.mark.django_db
def test_governor_sees_counts_but_no_names(client, world):
    ehcp = [PupilFactory(school=world.school, first_name="Zebedee") for _ in range(2)]
    support = [PupilFactory(school=world.school, first_name="Quentin") for _ in range(6)]
    put_on_register(world, ehcp, SenStage.EHCP)
    put_on_register(world, support, SenStage.SEN_SUPPORT)
    client.force_login(world.user(Role.GOVERNOR))
    page = client.get(reverse("reports:home")).content.decode()
    assert "Zebedee" not in page and "Quentin" not in page and "Taught" not in page
    assert "fewer than 5" in page  # two EHC plans
    compact = page.replace(" ", "").replace("\n", "")
    assert ">6<spanclass=" in compact  # six on SEN support, shown with a percentage


@pytest.mark.django_db
def test_trust_lead_sees_each_school_anonymised(client, world):
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    support = [PupilFactory(school=world.other_school, first_name="Quentin") for _ in range(7)]
    put_on_register(world, support, SenStage.SEN_SUPPORT)
    # Enough pupils with no SEN that none of the three figures is small: with only one, the
    # roll less the 7 would give it back, so the 7 would be hidden too (docs/anonymised-reports.md).
    PupilFactory.create_batch(6, school=world.other_school)
    client.force_login(lead)
    page = client.get(reverse("reports:home")).content.decode()
    assert world.school.name in page and world.other_school.name in page
    assert "Quentin" not in page
    compact = page.replace(" ", "").replace("\n", "")
    assert ">7<spanclass=" in compact  # seven on SEN support at the other school, with a %
