"""EHC plan reviews on the statutory clock (Children and Families Act 2014 s44; SEND
Regulations 2014 reg 18 and 20), with dates worked out by hand as in docs/ehcp-clock.md."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reviews.annual_reviews.services import open_annual_review
from reviews.models import AnnualReview, CalendarFeed, TransferYears, next_review_for
from sendhub.roles import Role
from tests.conftest import count_queries as count
from tests.factories import PupilFactory
from tests.reviews.ehc_plan_data import issue_plan as _issue_plan

pytestmark = pytest.mark.django_db

DEFAULT = frozenset({6, 11})


def issue_plan(pupil, by, *, on):
    return _issue_plan(pupil, by, on=on, needs=["ASD"])


def steps_of(review, today):
    return {step.key: step for step in review.steps(today, transfer_years=DEFAULT)}


def projected(plan, today):
    return next_review_for(plan, today=today, transfer_years=DEFAULT)


@pytest.fixture
def plan(world):
    """Taught Pupil's plan, issued 15 January 2026 (Year 8)."""
    with time_machine.travel(date(2026, 2, 1)):
        return issue_plan(world.taught, world.user(Role.SENCO), on=date(2026, 1, 15))


# The clock on a review ----------------------------------------------------------------


def test_first_review_runs_from_the_plan_issue_date(plan):
    """Issued 15 Jan 2026: complete by 15 Jan 2027, meet by 18 Dec 2026, invite by 4 Dec."""
    steps = steps_of(projected(plan, date(2026, 11, 1)), date(2026, 11, 1))
    assert steps["invitations"].due == date(2026, 12, 4)
    assert steps["advice_circulated"].due == date(2026, 12, 4)
    assert steps["meeting"].due == date(2026, 12, 18)
    # The LA's 4 weeks from the latest meeting end on the anniversary.
    assert steps["decision"].due == date(2027, 1, 15)
    assert steps["report"].due == date(2027, 1, 1)
    assert steps["report"].due.note == "New Year's Day (bank holiday)"
    assert (steps["invitations"].owner, steps["decision"].owner) == ("School", "Local authority")
    assert "proposed" not in steps  # amendments appear once the LA decides to amend


def test_a_booked_meeting_moves_invitations_and_the_steps_after_it(plan, world):
    review = open_annual_review(plan=plan, kind="annual", by=world.user(Role.SENCO),
                                today=date(2026, 10, 1))  # fmt: skip
    review.record(meeting_on=date(2026, 12, 10))
    steps = steps_of(review, date(2026, 11, 1))
    assert steps["invitations"].due == date(2026, 11, 26)  # 2 weeks before the booked day
    assert steps["meeting"].due == date(2026, 12, 18)  # the latest stays the latest
    assert steps["report"].due == date(2026, 12, 24)
    assert steps["decision"].due == date(2027, 1, 7)
    assert steps["meeting"].status == "on_time"  # booked, not yet held
    assert steps_of(review, date(2026, 12, 11))["meeting"].status == "done"


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 11, 19), "on_time"),
        (date(2026, 11, 20), "due_soon"),  # 14 days before 4 December
        (date(2026, 12, 4), "due_soon"),  # due today is not overdue
        (date(2026, 12, 5), "overdue"),
    ],
)
def test_invitations_turn_amber_then_red(plan, today, state):
    with time_machine.travel(today):
        step = projected(plan, today).next_step(today)
    assert (step.key, step.status) == ("invitations", state)
    assert step.status.label == state.replace("_", " ").capitalize()


def test_a_step_done_is_done_even_when_late(plan, world):
    review = open_annual_review(plan=plan, kind="annual", by=world.user(Role.SENCO),
                                today=date(2026, 12, 5))  # fmt: skip
    review.record(invitations_sent_on=date(2026, 12, 5))
    steps = steps_of(review, date(2026, 12, 6))
    assert steps["invitations"].status == "done"
    assert review.next_step(date(2026, 12, 6)).key == "advice_requested"


def test_amend_adds_the_amendment_steps_and_completes_with_the_final_plan(plan, world):
    review = open_annual_review(plan=plan, kind="annual", by=world.user(Role.SENCO),
                                today=date(2026, 10, 1))  # fmt: skip
    review.record(meeting_on=date(2026, 12, 10), la_decision="amend",
                  la_decision_on=date(2027, 1, 5))  # fmt: skip
    assert review.completed_on is None
    review.record(amendments_proposed_on=date(2027, 1, 5))
    steps = steps_of(review, date(2027, 1, 6))
    assert steps["amended"].due == date(2027, 3, 2)  # 8 weeks after the proposals
    review.record(amended_plan_issued_on=date(2027, 2, 20))
    assert review.completed_on == date(2027, 2, 20)


def test_the_next_review_runs_from_the_last_meeting(plan, world):
    senco = world.user(Role.SENCO)
    review = open_annual_review(plan=plan, kind="annual", by=senco, today=date(2026, 10, 1))
    review.record(meeting_on=date(2026, 12, 10), la_decision="maintain",
                  la_decision_on=date(2026, 12, 20))  # fmt: skip
    assert review.completed_on == date(2026, 12, 20)
    later = open_annual_review(plan=plan, kind="annual", by=senco, today=date(2027, 1, 5))
    assert later.starts_from == date(2026, 12, 10)
    assert steps_of(later, date(2027, 1, 5))["meeting"].due == date(2027, 11, 12)
    assert list(plan.annual_reviews.all()) == [later, review]  # history kept
    assert review.history.count() >= 2


def test_review_changes_are_on_the_pupils_history(plan, world, senco_client):
    review = open_annual_review(plan=plan, kind="annual", by=world.user(Role.SENCO))
    review._change_reason = "Review steps recorded"
    review.record(invitations_sent_on=date(2026, 11, 2))
    html = senco_client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "Annual review opened" in html and "Review steps recorded" in html


def test_only_one_review_is_open_per_plan(plan, world):
    senco = world.user(Role.SENCO)
    open_annual_review(plan=plan, kind="annual", by=senco)
    with pytest.raises(Exception, match="already has a review open"):
        open_annual_review(plan=plan, kind="interim", by=senco)


@pytest.mark.parametrize(("year_group", "flag"), [(8, False), (9, True), (11, True)])
def test_reviews_from_year_9_prepare_for_adulthood(world, year_group, flag):
    pupil = PupilFactory(school=world.school, year_group=year_group)
    plan = issue_plan(pupil, world.user(Role.SENCO), on=date(2026, 1, 15))
    review = open_annual_review(plan=plan, kind="annual", by=world.user(Role.SENCO))
    assert review.preparing_for_adulthood is flag


# Phase transfer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "meeting_by", "amended_by"),
    [(6, date(2026, 11, 23), date(2027, 2, 15)), (11, date(2027, 1, 6), date(2027, 3, 31))],
)
def test_phase_transfer_reviews_meet_in_the_autumn_term(world, year_group, meeting_by, amended_by):
    pupil = PupilFactory(school=world.school, year_group=year_group)
    plan = issue_plan(pupil, world.user(Role.SENCO), on=date(2026, 6, 1))
    review = projected(plan, date(2026, 9, 10))
    assert review.kind == AnnualReview.Kind.PHASE_TRANSFER
    steps = steps_of(review, date(2026, 9, 10))
    # The transfer deadlines come before the 12 months (meeting latest 4 May 2027).
    assert steps["meeting"].due == meeting_by
    assert steps["amended"].due == amended_by


def test_transfer_years_are_a_school_setting(world, senco_client):
    pupil = PupilFactory(school=world.school, year_group=6, first_name="Sixer")
    issue_plan(pupil, world.user(Role.SENCO), on=date(2026, 6, 1))
    with time_machine.travel(date(2026, 9, 10)):
        page = senco_client.get(reverse("reviews:ehc_compliance"))
        assert (
            "Sixer"
            in page.content.decode().split("Phase transfers this year")[1].split("</section>")[0]
        )
        senco_client.post(reverse("reviews:transfer_years_edit"), {"years": "2"})
        assert TransferYears.for_school(world.school.pk) == {2}
        page = senco_client.get(reverse("reviews:ehc_compliance"))
    transfers = page.content.decode().split("Phase transfers this year")[1].split("</section>")[0]
    assert "Sixer" not in transfers and "None this year" in transfers


def test_post_16_cannot_be_a_transfer_year(world, senco_client):
    senco_client.post(reverse("reviews:transfer_years_edit"), {"years": "6,12"})
    assert TransferYears.for_school(world.school.pk) == DEFAULT


# Pages ------------------------------------------------------------------------------


def test_the_senco_opens_a_review_and_records_steps(plan, world, senco_client):
    url = reverse("reviews:annual_reviews", args=[world.taught.pk])
    with time_machine.travel(date(2026, 11, 1)):
        page = senco_client.get(url)
        assert "4 Dec 2026" in page.content.decode() and "Open the review" in page.content.decode()
        senco_client.post(reverse("reviews:annual_review_open", args=[world.taught.pk]),
                          {"kind": "annual"})  # fmt: skip
        review = plan.annual_reviews.get()
        response = senco_client.post(
            reverse("reviews:annual_review_record", args=[review.pk]),
            {"invitations_sent_on": "2026-10-30", "meeting_on": "2026-12-10"},
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.invitations_sent_on == date(2026, 10, 30)
        bad = senco_client.post(reverse("reviews:annual_review_record", args=[review.pk]),
                                {"amendments_proposed_on": "2026-10-30"})  # fmt: skip
    assert bad.status_code == 400 and "follow a decision to amend" in bad.content.decode()


def test_senior_leaders_read_but_do_not_record(plan, world, login):
    client = login(world.user(Role.SENIOR_LEADER))
    page = client.get(reverse("reviews:annual_reviews", args=[world.taught.pk]))
    assert page.status_code == 200 and "Record the steps" not in page.content.decode()
    assert "Open the review" not in page.content.decode()


def test_the_dashboard_lists_next_steps_and_filters_them(world, senco_client):
    senco = world.user(Role.SENCO)
    with time_machine.travel(date(2026, 2, 1)):
        issue_plan(world.taught, senco, on=date(2026, 1, 15))  # invitations due 4 Dec 2026
        issue_plan(world.untaught, senco, on=date(2025, 12, 1))  # due 23 Oct 2026: overdue
    url = reverse("reviews:ehc_compliance")
    with time_machine.travel(date(2026, 11, 25)):
        page = senco_client.get(url).content.decode()
        assert page.index("Untaught") < page.index("Taught Pupil")  # most pressing first
        assert "Overdue" in page and "Due soon" in page and "Invitations sent" in page
        overdue = senco_client.get(url, {"state": "overdue"}, headers={"HX-Request": "true"})
        by_step = senco_client.get(url, {"step": "meeting"}).content.decode()
        year_7 = senco_client.get(url, {"year_group": "7"}).content.decode()
    body = overdue.content.decode()
    assert "Untaught" in body and "Taught Pupil" not in body and "<html" not in body
    assert "No pupils match" in by_step and "No pupils match" in year_7
    assert "Elsewhere" not in senco_client.get(url).content.decode()


def test_the_senco_dashboard_links_to_the_reviews(senco_client):
    page = senco_client.get(reverse("reports:home")).content.decode()
    assert reverse("reviews:ehc_compliance") in page


def _plans(world, n):
    senco = world.user(Role.SENCO)
    for _ in range(n):
        pupil = PupilFactory(school=world.school, year_group=6)
        plan = issue_plan(pupil, senco, on=date(2025, 10, 1))
        review = open_annual_review(plan=plan, kind="annual", by=senco)
        review.record(meeting_on=date(2026, 9, 1))


def test_the_dashboard_runs_the_same_queries_for_one_plan_or_many(world, senco_client):
    url = reverse("reviews:ehc_compliance")
    _plans(world, 1)
    one = count(senco_client, url)
    _plans(world, 8)
    assert count(senco_client, url) == one


def test_the_review_page_runs_the_same_queries_for_one_review_or_many(plan, world, senco_client):
    senco = world.user(Role.SENCO)
    url = reverse("reviews:annual_reviews", args=[world.taught.pk])
    review = open_annual_review(plan=plan, kind="interim", by=senco, today=date(2026, 3, 1))
    review.record(meeting_on=date(2026, 3, 10), la_decision="maintain",
                  la_decision_on=date(2026, 3, 20))  # fmt: skip
    one = count(senco_client, url)
    for month in (4, 5, 6):
        review = open_annual_review(plan=plan, kind="interim", by=senco)
        review.record(meeting_on=date(2026, month, 10), la_decision="maintain",
                      la_decision_on=date(2026, month, 20))  # fmt: skip
    assert count(senco_client, url) == one


# Calendar feeds ---------------------------------------------------------------------


def test_the_calendar_has_deadlines_without_pupil_names(plan, world, senco_client, client):
    page = senco_client.post(reverse("reviews:calendar_feed_create"))
    feed_url = page.context["new_url"]
    senco_client.logout()
    with time_machine.travel(date(2026, 11, 1)):
        response = client.get(feed_url)
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f"SUMMARY:EHC annual review: invitations due (ref P-{plan.pk})" in body
    assert "DTSTART;VALUE=DATE:20261204" in body
    for pupil in (world.taught, world.untaught, world.elsewhere):
        assert pupil.first_name not in body and pupil.last_name not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.filter(token_hash=token).count() == 0  # only the hash is kept


def test_a_revoked_calendar_address_is_not_found(world, senco_client, client):
    page = senco_client.post(reverse("reviews:calendar_feed_create"))
    feed_url = page.context["new_url"]
    feed = CalendarFeed.objects.get()
    senco_client.post(reverse("reviews:calendar_feed_revoke", args=[feed.pk]))
    assert client.get(feed_url).status_code == 404
    assert client.get(reverse("reviews:calendar_feed_ics", args=["guess"])).status_code == 404


def test_a_calendar_address_stops_when_the_role_ends(world, senco_client, client):
    feed_url = senco_client.post(reverse("reviews:calendar_feed_create")).context["new_url"]
    world.user(Role.SENCO).memberships.update(ended_on=date(2020, 1, 1))
    assert client.get(feed_url).status_code == 404
