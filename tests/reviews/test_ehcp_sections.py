"""Sections B, E and F of an EHC plan, and section F hours delivered against plan."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from provision.models import Session, SessionAttendance
from reviews.models import EHCPlanNeed, EHCPlanOutcome, EHCPlanProvision, ShortfallTolerance
from reviews.models.ehcp_sections import delivery_for, share_of_year_to_date
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.provision.provision_data import InterventionFactory, run_group
from tests.reviews.ehc_plan_data import issue_plan

TODAY = date(2026, 1, 15)  # a Thursday in the spring term
ISSUED = date(2025, 9, 1)


def school_days(first, count):
    """The first `count` weekdays from `first`."""
    day, days = first, []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def log_sessions(group, pupil, by, days):
    for day in days:
        session = Session.objects.create(
            group=group, date=day, status=Session.Status.DELIVERED, logged_by=by, token=uuid.uuid4()
        )
        SessionAttendance.objects.create(session=session, pupil=pupil, present=True)


@pytest.fixture
def plan(world):
    return issue_plan(world.taught, world.user(Role.SENCO), on=ISSUED, needs=["ASD"])


def hour_group(world, pupil, name):
    """A group of 60-minute sessions run by the TA, with `pupil` in it since September."""
    intervention = InterventionFactory(school=world.school, minutes_per_session=60, name=name)
    return run_group(
        world.school,
        [world.user(Role.TEACHING_ASSISTANT)],
        [pupil],
        intervention=intervention,
        name=name,
        start_on=ISSUED,
    )


@time_machine.travel(TODAY)
def test_a_190_hour_line_shows_delivered_hours_from_session_logs_and_flags_a_shortfall(
    client, world, plan
):
    ta = world.user(Role.TEACHING_ASSISTANT)
    short = hour_group(world, world.taught, "Speech and language")
    log_sessions(short, world.taught, ta, school_days(date(2025, 9, 8), 20))
    line = EHCPlanProvision.objects.create(
        plan=plan,
        description="Daily speech and language work with a trained TA.",
        provided_by="Teaching assistant",
        hours_per_year=190,
        group=short,
    )
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("reviews:ehc_plan", args=[world.taught.pk])).text

    share = share_of_year_to_date(TODAY, since=ISSUED)
    due = (Decimal(190) * share).quantize(Decimal("0.1"))
    assert Decimal(70) < due < Decimal(100)  # about 40% of the year has gone
    assert "Daily speech and language work" in page
    assert "190.0 h" in page  # planned a year
    assert f"{due} h" in page  # due to date
    assert "20.0 h" in page  # 20 hour-long sessions attended
    assert "Shortfall" in page
    assert line.planned_hours_per_year == Decimal(190)


@time_machine.travel(TODAY)
def test_a_line_delivered_on_plan_is_on_track_and_a_line_with_no_group_is_not_tracked(
    client, world, plan
):
    ta = world.user(Role.TEACHING_ASSISTANT)
    group = hour_group(world, world.taught, "Reading")
    # 2 sessions a week of 60 minutes over 38 weeks is 76 hours a year.
    EHCPlanProvision.objects.create(
        plan=plan,
        description="Reading twice a week.",
        provided_by="Teaching assistant",
        sessions_per_week=2,
        minutes_per_session=60,
        group=group,
    )
    EHCPlanProvision.objects.create(
        plan=plan, description="Movement breaks.", provided_by="Class teacher", hours_per_year=20
    )
    log_sessions(group, world.taught, ta, school_days(date(2025, 9, 8), 36))
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("reviews:ehc_plan", args=[world.taught.pk])).text
    assert "76.0 h" in page
    assert "On track" in page
    assert "Shortfall" not in page
    assert "Not tracked" in page


def test_the_school_sets_its_own_tolerance(world, plan):
    line = EHCPlanProvision(plan=plan, description="x", provided_by="TA", hours_per_year=100)
    # 50 hours due, 42 delivered: 16% behind.
    minutes = 42 * 60
    assert delivery_for(line, minutes, Decimal("0.5"), 10)["shortfall"] is True
    ShortfallTolerance.objects.create(school=world.school, percent=20)
    tolerance = ShortfallTolerance.for_school(world.school.pk)
    assert delivery_for(line, minutes, Decimal("0.5"), tolerance)["shortfall"] is False


def test_a_line_is_quantified_in_hours_or_sessions(client, world, plan):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_add", args=[plan.pk, "provision"])
    response = client.post(url, {"description": "Therapy.", "provided_by": "SALT", "order": 0})
    assert response.status_code == 400
    assert "section F provision is quantified" in response.text
    assert not EHCPlanProvision.objects.exists()


def test_the_senco_adds_lines_by_htmx_and_history_is_kept(client, world, plan):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_add", args=[plan.pk, "outcomes"])
    form = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in form.text and "Add to section E" in form.text
    response = client.post(
        url,
        {"outcome": "Tom will start conversations with peers.", "area": "CI", "order": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith("#sections")
    outcome = EHCPlanOutcome.objects.get(plan=plan)
    assert outcome.history.first().history_user == world.user(Role.SENCO)


def test_an_outcome_needs_an_area_or_adulthood_domain(client, world, plan):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_add", args=[plan.pk, "outcomes"])
    response = client.post(url, {"outcome": "Something.", "order": 1})
    assert response.status_code == 400
    assert not EHCPlanOutcome.objects.exists()


def test_a_line_is_ended_with_a_date_and_reason_never_deleted(client, world, plan):
    need = EHCPlanNeed.objects.create(plan=plan, area="CI", description="Social communication.")
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_edit", args=[plan.pk, "needs", need.pk])
    data = {"area": "CI", "description": need.description, "order": 0, "ended_on": "2026-01-05"}
    assert client.post(url, data).status_code == 400
    response = client.post(url, data | {"end_reason": "Removed at the annual review."})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.ended_on == date(2026, 1, 5)
    page = client.get(reverse("reviews:ehc_plan", args=[world.taught.pk])).text
    assert "Ended 5 Jan 2026" in page


def test_a_provision_line_links_only_a_group_the_pupil_is_in(client, world, plan):
    theirs = hour_group(world, world.taught, "Theirs")
    other = hour_group(world, world.untaught, "Someone else's")
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_add", args=[plan.pk, "provision"])
    form = client.get(url).text
    assert "Theirs" in form and "Someone else" not in form
    data = {"description": "x", "provided_by": "TA", "hours_per_year": "10", "order": 0}
    assert client.post(url, data | {"group": other.pk}).status_code == 400
    assert client.post(url, data | {"group": theirs.pk}).status_code == 302
    assert EHCPlanProvision.objects.get().group == theirs


def test_an_unknown_section_is_404(client, world, plan):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan_line_add", args=[plan.pk, "sections"])
    assert client.get(url).status_code == 404


def _fill(world, plan, first, last):
    ta = world.user(Role.TEACHING_ASSISTANT)
    for i in range(first, last):
        EHCPlanNeed.objects.create(plan=plan, area="CI", description=f"Need {i}", order=i)
        outcome = EHCPlanOutcome.objects.create(plan=plan, outcome=f"Outcome {i}", area="CI")
        group = hour_group(world, world.taught, f"Group {i}")
        log_sessions(group, world.taught, ta, school_days(date(2025, 9, 8), 3))
        line = EHCPlanProvision.objects.create(
            plan=plan,
            description=f"Provision {i}",
            provided_by="TA",
            hours_per_year=38,
            group=group,
        )
        line.outcomes.add(outcome)


@time_machine.travel(TODAY)
def test_the_plan_page_runs_the_same_queries_with_one_line_or_six(client, world, plan):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:ehc_plan", args=[world.taught.pk])
    _fill(world, plan, 0, 1)
    one = count_queries(client, url, warm=True)
    _fill(world, plan, 1, 6)
    six = count_queries(client, url, warm=True)
    assert one == six
