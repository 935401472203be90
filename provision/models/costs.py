"""
A school's costing settings: what an hour of each kind of adult costs, the element 2
threshold and the notional SEN budget of each financial year (Code of Practice 6.76:
provision is shown costed; docs/provision-costs.md).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from provision import costing
from provision.models.catalogue import StaffRole
from sendhub.roles import Role

# A member of staff is costed at the rate of the role they hold at the school: a TA's
# hour at the TA rate, anyone who teaches (the SENCO and senior leaders too) at the
# teacher rate. Specialists and others are bought in, so they appear only as the usual
# deliverer of an intervention whose group names no member of staff.
TEACHER_RATE_ROLES = (Role.TEACHER, Role.SENCO, Role.SENIOR_LEADER)
TA_RATE_ROLES = (Role.TEACHING_ASSISTANT,)

_money = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(0)]}
_percent = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class CostSettings(models.Model):
    """Hourly rates and on-costs by kind of adult, and the element 2 threshold."""

    school = models.OneToOneField(
        "sendhub.School", on_delete=models.CASCADE, related_name="cost_settings"
    )
    ta_hourly_rate = models.DecimalField(
        "teaching assistant: hourly rate (£)", default=Decimal("15.50"), **_money
    )
    ta_on_cost_percent = models.DecimalField(
        "teaching assistant: on-costs (%)", default=Decimal("30"), **_percent
    )
    teacher_hourly_rate = models.DecimalField(
        "teacher: hourly rate (£)", default=Decimal("32.00"), **_money
    )
    teacher_on_cost_percent = models.DecimalField(
        "teacher: on-costs (%)", default=Decimal("30"), **_percent
    )
    specialist_hourly_rate = models.DecimalField(
        "specialist: hourly rate (£)", default=Decimal("45.00"), **_money
    )
    specialist_on_cost_percent = models.DecimalField(
        "specialist: on-costs (%)",
        default=Decimal("0"),
        help_text="0 for a specialist bought in at a flat fee.",
        **_percent,
    )
    other_hourly_rate = models.DecimalField(
        "other adult: hourly rate (£)", default=Decimal("15.50"), **_money
    )
    other_on_cost_percent = models.DecimalField(
        "other adult: on-costs (%)", default=Decimal("30"), **_percent
    )
    element_2_threshold = models.DecimalField(
        "element 2 threshold (£)",
        max_digits=9,
        decimal_places=2,
        default=costing.ELEMENT_2_THRESHOLD,
        validators=[MinValueValidator(0)],
        help_text="The school pays each pupil's additional provision up to this; the local "
        "authority's top-up pays above it.",
    )

    class Meta:
        verbose_name_plural = "cost settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    ta_hourly_rate__gte=0,
                    teacher_hourly_rate__gte=0,
                    specialist_hourly_rate__gte=0,
                    other_hourly_rate__gte=0,
                    element_2_threshold__gte=0,
                ),
                name="cost_settings_not_negative",
            ),
        ]
        permissions = [
            ("view_costs", "Can see what provision costs"),
            ("view_provision_map", "Can see provision maps"),
        ]

    def __str__(self):
        return f"Cost settings, {self.school}"

    @classmethod
    def for_school(cls, school):
        """The school's settings, or the defaults (unsaved) until it sets its own."""
        return cls.objects.filter(school=school).first() or cls(school=school)

    def hourly_cost(self, staff_role):
        """What an hour of this kind of adult costs the school, on-costs included."""
        return costing.staff_hourly_cost(
            getattr(self, f"{staff_role}_hourly_rate"),
            getattr(self, f"{staff_role}_on_cost_percent"),
        )

    @property
    def hourly_costs(self):
        return {role: self.hourly_cost(role) for role in StaffRole.values}


class NotionalBudget(models.Model):
    """The school's notional SEN budget for one financial year (1 April to 31 March)."""

    school = models.ForeignKey(
        "sendhub.School", on_delete=models.CASCADE, related_name="notional_budgets"
    )
    starts_in = models.PositiveSmallIntegerField(
        "financial year starting April", validators=[MinValueValidator(2000)]
    )
    amount = models.DecimalField(
        "notional SEN budget (£)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["-starts_in"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "starts_in"], name="notional_budget_once_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="notional_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.starts_in}-{str(self.starts_in + 1)[-2:]}: £{self.amount}"
