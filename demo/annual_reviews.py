"""Demo EHC plan reviews: plans on E at every stage of the review clock."""

from datetime import date, timedelta

from pupils.models import Pupil
from reviews.annual_reviews.services import open_annual_review
from reviews.models import EHCPlan
from sendhub.roles import Role

# Days since the last review meeting, by the stage the current review has reached: the
# clock puts invitations 323 days and the latest meeting 337 days after it.
STAGES = {"invited": 313, "met": 350, "amending": 375}


def _completed(plan, meeting, *, senco):
    """A past review, maintained by the LA three weeks after its meeting."""
    review = open_annual_review(plan=plan, kind="annual", by=senco, today=meeting)
    review.record(invitations_sent_on=meeting - timedelta(days=15),
                  advice_requested_on=meeting - timedelta(days=30),
                  advice_circulated_on=meeting - timedelta(days=15), meeting_on=meeting,
                  report_sent_on=meeting + timedelta(days=9), la_decision="maintain",
                  la_decision_on=meeting + timedelta(days=21))  # fmt: skip


def _move_on(review, stage, rng, today):
    """Move an open review on to a stage, with dates no later than today."""
    start = review.starts_from
    if stage == "invited":
        sent = max(start, today - timedelta(days=rng.randrange(1, 8)))
        review.record(invitations_sent_on=sent, advice_requested_on=sent)
        return
    meeting = max(start, today - timedelta(days=rng.randrange(26, 40)))
    before = max(start, meeting - timedelta(days=16))
    dates = {"invitations_sent_on": before, "advice_requested_on": before,
             "advice_circulated_on": before, "meeting_on": meeting,
             "report_sent_on": meeting + timedelta(days=10)}  # fmt: skip
    if stage == "amending":
        decided = meeting + timedelta(days=25)
        dates |= {"la_decision": "amend", "la_decision_on": decided,
                  "amendments_proposed_on": decided}  # fmt: skip
    review.record(**dates)


def seed_reviews(rng, school, *, senco, today=None):
    """Past reviews for the school's plans in force, and the current one at every stage:
    not opened yet (on time, due soon or overdue), invitations out, met, amending."""
    today = today or date.today()
    plans = EHCPlan.objects.in_force().filter(
        pupil__in=Pupil.objects.filter(school=school).on_roll(today)
    )
    counts = {"annual_reviews": 0}
    for index, plan in enumerate(plans.order_by("pk")):
        stage = ("not_opened", "invited", "met", "amending", "not_opened")[index % 5]
        since = STAGES.get(stage) or rng.randrange(30, 360)
        # Yearly meetings back to the first review, most recent `since` days ago.
        meetings = []
        meeting = today - timedelta(days=since)
        while meeting - timedelta(days=300) >= plan.issued_on:
            meetings.insert(0, meeting)
            meeting -= timedelta(days=364)
        for meeting in meetings:
            _completed(plan, meeting, senco=senco)
        counts["annual_reviews"] += len(meetings)
        if stage != "not_opened" and meetings:
            review = open_annual_review(plan=plan, by=senco, today=today)
            _move_on(review, stage, rng, today)
            counts["annual_reviews"] += 1
    return counts


def seed_demo_annual_reviews(rng, people):
    return seed_reviews(rng, people.school, senco=people.named[Role.SENCO])
