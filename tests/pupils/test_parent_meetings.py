"""Meetings with parents: at least three a school year for SEN support (Code of Practice 6.65)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from pupils import codes
from pupils.codes import SenStage
from pupils.models import ParentMeeting, Pupil
from pupils.register.services import record_register_change
from reports.dashboards import parent_meetings_tile
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2025, 9, 1), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2025, 8, 31), date(2024, 9, 1), date(2025, 8, 31)),
        (date(2026, 1, 15), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2024, 2, 29), date(2023, 9, 1), date(2024, 8, 31)),
    ],
)
def test_school_year_runs_from_1_september_to_31_august(day, start, end):
    assert codes.school_year_bounds(day) == (start, end)


def on_sen_support(pupil, senco, stage=SenStage.SEN_SUPPORT):
    if stage == SenStage.EHCP:
        issue_plan(pupil, senco, needs=["SLCN"])
        return
    record_register_change(
        pupil=pupil, stage=stage, needs=["SLCN"], effective_on=date(2025, 9, 1),
        reason="Meetings test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip


def meet(pupil, on, senco):
    ParentMeeting.objects.create(
        pupil=pupil, held_on=on, held_with="Father", purpose="review", recorded_by=senco
    )


def rarely_met(world, on):
    return set(
        Pupil.objects.filter(school=world.school)
        .parents_met_too_rarely(on)
        .values_list("first_name", flat=True)
    )


def test_three_meetings_rule_with_worked_dates(world):
    """On 1 March 2026 the school year began 1 September 2025; later meetings do not count yet."""
    senco = world.user(Role.SENCO)
    met_three = PupilFactory(school=world.school, first_name="Three")
    met_two = PupilFactory(school=world.school, first_name="Two")
    last_year = PupilFactory(school=world.school, first_name="LastYear")
    booked = PupilFactory(school=world.school, first_name="Booked")
    ehcp = PupilFactory(school=world.school, first_name="Ehcp")
    for pupil in (met_three, met_two, last_year, booked):
        on_sen_support(pupil, senco)
    on_sen_support(ehcp, senco, SenStage.EHCP)
    for day in (date(2025, 9, 1), date(2025, 12, 3), date(2026, 3, 1)):
        meet(met_three, day, senco)
    for day in (date(2025, 10, 1), date(2026, 2, 1)):
        meet(met_two, day, senco)
    for day in (date(2025, 3, 1), date(2025, 5, 1), date(2025, 8, 31), date(2025, 9, 2)):
        meet(last_year, day, senco)  # three of these were in 2024-25
    for day in (date(2025, 11, 1), date(2026, 2, 1), date(2026, 3, 2)):
        meet(booked, day, senco)  # the third is tomorrow: not held yet
    assert rarely_met(world, date(2026, 3, 1)) == {"Two", "LastYear", "Booked"}
    # Taught and Untaught are not on SEN support; the EHCP pupil (E) is not in this rule.
    assert rarely_met(world, date(2026, 3, 2)) == {"Two", "LastYear"}
    # A new school year starts the count again.
    assert "Three" in rarely_met(world, date(2026, 9, 1))
    counted = Pupil.objects.with_parent_meetings_this_year(date(2025, 8, 31)).get(pk=last_year.pk)
    assert counted.parent_meetings_this_year == 3


@time_machine.travel(date(2026, 3, 2))
def test_senco_dashboard_tile_lists_pupils_met_too_rarely(client, world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    meet(world.taught, date(2025, 10, 1), senco)
    client.force_login(senco)
    html = client.get(reverse("reports:home")).content.decode()
    assert "Parents met fewer than 3 times this school year" in html
    assert "Taught Pupil</a>: met 1" in html
    tile = parent_meetings_tile(Pupil.objects.visible_to(senco).on_roll())
    assert tile["parents_met_too_rarely_count"] == 1


def test_teacher_records_a_meeting(client, world):
    client.force_login(world.user(Role.TEACHER))
    url = reverse("pupils:parent_meetings", args=[world.taught.pk])
    data = {"held_on": "2025-11-20", "held_with": "Both parents", "purpose": "plan", "notes": ""}
    assert client.post(url, data).status_code == 302
    meeting = ParentMeeting.objects.get()
    assert (meeting.pupil, meeting.recorded_by) == (world.taught, world.user(Role.TEACHER))
    bad = client.post(url, data | {"held_with": "", "purpose": "party"})
    assert set(bad.context["form"].errors) == {"held_with", "purpose"}
    assert ParentMeeting.objects.count() == 1


def test_senior_leader_reads_meetings_but_cannot_record(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    url = reverse("pupils:parent_meetings", args=[world.taught.pk])
    assert client.get(url).status_code == 200
    data = {"held_on": "2025-11-20", "held_with": "Mum", "purpose": "plan"}
    assert client.post(url, data).status_code == 403
    assert not ParentMeeting.objects.exists()


def test_meetings_page_query_count_does_not_grow(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    senco = world.user(Role.SENCO)
    meet(world.taught, date(2025, 10, 1), senco)
    client.force_login(senco)
    url = reverse("pupils:parent_meetings", args=[world.taught.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for day in range(2, 10):
        meet(world.taught, date(2025, 10, day), world.user(Role.TEACHER))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
