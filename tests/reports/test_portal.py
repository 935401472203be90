"""The parent portal: only my own child, in plain English, with meetings."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.models import ParentMeeting
from sendhub.roles import Role
from tests.factories import ParentLinkFactory, PupilFactory
from tests.pupils.passport_data import give_passport, give_profile

pytestmark = pytest.mark.django_db


def meet(pupil, on, by, purpose=ParentMeeting.Purpose.REVIEW):
    return ParentMeeting.objects.create(
        pupil=pupil, held_on=on, held_with="Mother", purpose=purpose, notes="Staff only note",
        recorded_by=by,
    )  # fmt: skip


@time_machine.travel(date(2026, 2, 2))
def test_parent_sees_passport_and_meetings_of_their_child(client, world):
    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco)
    give_profile(world.taught, senco)
    meet(world.taught, date(2025, 11, 12), senco)
    meet(world.taught, date(2026, 3, 10), senco, ParentMeeting.Purpose.PLAN)
    client.force_login(world.user(Role.PARENT))
    home = client.get(reverse("reports:home")).content.decode()
    assert "Next meeting: <strong>Tuesday 10 March</strong>" in home
    assert reverse("portal:child", args=[world.taught.pk]) in home
    html = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert "I learn best when" in html
    assert "What is important to me" in html
    assert "Tuesday 10 March 2026" in html
    assert "12 November 2025: Reviewing progress" in html
    assert "Staff only note" not in html


def test_parent_cannot_reach_another_childs_pages(client, world):
    senco = world.user(Role.SENCO)
    for pupil in (world.taught, world.untaught, world.elsewhere):
        give_passport(pupil, senco)
        give_profile(pupil, senco)
    client.force_login(world.user(Role.PARENT))
    for pupil in (world.untaught, world.elsewhere):
        for name in [
            "portal:child",
            "pupils:passport_pdf",
            "pupils:profile_pdf",
            "pupils:passport",
            "pupils:profile",
        ]:
            response = client.get(reverse(name, args=[pupil.pk]))
            assert response.status_code == 404, (name, pupil)
    assert client.get(reverse("pupils:parent_meetings", args=[world.taught.pk])).status_code == 403
    assert client.get(reverse("reports:class_view")).status_code == 403


def test_portal_query_count_does_not_grow(client, world):
    senco, parent = world.user(Role.SENCO), world.user(Role.PARENT)
    give_passport(world.taught, senco)
    client.force_login(parent)
    url = reverse("portal:child", args=[world.taught.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    give_profile(world.taught, senco)
    for day in range(1, 9):
        meet(world.taught, date(2025, 10, day), senco)
        meet(world.taught, date(2030, 10, day), senco)
    sibling = PupilFactory(school=world.school)
    ParentLinkFactory(parent=parent, pupil=sibling)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
