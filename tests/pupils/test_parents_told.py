"""Telling parents about SEN support (Children and Families Act 2014 s68).

The duty applies to pupils on SEN support (K) without an EHC plan, and only a record
made on or after the pupil's latest move onto SEN support satisfies it.
"""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import ParentInformed, Pupil, RegisterEntry
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def decide(world, pupil, stage, on, needs=("SLCN",)):
    """A register entry; moves on or off E are written as the EHC plan record writes them."""
    senco = world.user(Role.SENCO)
    pupil.refresh_from_db()
    by_plan = SenStage.EHCP in (stage, pupil.sen_stage)
    record_register_change(
        pupil=pupil, stage=stage, needs=list(needs) if stage != SenStage.NONE else [],
        effective_on=on, reason="History for the s68 test", decided_by=senco, recorded_by=senco,
        source=RegisterEntry.Source.EHC_PLAN if by_plan else RegisterEntry.Source.MANUAL,
    )  # fmt: skip


def tell(world, pupil, on):
    ParentInformed.objects.create(
        pupil=pupil, informed_on=on, method="letter", informed_by=world.user(Role.SENCO)
    )


def not_told(world):
    pupils = Pupil.objects.filter(school=world.school).without_parent_informed()
    return set(pupils.values_list("first_name", flat=True))


def test_a_pupil_who_left_sen_support_and_came_back_needs_a_new_record(world):
    """On K 5 Sep 2024 (told 10 Sep), off 1 Feb 2025, back on 3 Nov 2025."""
    pupil = PupilFactory(school=world.school, first_name="Returner")
    decide(world, pupil, SenStage.SEN_SUPPORT, date(2024, 9, 5))
    tell(world, pupil, date(2024, 9, 10))
    assert not_told(world) == set()
    decide(world, pupil, SenStage.NONE, date(2025, 2, 1))
    assert not_told(world) == set()  # not on SEN support: nothing owed
    decide(world, pupil, SenStage.SEN_SUPPORT, date(2025, 11, 3))
    assert not_told(world) == {"Returner"}  # the 2024 letter was about the first spell
    tell(world, pupil, date(2025, 11, 2))  # the day before the move back: not enough
    assert not_told(world) == {"Returner"}
    tell(world, pupil, date(2025, 11, 3))  # the day of the move: enough
    assert not_told(world) == set()
    told = Pupil.objects.with_parents_told().get(pk=pupil.pk)
    assert told.sen_support_since == date(2025, 11, 3)


def test_moving_within_k_does_not_ask_again(world):
    """SEN support to an EHC needs assessment request stays K: the first record holds."""
    pupil = PupilFactory(school=world.school, first_name="Requested")
    decide(world, pupil, SenStage.MONITORING, date(2024, 6, 1), needs=())
    decide(world, pupil, SenStage.SEN_SUPPORT, date(2024, 9, 5))
    tell(world, pupil, date(2024, 9, 6))
    decide(world, pupil, SenStage.ASSESSMENT_REQUESTED, date(2025, 3, 1))
    assert not_told(world) == set()


def test_pupils_with_an_ehc_plan_are_not_owed_the_s68_notice(world):
    pupil = PupilFactory(school=world.school, first_name="Plan")
    decide(world, pupil, SenStage.EHCP, date(2025, 1, 6))
    assert not_told(world) == set()


def test_sen_support_after_an_ehc_plan_ceases_needs_a_record_from_then(world):
    """Without the plan the school now makes SEN provision for a pupil with no EHC plan."""
    pupil = PupilFactory(school=world.school, first_name="Ceased")
    decide(world, pupil, SenStage.SEN_SUPPORT, date(2023, 9, 5))
    tell(world, pupil, date(2023, 9, 5))
    decide(world, pupil, SenStage.EHCP, date(2024, 3, 1))
    decide(world, pupil, SenStage.SEN_SUPPORT, date(2025, 7, 1))
    assert not_told(world) == {"Ceased"}


def test_a_pupil_on_k_with_no_register_history_counts_any_record(world):
    """Pupils placed on K before the history began (sen_stage set, no entries)."""
    Pupil.objects.filter(pk=world.taught.pk).update(sen_stage=SenStage.SEN_SUPPORT)
    Pupil.objects.filter(pk=world.untaught.pk).update(sen_stage=SenStage.SEN_SUPPORT)
    tell(world, world.taught, date(2020, 1, 1))
    assert not_told(world) == {"Untaught"}


def test_dashboard_register_filter_and_pupil_page_follow_the_rule(client, world):
    returner, plan = world.taught, world.untaught
    decide(world, returner, SenStage.SEN_SUPPORT, date(2024, 9, 5))
    tell(world, returner, date(2024, 9, 10))
    decide(world, returner, SenStage.NONE, date(2025, 2, 1))
    decide(world, returner, SenStage.SEN_SUPPORT, date(2025, 11, 3))
    decide(world, plan, SenStage.EHCP, date(2025, 1, 6))
    client.force_login(world.user(Role.SENCO))
    home = client.get(reverse("reports:home"))
    assert home.context["parents_not_informed"] == 1
    assert "1 pupil</strong> on SEN support with no record" in home.content.decode()
    register = client.get(reverse("pupils:register"), {"parents_informed": "no"})
    assert [p.first_name for p in register.context["page"]] == ["Taught"]
    page = client.get(returner.get_absolute_url()).content.decode()
    assert "since Taught Pupil moved onto SEN support on 3 Nov 2025" in page
    assert "Parents not yet recorded" not in client.get(plan.get_absolute_url()).content.decode()
    tell(world, returner, date(2025, 11, 4))
    register = client.get(reverse("pupils:register"), {"parents_informed": "yes"})
    assert [p.first_name for p in register.context["page"]] == ["Taught"]
    assert (
        "Parents not yet recorded" not in client.get(returner.get_absolute_url()).content.decode()
    )


def test_the_register_form_asks_for_the_s68_record_on_coming_back_to_k(client, world):
    decide(world, world.taught, SenStage.SEN_SUPPORT, date(2024, 3, 1), needs=("ASD",))
    tell(world, world.taught, date(2024, 3, 2))
    decide(world, world.taught, SenStage.NONE, date(2025, 1, 6))
    client.force_login(world.user(Role.SENCO))
    payload = {
        "stage": "sen_support", "primary_need": "ASD", "secondary_need": "",
        "effective_on": date.today().isoformat(), "reason": "Needs support again",
        "evidence": "", "informed_on": "", "informed_method": "",
    }  # fmt: skip
    response = client.post(reverse("pupils:change_status", args=[world.taught.pk]), payload)
    assert response["Location"] == reverse("pupils:parent_informed", args=[world.taught.pk])
