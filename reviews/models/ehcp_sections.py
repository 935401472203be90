"""
The sections of an EHC plan the school works from: B (needs), E (outcomes), F (provision).

The local authority writes the plan (SEND Regulations 2014 reg 12); the SENCO copies its
sections B, E and F here as lines, so section F provision can be traced to the groups
that deliver it (Code of Practice 9.69) and each outcome reviewed at the annual review
(reg 20(2); Code of Practice 9.176). Lines are never deleted: a line the LA removed at an
amendment is ended with a date, and its history is kept. docs/ehcp-sections.md.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pupils.codes import BroadArea
from pupils.models import PupilRecordQuerySet
from reviews import deadlines
from sendhub.models import School

# A school year is 190 days of teaching, 38 weeks (Education (School Day and School Year)
# (England) Regulations 1999 reg 3): how a weekly frequency becomes hours a year.
SCHOOL_WEEKS_PER_YEAR = 38

# Delivered hours may fall this far below the pro-rata share of planned hours before the
# line is flagged, unless the school sets its own tolerance.
DEFAULT_SHORTFALL_TOLERANCE_PERCENT = 10


class AdulthoodDomain(models.TextChoices):
    """The four preparing-for-adulthood outcomes (Code of Practice 8.5, 9.66)."""

    EMPLOYMENT = "employment", "Higher education and/or employment"
    INDEPENDENT_LIVING = "independent_living", "Independent living"
    COMMUNITY = "community", "Participating in society"
    HEALTH = "health", "Being as healthy as possible"


class PlanLineQuerySet(PupilRecordQuerySet):
    def current(self):
        """Lines the plan still holds: not ended at an amendment."""
        return self.filter(ended_on__isnull=True)


class PlanLine(models.Model):
    """What every line of sections B, E and F holds: its plan, place and end."""

    pupil_path = "plan__pupil"

    order = models.PositiveSmallIntegerField(default=0)
    ended_on = models.DateField(
        "ended on",
        null=True,
        blank=True,
        help_text="The date the local authority took this line out of the plan.",
    )
    end_reason = models.CharField("why it ended", max_length=300, blank=True)

    objects = PlanLineQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def clean(self):
        if self.ended_on and not self.end_reason.strip():
            raise ValidationError({"end_reason": "Say why this line ended."})
        plan = getattr(self, "plan", None)
        if self.ended_on and plan is not None and self.ended_on < plan.issued_on:
            raise ValidationError(
                {"ended_on": "A line cannot end before the plan was issued. Check the date."}
            )

    @property
    def is_current(self):
        return self.ended_on is None


class EHCPlanNeed(PlanLine):
    """Section B: one special educational need the plan describes."""

    plan = models.ForeignKey("reviews.EHCPlan", on_delete=models.PROTECT, related_name="needs")
    area = models.CharField("area of need", max_length=4, choices=BroadArea.choices)
    description = models.TextField(help_text="As section B of the plan words it.")

    history = HistoricalRecords()

    class Meta(PlanLine.Meta):
        verbose_name = "EHC plan need (section B)"

    def __str__(self):
        return f"{self.get_area_display()}: {self.description[:60]}"


class EHCPlanOutcome(PlanLine):
    """Section E: one outcome the plan sets, in an area of need or a preparing-for-adulthood
    domain (Code of Practice 9.64-9.69)."""

    plan = models.ForeignKey("reviews.EHCPlan", on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.TextField(help_text="As section E of the plan words it.")
    area = models.CharField("area of need", max_length=4, choices=BroadArea.choices, blank=True)
    adulthood_domain = models.CharField(
        "preparing for adulthood",
        max_length=20,
        choices=AdulthoodDomain.choices,
        blank=True,
        help_text="From Year 9, outcomes look towards adult life (Code of Practice 8.5).",
    )
    target_date = models.DateField("to be achieved by", null=True, blank=True)

    history = HistoricalRecords()

    class Meta(PlanLine.Meta):
        verbose_name = "EHC plan outcome (section E)"
        constraints = [
            models.CheckConstraint(
                condition=~Q(area="") | ~Q(adulthood_domain=""),
                name="ehcplanoutcome_has_area_or_domain",
            ),
        ]

    def __str__(self):
        return self.outcome[:80]

    def clean(self):
        super().clean()
        if not self.area and not self.adulthood_domain:
            raise ValidationError(
                {"area": "Choose the area of need or preparing-for-adulthood domain."}
            )

    @property
    def heading(self):
        return self.get_area_display() or self.get_adulthood_domain_display()


class EHCPlanProvision(PlanLine):
    """Section F: one piece of provision the plan specifies, and the group that delivers it.

    Provision is planned as hours a year, or as sessions a week of so many minutes
    (Code of Practice 9.69: specified and quantified).
    """

    plan = models.ForeignKey(
        "reviews.EHCPlan", on_delete=models.PROTECT, related_name="provision_lines"
    )
    description = models.TextField(help_text="As section F of the plan words it.")
    outcomes = models.ManyToManyField(
        EHCPlanOutcome,
        blank=True,
        related_name="provision_lines",
        verbose_name="outcomes it works towards",
    )
    provided_by = models.CharField(
        "who provides it",
        max_length=120,
        help_text="A role, not a name: e.g. teaching assistant, speech and language therapist.",
    )
    hours_per_year = models.DecimalField(
        "hours a year",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    sessions_per_week = models.DecimalField(
        "sessions a week",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        "minutes a session",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    group = models.ForeignKey(
        "provision.ProvisionGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ehcp_provision_lines",
        verbose_name="delivered by the group",
        help_text="The intervention group whose session logs show this provision delivered.",
    )

    history = HistoricalRecords()

    class Meta(PlanLine.Meta):
        verbose_name = "EHC plan provision (section F)"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_year__isnull=False)
                | (Q(sessions_per_week__isnull=False) & Q(minutes_per_session__isnull=False)),
                name="ehcplanprovision_is_quantified",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        super().clean()
        weekly = self.sessions_per_week is not None and self.minutes_per_session is not None
        if self.hours_per_year is None and not weekly:
            raise ValidationError(
                {
                    "hours_per_year": "Give the hours a year, or the sessions a week and the "
                    "minutes a session: section F provision is quantified."
                }
            )

    @property
    def planned_hours_per_year(self):
        """Hours a year, given or worked out from sessions a week over a 38-week year."""
        if self.hours_per_year is not None:
            return Decimal(self.hours_per_year)
        minutes = Decimal(self.sessions_per_week) * self.minutes_per_session * SCHOOL_WEEKS_PER_YEAR
        return (minutes / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def frequency(self):
        """Plain words for how often: "3 sessions a week of 30 minutes" or "190 hours a year"."""
        if self.sessions_per_week is not None and self.minutes_per_session is not None:
            count = f"{self.sessions_per_week.normalize():f}"
            noun = "session" if count == "1" else "sessions"
            return f"{count} {noun} a week of {self.minutes_per_session} minutes"
        return f"{self.hours_per_year.normalize():f} hours a year"


class ShortfallTolerance(models.Model):
    """How far delivered section F hours may fall behind plan before a line is flagged."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="shortfall_tolerance"
    )
    percent = models.PositiveSmallIntegerField(
        "tolerance (%)",
        default=DEFAULT_SHORTFALL_TOLERANCE_PERCENT,
        validators=[MaxValueValidator(50)],
        help_text="Flag a line when delivered hours are more than this far below plan to date.",
    )

    history = HistoricalRecords()

    def __str__(self):
        return f"Shortfall tolerance at {self.school}: {self.percent}%"

    @classmethod
    def for_school(cls, school_id):
        row = cls.objects.filter(school_id=school_id).values_list("percent", flat=True).first()
        return DEFAULT_SHORTFALL_TOLERANCE_PERCENT if row is None else row


def academic_year_start(day):
    """1 September of the academic year that day falls in."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _working_days(first, last):
    """England and Wales working days from first to last inclusive (0 if last < first)."""
    if last < first:
        return 0
    return sum(
        1
        for n in range((last - first).days + 1)
        if deadlines.is_working_day(date.fromordinal(first.toordinal() + n))
    )


def share_of_year_to_date(today, since=None):
    """The share of this academic year's planned provision due by today, 0 to 1.

    The year runs from 1 September to 31 July; the share is working days elapsed over
    working days in the year, counted from `since` (the plan's issue date) when that is
    later than 1 September, so a plan issued mid-year is not judged on months before it.
    """
    start = academic_year_start(today)
    end = date(start.year + 1, 7, 31)
    whole = _working_days(start, end)
    first = max(start, since) if since else start
    return Decimal(_working_days(first, min(today, end))) / Decimal(whole)


def delivery_for(line, delivered_minutes, share, tolerance_percent):
    """Planned, due-to-date and delivered hours for a section F line, and whether it is short.

    delivered_minutes is None when the line has no group (nothing to count).
    """
    planned = line.planned_hours_per_year
    due = (planned * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if delivered_minutes is None:
        return {"planned": planned, "due": due, "delivered": None, "shortfall": False}
    delivered = (Decimal(delivered_minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)
    floor = due * (100 - tolerance_percent) / 100
    return {
        "planned": planned,
        "due": due,
        "delivered": delivered,
        "shortfall": delivered < floor,
        "behind_by": max(due - delivered, Decimal(0)),
    }
