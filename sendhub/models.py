from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from sendhub.notifications.models import EmailChoice, Notification  # noqa: F401
from sendhub.roles import Role

# A plan is reviewed "at least termly" (docs/graduated-approach.md).
# A term is at most about 14 school weeks; 16 calendar weeks allows for a holiday.
MAX_WEEKS_TO_REVIEW = 16


class UserQuerySet(models.QuerySet):
    def at_school(self, school):
        """People holding a current role at the school (staff and parents)."""
        return self.filter(
            pk__in=Membership.objects.current().filter(school=school).values("user_id")
        )

    def known_at(self, school):
        """People who hold or once held a role at the school: whose page the school may open."""
        return self.filter(pk__in=Membership.objects.filter(school=school).values("user_id"))

    def with_roles_at(self, school):
        """Prefetch each person's current roles at the school as person.roles_here."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.current().filter(school=school).order_by("role"),
                to_attr="roles_here",
            )
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    notification_email = models.CharField(
        max_length=10, choices=EmailChoice.choices, default=EmailChoice.EACH
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification_email__in=EmailChoice.values),
                name="user_notification_email_valid",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @cached_property
    def membership(self):
        """The role this person is acting in now; the middleware sets it from the session."""
        return self.memberships.current().select_related("school", "trust").first()

    @property
    def role(self):
        return self.membership.role if self.membership else None

    @property
    def school(self):
        return self.membership.school if self.membership else None


class Trust(models.Model):
    """A multi-academy trust: an optional group of schools."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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


class MembershipQuerySet(models.QuerySet):
    def with_role(self, *roles):
        return self.filter(role__in=roles)

    def current(self):
        """Roles in force today. An ended role grants nothing: every read of roles starts here."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()))

    def ended(self):
        return self.filter(ended_on__lte=timezone.localdate())


class Membership(models.Model):
    """One role a person holds at one school (or, for a trust lead, one trust)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    job_title = models.CharField(max_length=100, blank=True)
    # A role is ended, never deleted: the history keeps who held it and when.
    ended_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            # A trust lead belongs to a trust; every other role belongs to a school.
            models.CheckConstraint(
                condition=(Q(role="trust_lead", trust__isnull=False, school__isnull=True))
                | (~Q(role="trust_lead") & Q(school__isnull=False, trust__isnull=True)),
                name="membership_scope_matches_role",
            ),
            # One current holding of a role per place; ended holdings stay as a record.
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False, ended_on__isnull=True),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "trust"],
                condition=Q(trust__isnull=False, ended_on__isnull=True),
                name="membership_unique_trust_role",
            ),
        ]
        permissions = [("manage_people", "Can add people and give or end their roles")]

    def __str__(self):
        return f"{self.get_role_display()}, {self.place}"

    @property
    def place(self):
        return self.school or self.trust

    @property
    def is_current(self):
        return self.ended_on is None or self.ended_on > timezone.localdate()

    @classmethod
    def changes_for(cls, user, school):
        """Who gave or ended each of the person's roles at the school, and when (one query).

        Newest first; each entry has at, by, role, what and reason.
        """
        rows = cls.history.filter(user=user, school=school).select_related("history_user")
        before = {}
        changes = []
        for row in rows.order_by("history_date", "history_id"):
            old = before.get(row.id)
            role = Role(row.role).label.lower()
            if old is None:
                what = f"Given the role {role}" + (f" ({row.job_title})" if row.job_title else "")
            elif row.ended_on and not old.ended_on:
                what = f"Role {role} ended"
            elif row.job_title != old.job_title:
                what = f"Job title for {role} changed to “{row.job_title or '(none)'}”"
            else:
                what = f"Role {role} changed"
            before[row.id] = row
            changes.append(
                {
                    "at": row.history_date,
                    "by": row.history_user,
                    "what": what,
                    "reason": row.history_change_reason or "",
                }
            )
        return changes[::-1]

    def end(self, *, reason=""):
        """End the role today: it grants nothing from the next request; the row is kept."""
        self.ended_on = timezone.localdate()
        self._change_reason = reason.strip()[:100] or None
        self.save(update_fields=["ended_on"])

    @property
    def schools(self):
        """Schools this membership reaches: its school, or every school of its trust."""
        if self.school_id:
            return School.objects.filter(pk=self.school_id)
        return School.objects.filter(trust_id=self.trust_id)


class AccessLogQuerySet(models.QuerySet):
    def for_pupil(self, pupil_id):
        return self.filter(pupil_id=pupil_id).select_related("user")


class AccessLog(models.Model):
    """A read of a pupil's full or restricted SEN file (docs/access.md)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Blank only for a management command run without naming a person (what says so).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # An id, not a foreign key: sendhub sits below pupils and knows nothing of them.
    pupil_id = models.BigIntegerField(db_index=True)
    what = models.CharField(max_length=100)
    path = models.CharField(max_length=500)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        who = self.user or "a command-line user"
        return f"{who} read {self.what} of pupil {self.pupil_id} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, request, *, pupil, what):
        return cls.objects.create(
            user=request.user,
            role=request.user.role,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            what=what,
            path=request.get_full_path()[:500],
        )


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
