"""Support plans for the `world` pupils, shared by the access walk and the plan tests."""

from datetime import date, timedelta

from provision.models import Strategy
from reviews.models import PlanStrategy, PlanTarget, SupportPlan
from sendhub.roles import Role

SEN_TEAM_AND_ADMIN = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN}


def make_plan(pupil, by, *, status=SupportPlan.Status.DRAFT, targets=3, cycle=1, version=1,
              review_due_on=None, previous=None):  # fmt: skip
    """A plan with numbered targets and one library strategy."""
    plan = SupportPlan.objects.create(
        pupil=pupil,
        cycle=cycle,
        version=version,
        status=status,
        assess_summary="Reads two years below age; struggles to copy from the board.",
        provision_notes="Lexia three times a week with the TA.",
        home_targets="Read together for ten minutes each evening.",
        review_due_on=review_due_on or date.today() + timedelta(weeks=12),
        created_by=by,
        previous=previous,
        starts_on=date.today() if status == SupportPlan.Status.ACTIVE else None,
    )
    for order in range(1, targets + 1):
        PlanTarget.objects.create(
            plan=plan,
            order=order,
            outcome=f"Target {order} for {pupil.first_name}",
            success_criteria=f"Does it {order + 2} times in 5",
            baseline="Once in 5",
            owner="Class teacher",
        )
    strategy = Strategy.objects.filter(school__isnull=True).first()
    PlanStrategy.objects.create(plan=plan, order=1, text=strategy.text, strategy=strategy)
    return plan


def plan_kwargs_for(status):
    """A kwargs function for the access walk: a plan in `status` in or out of the role's scope."""

    def plan_kwargs(world, role, in_scope):
        senco = world.user(Role.SENCO)
        plans = {}
        for pupil in (world.taught, world.untaught, world.elsewhere):
            plan = SupportPlan.objects.filter(pupil=pupil, status=status).first()
            plans[pupil.pk] = plan or make_plan(pupil, senco, status=status)
        if in_scope:
            pupil = world.taught
        elif role in SEN_TEAM_AND_ADMIN:
            pupil = world.elsewhere  # another school
        else:
            pupil = world.untaught  # same school, not theirs
        return {"pk": plans[pupil.pk].pk}

    plan_kwargs.__name__ = f"plan_kwargs_{status}"
    return plan_kwargs


draft_plan_kwargs = plan_kwargs_for(SupportPlan.Status.DRAFT)
agreed_plan_kwargs = plan_kwargs_for(SupportPlan.Status.AGREED)
active_plan_kwargs = plan_kwargs_for(SupportPlan.Status.ACTIVE)


def reviewed_plan(pupil, by, *, targets=3, cycle=1, decision="continue", summary="Keep going."):
    """An active plan taken through services.close_review, as the review page does it."""
    from reviews import services

    plan = make_plan(pupil, by, status=SupportPlan.Status.ACTIVE, targets=targets, cycle=cycle)
    progress = {t.pk: ("partly", f"Evidence for {t.outcome}") for t in plan.targets.all()}
    services.close_review(plan=plan, held_on=date.today(), decision=decision, summary=summary,
                          progress=progress, recorded_by=by)  # fmt: skip
    plan.refresh_from_db()
    return plan


def reviewed_plan_kwargs(world, role, in_scope):
    """A reviewed plan (with its review) in or out of the role's scope."""
    senco = world.user(Role.SENCO)
    plans = {}
    for pupil in (world.taught, world.untaught, world.elsewhere):
        plan = SupportPlan.objects.filter(pupil=pupil, review__isnull=False).first()
        plans[pupil.pk] = plan or reviewed_plan(pupil, senco)
    if in_scope:
        pupil = world.taught
    elif role in SEN_TEAM_AND_ADMIN:
        pupil = world.elsewhere  # another school
    else:
        pupil = world.untaught  # same school, not theirs
    return {"pk": plans[pupil.pk].pk}
