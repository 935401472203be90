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
from sendhub.models import School
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


def short_of(world, expected, on):
    return set(
        Pupil.objects.filter(school=world.school)
        .parents_met_fewer_than(expected, on)
        .values_list("first_name", flat=True)
    )


@pytest.mark.parametrize(
    ("on", "by_now", "by_end_of_term", "term", "term_ends_on"),
    [
        # 2 December: no term has ended; one meeting is due by 31 December.
        (date(2025, 12, 2), 0, 1, "autumn", date(2025, 12, 31)),
        # 31 December is still the autumn term; 1 January the autumn term has ended.
        (date(2025, 12, 31), 0, 1, "autumn", date(2025, 12, 31)),
        (date(2026, 1, 1), 1, 2, "spring", date(2026, 3, 31)),
        # 20 March: autumn has ended (one expected); two by the end of spring.
        (date(2026, 3, 20), 1, 2, "spring", date(2026, 3, 31)),
        # 15 July: autumn and spring have ended (two); three by the end of summer.
        (date(2026, 7, 15), 2, 3, "summer", date(2026, 8, 31)),
        (date(2026, 9, 1), 0, 1, "autumn", date(2026, 12, 31)),  # a new school year
    ],
)
def test_meetings_expected_term_by_term_with_default_terms(
    on, by_now, by_end_of_term, term, term_ends_on
):
    expected = codes.parent_meetings_expected(on)
    assert (expected.by_now, expected.by_end_of_term) == (by_now, by_end_of_term)
    assert (expected.term, expected.term_ends_on) == (term, term_ends_on)


def test_meetings_expected_with_the_schools_own_term_dates():
    """Terms ending 19 December, 2 April and 22 July: after 22 July all three are expected."""
    terms = {"autumn": (12, 19), "spring": (4, 2), "summer": (7, 22)}
    on_20_dec = codes.parent_meetings_expected(date(2025, 12, 20), terms)
    assert (on_20_dec.by_now, on_20_dec.by_end_of_term, on_20_dec.term) == (1, 2, "spring")
    on_1_apr = codes.parent_meetings_expected(date(2026, 4, 1), terms)
    assert (on_1_apr.by_now, on_1_apr.term_ends_on) == (1, date(2026, 4, 2))
    holiday = codes.parent_meetings_expected(date(2026, 8, 1), terms)
    assert (holiday.by_now, holiday.by_end_of_term, holiday.term) == (3, 3, None)


def test_behind_and_due_on_2_december_20_march_and_15_july(world):
    """
    One meeting a term. None: no meetings; Oct: 1 October; OctFeb: 1 October and
    1 February; Three: 1 October, 1 February and 1 May; Ehcp has an EHC plan (not K).
    """
    senco = world.user(Role.SENCO)
    meetings = {
        "None": [],
        "Oct": [date(2025, 10, 1)],
        "OctFeb": [date(2025, 10, 1), date(2026, 2, 1)],
        "Three": [date(2025, 10, 1), date(2026, 2, 1), date(2026, 5, 1)],
        "Ehcp": [],
    }
    for name, days in meetings.items():
        pupil = PupilFactory(school=world.school, first_name=name)
        on_sen_support(pupil, senco, SenStage.EHCP if name == "Ehcp" else SenStage.SEN_SUPPORT)
        for day in days:
            meet(pupil, day, senco)

    def behind_and_due(on):
        expected = codes.parent_meetings_expected(on)
        behind = short_of(world, expected.by_now, on)
        return behind, short_of(world, expected.by_end_of_term, on) - behind

    # 2 Dec: no term ended, nobody behind; None still needs the autumn meeting.
    assert behind_and_due(date(2025, 12, 2)) == (set(), {"None"})
    # 20 Mar: 1 expected by now (None behind); 2 by 31 March (Oct due).
    assert behind_and_due(date(2026, 3, 20)) == ({"None"}, {"Oct"})
    # 15 Jul: 2 expected by now (None, Oct behind); 3 by 31 August (OctFeb due).
    assert behind_and_due(date(2026, 7, 15)) == ({"None", "Oct"}, {"OctFeb"})
    # A meeting booked for later does not count until it is held.
    meet(Pupil.objects.get(first_name="OctFeb"), date(2026, 7, 20), senco)
    assert behind_and_due(date(2026, 7, 15)) == ({"None", "Oct"}, {"OctFeb"})
    assert behind_and_due(date(2026, 7, 20)) == ({"None", "Oct"}, set())
    # A new school year starts the count again.
    assert short_of(world, 1, date(2026, 9, 1)) >= {"Three"}
    counted = Pupil.objects.with_parent_meetings_this_year(date(2026, 8, 31)).get(
        first_name="Three"
    )
    assert counted.parent_meetings_this_year == 3


@time_machine.travel(date(2026, 3, 20))
def test_senco_dashboard_tile_says_who_is_behind_and_who_is_due(client, world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    on_sen_support(world.untaught, senco)
    meet(world.taught, date(2025, 10, 1), senco)
    client.force_login(senco)
    html = client.get(reverse("reports:home")).content.decode()
    assert "Meetings with parents this school year" in html
    assert "fewer meetings so far this school year than terms already ended" in html
    assert "before the spring term ends on 31 March" in html
    assert "Untaught Pupil</a>: met 0 <span" in html and ">behind</span>" in html
    assert "Taught Pupil</a>: met 1, due this term" in html
    tile = parent_meetings_tile(Pupil.objects.visible_to(senco).on_roll(), world.school)
    assert (tile["parents_behind_count"], tile["parents_due_count"]) == (1, 1)


@time_machine.travel(date(2025, 12, 2))
def test_on_2_december_the_tile_says_nobody_is_behind_yet(client, world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    client.force_login(senco)
    html = client.get(reverse("reports:home")).content.decode()
    assert "no term has ended yet, so nobody is behind" in html
    assert "Taught Pupil</a>: met 0, due this term" in html


@time_machine.travel(date(2025, 12, 22))
def test_the_tile_follows_the_schools_term_dates(client, world):
    """The autumn term ends on 19 December here, so on 22 December it has ended."""
    School.objects.filter(pk=world.school.pk).update(
        autumn_term_end_day=19, autumn_term_end_month=12
    )
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    client.force_login(senco)
    response = client.get(reverse("reports:home"))
    assert response.context["parents_behind_count"] == 1
    assert "(so fewer than 1)" in response.content.decode()


@time_machine.travel(date(2026, 3, 20))
def test_meetings_page_says_how_many_are_expected(client, world):
    client.force_login(world.user(Role.SENCO))
    html = client.get(reverse("pupils:parent_meetings", args=[world.taught.pk])).content.decode()
    assert (
        "1 by now for the term already ended and 2 by the end of the spring term on 31 March 2026"
        in html
    )


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
