"""
A school's catalogue of interventions: what it offers beyond ordinary teaching, who it is
for, how it runs, how progress is measured and when a pupil starts and stops (Code of
Practice 6.76). No pupil data.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.codes import BroadArea
from sendhub.models import Layer


class Delivery(models.TextChoices):
    IN_CLASS = "in_class", "In class"
    WITHDRAWAL = "withdrawal", "Withdrawal (out of class)"


class StaffRole(models.TextChoices):
    """Who usually delivers an intervention; a seam for hourly costs by role later."""

    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    TEACHER = "teacher", "Teacher"
    SPECIALIST = "specialist", "Specialist"
    OTHER = "other", "Other"


class MeasureKind(models.TextChoices):
    """How entry and exit are measured; both on the same measure (docs/provision-impact.md)."""

    STANDARDISED = "standardised", "Standardised score"
    AGE_EQUIVALENT = "age_equivalent", "Age-equivalent (months)"
    RATING = "rating", "Rating scale"
    CHECKLIST = "checklist", "Checklist"


AREA_LABELS = dict(BroadArea.choices)
# Measures a test gives, which a pupil's assessment result records.
TESTED_KINDS = (MeasureKind.STANDARDISED, MeasureKind.AGE_EQUIVALENT)


class InterventionQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)

    def active(self):
        return self.filter(is_active=True)

    def for_catalogue(self):
        """The catalogue page: every intervention with how many groups run it."""
        return (
            self.annotate(group_count=Count("groups", distinct=True))
            .select_related("instrument")
            .order_by("-is_active", "name", "pk")
        )


class Intervention(models.Model):
    """One intervention a school offers, with its entry and exit criteria and cost inputs."""

    school = models.ForeignKey(
        "sendhub.School", on_delete=models.PROTECT, related_name="interventions"
    )
    name = models.CharField(max_length=120)
    areas = models.JSONField(
        "areas of need", default=list, help_text="Broad areas of need (Code of Practice 6.28)."
    )
    layer = models.CharField(max_length=20, choices=Layer.choices, default=Layer.TARGETED)
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.WITHDRAWAL
    )
    group_size = models.PositiveSmallIntegerField(
        "pupils per group", default=4, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    typical_weeks = models.PositiveSmallIntegerField(
        "typical length in weeks", default=10, validators=[MinValueValidator(1)]
    )
    staff_role = models.CharField(
        "usually delivered by",
        max_length=20,
        choices=StaffRole.choices,
        default=StaffRole.TEACHING_ASSISTANT,
    )
    evidence_base = models.TextField(blank=True)
    measure_kind = models.CharField(
        "kind of measure",
        max_length=20,
        choices=MeasureKind.choices,
        default=MeasureKind.STANDARDISED,
    )
    measure_name = models.CharField(
        "measure used",
        max_length=120,
        blank=True,
        help_text="The test or scale, e.g. a reading test.",
    )
    instrument = models.ForeignKey(
        "pupils.AssessmentInstrument",
        verbose_name="assessment used",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interventions",
        help_text=(
            "For a standardised score or an age-equivalent: the test in pupils' assessments. "
            "Entry scores start from a pupil's latest result on it, and entry and exit "
            "scores are added to their assessment results."
        ),
    )
    entry_criteria = models.TextField()
    exit_criteria = models.TextField()
    resource_cost = models.DecimalField(
        "resources per group (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Books, kits and materials for one group, on top of staff time.",
    )
    is_active = models.BooleanField("offered now", default=True)

    history = HistoricalRecords()
    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="intervention_unique_name"),
            models.CheckConstraint(
                condition=Q(layer__in=[layer.value for layer in Layer]),
                name="intervention_layer_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="intervention_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(staff_role__in=StaffRole.values), name="intervention_staff_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(measure_kind__in=MeasureKind.values),
                name="intervention_measure_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    group_size__gte=1, sessions_per_week__gte=1, minutes_per_session__gte=1
                ),
                name="intervention_sizes_positive",
            ),
            models.CheckConstraint(
                condition=Q(resource_cost__gte=0), name="intervention_resource_cost_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("provision:intervention_edit", args=[self.pk])

    def clean(self):
        unknown = set(self.areas or []) - set(BroadArea.values)
        if not isinstance(self.areas, list) or unknown:
            raise ValidationError({"areas": "Choose areas of need from the list."})
        if self.instrument_id is None:
            return
        if self.measure_kind not in TESTED_KINDS:
            raise ValidationError(
                {"instrument": "Only a standardised score or an age-equivalent comes from a test."}
            )
        if self.measure_kind == MeasureKind.STANDARDISED and not self.instrument.standardised:
            raise ValidationError(
                {"instrument": f"{self.instrument.name} does not give standardised scores."}
            )

    @property
    def uses_assessments(self):
        """Entry and exit scores are results on one of the pupils' assessment instruments."""
        return self.instrument_id is not None and self.measure_kind in TESTED_KINDS

    @property
    def area_labels(self):
        return [AREA_LABELS[code] for code in self.areas if code in AREA_LABELS]

    @property
    def planned_sessions(self):
        """Sessions in a typical run: the default plan for a new group."""
        return self.sessions_per_week * self.typical_weeks

    @property
    def is_one_to_one(self):
        return self.group_size == 1
