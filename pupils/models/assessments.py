"""Assessments, specialist services and referrals."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pupils.models.concerns import (
    Concern,
    months_old_on,
    validate_document_or_image,
    validate_not_in_future,
)
from pupils.models.pupil import Pupil, PupilRecordQuerySet, RestrictedRecordQuerySet
from sendhub.models import School


class AssessmentInstrument(models.Model):
    """A screening or diagnostic test the school uses (configurable per school)."""

    class Kind(models.TextChoices):
        SCREENING = "screening", "Screening"
        DIAGNOSTIC = "diagnostic", "Diagnostic"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="instruments")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    standardised = models.BooleanField(
        default=True, help_text="Gives standardised scores (mean 100, SD 15)."
    )
    min_age_months = models.PositiveSmallIntegerField(
        "youngest age (months)", null=True, blank=True
    )
    max_age_months = models.PositiveSmallIntegerField("oldest age (months)", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="instrument_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=["screening", "diagnostic"]), name="instrument_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lte=models.F("max_age_months")),
                name="instrument_age_range_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def age_range(self):
        def years(months):
            return f"{months // 12}y {months % 12}m"

        if self.min_age_months is None and self.max_age_months is None:
            return "any age"
        low = years(self.min_age_months) if self.min_age_months is not None else "any"
        high = years(self.max_age_months) if self.max_age_months is not None else "any"
        return f"{low} to {high}"

    def fits_age(self, months):
        if self.min_age_months is not None and months < self.min_age_months:
            return False
        return self.max_age_months is None or months <= self.max_age_months


# An age-equivalent beyond 20 years is a typing slip (reading ages stop well before).
MAX_AGE_EQUIVALENT_MONTHS = 240
AGE_EQUIVALENT_RANGE = "An age-equivalent is in months, from 0 to 240 (20 years)."


class AssessmentResultQuerySet(PupilRecordQuerySet):
    def for_profile(self):
        return self.select_related("instrument", "recorded_by").order_by("-taken_on", "-pk")


class AssessmentResult(models.Model):
    """A pupil's result on an instrument; it belongs to the pupil, not just a concern."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.ForeignKey(
        AssessmentInstrument, on_delete=models.PROTECT, related_name="results"
    )
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    taken_on = models.DateField("date taken", validators=[validate_not_in_future])
    assessor = models.CharField(max_length=120)
    raw_score = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    standardised_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(40, "A standardised score is between 40 and 160 (mean 100)."),
            MaxValueValidator(160, "A standardised score is between 40 and 160 (mean 100)."),
        ],
        help_text="Mean 100, SD 15; 85 to 115 is the average band.",
    )
    age_equivalent_months = models.PositiveSmallIntegerField(
        "age-equivalent (months)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_EQUIVALENT_MONTHS, AGE_EQUIVALENT_RANGE)],
        help_text="For example a reading age.",
    )
    percentile = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, "A percentile is between 0 and 100.")],
    )
    source = models.CharField(
        "recorded from",
        max_length=200,
        blank=True,
        help_text="Where the result was entered, when not on the assessments page.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AssessmentResultQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standardised_score__isnull=True)
                | Q(standardised_score__gte=40, standardised_score__lte=160),
                name="result_standardised_range",
            ),
            models.CheckConstraint(
                condition=Q(percentile__isnull=True) | Q(percentile__lte=100),
                name="result_percentile_range",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} on {self.taken_on:%d/%m/%Y}"

    @property
    def age_months_when_taken(self):
        return months_old_on(self.pupil, self.taken_on)

    @property
    def age_warning(self):
        """Plain words when the pupil's age on the day is outside the instrument's range."""
        months = self.age_months_when_taken
        if self.instrument.fits_age(months):
            return ""
        return (
            f"{self.pupil.full_name} was {months // 12}y {months % 12}m on the day; "
            f"{self.instrument.name} is for {self.instrument.age_range}, so treat the "
            "scores with care."
        )

    @property
    def age_equivalent_display(self):
        months = self.age_equivalent_months
        return "" if months is None else f"{months // 12}y {months % 12}m"

    @property
    def band(self):
        score = self.standardised_score
        if score is None:
            return ""
        if score < 85:
            return "below average"
        return "above average" if score > 115 else "average"


class SpecialistService(models.Model):
    """An outside service the school refers to, with contact details."""

    class Kind(models.TextChoices):
        EP = "ep", "Educational psychology"
        SALT = "salt", "Speech and language therapy"
        OT = "ot", "Occupational therapy"
        CAMHS = "camhs", "CAMHS"
        SPECIALIST_TEACHER = "specialist_teacher", "Specialist teacher"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contact = models.CharField("contact name", max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="service_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=["ep", "salt", "ot", "camhs", "specialist_teacher", "other"]),
                name="service_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name


class ReferralQuerySet(RestrictedRecordQuerySet):
    def for_list(self):
        return self.select_related("service", "pupil", "requested_by").order_by(
            "-requested_on", "-pk"
        )


class Referral(models.Model):
    """A referral of a pupil to a specialist service; its report is restricted (tier 3)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        SpecialistService, on_delete=models.PROTECT, related_name="referrals"
    )
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    requested_on = models.DateField(validators=[validate_not_in_future])
    seen_on = models.DateField(null=True, blank=True, validators=[validate_not_in_future])
    report_received_on = models.DateField(
        null=True, blank=True, validators=[validate_not_in_future]
    )
    report = models.FileField(
        "specialist report",
        upload_to="referral-reports/%Y/",
        blank=True,
        validators=[validate_document_or_image],
    )
    notes = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Staff besides the SENCO who may open the specialist report.",
    )

    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seen_on__isnull=True) | Q(seen_on__gte=models.F("requested_on")),
                name="referral_seen_after_request",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} to {self.service}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.seen_on and self.requested_on and self.seen_on < self.requested_on:
            raise ValidationError({"seen_on": "The pupil cannot be seen before the referral."})
        if (
            self.report_received_on
            and self.requested_on
            and (self.report_received_on < self.requested_on)
        ):
            raise ValidationError(
                {"report_received_on": "The report cannot arrive before the referral."}
            )

    def waiting_days(self, on=None):
        """Days from the request to being seen (or to today while still waiting)."""
        end = self.seen_on or on or date.today()
        return (end - self.requested_on).days

    @property
    def is_waiting(self):
        return self.seen_on is None
