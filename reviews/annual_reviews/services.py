"""Opening a review of a pupil's EHC plan on the statutory clock."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from reviews.models import AnnualReview, EHCPlan, TransferYears, next_review_for


@transaction.atomic
def open_annual_review(
    *, plan: EHCPlan, by, kind: str | None = None, today: date | None = None
) -> AnnualReview:
    """
    Open the plan's next review, counted from its issue or the last meeting (s44).

    The review's year group and preparing-for-adulthood flag are the pupil's today; without
    a kind it is a phase-transfer review in a transfer year, else an annual review.
    """
    today = today or date.today()
    plan = EHCPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    if not plan.is_in_force:
        raise ValidationError("The plan has ceased: there is nothing to review.")
    if plan.annual_reviews.open().exists():
        raise ValidationError("This plan already has a review open: complete it first.")
    meetings = plan.annual_reviews.exclude(meeting_on=None).order_by("-meeting_on")
    plan.open_reviews = []
    plan.last_meeting_on = meetings.values_list("meeting_on", flat=True).first()
    transfer_years = TransferYears.for_school(plan.pupil.school_id)
    review = next_review_for(plan, today=today, transfer_years=transfer_years)
    review.kind = kind or review.kind
    review.opened_by = by
    review._change_reason = f"{review.get_kind_display()} opened"
    review.save()
    return review
