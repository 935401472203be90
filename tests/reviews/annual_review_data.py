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
