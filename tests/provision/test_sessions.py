"""Logging sessions in one tap, once, with the right register (Code of Practice 6.76)."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import Session, SessionAttendance
from provision.services import AlreadyLogged, log_session
from provision.today import sessions_due
from sendhub.roles import Role
from tests.factories import MembershipFactory, PupilFactory
from tests.provision.provision_data import GroupMemberFactory, reading_group, run_group

pytestmark = pytest.mark.django_db

# A Wednesday in term: the groups below meet every weekday.
WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def group(world):
    with time_machine.travel(WEDNESDAY - timedelta(days=30), tick=False):
        return reading_group(world)


def test_the_same_token_twice_logs_one_session(world, group):
    ta = world.user(Role.TEACHING_ASSISTANT)
    token = uuid.uuid4()
    first, created = log_session(
        group=group, date=WEDNESDAY, status="delivered", by=ta, token=token
    )
    again, created_again = log_session(
        group=group, date=WEDNESDAY, status="delivered", by=ta, token=token
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert Session.objects.count() == 1
    assert SessionAttendance.objects.count() == 1


def test_a_double_submit_through_the_page_logs_once(client, world, group):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:session_log", args=[group.pk])
    data = {"token": str(uuid.uuid4()), "day": WEDNESDAY.isoformat(), "status": "delivered"}
    with time_machine.travel(WEDNESDAY, tick=False):
        first = client.post(url, data, headers={"HX-Request": "true"})
        second = client.post(url, data, headers={"HX-Request": "true"})
    assert first.status_code == second.status_code == 200
    assert "Delivered" in second.text and "1 of 1 present" in second.text
    assert "Already logged" not in second.text
    assert Session.objects.count() == 1


def test_another_adult_logging_the_same_day_is_told_it_is_done(world, group):
    ta = world.user(Role.TEACHING_ASSISTANT)
    log_session(group=group, date=WEDNESDAY, status="delivered", by=ta, token=uuid.uuid4())
    with pytest.raises(AlreadyLogged):
        log_session(
            group=group, date=WEDNESDAY, status="delivered", by=world.user(Role.SENCO),
            token=uuid.uuid4(),
        )  # fmt: skip
    assert Session.objects.count() == 1


def test_attendance_lists_only_pupils_who_were_members_that_day(world, group):
    left = GroupMemberFactory(
        group=group, joined_on=group.start_on, left_on=WEDNESDAY - timedelta(days=1)
    )
    leaving_today = GroupMemberFactory(group=group, joined_on=group.start_on, left_on=WEDNESDAY)
    joining_later = GroupMemberFactory(group=group, joined_on=WEDNESDAY + timedelta(days=1))
    absent = GroupMemberFactory(group=group, joined_on=group.start_on)
    session, _ = log_session(
        group=group,
        date=WEDNESDAY,
        status="delivered",
        by=world.user(Role.TEACHING_ASSISTANT),
        token=uuid.uuid4(),
        absent_pupil_ids=[absent.pupil_id],
    )
    register = dict(session.attendance.values_list("pupil_id", "present"))
    assert register == {world.taught.pk: True, leaving_today.pupil_id: True, absent.pupil_id: False}
    assert left.pupil_id not in register and joining_later.pupil_id not in register


def test_a_missed_session_needs_a_reason_and_records_no_attendance(client, world, group):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:session_log", args=[group.pk])
    data = {"token": str(uuid.uuid4()), "day": WEDNESDAY.isoformat(), "status": "missed"}
    with time_machine.travel(WEDNESDAY, tick=False):
        refused = client.post(url, data, headers={"HX-Request": "true"})
        assert "Say why the session was missed" in refused.text
        assert not Session.objects.exists()
        response = client.post(url, data | {"missed_reason": "staff_absence"})
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.status, session.missed_reason) == ("missed", "staff_absence")
    assert not session.attendance.exists()


def test_sessions_cannot_be_logged_ahead_or_outside_the_groups_dates(client, world, group):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:session_log", args=[group.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        for day in (WEDNESDAY + timedelta(days=1), group.start_on - timedelta(days=1)):
            data = {"token": str(uuid.uuid4()), "day": day.isoformat(), "status": "delivered"}
            assert client.post(url, data).status_code == 302  # back to the page, with the error
    assert not Session.objects.exists()


def test_today_lists_todays_sessions_then_this_weeks_unlogged(world, group):
    ta = world.user(Role.TEACHING_ASSISTANT)
    monday = WEDNESDAY - timedelta(days=2)
    log_session(group=group, date=monday, status="delivered", by=ta, token=uuid.uuid4())
    due = sessions_due(ta, WEDNESDAY)
    assert [(item.day, item.is_logged) for item in due] == [
        (WEDNESDAY, False),
        (WEDNESDAY - timedelta(days=1), False),  # Tuesday: not logged yet
    ]
    assert [member.pupil for member in due[0].members] == [world.taught]
    log_session(group=group, date=WEDNESDAY, status="delivered", by=ta, token=uuid.uuid4())
    due = sessions_due(ta, WEDNESDAY)
    assert [(item.day, item.is_logged) for item in due] == [
        (WEDNESDAY, True),
        (WEDNESDAY - timedelta(days=1), False),
    ]


def test_today_shows_only_groups_i_run(world, group):
    run_group(world.school, [MembershipFactory(school=world.school, role="ta").user], [])
    assert {
        item.group for item in sessions_due(world.user(Role.TEACHING_ASSISTANT), WEDNESDAY)
    } == {group}
    assert sessions_due(world.user(Role.SENCO), WEDNESDAY) == []


def test_ta_home_shows_todays_sessions_first_with_one_tap_delivered(client, world, group):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get(reverse("reports:home")).text
    assert page.index("Today's sessions") < page.index("Pupils I support")
    assert reverse("provision:session_log", args=[group.pk]) in page
    assert 'value="delivered"' in page


def test_logging_redirects_without_javascript_and_says_what_was_logged(client, world, group):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:session_log", args=[group.pk])
    data = {"token": str(uuid.uuid4()), "day": WEDNESDAY.isoformat(), "status": "delivered"}
    with time_machine.travel(WEDNESDAY, tick=False):
        response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("provision:today")
    assert "Reading: delivered." in response.text


def grow_week(world, extra):
    ta = world.user(Role.TEACHING_ASSISTANT)
    for _ in range(extra):
        pupils = [PupilFactory(school=world.school) for _ in range(3)]
        grown = run_group(world.school, [ta], pupils, start_on=WEDNESDAY - timedelta(days=30))
        log_session(
            group=grown, date=WEDNESDAY - timedelta(days=2), status="delivered", by=ta,
            token=uuid.uuid4(),
        )  # fmt: skip


@pytest.mark.parametrize("url_name", ["provision:today", "reports:home"])
def test_todays_sessions_query_count_does_not_grow(client, world, group, url_name):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse(url_name)
    with time_machine.travel(WEDNESDAY, tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        grow_week(world, 4)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
    assert len(large) == len(small)
    # Monday to Wednesday for the first group; Tuesday and today for each new one.
    assert response.text.count('value="delivered"') == 3 + 2 * 4


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_pupil_who_left_school_is_on_no_register_and_never_marked(client, world, group):
    """A leaver still listed in a group is archived: off today's register, and a delivered
    session records the others' attendance only."""
    from pupils.models import Pupil

    stays = GroupMemberFactory(group=group, joined_on=group.start_on)
    Pupil.objects.filter(pk=world.taught.pk).update(left_on=date.today() - timedelta(days=1))
    ta = world.user(Role.TEACHING_ASSISTANT)
    [today] = [item for item in sessions_due(ta) if item.is_today and item.group == group]
    assert [member.pupil_id for member in today.members] == [stays.pupil_id]

    client.force_login(ta)
    url = reverse("provision:session_log", args=[group.pk])
    token = str(uuid.uuid4())
    day = {"day": date.today().isoformat(), "status": "delivered", "token": token}
    client.post(url, day | {"absent": [world.taught.pk]})  # not on the register: refused
    assert not Session.objects.filter(group=group, date=date.today()).exists()
    client.post(url, day)
    session = Session.objects.get(group=group, date=date.today())
    assert dict(session.attendance.values_list("pupil_id", "present")) == {stays.pupil_id: True}
    assert not SessionAttendance.objects.filter(pupil=world.taught).exists()
