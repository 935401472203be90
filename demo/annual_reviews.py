"""Demo EHC plan reviews: plans on E at every stage of the review clock."""

from datetime import date, timedelta

from pupils.models import Pupil
from reviews.annual_reviews.services import open_annual_review
from reviews.models import EHCPlan
from sendhub.roles import Role


def _stage(review, stage, rng, today):
    """Move an open review on to a stage, with dates no later than today."""
    start = review.starts_from
    if stage == "invited":
        sent = max(start, today - timedelta(days=rng.randrange(1, 10)))
        review.record(invitations_sent_on=sent, advice_requested_on=sent)
    elif stage in ("met", "amending"):
        meeting = max(start, today - timedelta(days=rng.randrange(12, 40)))
        before = max(start, meeting - timedelta(days=16))
        dates = {"invitations_sent_on": before, "advice_requested_on": before,
                 "advice_circulated_on": before, "meeting_on": meeting}  # fmt: skip
        if meeting + timedelta(days=10) <= today:
            dates["report_sent_on"] = meeting + timedelta(days=10)
        if stage == "amending" and meeting + timedelta(days=25) <= today:
            decided = meeting + timedelta(days=25)
            dates |= {"la_decision": "amend", "la_decision_on": decided,
                      "amendments_proposed_on": decided}  # fmt: skip
        review.record(**dates)


def seed_reviews(rng, school, *, senco, today=None):
    """Reviews for the school's plans in force: none opened yet, invited, met, amending,
    and last year's completed before a new one is due."""
    today = today or date.today()
    plans = EHCPlan.objects.in_force().filter(
        pupil__in=Pupil.objects.filter(school=school).on_roll(today)
    )
    counts = {"annual_reviews": 0}
    for index, plan in enumerate(plans.order_by("pk")):
        stage = ("none", "invited", "met", "amending", "completed")[index % 5]
        if stage == "none":
            continue
        if stage == "completed":
            meeting = plan.issued_on + timedelta(days=330)
            if meeting + timedelta(days=21) > today:
                continue
            review = open_annual_review(plan=plan, kind="annual", by=senco, today=meeting)
            review.record(invitations_sent_on=meeting - timedelta(days=15),
                          advice_requested_on=meeting - timedelta(days=30),
                          advice_circulated_on=meeting - timedelta(days=15), meeting_on=meeting,
                          report_sent_on=meeting + timedelta(days=9), la_decision="maintain",
                          la_decision_on=meeting + timedelta(days=21))  # fmt: skip
        else:
            review = open_annual_review(plan=plan, kind="annual", by=senco, today=today)
            _stage(review, stage, rng, today)
        counts["annual_reviews"] += 1
    return counts


def seed_demo_annual_reviews(rng, people):
    return seed_reviews(rng, people.school, senco=people.named[Role.SENCO])
