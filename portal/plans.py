"""What the parent portal shows of a child's plans (portal/views.py)."""

from django.db.models import Prefetch

from reviews.models import (
    PlanAgreement,
    PlanStrategy,
    PlanTarget,
    ReviewView,
    SupportPlan,
    TargetProgress,
)


def plans_for_parent(pupil):
    """The plan in force, a draft to respond to, and the latest review, in a fixed number of queries."""
    plans = list(
        SupportPlan.objects.filter(pupil=pupil)
        .exclude(status=SupportPlan.Status.SUPERSEDED)
        .select_related("review")
        .prefetch_related(
            Prefetch("targets", queryset=PlanTarget.objects.in_order()),
            Prefetch("strategies", queryset=PlanStrategy.objects.order_by("order", "pk")),
            Prefetch(
                "agreements",
                queryset=PlanAgreement.objects.filter(party=PlanAgreement.Party.PARENT),
                to_attr="parent_responses",
            ),
            Prefetch(
                "views",
                queryset=ReviewView.objects.filter(party=ReviewView.Party.PARENT),
                to_attr="parent_views",
            ),
            Prefetch("review__progress", queryset=TargetProgress.objects.select_related("target")),
        )
        .order_by("-cycle", "-version")
    )
    current = next((plan for plan in plans if plan.is_current), None)
    draft = next((plan for plan in plans if plan.is_draft), None)
    reviewed = next((plan for plan in plans if plan.status == SupportPlan.Status.REVIEWED), None)
    my_response = draft.parent_responses[0] if draft and draft.parent_responses else None
    open_plan = current or draft
    return {
        "current_plan": current,
        # The passport's "My targets" (pupils/includes/_passport_body.html).
        "plan_targets": [target.outcome for target in current.targets.all()] if current else [],
        "current_response": current.parent_responses[0]
        if current and current.parent_responses
        else None,
        "draft_plan": draft,
        "my_response": my_response,
        "plan_to_agree": draft
        if draft and not (my_response and my_response.is_agreement)
        else None,
        "last_review": getattr(reviewed, "review", None),
        "views_plan": open_plan,
        "my_views": open_plan.parent_views[0] if open_plan and open_plan.parent_views else None,
    }
