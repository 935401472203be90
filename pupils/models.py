from datetime import date, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils import codes
from pupils.codes import BroadArea, NeedType, SenStage
from sendhub.models import School
from sendhub.roles import Role


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0


class PupilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Pupils this person may see in the role they are acting in now.

        SEND-reference.md §1: SENCO and senior leaders see their school; teachers
        only pupils they teach or tutor; TAs only pupils in their groups or assigned
        to them; parents only their own children; governors and trust leads none.
        """
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

    def on_register(self):
        return self.filter(sen_stage__in=codes.REGISTER_STAGES)

    def without_parent_informed(self):
        """Pupils with no record that their parents were told (Children and Families Act 2014 s68)."""
        informed = ParentInformed.objects.filter(pupil_id=OuterRef("pk"))
        return self.exclude(Exists(informed))

    def with_parent_meetings_this_year(self, on=None):
        """Annotate parent meetings held so far in the school year holding `on`."""
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

    def parents_met_too_rarely(self, on=None):
        """Pupils on SEN support (K) whose parents were met under 3 times this school year (CoP 6.65)."""
        return (
            self.with_census_code("K")
            .with_parent_meetings_this_year(on)
            .filter(parent_meetings_this_year__lt=codes.PARENT_MEETINGS_PER_YEAR)
        )

    def with_passport_unread_by(self, user):
        """Annotate `passport_unread`: a passport version this user has not opened yet."""
        seen = models.functions.Coalesce(
            ReadReceipt.seen_version_for(user, ReadReceipt.Document.PASSPORT), 0
        )
        newer = Passport.objects.filter(
            pupil_id=OuterRef("pk"), current__number__gt=OuterRef("seen_passport_version")
        )
        return self.annotate(seen_passport_version=seen).annotate(passport_unread=Exists(newer))

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
        rows = (
            PupilNeed.objects.filter(rank=1, pupil__in=self.on_register())
            .values("code")
            .annotate(n=models.Count("pk"))
        )
        return {row["code"]: row["n"] for row in rows}

    def for_summary(self):
        """What a teacher's need-to-know summary shows."""
        return self.select_related("form", "school").prefetch_related(
            models.Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))
        )

    def for_profile(self):
        """What the full SEN file page shows (its timeline is fetched separately)."""
        return self.for_summary().prefetch_related(
            models.Prefetch(
                "parents_informed", queryset=ParentInformed.objects.select_related("informed_by")
            ),
            models.Prefetch(
                "parent_links", queryset=ParentLink.objects.current().select_related("parent")
            ),
            models.Prefetch("medical_conditions", queryset=MedicalCondition.objects.current()),
        )

    def for_register(self):
        """What the register list shows: form, ranked needs, parent-informed flag."""
        return self.select_related("form").prefetch_related(
            models.Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))
        )


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

    # SEN register (SEND-reference.md §2). The stage is kept in step with the latest
    # RegisterEntry by pupils.services.record_register_change; never set it directly.
    sen_stage = models.CharField(
        "SEN stage", max_length=30, choices=SenStage.choices, default=SenStage.NONE
    )
    sen_since = models.DateField("on the register since", null=True, blank=True)

    # Disability (Equality Act 2010) is separate from SEN.
    is_disabled = models.BooleanField("disabled (Equality Act 2010)", default=False)
    disability_notes = models.TextField(blank=True)

    # Context flags used in analysis (SEND-reference.md §2).
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
            ("view_roll", "Can view the school roll (no SEN data)"),
            ("view_relationships", "Can view parent links, TA support and class teachers"),
            ("manage_relationships", "Can change parent links, TA support and class teachers"),
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
        return self.date_of_birth.month in (6, 7, 8)


class TeachingGroupQuerySet(models.QuerySet):
    def taught_by(self, user):
        return self.filter(Q(teachers=user) | Q(support_staff=user)).distinct()

    def at_school_of(self, user):
        """Groups of the school this person is acting for now; none without a school."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None or membership.school_id is None:
            return self.none()
        return self.filter(school_id=membership.school_id)

    def for_class_list(self):
        """What the classes page shows: counts and the teachers' names."""
        return self.with_pupil_counts().prefetch_related("teachers")

    def with_pupil_counts(self):
        on_register = Q(pupils__sen_stage__in=codes.REGISTER_STAGES)
        return self.annotate(
            pupil_count=models.Count("pupils", distinct=True),
            sen_count=models.Count("pupils", filter=on_register, distinct=True),
        )


class TeachingGroup(models.Model):
    """A form (tutor group) or a class a teacher teaches."""

    class Kind(models.TextChoices):
        FORM = "form", "Form"
        CLASS = "class", "Class"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    year_group = models.SmallIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=60, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teaching_groups"
    )
    support_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="supported_groups"
    )
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="teaching_groups")

    # Who teaches a class decides which teachers see its pupils, so each change of
    # teachers is kept with who made it (the pupils themselves come from the MIS).
    history = HistoricalRecords(m2m_fields=[teachers])
    objects = TeachingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="group_unique_name_per_school"),
            models.CheckConstraint(
                condition=Q(kind__in=["form", "class"]), name="group_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pupils:class_detail", args=[self.pk])

    def teacher_changes(self, limit=20):
        """Who changed this class's teachers and when, newest first: added and removed names.

        Two queries: the latest history rows, then the teachers each row recorded.
        """
        rows = list(
            self.history.select_related("history_user").order_by("-history_date", "-history_id")[
                : limit + 1
            ]
        )
        through = self.history.model.teachers.model
        names = {row.history_id: {} for row in rows}
        for kept in through.objects.filter(history__in=rows).select_related("user"):
            names[kept.history_id][kept.user_id] = str(kept.user)
        changes = []
        for index, row in enumerate(rows[:limit]):
            now = names[row.history_id]
            before = names[rows[index + 1].history_id] if index + 1 < len(rows) else None
            if before is None:
                added, removed = sorted(now.values()), []
            else:
                added = sorted(name for pk, name in now.items() if pk not in before)
                removed = sorted(name for pk, name in before.items() if pk not in now)
                if not added and not removed:
                    continue
            changes.append(
                {
                    "at": row.history_date,
                    "by": row.history_user,
                    "reason": row.history_change_reason or "",
                    "teachers": sorted(now.values()),
                    "added": added,
                    "removed": removed,
                    "is_first": before is None,
                }
            )
        return changes


class SupportAssignmentQuerySet(models.QuerySet):
    def current(self):
        today = date.today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)

    def not_ended(self):
        """Current and future support: what can still be ended."""
        return self.exclude(ends_on__lt=date.today())

    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def for_pupil_page(self):
        """Every assignment of a pupil, current and past, newest first, with the TA's name."""
        return self.select_related("staff").order_by("-starts_on", "-pk")


class SupportAssignment(models.Model):
    """A teaching assistant assigned to support a pupil."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_assignments"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_assignments")
    starts_on = models.DateField(default=date.today)
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = SupportAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return f"{self.staff} supports {self.pupil}"

    @property
    def is_current(self):
        today = date.today()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    @property
    def is_future(self):
        return self.starts_on > date.today()


class ParentLinkQuerySet(models.QuerySet):
    def current(self):
        """Links that have not been ended: only these give a parent sight of a child."""
        return self.filter(ended_on__isnull=True)

    def ended(self):
        return self.filter(ended_on__isnull=False)

    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))


class ParentLink(models.Model):
    """A parent or carer's link to their child; an ended link is kept but gives no access."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Guardian"
        OTHER = "other", "Other"

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="children_links"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="parent_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField("why the link was ended", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ParentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One current link per parent and child; ended links stay as the record.
            models.UniqueConstraint(
                fields=["parent", "pupil"],
                condition=Q(ended_on__isnull=True),
                name="parentlink_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="parentlink_ended_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.parent} ({self.get_relationship_display()}) of {self.pupil}"


class PupilNeed(models.Model):
    """A current, ranked type of need (census codes; rank 1 is the primary need)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=4, choices=NeedType.choices)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "rank"], name="need_unique_rank"),
            models.UniqueConstraint(fields=["pupil", "code"], name="need_unique_code"),
            models.CheckConstraint(
                condition=Q(code__in=[n.value for n in NeedType]), name="need_code_valid"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.get_code_display()}"

    @property
    def area(self):
        return codes.NEED_AREAS[self.code]

    @property
    def area_label(self):
        return BroadArea(self.area).label


class RegisterEntryQuerySet(models.QuerySet):
    def in_force(self):
        """Entries that no later correction has replaced."""
        return self.filter(corrected_by__isnull=True)

    def as_of(self, when):
        return self.in_force().filter(effective_on__lte=when)

    def with_previous_stage(self):
        """Annotate each entry with the stage of the in-force entry before it (None if first)."""
        earlier = (
            RegisterEntry.objects.in_force()
            .filter(pupil_id=OuterRef("pupil_id"))
            .filter(
                Q(effective_on__lt=OuterRef("effective_on"))
                | Q(effective_on=OuterRef("effective_on"), pk__lt=OuterRef("pk"))
            )
            .order_by("-effective_on", "-pk")
            .values("stage")[:1]
        )
        return self.annotate(previous_stage=models.Subquery(earlier))

    def joining_register(self):
        """In-force entries that put a pupil onto the register (K or E) from off it."""
        off = [s for s in SenStage.values if s not in codes.REGISTER_STAGES]
        return (
            self.in_force()
            .with_previous_stage()
            .filter(stage__in=codes.REGISTER_STAGES)
            .filter(Q(previous_stage__isnull=True) | Q(previous_stage__in=off))
        )

    def leaving_register(self):
        """In-force entries that take a pupil off the register."""
        off = [s for s in SenStage.values if s not in codes.REGISTER_STAGES]
        return (
            self.in_force()
            .with_previous_stage()
            .filter(stage__in=off, previous_stage__in=codes.REGISTER_STAGES)
        )

    def between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(effective_on__gte=start)
        if end:
            qs = qs.filter(effective_on__lte=end)
        return qs

    def for_timeline(self):
        corrected = RegisterEntry.objects.filter(corrects_id=OuterRef("pk"))
        return (
            self.select_related("decided_by", "recorded_by", "corrects")
            .annotate(is_corrected=Exists(corrected))
            .order_by("-effective_on", "-pk")
        )


class RegisterEntry(models.Model):
    """
    One dated decision about a pupil's SEN stage and needs: the register's legal record.

    Entries are never edited or deleted; a correction is a new entry that names the
    one it corrects. The state on any date is the latest uncorrected entry on or
    before it.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "Recorded by staff"
        IMPORT = "import", "MIS import"
        CONCERN = "concern", "Concern decision"
        REVIEW = "review", "Review decision"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="register_entries")
    effective_on = models.DateField("takes effect on")
    stage = models.CharField(max_length=30, choices=SenStage.choices)
    needs = models.JSONField(default=list, blank=True, help_text="Need codes, primary first")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    evidence = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["effective_on", "pk"]
        verbose_name_plural = "register entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in SenStage]), name="entry_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["manual", "import", "concern", "review"]),
                name="entry_source_valid",
            ),
        ]

    def __str__(self):
        return f"{self.pupil}: {self.get_stage_display()} from {self.effective_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Register entries are a legal record and cannot be edited.")
        super().save(*args, **kwargs)

    @property
    def census_code(self):
        return codes.census_code_for_stage(self.stage)

    @property
    def need_labels(self):
        return [NeedType(code).label for code in self.needs]


class ParentInformed(models.Model):
    """
    When and how a parent was told the school is making SEN provision.

    Children and Families Act 2014 s68: the school must inform the parent.
    """

    class Method(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Phone call"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        PORTAL = "portal", "SENDhub parent portal"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="parents_informed")
    entry = models.ForeignKey(
        RegisterEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parents_informed",
    )
    informed_on = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-informed_on", "-pk"]
        verbose_name_plural = "parents informed"
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["meeting", "phone", "letter", "email", "portal"]),
                name="parentinformed_method_valid",
            ),
        ]

    def __str__(self):
        return (
            f"Parent of {self.pupil} informed by {self.get_method_display()} on {self.informed_on}"
        )


class MedicalConditionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class MedicalCondition(models.Model):
    """
    A medical condition (restricted tier: SENCO and named people only).

    Never deleted: a condition that no longer applies is ended (ended_on), so the
    record of what the school knew and when stays (SEND-reference.md §2, §9).
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medical_conditions")
    condition = models.CharField(max_length=200)
    has_care_plan = models.BooleanField("has an individual healthcare plan", default=False)
    notes = models.TextField(blank=True)
    ended_on = models.DateField("no longer applies from", null=True, blank=True)

    history = HistoricalRecords()
    objects = MedicalConditionQuerySet.as_manager()

    class Meta:
        ordering = ["condition"]

    def __str__(self):
        return self.condition


class ImportMapping(models.Model):
    """The columns a school last mapped for its MIS import: {SENDhub field: file header}."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="import_mapping")
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Import columns for {self.school}"


class ImportBatchQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school).select_related("uploaded_by")

    def stale(self, uploaded_before):
        """Unapplied uploads from before then whose file is still kept (clear_stale_imports)."""
        return self.filter(
            status=ImportBatch.Status.PREVIEW, uploaded_at__lt=uploaded_before
        ).exclude(result__has_key="expired_at")

    def expire(self, now):
        """Drop the files but keep each row, marked expired, as the record of the upload."""
        return self.update(content=b"", columns={}, result={"expired_at": now.isoformat()})


class ImportBatch(models.Model):
    """
    An uploaded MIS export between its preview and being applied (pupils/imports.py).

    The file itself is a working copy: it is dropped once the batch is applied, and
    what changed is kept in the pupils' own history. An upload never applied is
    expired after a week by `clear_stale_imports` (SEND-reference.md §9): its file is
    dropped and the row stays, with result["expired_at"], as the record of the upload.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "Checked, not applied"
        APPLIED = "applied", "Applied"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    columns = models.JSONField(default=dict)
    full_roll = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["preview", "applied"]), name="importbatch_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_applied(self):
        return self.status == self.Status.APPLIED

    @property
    def is_expired(self):
        return not self.is_applied and "expired_at" in self.result


# Pupil passports, one-page profiles, read receipts and parent meetings ------------
# (SEND-reference.md §4; issue 5)


class PupilVoiceMethod(models.TextChoices):
    """How the pupil's own views were gathered (SEND-reference.md §4)."""

    CONVERSATION = "conversation", "Conversation with the pupil"
    SYMBOLS = "symbols", "Symbols or AAC"
    DRAWINGS = "drawings", "Drawings"
    RATING_SCALES = "rating_scales", "Rating scales"
    WRITTEN = "written", "Written by the pupil"
    OBSERVATION = "observation", "Observation by staff who know the pupil"
    OTHER = "other", "Another way"


# The passport's sections in the order the reference lists them: (field, heading).
PASSPORT_SECTIONS = [
    ("enjoy", "I enjoy"),
    ("learn_best_when", "I learn best when"),
    ("communicate_by", "I communicate by"),
    ("to_communicate_with_me", "To communicate with me you need to"),
    ("what_helps_me", "What helps me"),
    ("like_you_to_know", "I'd like you to know"),
    ("find_difficult", "I find it difficult to"),
    ("parents_think", "My parents think"),
    ("support_myself_by", "I will support myself by"),
    ("others_support_me_by", "Others can support me by"),
    ("recent_achievements", "My recent achievements"),
    ("targets", "My targets"),
    ("additional_information", "Additional information"),
]


class PassportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))


class Passport(models.Model):
    """
    A pupil's passport: pupil-owned, shared with their staff and parents.

    The content (photo included) lives in PassportVersion rows, which are never edited:
    each change is a new version and `current` points at the latest. Confirming that the passport
    is still right (with the pupil) moves `last_confirmed_on` without a new version.
    """

    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="passport")
    current = models.OneToOneField(
        "PassportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_confirmed_on = models.DateField("last confirmed with the pupil", null=True, blank=True)
    last_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = PassportQuerySet.as_manager()

    def __str__(self):
        return f"Passport of {self.pupil}"

    def get_absolute_url(self):
        return reverse("pupils:passport", args=[self.pupil_id])

    @property
    def version(self):
        return self.current.number if self.current_id else 0

    def stale_after(self):
        """The last day the passport counts as fresh (school setting, default 120 days)."""
        if self.last_confirmed_on is None:
            return None
        days = self.pupil.school.passport_stale_days
        return self.last_confirmed_on + timedelta(days=days)

    def is_stale_on(self, day):
        fresh_until = self.stale_after()
        return fresh_until is None or day > fresh_until

    @property
    def is_stale(self):
        return self.is_stale_on(date.today())

    @classmethod
    @transaction.atomic
    def save_version(cls, *, pupil, by, **content):
        """Save passport content as a new version (the old ones stay) and make it current.

        Without a `photo` the new version keeps the current one; `photo=""` removes it.
        """
        passport, _ = cls.objects.select_for_update().get_or_create(pupil=pupil)
        number = passport.version + 1
        if "photo" not in content:
            content["photo"] = passport.current.photo.name if passport.current_id else ""
        version = PassportVersion.objects.create(
            passport=passport, number=number, recorded_by=by, **content
        )
        passport.current = version
        passport.last_confirmed_on = version.captured_on
        passport.last_confirmed_by = by
        passport.save()
        return version

    def confirm(self, *, by, on=None):
        """Record that the pupil (with staff) checked the passport is still right."""
        self.last_confirmed_on = on or date.today()
        self.last_confirmed_by = by
        self.save(update_fields=["last_confirmed_on", "last_confirmed_by"])


def passport_photo_path(instance, filename):
    """A random name under MEDIA_ROOT, which is never served directly (pupils:passport_photo)."""
    return f"passport-photos/{uuid4().hex}.jpg"


class PassportVersion(models.Model):
    """One saved version of a passport's content. Never edited: a change is a new version."""

    passport = models.ForeignKey(Passport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    photo = models.FileField(
        upload_to=passport_photo_path,
        blank=True,
        help_text="Re-encoded JPEG without metadata (pupils/passport_photos.py). Versions "
        "that keep the same photo share the file; a removed photo stays with older versions.",
    )
    enjoy = models.TextField("I enjoy", blank=True)
    learn_best_when = models.TextField("I learn best when", blank=True)
    communicate_by = models.TextField("I communicate by", blank=True)
    to_communicate_with_me = models.TextField("To communicate with me you need to", blank=True)
    what_helps_me = models.TextField("What helps me", blank=True)
    like_you_to_know = models.TextField("I'd like you to know", blank=True)
    find_difficult = models.TextField("I find it difficult to", blank=True)
    parents_think = models.TextField("My parents think", blank=True)
    support_myself_by = models.TextField("I will support myself by", blank=True)
    others_support_me_by = models.TextField("Others can support me by", blank=True)
    recent_achievements = models.TextField("My recent achievements", blank=True)
    targets = models.TextField(
        "My targets",
        blank=True,
        help_text="Shown only when the pupil has no current support plan; otherwise the "
        "plan's targets are shown.",
    )
    additional_information = models.TextField("Additional information", blank=True)
    voice_method = models.CharField(
        "how the pupil's views were gathered", max_length=20, choices=PupilVoiceMethod.choices
    )
    voice_notes = models.CharField(
        "about gathering the pupil's views",
        max_length=300,
        blank=True,
        help_text="For example who helped, or which symbols or scales were used.",
    )
    captured_on = models.DateField("views gathered on")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["passport", "number"], name="passport_version_unique"),
            models.CheckConstraint(
                condition=Q(voice_method__in=[m.value for m in PupilVoiceMethod]),
                name="passport_voice_method_valid",
            ),
        ]

    def __str__(self):
        return f"{self.passport}, version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A passport version is never edited; save a new version instead.")
        super().save(*args, **kwargs)

    def sections(self):
        """(heading, text) for each section, in the reference's order."""
        return [(label, getattr(self, field)) for field, label in PASSPORT_SECTIONS]


class OnePageProfile(models.Model):
    """The lighter one-page profile (SEND-reference.md §4); its history keeps every change."""

    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="one_page_profile")
    admired_for = models.TextField("What people like and admire about me", blank=True)
    important_to_me = models.TextField("What is important to me", blank=True)
    how_to_support_me = models.TextField("How best to support me", blank=True)
    voice_method = models.CharField(
        "how the pupil's views were gathered", max_length=20, choices=PupilVoiceMethod.choices
    )
    updated_on = models.DateField("last updated")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(voice_method__in=[m.value for m in PupilVoiceMethod]),
                name="profile_voice_method_valid",
            ),
        ]

    def __str__(self):
        return f"One-page profile of {self.pupil}"

    def get_absolute_url(self):
        return reverse("pupils:profile", args=[self.pupil_id])


class ReadReceipt(models.Model):
    """
    The version of a pupil's passport or plan a member of staff last opened.

    A document whose current version is above the seen version shows as unread.
    """

    class Document(models.TextChoices):
        PASSPORT = "passport", "Passport"
        PLAN = "plan", "Support plan"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="read_receipts")
    document = models.CharField(max_length=10, choices=Document.choices)
    seen_version = models.PositiveIntegerField()
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "pupil", "document"], name="read_receipt_unique"
            ),
            models.CheckConstraint(
                condition=Q(document__in=["passport", "plan"]), name="read_receipt_document_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} saw {self.document} v{self.seen_version} of {self.pupil}"

    @classmethod
    def mark_seen(cls, *, user, pupil, document, version):
        """Remember that user has opened this version (never moves backwards)."""
        if not version:
            return
        receipt, created = cls.objects.get_or_create(
            user=user, pupil=pupil, document=document, defaults={"seen_version": version}
        )
        if not created and receipt.seen_version < version:
            receipt.seen_version = version
            receipt.save(update_fields=["seen_version", "seen_at"])

    @classmethod
    def seen_version_for(cls, user, document):
        """A subquery: the version of `document` that user last opened for the outer pupil."""
        return models.Subquery(
            cls.objects.filter(user=user, document=document, pupil_id=OuterRef("pk")).values(
                "seen_version"
            )[:1]
        )


class ParentMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def held(self, on=None):
        return self.filter(held_on__lte=on or date.today())

    def upcoming(self, on=None):
        return self.filter(held_on__gt=on or date.today())

    def in_school_year(self, day=None):
        """Meetings held in the school year holding day (1 September to 31 August)."""
        start, end = codes.school_year_bounds(day or date.today())
        return self.filter(held_on__gte=start, held_on__lte=end)


class ParentMeeting(models.Model):
    """A meeting with a pupil's parents or carers (Code of Practice 6.65)."""

    class Purpose(models.TextChoices):
        PLAN = "plan", "Agreeing the support plan"
        REVIEW = "review", "Reviewing progress"
        PARENTS_EVENING = "parents_evening", "Parents' evening"
        CONCERN = "concern", "Talking about a concern"
        ANNUAL_REVIEW = "annual_review", "EHCP annual review"
        OTHER = "other", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="parent_meetings")
    held_on = models.DateField("date")
    held_with = models.CharField(
        "met with", max_length=200, help_text="For example: mother, both parents, foster carer."
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    notes = models.TextField(blank=True, help_text="Seen by staff only.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ParentMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    purpose__in=[
                        "plan",
                        "review",
                        "parents_evening",
                        "concern",
                        "annual_review",
                        "other",
                    ]
                ),
                name="parent_meeting_purpose_valid",
            ),
        ]
        permissions = [("record_parent_meeting", "Can record a meeting with parents")]

    def __str__(self):
        return f"Meeting with {self.held_with} about {self.pupil} on {self.held_on:%d/%m/%Y}"


# Identification: concerns, evidence, assessments, decisions, referrals ------------
# (SEND-reference.md §3; issue 4). Workflows that touch several rows live in
# pupils/identification.py.

CONCERN_ATTACHMENT_TYPES = ["pdf", "doc", "docx", "odt", "jpg", "jpeg", "png", "heic"]
CONCERN_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


# The first bytes of each allowed kind of file, so a renamed program is refused.
ATTACHMENT_SIGNATURES = {
    "pdf": [b"%PDF"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
}


def _contents_match(upload, extension):
    """True when a new upload's first bytes fit its extension (stored files are not reread)."""
    if getattr(upload, "_committed", False):
        return True
    source = getattr(upload, "file", upload)
    position = source.tell()
    source.seek(0)
    head = source.read(16)
    source.seek(position)
    if extension == "heic":
        return head[4:8] == b"ftyp"
    return any(head.startswith(signature) for signature in ATTACHMENT_SIGNATURES[extension])


def validate_document_or_image(upload):
    """Only documents and photos, at most 10 MB: work samples, letters, reports."""
    from django.core.exceptions import ValidationError

    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in CONCERN_ATTACHMENT_TYPES:
        raise ValidationError(
            "Attach a document or a photo (PDF, Word, OpenDocument, JPEG, PNG or HEIC); "
            f"“{upload.name}” is not one of those."
        )
    if not _contents_match(upload, extension):
        raise ValidationError(
            f"“{upload.name}” is called .{extension} but its contents are not a document "
            "or a photo. Save it again as PDF, Word, JPEG or PNG and attach that."
        )
    if upload.size > CONCERN_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 10 MB. "
            "Take a smaller photo or scan fewer pages."
        )


def validate_not_in_future(value):
    from django.core.exceptions import ValidationError

    if value > date.today():
        raise ValidationError("This date is in the future.")


def months_old_on(pupil, when):
    """Whole months of age on a date (for instruments' age ranges)."""
    months = (when.year - pupil.date_of_birth.year) * 12 + when.month - pupil.date_of_birth.month
    return months - 1 if when.day < pupil.date_of_birth.day else months


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The SENCO sees every concern about pupils in scope; others only those they raised."""
        in_scope = self.filter(pupil__in=Pupil.objects.visible_to(user))
        if user.has_perm("pupils.triage_concerns"):
            return in_scope
        return in_scope.filter(raised_by=user)

    def needing_triage(self, on=None):
        """Open concerns, and monitored ones whose look-again date has come."""
        on = on or date.today()
        return self.filter(
            ~Q(status=Concern.Status.DECIDED)
            | Q(decision=Concern.Decision.MONITOR, look_again_on__lte=on)
        )

    def for_queue(self):
        return self.select_related("pupil", "raised_by", "decided_by").order_by("raised_at", "pk")

    def raised_as_parent_by(self, user):
        """The worries this parent shared about their own children, newest first."""
        return (
            self.filter(
                raised_by=user,
                raised_by_parent=True,
                pupil__in=Pupil.objects.visible_to(user),
            )
            .select_related("pupil")
            .order_by("-raised_at", "-pk")
        )


class Concern(models.Model):
    """A concern about a pupil from staff or a parent: step 1 of identification (§3)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_EVIDENCE = "awaiting_evidence", "Awaiting evidence"
        DECIDED = "decided", "Decided"

    class Decision(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        MONITOR = "monitor", "Monitor"
        SEN_SUPPORT = "sen_support", "SEN support"
        REFER = "refer", "Refer to a specialist"
        EHC_REQUEST = "ehc_request", "Request an EHC needs assessment"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    noticed = models.TextField("what have you noticed?")
    contexts = models.CharField(
        "in which lessons or situations?",
        max_length=300,
        blank=True,
        help_text="For example: English, unstructured times, group work.",
    )
    suspected_areas = models.JSONField("which areas of need might it be?", default=list, blank=True)
    tried_already = models.TextField("what have you tried already?", blank=True)
    attachment = models.FileField(
        "work sample or photo (optional)",
        upload_to="concerns/%Y/",
        blank=True,
        validators=[validate_document_or_image],
        help_text="PDF, Word, OpenDocument, JPEG, PNG or HEIC, up to 10 MB.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    look_again_on = models.DateField("look again on", null=True, blank=True)
    # Set when raised from the parent portal: a person's role can change or be several.
    raised_by_parent = models.BooleanField("raised by a parent or carer", default=False)

    history = HistoricalRecords()
    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_progress", "awaiting_evidence", "decided"]),
                name="concern_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    decision__in=[
                        "",
                        "no_further_action",
                        "monitor",
                        "sen_support",
                        "refer",
                        "ehc_request",
                    ]
                ),
                name="concern_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="decided", decision__gt="")
                | (~Q(status="decided") & Q(decision="")),
                name="concern_decided_has_decision",
            ),
        ]
        permissions = [
            ("raise_concern", "Can raise a concern about a pupil"),
            ("triage_concerns", "Can triage concerns, gather evidence and decide"),
            ("raise_concern_as_parent", "Can tell the school about a worry about their own child"),
        ]

    def __str__(self):
        return f"Concern about {self.pupil} raised {self.raised_at:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("pupils:concern_detail", args=[self.pk])

    def age_in_days(self, on=None):
        return ((on or date.today()) - self.raised_at.date()).days

    @property
    def suspected_area_labels(self):
        return [BroadArea(code).label for code in self.suspected_areas if code in BroadArea.values]

    @property
    def is_due_to_look_again(self):
        return (
            self.decision == self.Decision.MONITOR
            and self.look_again_on is not None
            and self.look_again_on <= date.today()
        )

    @property
    def attachment_name(self):
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""

    @property
    def status_for_parent(self):
        """The status in plain words for the parent who raised it: never the SENCO's notes."""
        if self.status == self.Status.NEW:
            return "The SENCO has received this"
        if self.status == self.Status.DECIDED:
            return f"Decided: {PARENT_DECISION_WORDS[self.decision]}"
        return "The school is looking into this"


# What each decision means, in words for parents (SEND-reference.md §3, step 3).
PARENT_DECISION_WORDS = {
    Concern.Decision.NO_FURTHER_ACTION: "no extra help is needed for now",
    Concern.Decision.MONITOR: "the school will keep an eye on how things go",
    Concern.Decision.SEN_SUPPORT: "your child will get extra help at school (SEN support)",
    Concern.Decision.REFER: "the school will ask a specialist for advice",
    Concern.Decision.EHC_REQUEST: "the school will ask the council for an EHC needs assessment",
}


class EvidenceSource(models.TextChoices):
    """Evidence to collate before deciding, other explanations first (SEND-reference.md §3)."""

    OTHER_EAL = "other_eal", "Other explanation checked: English as an additional language"
    OTHER_ATTENDANCE = "other_attendance", "Other explanation checked: attendance"
    OTHER_GAPS = "other_gaps", "Other explanation checked: gaps in education"
    OTHER_AGE = "other_age", "Other explanation checked: age or maturity"
    OBSERVATION = "observation", "SENCO observation"
    WORK_SCRUTINY = "work_scrutiny", "Work scrutiny"
    ASSESSMENTS = "assessments", "Screening and standardised assessments"
    ATTENDANCE_BEHAVIOUR = "attendance_behaviour", "Attendance and behaviour"
    PUPIL_VIEWS = "pupil_views", "The pupil's views"
    PARENT_VIEWS = "parent_views", "Parents' views"
    PREVIOUS_SETTING = "previous_setting", "Information from the previous setting"
    ROUND_ROBIN = "round_robin", "Responses from all the pupil's teachers (round robin)"


class ConcernEvidence(models.Model):
    """One row of a concern's evidence checklist: in, or still missing."""

    class Status(models.TextChoices):
        IN = "in", "In"
        MISSING = "missing", "Missing"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="evidence")
    source = models.CharField(max_length=30, choices=EvidenceSource.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MISSING)
    note = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "concern evidence"
        constraints = [
            models.UniqueConstraint(fields=["concern", "source"], name="evidence_unique_source"),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in EvidenceSource]),
                name="evidence_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in", "missing"]), name="evidence_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.get_status_display()}"


class RoundRobinRequestQuerySet(models.QuerySet):
    def addressed_to(self, user):
        """Requests to this teacher about pupils they can still see."""
        return self.filter(teacher=user, concern__pupil__in=Pupil.objects.visible_to(user))

    def awaiting_answer(self):
        return self.filter(response__isnull=True)


class RoundRobinRequest(models.Model):
    """The same short questions, sent to one of the pupil's teachers."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="round_robin")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="round_robin_requests"
    )
    subjects = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = RoundRobinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "teacher"], name="round_robin_once"),
        ]

    def __str__(self):
        return f"Round robin to {self.teacher} about {self.concern.pupil_id}"

    def get_absolute_url(self):
        return reverse("pupils:round_robin_answer", args=[self.pk])


class RoundRobinResponse(models.Model):
    """A teacher's answers to the round robin questions."""

    class Level(models.TextChoices):
        NONE = "none", "No concern in my lessons"
        SOME = "some", "Some concern"
        SIGNIFICANT = "significant", "Significant concern"

    request = models.OneToOneField(
        RoundRobinRequest, on_delete=models.PROTECT, related_name="response"
    )
    level = models.CharField(
        "how much concern in your lessons?", max_length=12, choices=Level.choices
    )
    strengths = models.TextField("what goes well?", blank=True)
    difficulties = models.TextField("what difficulties do you see?", blank=True)
    what_helps = models.TextField("what have you tried, and what helps?", blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["none", "some", "significant"]),
                name="round_robin_level_valid",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.request}"


class ObservationNote(models.Model):
    """The SENCO's (or a colleague's) observation of the pupil for a concern."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="observations")
    observed_on = models.DateField(validators=[validate_not_in_future])
    setting = models.CharField("lesson or situation", max_length=200)
    note = models.TextField("what was seen")
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"Observation on {self.observed_on:%d/%m/%Y}"


class ConcernView(models.Model):
    """The pupil's or the parents' views on a concern, with when and how they were gathered."""

    class Whose(models.TextChoices):
        PUPIL = "pupil", "The pupil"
        PARENT = "parent", "Parents or carers"

    class Method(models.TextChoices):
        CONVERSATION = "conversation", "Conversation"
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Phone call"
        QUESTIONNAIRE = "questionnaire", "Questionnaire"
        SYMBOLS = "symbols", "Symbols, drawings or rating scales"
        EMAIL = "email", "Email or letter"
        OTHER = "other", "Another way"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="views")
    whose = models.CharField("whose views", max_length=10, choices=Whose.choices)
    gathered_on = models.DateField(validators=[validate_not_in_future])
    method = models.CharField("how they were gathered", max_length=20, choices=Method.choices)
    summary = models.TextField("what they said")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-gathered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whose__in=["pupil", "parent"]), name="concern_view_whose_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_whose_display()} on {self.gathered_on:%d/%m/%Y}"


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


class AssessmentResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

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
        "age-equivalent (months)", null=True, blank=True, help_text="For example a reading age."
    )
    percentile = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, "A percentile is between 0 and 100.")],
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


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

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


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def for_user(self, user):
        return self.filter(assigned_to=user, school_id=user.school.pk if user.school else None)

    def visible_to(self, user):
        """Tasks about pupils this person may see now (SEND-reference.md §1)."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def for_list(self):
        """What the task list and the dashboard tile show (links use concern_id)."""
        return self.select_related("pupil")

    def counts(self, on=None):
        """Open, done and overdue (open and past due) in one query."""
        on = on or date.today()
        return self.aggregate(
            open=models.Count("pk", filter=Q(done_at__isnull=True)),
            done=models.Count("pk", filter=Q(done_at__isnull=False)),
            overdue=models.Count("pk", filter=Q(done_at__isnull=True, due_on__lt=on)),
        )


class Task(models.Model):
    """A follow-up job created by a decision (draft a plan, tell the teachers...)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="tasks")
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_on < date.today()
