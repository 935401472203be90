"""National SEN figures the dashboards compare a school with."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendhub.models.schools import School


class NationalComparisonQuerySet(models.QuerySet):
    def for_school(self, school):
        """The figures shipped with SENDhub and those the school has entered itself."""
        return self.filter(Q(school__isnull=True) | Q(school=school))

    def comparators_for(self, school):
        """
        {measure: figure} to set beside the school's own percentages (one query).

        For each measure the newest census wins; within it the school's own phase beats
        all schools, and figures the school entered beat the shipped ones.
        """
        phase = school.comparison_phase
        rows = list(self.for_school(school).filter(phase__in=[phase, NationalComparison.Phase.ALL]))
        comparators = {}
        for measure, field in NationalComparison.MEASURES.items():
            candidates = [row for row in rows if getattr(row, field) is not None]
            if not candidates:
                continue
            best = max(
                candidates,
                key=lambda row: (row.census_date, row.phase == phase, row.school_id is not None),
            )
            comparators[measure] = {
                "percent": getattr(best, field),
                "who": best.get_phase_display().lower(),
                "figures": best,
            }
        return comparators


class NationalComparison(models.Model):
    """
    National SEN figures for a census and phase, with their source.

    Published each June in DfE "Special educational needs in England". Rows with no
    school ship with SENDhub (a data migration); a school's administrator or senior
    leader adds newer figures for their own school, so no school changes another's.
    """

    class Phase(models.TextChoices):
        ALL = "all", "All schools"
        PRIMARY = "primary", "State-funded primary schools"
        SECONDARY = "secondary", "State-funded secondary schools"
        SPECIAL = "special", "Special schools"

    MEASURES = {
        "ehcp": "ehcp_percent",
        "sen_support": "sen_support_percent",
        "any_sen": "any_sen_percent",
    }

    year_label = models.CharField("academic year", max_length=7, help_text="For example 2024/25.")
    census_date = models.DateField("census day", help_text="The January census the figures count.")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    ehcp_percent = models.DecimalField(
        "pupils with an EHC plan (%)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    sen_support_percent = models.DecimalField(
        "pupils on SEN support (%)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    any_sen_percent = models.DecimalField(
        "pupils with any SEN (%)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    source = models.CharField(
        max_length=300, help_text="Publication and table, so a reader can check the figure."
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = NationalComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-census_date", "phase", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=["all", "primary", "secondary", "special"]),
                name="national_comparison_phase_valid",
            ),
            models.CheckConstraint(
                condition=Q(ehcp_percent__isnull=False)
                | Q(sen_support_percent__isnull=False)
                | Q(any_sen_percent__isnull=False),
                name="national_comparison_has_a_figure",
            ),
            models.UniqueConstraint(
                fields=["year_label", "phase"],
                condition=Q(school__isnull=True),
                name="national_comparison_unique_shipped",
            ),
            models.UniqueConstraint(
                fields=["year_label", "phase", "school"],
                condition=Q(school__isnull=False),
                name="national_comparison_unique_per_school",
            ),
        ]

    def __str__(self):
        return f"{self.get_phase_display()}, {self.year_label}"

    def clean(self):
        super().clean()
        if all(getattr(self, field) is None for field in self.MEASURES.values()):
            raise ValidationError(
                "Enter at least one percentage: EHC plan, SEN support or any SEN."
            )
