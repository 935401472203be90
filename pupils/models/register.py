"""The SEN register: ranked needs, the register history, parents informed, medical conditions."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from pupils import codes
from pupils.codes import BroadArea, NeedType, SenStage
from pupils.models.pupil import Pupil, PupilRecordQuerySet, RestrictedRecordQuerySet


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


class RegisterEntryQuerySet(PupilRecordQuerySet):
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

    def off_e_without_plan_record(self):
        """
        In-force entries that took a pupil off E (or corrected an E entry away) other than
        the EHC plan record's own: a school action the law does not allow (docs/register.md).
        """
        ehcp = SenStage.EHCP
        return (
            self.in_force()
            .with_previous_stage()
            .filter(Q(previous_stage=ehcp) | Q(corrects__stage=ehcp))
            .exclude(stage=ehcp)
            .exclude(source=RegisterEntry.Source.EHC_PLAN)
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
        # The only source that may put a pupil onto E or take them off it: the record of
        # the local authority's plan (Children and Families Act 2014 s37, s45).
        EHC_PLAN = "ehc_plan", "EHC plan record"

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
                condition=Q(source__in=["manual", "import", "concern", "review", "ehc_plan"]),
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

    def save(self, *args, **kwargs):
        """Recording that parents were told closes any open task to tell them."""
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            from pupils.models.tasks import Task

            Task.objects.close(kind=Task.Kind.TELL_PARENTS, pupil=self.pupil)


class MedicalConditionQuerySet(RestrictedRecordQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class MedicalCondition(models.Model):
    """
    A medical condition (restricted tier: SENCO and named people only).

    Never deleted: a condition that no longer applies is ended (ended_on), so the
    record of what the school knew and when stays.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medical_conditions")
    condition = models.CharField(max_length=200)
    has_care_plan = models.BooleanField("has an individual healthcare plan", default=False)
    notes = models.TextField(blank=True)
    ended_on = models.DateField("no longer applies from", null=True, blank=True)
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Staff besides the SENCO who may read this condition.",
    )

    history = HistoricalRecords()
    objects = MedicalConditionQuerySet.as_manager()

    class Meta:
        ordering = ["condition"]

    def __str__(self):
        return self.condition
