"""EHC plans for tests: a pupil goes onto E only through the plan record, as in the product."""

from datetime import date

from pupils.codes import SenStage
from reviews.ehc_plans.services import record_plan_ceased, record_plan_issued
from sendhub.roles import Role

LOCAL_AUTHORITY = "Kent"


def issue_plan(pupil, by, *, on=date(2025, 9, 1), needs=None, local_authority=LOCAL_AUTHORITY):
    """Record that the local authority issued a plan for `pupil` on `on` (the pupil is on E)."""
    plan = record_plan_issued(
        pupil=pupil, issued_on=on, local_authority=local_authority, by=by, needs=needs
    )
    pupil.refresh_from_db()
    return plan


def ehc_plan_kwargs(world, role, in_scope):
    """A plan in force for a world pupil in or out of the role's scope (the access walk)."""
    senco = world.user(Role.SENCO)
    plans = {}
    for pupil in (world.taught, world.untaught, world.elsewhere):
        plans[pupil.pk] = pupil.ehc_plans.in_force().first() or issue_plan(
            pupil, senco, needs=["ASD"]
        )
    if in_scope:
        pupil = world.taught
    elif role in (Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN):
        pupil = world.elsewhere  # another school
    else:
        pupil = world.untaught  # same school, not theirs
    return {"pk": plans[pupil.pk].pk}


def cease_plan(pupil, by, *, on, stage=SenStage.SEN_SUPPORT, reason="Outcomes met."):
    """Record that the local authority ceased the pupil's plan in force on `on`."""
    plan = record_plan_ceased(
        plan=pupil.ehc_plans.in_force().get(), ceased_on=on, reason=reason, by=by, stage=stage
    )
    pupil.refresh_from_db()
    return plan
