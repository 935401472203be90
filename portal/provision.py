"""What the parent portal shows of the support a child gets: groups and EHC plan section F.

A group has several pupils; a parent sees only their own child's place in it, never who
else is in the group.
"""

from datetime import date

from provision.models import GroupMember
from reviews.ehc_plans.sections import attach_delivery
from reviews.models import EHCPlan
from reviews.models.ehcp_sections import academic_year_start


def provision_for_parent(pupil, today=None):
    """The child's current intervention groups and, with an EHC plan, its section F lines
    with hours planned and given this school year, in a fixed number of queries."""
    today = today or date.today()
    places = list(
        GroupMember.objects.filter(pupil=pupil)
        .current_on(today)
        .select_related("group__intervention")
        .order_by("joined_on", "pk")
    )
    plan = EHCPlan.objects.filter(pupil=pupil).in_force().first()
    lines = []
    if plan is not None:
        plan.pupil = pupil
        lines = list(
            plan.provision_lines.current()
            .select_related("group__intervention")
            .order_by("order", "pk")
        )
        attach_delivery(plan, lines, today)
    return {
        "support_places": places,
        "ehc_plan": plan,
        "plan_provision": lines,
        "year_start": max(academic_year_start(today), plan.issued_on) if plan else None,
    }
