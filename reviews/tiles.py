"""The SENCO dashboard's plan tiles, in a fixed number of queries."""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from pupils.models import Pupil
from reviews.models import DUE_SOON_DAYS, PlanAgreement, ReviewView, SupportPlan

SHOWN = 5


def plan_tiles(user, *, today=None):
    """Plans due this fortnight and overdue, awaiting parent agreement, and K pupils without one."""
    today = today or date.today()
    # Scoped to the school on the joined pupil as well as by visible_to, so PostgreSQL reads
    # one school's pupils by index rather than every pupil of the trust.
    plans = (
        SupportPlan.objects.visible_to(user)
        .filter(pupil__school=user.school)
        .of_pupils_on_roll(today)
    )
    in_force = Q(status__in=[SupportPlan.Status.AGREED, SupportPlan.Status.ACTIVE])
    parent_agreed = PlanAgreement.objects.parent_agreed(OuterRef("pk"))
    views_waiting = ReviewView.objects.filter(
        plan=OuterRef("pk"), asked_on__isnull=False, received_on__isnull=True
    )
    counts = plans.annotate(
        parent_agreed=Exists(parent_agreed), views_waiting=Exists(views_waiting)
    ).aggregate(
        due=Count("pk", filter=in_force & Q(review_due_on__gte=today,
                                            review_due_on__lte=today + timedelta(DUE_SOON_DAYS))),
        overdue=Count("pk", filter=in_force & Q(review_due_on__lt=today)),
        awaiting=Count("pk", filter=Q(status=SupportPlan.Status.DRAFT, parent_agreed=False)),
        awaiting_views=Count("pk", filter=Q(status__in=SupportPlan.OPEN_STATUSES,
                                            views_waiting=True)),
    )  # fmt: skip
    with_plan = SupportPlan.objects.current().filter(pupil_id=OuterRef("pk"))
    without = (
        Pupil.objects.visible_to(user)
        .on_roll(today)
        .with_census_code("K")
        .exclude(Exists(with_plan))
    )
    due_list = (plans.overdue(today) | plans.due_for_review(today)).select_related("pupil")
    return {
        "plans_due": counts["due"],
        "plans_overdue": counts["overdue"],
        "plans_due_list": due_list.order_by("review_due_on", "pk")[:SHOWN],
        "plans_awaiting_parent": counts["awaiting"],
        "plans_awaiting_views": counts["awaiting_views"],
        "plans_awaiting_list": plans.awaiting_parent_agreement()
        .select_related("pupil")
        .order_by("created_at", "pk")[:SHOWN],
        "pupils_without_plan": without.count(),
        "pupils_without_plan_list": without.order_by("last_name", "first_name", "pk")[:SHOWN],
    }
