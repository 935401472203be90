"""
The EHC plan record: when the local authority issued a pupil's plan and when it ceased.

Only the local authority issues an EHC plan (Children and Families Act 2014 s37) or
ceases to maintain one (s45). The school records what the LA decided, and this record is
the only writer of stage E on the register (docs/register.md): reviews/ehc_plans/services.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.models import Pupil, PupilRecordQuerySet, RegisterEntry


class EHCPlanQuerySet(PupilRecordQuerySet):
    def in_force(self):
        """Plans the local authority has not ceased."""
        return self.filter(ceased_on__isnull=True)

    def for_page(self):
        """What the pupil's EHC plan page shows: each plan with who recorded it."""
        return self.select_related("recorded_by", "ceased_recorded_by").order_by(
            "-issued_on", "-pk"
        )

    def with_review_clock(self):
        """Plans in force with their pupil, open review and last meeting: what the review
        clock reads, with no query per plan."""
        from reviews.models.annual_reviews import last_meeting, open_reviews_prefetch

        return (
            self.in_force()
            .select_related("pupil")
            .annotate(last_meeting_on=last_meeting())
            .prefetch_related(open_reviews_prefetch())
        )

    def for_compliance(self):
        """The review dashboard and calendar: plans in force for pupils on roll."""
        return (
            self.with_review_clock()
            .of_pupils_on_roll()
            .order_by("pupil__last_name", "pupil__first_name", "pk")
        )


class EHCPlan(models.Model):
    """One EHC plan the local authority issued for a pupil, and its cessation if ceased."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehc_plans")
    local_authority = models.CharField(
        "issued by (local authority)",
        max_length=100,
        help_text="The local authority that issued and maintains the plan.",
    )
    issued_on = models.DateField(
        "final plan issued on", help_text="The date on the final plan the local authority sent."
    )
    notes = models.TextField(blank=True)
    # Empty when a command-line MIS import recorded it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    issue_entry = models.OneToOneField(
        RegisterEntry, on_delete=models.PROTECT, related_name="ehc_plan_issued"
    )
    ceased_on = models.DateField("ceased on", null=True, blank=True)
    cease_reason = models.TextField(
        "the local authority's decision",
        blank=True,
        help_text="Why the local authority ceased the plan, as its decision letter says.",
    )
    ceased_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cease_entry = models.OneToOneField(
        RegisterEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ehc_plan_ceased",
    )

    history = HistoricalRecords()
    objects = EHCPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "EHC plan"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(ceased_on__isnull=True),
                name="ehcplan_one_in_force_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("issued_on")),
                name="ehcplan_ceases_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | ~Q(cease_reason=""),
                name="ehcplan_cessation_has_reason",
            ),
        ]
        permissions = [
            ("record_ehc_plan", "Can record an EHC plan issued or ceased by the local authority"),
        ]

    def __str__(self):
        return f"EHC plan for {self.pupil}, issued {self.issued_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reviews:ehc_plan", args=[self.pupil_id])

    def clean(self):
        if self.ceased_on and self.ceased_on < self.issued_on:
            raise ValidationError(
                {"ceased_on": "A plan cannot cease before it was issued. Check both dates."}
            )
        if self.ceased_on and not self.cease_reason.strip():
            raise ValidationError({"cease_reason": "Say why the local authority ceased the plan."})

    @property
    def is_in_force(self):
        return self.ceased_on is None
