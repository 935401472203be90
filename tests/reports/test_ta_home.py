"""A TA's home: today's sessions first, then the pupils they support, SEN first."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.passport_data import give_passport

pytestmark = pytest.mark.django_db


def on_register(world, pupil):
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"], effective_on=date(2025, 9, 1),
        reason="TA home test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip


def supported_group(world, count, *, sen_every=3):
    group = TeachingGroupFactory(school=world.school)
    group.support_staff.add(world.user(Role.TEACHING_ASSISTANT))
    for index in range(count):
        pupil = PupilFactory(school=world.school, last_name=f"Aa{index:02}")
        group.pupils.add(pupil)
        if index % sen_every == 0:
            on_register(world, pupil)
            give_passport(pupil, world.user(Role.SENCO))
    return group


def home(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    return len(captured), response


def test_ta_home_lists_sen_pupils_first_and_never_marks_no_sen(client, world):
    on_register(world, world.taught)
    supported_group(world, 6)
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    _, response = home(client)
    html = response.text
    assert html.index('id="sessions-heading"') < html.index('id="my-pupils"')
    assert "No SEN" not in html
    sen = response.context["sen_pupils"]
    assert all(pupil.is_on_register for pupil in sen)
    assert {p.pk for p in sen} >= {world.taught.pk}
    assert len(response.context["other_pupils"]) == 4
    assert html.index("On the SEN register") < html.index("Other pupils in your groups (4)")
    assert "Untaught" not in html and "Elsewhere" not in html


def test_ta_home_query_count_does_not_grow(client, world):
    on_register(world, world.taught)
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    home(client)
    small, _ = home(client)
    supported_group(world, 12)
    large, response = home(client)
    assert large == small, f"{small} then {large}"
    assert len(response.context["sen_pupils"]) == 5
