"""Schools and their settings: the school's own words, review cadence and term dates."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendhub.models.people import Trust

# A plan is reviewed "at least termly" (docs/graduated-approach.md).
# A term is at most about 14 school weeks; 16 calendar weeks allows for a holiday.
MAX_WEEKS_TO_REVIEW = 16


class Layer(models.TextChoices):
    """Support layers (the 2026 White Paper's proposed shape).

    A school may call them by its own names: School.layer_label().
    """

    UNIVERSAL = "universal", "Universal"
    TARGETED = "targeted", "Targeted"
    TARGETED_PLUS = "targeted_plus", "Targeted plus"
    SPECIALIST = "specialist", "Specialist"


MONTHS = [
    (1, "January"), (2, "February"), (3, "March"), (4, "April"), (5, "May"), (6, "June"),
    (7, "July"), (8, "August"), (9, "September"), (10, "October"), (11, "November"),
    (12, "December"),
]  # fmt: skip
DAYS_IN_MONTH = {
    1: 31,
    2: 28,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}

# The fields holding the last day of each term. The defaults for England split the
# school year (1 September to 31 August) at 31 December and 31 March; a school sets
# its own last days of term.
TERM_END_FIELDS = {
    "autumn": ("autumn_term_end_day", "autumn_term_end_month"),
    "spring": ("spring_term_end_day", "spring_term_end_month"),
    "summer": ("summer_term_end_day", "summer_term_end_month"),
}


def _school_year_position(month):
    """September is the first month of the school year, August the last."""
    return (month - 9) % 12


def _term_day_field(term, default):
    return models.PositiveSmallIntegerField(
        f"{term} term ends: day",
        default=default,
        validators=[
            MinValueValidator(1, "Choose a day from 1 to 31."),
            MaxValueValidator(31, "Choose a day from 1 to 31."),
        ],
    )


def _term_month_field(term, default):
    return models.PositiveSmallIntegerField(
        f"{term} term ends: month", choices=MONTHS, default=default
    )


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE = "alternative", "Alternative provision"

    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{6}$", "A URN is six digits.")],
        help_text="DfE unique reference number",
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    local_authority = models.CharField(max_length=100)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    # Settings a school words or schedules differently, with these defaults.
    plan_label = models.CharField(
        "name for a support plan",
        max_length=60,
        default="SEN support plan",
        help_text="What the school calls a support plan (IEP, My Plan, Individual Support Plan).",
    )
    review_cadence_weeks = models.PositiveSmallIntegerField(
        "weeks between reviews",
        default=12,
        validators=[
            MinValueValidator(1, "Reviews must be at least 1 week apart."),
            MaxValueValidator(
                MAX_WEEKS_TO_REVIEW,
                f"Plans are reviewed at least termly: choose {MAX_WEEKS_TO_REVIEW} weeks or fewer.",
            ),
        ],
        help_text=f"The review date a new plan starts with. At least termly: "
        f"{MAX_WEEKS_TO_REVIEW} weeks at most.",
    )
    passport_stale_days = models.PositiveSmallIntegerField(
        "days before a passport needs checking",
        default=120,
        validators=[
            MinValueValidator(1, "Choose at least 1 day."),
            MaxValueValidator(365, "Choose 365 days (a year) or fewer."),
        ],
        help_text="Days after which a pupil passport not confirmed with the pupil is flagged.",
    )
    uses_layers = models.BooleanField(
        "the school uses support layers",
        default=True,
        help_text="When this is off, plans do not ask for or show a support layer.",
    )
    # The school's own names for the layers; blank means the standard name (Layer).
    universal_layer_name = models.CharField("our name for Universal", max_length=40, blank=True)
    targeted_layer_name = models.CharField("our name for Targeted", max_length=40, blank=True)
    targeted_plus_layer_name = models.CharField(
        "our name for Targeted plus", max_length=40, blank=True
    )
    specialist_layer_name = models.CharField("our name for Specialist", max_length=40, blank=True)

    # Two-step sign-in is always on for the SEN team, administrators and trust leads
    # (docs/two-factor.md); the school decides for the staff who teach and support pupils.
    two_factor_for_teaching_staff = models.BooleanField(
        "teachers and teaching assistants must use two-step sign-in",
        default=False,
        help_text="When this is on, teachers and teaching assistants are asked to set up an "
        "authenticator app on their next page, and for a code at every sign-in.",
    )

    # Data protection (docs/retention.md, docs/access.md).
    retention_years = models.PositiveSmallIntegerField(
        "years after birth a leaver's SEN file is kept",
        default=31,
        validators=[
            MinValueValidator(25, "Keep a leaver's SEN file at least 25 years after birth."),
            MaxValueValidator(99, "Choose 99 years or fewer."),
        ],
        help_text="A leaver's SEN file is destroyed when they reach this age: 31 by the IRMS "
        "toolkit for schools (date of birth + 31 years).",
    )
    senior_leaders_see_restricted = models.BooleanField(
        "senior leaders see restricted records",
        default=False,
        help_text="Medical conditions and specialist reports are restricted to the SENCO and "
        "the staff named on each record. Turn this on to open them to senior leaders too.",
    )

    # Term dates: the three parent meetings a year are judged term by term.
    autumn_term_end_day = _term_day_field("autumn", 31)
    autumn_term_end_month = _term_month_field("autumn", 12)
    spring_term_end_day = _term_day_field("spring", 31)
    spring_term_end_month = _term_month_field("spring", 3)
    summer_term_end_day = _term_day_field("summer", 31)
    summer_term_end_month = _term_month_field("summer", 8)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(
                        **{
                            f"{day}__gte": 1,
                            f"{day}__lte": 31,
                            f"{month}__gte": 1,
                            f"{month}__lte": 12,
                        }
                    ),
                    name=f"school_{term}_term_end_valid",
                )  # fmt: skip
                for term, (day, month) in TERM_END_FIELDS.items()
            ],
            models.CheckConstraint(
                condition=Q(
                    phase__in=["primary", "secondary", "all_through", "special", "alternative"]
                ),
                name="school_phase_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    review_cadence_weeks__gte=1, review_cadence_weeks__lte=MAX_WEEKS_TO_REVIEW
                ),
                name="school_review_cadence_termly",
            ),
        ]
        permissions = [("change_school_settings", "Can change the school's settings")]

    def __str__(self):
        return self.name

    def clean(self):
        """Each term ends on a real day, and autumn, spring and summer end in that order."""
        super().clean()
        errors = {}
        for term, (day_field, month_field) in TERM_END_FIELDS.items():
            day, month = getattr(self, day_field), getattr(self, month_field)
            if month in DAYS_IN_MONTH and day and day > DAYS_IN_MONTH[month]:
                errors[day_field] = (
                    f"{dict(MONTHS)[month]} has {DAYS_IN_MONTH[month]} days: choose a day "
                    f"up to {DAYS_IN_MONTH[month]} for the end of the {term} term."
                )
        if not errors:
            ends = self.term_end_days()
            order = [_school_year_position(month) * 100 + day for month, day in ends.values()]
            if not order[0] < order[1] < order[2]:
                errors["spring_term_end_day"] = (
                    "The school year runs from 1 September to 31 August: the autumn term must "
                    "end before the spring term, and the spring term before the summer term."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def comparison_phase(self):
        """The phase of national figures to compare with: all schools for all-through and AP."""
        return {
            self.Phase.PRIMARY: "primary",
            self.Phase.SECONDARY: "secondary",
            self.Phase.SPECIAL: "special",
        }.get(self.phase, "all")

    def term_end_days(self):
        """{"autumn": (month, day), "spring": …, "summer": …}: the last day of each term."""
        return {
            term: (getattr(self, month_field), getattr(self, day_field))
            for term, (day_field, month_field) in TERM_END_FIELDS.items()
        }

    def layer_label(self, value):
        """The school's name for a support layer, or the standard name when it has none."""
        try:
            layer = Layer(value)
        except ValueError:
            return value
        return getattr(self, LAYER_NAME_FIELDS[layer]).strip() or layer.label

    def layer_choices(self):
        return [(layer.value, self.layer_label(layer)) for layer in Layer]

    def recent_changes(self, limit=10):
        """The latest changes to this school's record: who, when, and each field old → new.

        One query: `limit` + 1 history rows, each compared with the row before it.
        """
        rows = list(
            self.history.select_related("history_user").order_by("-history_date", "-history_id")[
                : limit + 1
            ]
        )
        changes = []
        for new, old in zip(rows, rows[1:], strict=False):
            fields = [
                (
                    self._meta.get_field(change.field).verbose_name,
                    _setting_value(self, change.field, change.old),
                    _setting_value(self, change.field, change.new),
                )
                for change in new.diff_against(old).changes
            ]
            if fields:
                changes.append({"at": new.history_date, "by": new.history_user, "fields": fields})
        return changes


LAYER_NAME_FIELDS = {
    Layer.UNIVERSAL: "universal_layer_name",
    Layer.TARGETED: "targeted_layer_name",
    Layer.TARGETED_PLUS: "targeted_plus_layer_name",
    Layer.SPECIALIST: "specialist_layer_name",
}


def _setting_value(school, name, value):
    """A setting's value in words for the list of changes."""
    field = school._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if name in LAYER_NAME_FIELDS.values() and not value:
        return "(the standard name)"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "(blank)" if value in ("", None) else str(value)
