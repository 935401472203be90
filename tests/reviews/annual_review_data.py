"""EHC plan reviews for tests: reviews opened through the service, as in the product."""

from pupils.models import Pupil
from reviews.annual_reviews.services import open_annual_review
from reviews.models import CalendarFeed, EHCPlan
from sendhub.roles import Role
from tests.factories import MembershipFactory
from tests.reviews.ehc_plan_data import ehc_plan_kwargs


def plan_pupil_kwargs(world, role, in_scope):
    """A pupil with a plan in force, in or out of the role's scope (the access walk)."""
    plan_pk = ehc_plan_kwargs(world, role, in_scope)["pk"]
    return {"pk": Pupil.objects.get(ehc_plans__pk=plan_pk).pk}


def open_review_kwargs(world, role, in_scope):
    """An open review of a plan in or out of the role's scope."""
    plan_pk = ehc_plan_kwargs(world, role, in_scope)["pk"]
    senco = world.user(Role.SENCO)
    plan = EHCPlan.objects.get(pk=plan_pk)
    review = plan.annual_reviews.open().first() or open_annual_review(
        plan=plan, kind="annual", by=senco
    )
    return {"pk": review.pk}


def feed_kwargs(world, role, in_scope):
    """The role's own calendar feed, or another person's."""
    if in_scope:
        membership = world.user(role).memberships.get()
    else:
        membership = MembershipFactory(school=world.other_school, role=Role.SENCO)
    feed, _token = CalendarFeed.issue(membership)
    return {"pk": feed.pk}


def ics_kwargs(world, role, in_scope):
    """A live calendar address of the SENCO's (read without signing in)."""
    _feed, token = CalendarFeed.issue(world.user(Role.SENCO).memberships.get())
    return {"token": token}


def contributor_kwargs(world, role, in_scope):
    """Someone on an open review of a plan in or out of the role's scope."""
    from reviews.models import AnnualReview, Contributor

    review = AnnualReview.objects.get(**open_review_kwargs(world, role, in_scope))
    row = Contributor.objects.create(
        review=review, name="Dr Asha Patel", role=Contributor.Role.HEALTH, email="a@nhs.example"
    )
    return {"pk": row.pk}


def met_review_kwargs(world, role, in_scope):
    """An open review in or out of scope with its meeting recorded (the report exists)."""
    from datetime import date

    from reviews.models import AnnualReview, MeetingRecord

    review = AnnualReview.objects.get(**open_review_kwargs(world, role, in_scope))
    if not hasattr(review, "meeting"):
        MeetingRecord.objects.create(
            review=review, attended="Ms Senco, SENCO", recommendation="maintain",
            reasons="Good progress.", recorded_by=world.user(Role.SENCO),
        )  # fmt: skip
        review.record(meeting_on=date.today())
    return {"pk": review.pk}


def review_pupil_kwargs(world, role, in_scope):
    """A pupil in or out of scope whose plan has an open review (the parent's pages)."""
    from reviews.models import AnnualReview

    review = AnnualReview.objects.get(**open_review_kwargs(world, role, in_scope))
    return {"pk": review.plan.pupil_id}


def reported_pupil_kwargs(world, role, in_scope):
    """A pupil in or out of scope whose review report was sent."""
    from datetime import date

    from reviews.models import AnnualReview

    review = AnnualReview.objects.get(**met_review_kwargs(world, role, in_scope))
    review.record(report_sent_on=date.today())
    return {"pk": review.plan.pupil_id}


def asked_kwargs(world, role, in_scope):
    """Advice asked of this person on an in-scope pupil's review, or of them on one they cannot
    see (out of scope)."""
    from datetime import date

    from reviews.models import AnnualReview, Contributor

    review = AnnualReview.objects.get(**open_review_kwargs(world, role, in_scope))
    row = Contributor.objects.create(
        review=review, name="Asked", role=Contributor.Role.SCHOOL_STAFF,
        user=world.user(role), advice_requested_on=date.today(),
    )  # fmt: skip
    return {"pk": row.pk}


def advice_link_kwargs(world, role, in_scope):
    """A live one-time advice link (opened without signing in)."""
    from datetime import date

    from reviews.models import AdviceLink, Contributor

    row = Contributor.objects.get(**contributor_kwargs(world, Role.SENCO, True))
    row.advice_requested_on = date.today()  # a link is only ever sent with a request for advice
    row.save(update_fields=["advice_requested_on"])
    _link, token = AdviceLink.issue(row)
    return {"token": token}
