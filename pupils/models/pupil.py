"""Pupils and the questions every page asks of them: who may see whom, who is on roll."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pupils import codes
from pupils.codes import BroadArea, SenStage
from sendhub.models import School
from sendhub.roles import Role


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0


# A search box looks at no more than this many words of what was typed.
SEARCH_WORDS_MAX = 4


class PupilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Pupils this person may see in the role they are acting in now.

        See docs/access.md: SENCO and senior leaders see their school; teachers
        only pupils they teach or tutor; TAs only pupils in their groups or assigned
        to them; parents only their own children; governors and trust leads none.
        """
        from pupils.models import ParentLink, SupportAssignment, TeachingGroup

        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None or membership.school_id is None:
            return self.none()
        in_school = self.filter(school_id=membership.school_id)
        role = membership.role
        if role in (Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN):
            return in_school
        if role == Role.TEACHER:
            taught = TeachingGroup.pupils.through.objects.filter(
                teachinggroup__teachers=user, pupil_id=OuterRef("pk")
            )
            return in_school.on_roll().filter(Exists(taught))
        if role == Role.TEACHING_ASSISTANT:
            in_group = TeachingGroup.pupils.through.objects.filter(
                teachinggroup__support_staff=user, pupil_id=OuterRef("pk")
            )
            assigned = SupportAssignment.objects.current().filter(
                staff=user, pupil_id=OuterRef("pk")
            )
            return in_school.on_roll().filter(Exists(in_group) | Exists(assigned))
        if role == Role.PARENT:
            linked = ParentLink.objects.current().filter(parent=user, pupil_id=OuterRef("pk"))
            return in_school.on_roll().filter(Exists(linked))
        return self.none()

    def on_roll(self, on=None):
        on = on or date.today()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=on), joined_on__lte=on)

    def with_register_state_on(self, when):
        """
        Annotate stage_on and needs_on: the register as it stood on a date.

        The state on a date is the latest entry in force (not replaced by a
        correction) with effective_on on or before it; no entry means No SEN.
        """
        from pupils.models import RegisterEntry

        entries = (
            RegisterEntry.objects.as_of(when)
            .filter(pupil_id=OuterRef("pk"))
            .order_by("-effective_on", "-pk")
        )
        return self.annotate(
            stage_on=models.functions.Coalesce(
                models.Subquery(entries.values("stage")[:1]), models.Value(SenStage.NONE.value)
            ),
            needs_on=models.Subquery(entries.values("needs")[:1], output_field=models.JSONField()),
        )

    def on_register_on(self, when):
        """Who was on roll and on the register (K or E) on a date, with stage_on and needs_on."""
        return (
            self.on_roll(on=when)
            .with_register_state_on(when)
            .filter(stage_on__in=codes.REGISTER_STAGES)
        )

    def archived(self):
        return self.filter(left_on__lt=date.today())

    def not_archived(self):
        """Pupils whose file may still change: a leaver's file is archived and read-only."""
        return self.exclude(left_on__lt=date.today())

    def writable_by(self, user):
        """
        Pupils whose records this person may change: those they may see, less leavers,
        whose files are archived and read-only (docs/access.md). Every view that changes
        a pupil's records looks the pupil up here, so a leaver's file answers 404.
        """
        return self.visible_to(user).not_archived()

    def on_register(self):
        return self.filter(sen_stage__in=codes.REGISTER_STAGES)

    def with_parents_told(self):
        """
        Annotate sen_support_since and parents_told_since_support (CFA 2014 s68).

        sen_support_since is the pupil's latest move onto SEN support (K) from No SEN,
        monitoring or an EHC plan; only a ParentInformed record made on or after it
        counts, so a pupil who left SEN support and came back needs a new one.
        """
        from pupils.models import ParentInformed, RegisterEntry

        on_k = codes.stages_for_census_code(codes.CensusCode.K)
        moves_onto_k = (
            RegisterEntry.objects.in_force()
            .with_previous_stage()
            .filter(pupil_id=OuterRef("pk"), stage__in=on_k)
            .filter(Q(previous_stage__isnull=True) | ~Q(previous_stage__in=on_k))
            .order_by("-effective_on", "-pk")
            .values("effective_on")[:1]
        )
        told = ParentInformed.objects.filter(
            pupil_id=OuterRef("pk"), informed_on__gte=OuterRef("sen_support_since")
        )
        return self.annotate(
            # A pupil put on K before the register history began: any record counts.
            sen_support_since=models.functions.Coalesce(
                models.Subquery(moves_onto_k), "sen_since", models.Value(date.min)
            )
        ).annotate(parents_told_since_support=Exists(told))

    def without_parent_informed(self):
        """
        Pupils on SEN support whose parents have not been told since they moved onto it.

        Children and Families Act 2014 s68 applies to SEN provision for a pupil with no
        EHC plan, so pupils on E are never listed.
        """
        return (
            self.with_census_code(codes.CensusCode.K)
            .with_parents_told()
            .filter(parents_told_since_support=False)
        )

    def with_parent_informed(self):
        """Pupils on SEN support whose parents were told since they moved onto it (s68)."""
        return (
            self.with_census_code(codes.CensusCode.K)
            .with_parents_told()
            .filter(parents_told_since_support=True)
        )

    def with_parent_meetings_this_year(self, on=None):
        """Annotate parent meetings held so far in the school year holding `on`."""
        from pupils.models import ParentMeeting

        on = on or date.today()
        meetings = (
            ParentMeeting.objects.in_school_year(on)
            .held(on)
            .filter(pupil_id=OuterRef("pk"))
            .values("pupil_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            parent_meetings_this_year=models.functions.Coalesce(models.Subquery(meetings), 0)
        )

    def parents_met_fewer_than(self, expected, on=None):
        """
        Pupils on SEN support (K) whose parents were met fewer than `expected` times so far
        this school year (Code of Practice 6.65; codes.parent_meetings_expected gives the
        number expected by a date).
        """
        return (
            self.with_census_code("K")
            .with_parent_meetings_this_year(on)
            .filter(parent_meetings_this_year__lt=expected)
        )

    def with_passport_unread_by(self, user):
        """Annotate `passport_unread`: a passport version this user has not opened yet."""
        from pupils.models import Passport, ReadReceipt

        seen = models.functions.Coalesce(
            ReadReceipt.seen_version_for(user, ReadReceipt.Document.PASSPORT), 0
        )
        newer = Passport.objects.filter(
            pupil_id=OuterRef("pk"), current__number__gt=OuterRef("seen_passport_version")
        )
        return self.annotate(seen_passport_version=seen).annotate(passport_unread=Exists(newer))

    def with_passport_state_for(self, user):
        """The passport and whether this user has read its current version (pupil pages)."""
        return self.select_related("passport__current").with_passport_unread_by(user)

    def matching(self, text):
        """Pupils whose name, preferred name, UPN or form matches every word typed."""
        pupils = self
        for word in text.split()[:SEARCH_WORDS_MAX]:
            pupils = pupils.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(upn__iexact=word)
                | Q(form__name__iexact=word)
            )
        return pupils

    def recently_seen_by(self, user):
        """Pupils this person last opened or raised a concern about, latest first."""
        seen = RecentPupil.objects.filter(user=user, pupil_id=OuterRef("pk")).values("seen_at")
        return (
            self.annotate(last_seen_at=models.Subquery(seen[:1]))
            .filter(last_seen_at__isnull=False)
            .order_by("-last_seen_at")
        )

    def with_census_code(self, code):
        return self.filter(sen_stage__in=codes.stages_for_census_code(code))

    def with_need(self, need):
        return self.filter(needs__code=need).distinct()

    def register_counts(self):
        """Roll, SEN support (K) and EHCP (E) counts in one query."""
        return self.aggregate(
            roll=models.Count("pk"),
            sen_support=models.Count(
                "pk", filter=Q(sen_stage__in=codes.stages_for_census_code("K"))
            ),
            ehcp=models.Count("pk", filter=Q(sen_stage__in=codes.stages_for_census_code("E"))),
        )

    def register_summary(self, *, roll=None):
        """Headline counts for these pupils: K, E, % of roll and primary need by broad area."""
        counts = self.register_counts()
        roll = counts["roll"] if roll is None else roll
        on_register = counts["sen_support"] + counts["ehcp"]
        by_area = dict.fromkeys(BroadArea, 0)
        for code, n in self.primary_need_counts().items():
            by_area[codes.NEED_AREAS[code]] += n
        return {
            **counts,
            "shown": counts["roll"],
            "roll": roll,
            "on_register": on_register,
            "sen_support_percent": _percent(counts["sen_support"], roll),
            "ehcp_percent": _percent(counts["ehcp"], roll),
            "register_percent": _percent(on_register, roll),
            "by_area": [
                {
                    "area": area.label,
                    "code": area.value,
                    "count": n,
                    "percent": _percent(n, on_register),
                }
                for area, n in by_area.items()
                if n or area != BroadArea.OTHER
            ],
        }

    def primary_need_counts(self):
        """{need code: pupils whose primary (rank 1) need it is}, for pupils on the register."""
        from pupils.models import PupilNeed

        rows = (
            PupilNeed.objects.filter(rank=1, pupil__in=self.on_register())
            .values("code")
            .annotate(n=models.Count("pk"))
        )
        return {row["code"]: row["n"] for row in rows}

    def for_summary(self):
        """What a teacher's need-to-know summary shows."""
        from pupils.models import PupilNeed

        return self.select_related("form", "school").prefetch_related(
            models.Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))
        )

    def for_profile(self):
        """What the full SEN file page shows (its timeline is fetched separately)."""
        from pupils.models import ParentInformed, ParentLink

        return (
            self.for_summary()
            .with_parents_told()
            .prefetch_related(
                models.Prefetch(
                    "parents_informed",
                    queryset=ParentInformed.objects.select_related("informed_by"),
                ),
                models.Prefetch(
                    "parent_links", queryset=ParentLink.objects.current().select_related("parent")
                ),
            )
        )

    def for_portal(self):
        """A parent's children as the portal shows them: passport, profile, meetings to come and held."""
        from pupils.models import ParentMeeting

        today = date.today()
        meetings = ParentMeeting.objects.only("pupil_id", "held_on", "purpose").order_by("held_on")
        return self.select_related(
            "school", "form", "passport__current", "one_page_profile"
        ).prefetch_related(
            models.Prefetch(
                "parent_meetings",
                queryset=meetings.filter(held_on__gt=today),
                to_attr="upcoming_meetings",
            ),
            models.Prefetch(
                "parent_meetings",
                queryset=meetings.filter(held_on__lte=today).order_by("-held_on"),
                to_attr="past_meetings",
            ),
        )

    def for_support_list(self, user):
        """A TA's pupils: those on the SEN register first, with needs and passport state."""
        from pupils.models import PupilNeed

        on_register = models.Case(
            models.When(sen_stage__in=codes.REGISTER_STAGES, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        return (
            self.on_roll()
            .select_related("form")
            .prefetch_related(models.Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")))
            .with_passport_unread_by(user)
            .order_by(on_register, "last_name", "first_name", "pk")
        )

    def with_plan_summary(self):
        """
        Annotate plan_status (the latest plan not yet reviewed), plan_review_due_on and
        plan_layer (the plan in force), as subqueries: no query per row.
        """
        # Plans belong to a higher app, so the model is looked up by name at call time.
        from django.apps import apps

        plans = apps.get_model("reviews", "SupportPlan").objects.filter(pupil_id=OuterRef("pk"))
        latest = plans.open().order_by("-cycle", "-version", "-pk")
        in_force = plans.current().order_by("-cycle", "-version", "-pk")
        return self.annotate(
            plan_status=Subquery(latest.values("status")[:1]),
            plan_review_due_on=Subquery(in_force.values("review_due_on")[:1]),
            plan_layer=Subquery(in_force.values("layer")[:1]),
        )

    def for_register(self):
        """What the register list shows: form, ranked needs, parent-informed flag."""
        from pupils.models import PupilNeed

        return self.select_related("form").prefetch_related(
            models.Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))
        )


class PupilRecordQuerySet(models.QuerySet):
    """
    Base for every model that belongs to a pupil: scoping is declared once.

    A model names the path from itself to its pupil in `pupil_path` (default
    "pupil"); visible_to(user) keeps the rows whose pupil the person may see now.
    """

    def visible_to(self, user):
        path = getattr(self.model, "pupil_path", "pupil")
        return self.filter(**{f"{path}__in": Pupil.objects.visible_to(user)})

    def not_archived(self):
        """Rows whose pupil has not left: a leaver's file is archived and read-only."""
        path = getattr(self.model, "pupil_path", "pupil")
        return self.exclude(**{f"{path}__left_on__lt": date.today()})

    def writable_by(self, user):
        """Rows this person may change: visible to them, and not of a leaver (Pupil.writable_by)."""
        return self.visible_to(user).not_archived()

    def of_pupils_on_roll(self, on=None):
        """
        Rows whose pupil is on roll on a date (Pupil.objects.on_roll), as a condition on the
        joined pupil: `pupil__in=Pupil.objects.on_roll()` is a subquery over every pupil of
        every school, which scans the whole table at trust scale.
        """
        on = on or date.today()
        path = getattr(self.model, "pupil_path", "pupil")
        return self.filter(
            Q(**{f"{path}__left_on__isnull": True}) | Q(**{f"{path}__left_on__gte": on}),
            **{f"{path}__joined_on__lte": on},
        )


def sees_whole_restricted_tier(user):
    """
    Whether this person sees every restricted record (tier 3, docs/access.md) of the
    pupils they may see: the SENCO always, a senior leader where the school allows it.
    Anyone else sees only the restricted records they are named on.
    """
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.school_id is None:
        return False
    if membership.role == Role.SENCO:
        return True
    return membership.role == Role.SENIOR_LEADER and membership.school.senior_leaders_see_restricted


class RestrictedRecordQuerySet(PupilRecordQuerySet):
    """Records of the restricted tier: medical details and specialist reports."""

    def restricted_visible_to(self, user):
        """
        The restricted records this person may open (UK GDPR Art. 9; docs/access.md):
        the SENCO all of their pupils'; senior leaders likewise where the school's setting
        allows (off by default); other staff only records naming them; nobody else any.
        """
        visible = self.visible_to(user)
        if sees_whole_restricted_tier(user):
            return visible
        if user.role in (Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT):
            return visible.filter(named_staff=user)
        return self.none()


class Pupil(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other or not stated"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField(
        "UPN",
        max_length=13,
        validators=[codes.upn_validator],
        help_text="Unique Pupil Number (13 characters; a temporary UPN ends in a letter)",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.OTHER)
    year_group = models.SmallIntegerField(
        help_text="0 is Reception; 7 to 11 secondary; 12-13 sixth form"
    )
    form = models.ForeignKey(
        "TeachingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_pupils",
        limit_choices_to={"kind": "form"},
    )
    joined_on = models.DateField("on roll from")
    left_on = models.DateField("left on", null=True, blank=True)

    # SEN register (docs/register.md). The stage is kept in step with the latest
    # RegisterEntry by pupils.services.record_register_change; never set it directly.
    sen_stage = models.CharField(
        "SEN stage", max_length=30, choices=SenStage.choices, default=SenStage.NONE
    )
    sen_since = models.DateField("on the register since", null=True, blank=True)

    # Disability (Equality Act 2010) is separate from SEN.
    is_disabled = models.BooleanField("disabled (Equality Act 2010)", default=False)
    disability_notes = models.TextField(blank=True)

    # Context flags used in analysis.
    free_school_meals = models.BooleanField("free school meals", default=False)
    pupil_premium = models.BooleanField(default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    looked_after = models.BooleanField("looked after (CLA)", default=False)
    previously_looked_after = models.BooleanField(default=False)
    attendance_percent = models.DecimalField(
        "attendance %", max_digits=5, decimal_places=1, null=True, blank=True
    )
    exclusions_count = models.PositiveSmallIntegerField("suspensions and exclusions", default=0)

    history = HistoricalRecords()
    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            # Each school's roll by SEN stage, counted from the index alone (the trust
            # roll-up over every school of a trust, reports/trust/rollup.py).
            models.Index(
                fields=["school", "sen_stage", "joined_on", "left_on"],
                name="pupil_school_stage_roll",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_unique_upn_per_school"),
            models.CheckConstraint(
                condition=Q(sen_stage__in=[s.value for s in SenStage]), name="pupil_sen_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["F", "M", "X"]), name="pupil_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(year_group__gte=-2, year_group__lte=14), name="pupil_year_group_range"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="pupil_leaves_after_joining",
            ),
        ]
        permissions = [
            ("view_register", "Can view the SEN register"),
            ("view_full_file", "Can open a pupil's full SEN file"),
            ("view_sen_summary", "Can view the need-to-know summary of pupils taught"),
            ("view_restricted", "Can view restricted (medical, specialist) records"),
            ("view_pupil_history", "Can view a pupil's change and access history"),
            ("change_register", "Can change SEN status and needs"),
            ("import_pupils", "Can import pupils from the MIS"),
            ("export_register", "Can export the register and census extract"),
            ("view_own_child", "Can view their own child's passport and plan"),
            ("view_relationships", "Can view parent links, TA support and class teachers"),
            ("manage_relationships", "Can link and unlink parents and carers"),
            ("assign_staff", "Can choose class teachers and assign TA support"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("pupils:detail", args=[self.pk])

    @property
    def full_name(self):
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def census_code(self):
        return codes.census_code_for_stage(self.sen_stage)

    @property
    def is_on_register(self):
        return self.sen_stage in codes.REGISTER_STAGES

    @property
    def has_left(self):
        return self.left_on is not None and self.left_on < date.today()

    @property
    def upn_is_temporary(self):
        return codes.upn_is_temporary(self.upn)

    def age_on(self, when):
        years = when.year - self.date_of_birth.year
        if (when.month, when.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def is_summer_born(self):
        return codes.is_summer_born(self.date_of_birth)


class RecentPupil(models.Model):
    """A pupil this person opened or raised a concern about, and when: the concern form's shortcuts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "pupil"], name="recent_pupil_unique"),
        ]
        indexes = [models.Index(fields=["user", "-seen_at"], name="recent_pupil_user_seen")]

    def __str__(self):
        return f"{self.user} saw {self.pupil} at {self.seen_at:%Y-%m-%d %H:%M}"

    @classmethod
    def remember(cls, *, user, pupil):
        """One UPDATE when the pupil was seen before (every profile view after the first);
        update_or_create took a transaction, a SELECT ... FOR UPDATE and the UPDATE."""
        now = timezone.now()
        if not cls.objects.filter(user=user, pupil=pupil).update(seen_at=now):
            cls.objects.update_or_create(user=user, pupil=pupil, defaults={"seen_at": now})
