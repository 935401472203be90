"""Summer-born means born 1 April to 31 August inclusive (the DfE definition)."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

BIRTHDAYS = {
    "March31": (date(2015, 3, 31), False),
    "April1": (date(2015, 4, 1), True),
    "August31": (date(2015, 8, 31), True),
    "September1": (date(2015, 9, 1), False),
}


@pytest.mark.parametrize(("born", "summer_born"), BIRTHDAYS.values(), ids=BIRTHDAYS)
def test_is_summer_born_on_the_boundaries(born, summer_born):
    assert PupilFactory.build(date_of_birth=born).is_summer_born is summer_born


def test_register_summer_born_filter_uses_the_same_boundaries(client, world):
    senco = world.user(Role.SENCO)
    for name, (born, _) in BIRTHDAYS.items():
        pupil = PupilFactory(school=world.school, first_name=name, date_of_birth=born)
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"],
            effective_on=date(2025, 9, 1), reason="r", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    client.force_login(senco)
    page = client.get(reverse("pupils:register"), {"flags": "summer"})
    shown = {pupil.first_name for pupil in page.context["page"]}
    assert shown == {"April1", "August31"}
