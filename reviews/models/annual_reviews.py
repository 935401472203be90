"""
Annual reviews of an EHC plan on the statutory clock (Children and Families Act 2014 s44).

Every due date comes from reviews/deadlines.py (docs/ehcp-clock.md); a review only records
what was done and when. The next review runs from the plan's issue date or the previous
review's meeting. Phase-transfer reviews also meet the 15 February / 31 March deadline
(SEND Regulations 2014 reg 18(1)); the year groups that transfer are a school setting.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Max, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.models import PupilRecordQuerySet
from reviews import deadlines
from reviews.models.ehcp import EHCPlan
from sendhub.models import School

# Preparing for adulthood is part of every review from Year 9 (Code of Practice 8.9, 9.176).
PREPARING_FOR_ADULTHOOD_FROM = 9


class TransferYears(models.Model):
    """The year groups whose pupils move to a new phase at the end of the year, per school."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="transfer_years")
    years = models.CharField(
        "phase transfer year groups",
        max_length=40,
        default="6,11",
        validators=[
            RegexValidator(
                r"^-?\d{1,2}(,-?\d{1,2})*$",
                "Year groups separated by commas, e.g. 6,11 (0 is Reception, -1 nursery).",
            )
        ],
        help_text="Year groups whose pupils leave for a new phase next September, e.g. 6,11.",
    )

    class Meta:
        verbose_name = "phase transfer years"
        verbose_name_plural = "phase transfer years"

    def __str__(self):
        return f"Transfer years at {self.school}: {self.years}"

    def clean(self):
        try:
            deadlines.phase_transfer(0, 2026, transfer_years=self.as_set())
        except (ValueError, TypeError) as error:
            raise ValidationError({"years": str(error)}) from error

    def as_set(self):
        return frozenset(int(year) for year in self.years.split(",") if year.strip())

    @classmethod
    def for_school(cls, school_id):
        """The school's transfer years, or the default Year 6 and Year 11."""
        row = cls.objects.filter(school_id=school_id).first()
        return row.as_set() if row else deadlines.DEFAULT_TRANSFER_YEARS


@dataclass(frozen=True)
class Step:
    """One step of a review: what, who owns it, when it is due and where it stands."""

    key: str
    label: str
    owner: str
    due: deadlines.Due
    done_on: date | None
    status: deadlines.Status


SCHOOL = "School"
LA = "Local authority"

STEP_LABELS = {
    "invitations": "Invitations sent",
    "advice_requested": "Advice requested",
    "advice_circulated": "Advice circulated",
    "meeting": "Review meeting held",
    "report": "Report sent to the LA",
    "decision": "LA decision",
    "proposed": "Proposed amendments sent",
    "amended": "Final amended plan issued",
}


# Calendar titles: what falls due that day, with no pupil named.
CALENDAR_TITLES = {
    "invitations": "invitations due",
    "advice_requested": "advice requests due",
    "advice_circulated": "advice circulated due",
    "meeting": "meeting latest",
    "report": "report to the LA due",
    "decision": "LA decision due",
    "proposed": "proposed amendments due",
    "amended": "final amended plan due",
}


class AnnualReviewQuerySet(PupilRecordQuerySet):
    def open(self):
        """Reviews not yet complete."""
        return self.filter(completed_on__isnull=True)

    def for_page(self):
        """A pupil's reviews, newest first, with their plan."""
        return self.select_related("plan").order_by("-starts_from", "-pk")


class AnnualReview(models.Model):
    """One review of an EHC plan, from the invitations to the LA's decision and amendments."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual review"
        INTERIM = "interim", "Interim review"
        PHASE_TRANSFER = "phase_transfer", "Phase transfer review"

    class Decision(models.TextChoices):
        MAINTAIN = "maintain", "Maintain the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease the plan"

    pupil_path = "plan__pupil"

    plan = models.ForeignKey(EHCPlan, on_delete=models.PROTECT, related_name="annual_reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    starts_from = models.DateField(
        "counted from",
        help_text="The plan's issue date or the previous review meeting: the 12 months run "
        "from here (Children and Families Act 2014 s44).",
    )
    year_group = models.SmallIntegerField(help_text="The pupil's year group when opened.")
    preparing_for_adulthood = models.BooleanField(
        default=False, help_text="From Year 9 every review covers preparing for adulthood."
    )
    opened_on = models.DateField(default=date.today)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_on = models.DateField("review meeting on", null=True, blank=True)
    invitations_sent_on = models.DateField("invitations sent on", null=True, blank=True)
    advice_requested_on = models.DateField("advice requested on", null=True, blank=True)
    advice_circulated_on = models.DateField("advice circulated on", null=True, blank=True)
    report_sent_on = models.DateField("report sent to the LA on", null=True, blank=True)
    la_decision = models.CharField(
        "the LA's decision", max_length=10, choices=Decision.choices, blank=True
    )
    la_decision_on = models.DateField("LA decision on", null=True, blank=True)
    amendments_proposed_on = models.DateField("proposed amendments sent on", null=True, blank=True)
    amended_plan_issued_on = models.DateField("final amended plan issued on", null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["annual", "interim", "phase_transfer"]),
                name="annualreview_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(la_decision__in=["", "maintain", "amend", "cease"]),
                name="annualreview_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(la_decision="", la_decision_on__isnull=True)
                | (~Q(la_decision="") & Q(la_decision_on__isnull=False)),
                name="annualreview_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(amendments_proposed_on__isnull=True) | Q(la_decision="amend"),
                name="annualreview_amendments_follow_amend",
            ),
            models.CheckConstraint(
                condition=Q(amended_plan_issued_on__isnull=True)
                | Q(amendments_proposed_on__isnull=False),
                name="annualreview_amended_after_proposals",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(completed_on__isnull=True),
                name="annualreview_one_open_per_plan",
            ),
        ]
        permissions = [("manage_annual_reviews", "Can record the steps of EHC plan reviews")]

    def __str__(self):
        return f"{self.get_kind_display()} counted from {self.starts_from:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reviews:annual_reviews", args=[self.plan.pupil_id])

    def clean(self):
        errors = {}
        if bool(self.la_decision) != bool(self.la_decision_on):
            field = "la_decision_on" if self.la_decision else "la_decision"
            errors[field] = "Record the LA's decision and the date it was made together."
        if self.amendments_proposed_on and self.la_decision != self.Decision.AMEND:
            errors["amendments_proposed_on"] = "Proposed amendments follow a decision to amend."
        if self.amended_plan_issued_on and not self.amendments_proposed_on:
            errors["amended_plan_issued_on"] = "Record when the amendments were proposed first."
        if self.meeting_on and self.meeting_on < self.starts_from:
            errors["meeting_on"] = (
                f"The review is counted from {self.starts_from:%d/%m/%Y}: the meeting cannot "
                "be before that."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def ref(self):
        """A reference with no name in it, for calendars and letters."""
        return f"R-{self.pk}" if self.pk else f"P-{self.plan_id}"

    @property
    def is_amending(self):
        return self.la_decision == self.Decision.AMEND

    def transfer(self, transfer_years=deadlines.DEFAULT_TRANSFER_YEARS):
        """Phase-transfer deadlines when this is a phase-transfer review, else None."""
        if self.kind != self.Kind.PHASE_TRANSFER or self.year_group > deadlines.YEAR_11:
            return None  # a post-16 move has no fixed date (SEND Regulations 2014 reg 18(2))
        return deadlines.phase_transfer(
            self.year_group, self.opened_on, transfer_years=transfer_years | {self.year_group}
        )

    def steps(self, today=None, *, transfer_years=deadlines.DEFAULT_TRANSFER_YEARS):
        """Each step with its due date, owner and status (docs/ehcp-clock.md)."""
        today = today or date.today()
        clock = deadlines.annual_review(self.starts_from)
        transfer = self.transfer(transfer_years)
        meeting_due = clock.meeting_latest
        if transfer:
            meeting_due = min(meeting_due, transfer.recommended_meeting_by)
        meeting_held = self.meeting_on if self.meeting_on and self.meeting_on <= today else None
        invites_due = deadlines.invitations_and_advice_by(self.meeting_on or meeting_due)
        after = deadlines.after_meeting(self.meeting_on or meeting_due)
        rows = [
            ("invitations", SCHOOL, invites_due, self.invitations_sent_on),
            ("advice_requested", SCHOOL, invites_due, self.advice_requested_on),
            ("advice_circulated", SCHOOL, invites_due, self.advice_circulated_on),
            ("meeting", SCHOOL, meeting_due, meeting_held),
            ("report", SCHOOL, after.report_by, self.report_sent_on),
            ("decision", LA, after.la_decision_by, self.la_decision_on),
        ]
        if self.is_amending or (transfer and not self.la_decision):
            if self.amendments_proposed_on:
                amended_due = deadlines.amendment(self.amendments_proposed_on)
            else:
                amended_due = deadlines.amendment(after.la_decision_by)
            amended_due = amended_due.final_amended_plan_by
            if transfer:
                amended_due = min(amended_due, transfer.amended_plan_by)
            rows += [
                ("proposed", LA, after.la_decision_by, self.amendments_proposed_on),
                ("amended", LA, amended_due, self.amended_plan_issued_on),
            ]
        return [
            Step(key, STEP_LABELS[key], owner, due, done,
                 deadlines.status(due, today, done=done))
            for key, owner, due, done in rows
        ]  # fmt: skip

    def next_step(self, today=None, **kwargs):
        """The first step not yet done, or None when the review is complete."""
        return next((step for step in self.steps(today, **kwargs) if step.status != "done"), None)

    def is_complete(self):
        if self.la_decision in (self.Decision.MAINTAIN, self.Decision.CEASE):
            return True
        return bool(self.is_amending and self.amended_plan_issued_on)

    def record(self, **dates):
        """Record steps done; the review completes with the LA's decision (and amendments)."""
        for field, value in dates.items():
            setattr(self, field, value)
        if self.is_complete():
            self.completed_on = self.amended_plan_issued_on or self.la_decision_on
        else:
            self.completed_on = None
        self.full_clean(exclude=["plan", "opened_by"])
        self.save()


def last_meeting():
    """The latest review meeting held for the outer plan, as a subquery."""
    return Subquery(
        AnnualReview.objects.filter(plan=OuterRef("pk"), meeting_on__isnull=False)
        .values("plan")
        .annotate(latest=Max("meeting_on"))
        .values("latest")[:1]
    )


def next_review_for(plan, *, today, transfer_years):
    """The plan's open review, or the one it will have next (unsaved) from the clock."""
    open_reviews = getattr(plan, "open_reviews", None)
    if open_reviews is None:
        open_reviews = list(plan.annual_reviews.open())
    if open_reviews:
        return open_reviews[0]
    start = max(filter(None, [plan.issued_on, getattr(plan, "last_meeting_on", None)]))
    year_group = plan.pupil.year_group
    transfer = deadlines.phase_transfer(year_group, today, transfer_years=transfer_years)
    kind = AnnualReview.Kind.ANNUAL
    if transfer and transfer.amended_plan_by > today:
        kind = AnnualReview.Kind.PHASE_TRANSFER
    return AnnualReview(
        plan=plan,
        kind=kind,
        starts_from=start,
        year_group=year_group,
        preparing_for_adulthood=year_group >= PREPARING_FOR_ADULTHOOD_FROM,
        opened_on=today,
    )


def open_reviews_prefetch():
    """Each plan's open review (at most one), as plan.open_reviews."""
    return Prefetch("annual_reviews", queryset=AnnualReview.objects.open(), to_attr="open_reviews")


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A secret address a person subscribes to for EHC review deadlines, without signing in.

    Only a hash of the token is stored; the address is shown once, when it is made.
    """

    membership = models.ForeignKey(
        "sendhub.Membership", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Calendar feed for {self.membership}"

    @staticmethod
    def hash(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, membership):
        """A new feed and its token (returned once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        return cls.objects.create(membership=membership, token_hash=cls.hash(token)), token

    @property
    def is_active(self):
        return self.revoked_at is None
