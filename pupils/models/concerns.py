"""Identification: concerns, evidence, round robins, observations and views."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.codes import BroadArea
from pupils.models.pupil import Pupil, PupilRecordQuerySet
from sendhub.uploads import check_contents

CONCERN_ATTACHMENT_TYPES = ["pdf", "doc", "docx", "odt", "jpg", "jpeg", "png", "heic"]
CONCERN_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


# The first bytes of each allowed kind of file (kept for callers that sniff a type);
# the whole-file checks live in sendhub/uploads.py.
ATTACHMENT_SIGNATURES = {
    "pdf": [b"%PDF"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
}


def validate_document_or_image(upload):
    """Only documents and photos, at most 10 MB: work samples, letters, reports."""
    from django.core.exceptions import ValidationError

    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in CONCERN_ATTACHMENT_TYPES:
        raise ValidationError(
            "Attach a document or a photo (PDF, Word, OpenDocument, JPEG, PNG or HEIC); "
            f"“{upload.name}” is not one of those."
        )
    if upload.size > CONCERN_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 10 MB. "
            "Take a smaller photo or scan fewer pages."
        )
    if getattr(upload, "_committed", False):
        return  # a file already stored was checked when it arrived; it is not reread
    check_contents(upload, extension)


def validate_not_in_future(value):
    from django.core.exceptions import ValidationError

    if value > date.today():
        raise ValidationError("This date is in the future.")


def months_old_on(pupil, when):
    """Whole months of age on a date (for instruments' age ranges)."""
    months = (when.year - pupil.date_of_birth.year) * 12 + when.month - pupil.date_of_birth.month
    return months - 1 if when.day < pupil.date_of_birth.day else months


class ConcernQuerySet(PupilRecordQuerySet):
    def visible_to(self, user):
        """The SENCO sees every concern about pupils in scope; others only those they raised."""
        in_scope = super().visible_to(user)
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

    def open(self):
        """Concerns not yet decided."""
        return self.exclude(status=Concern.Status.DECIDED)

    def for_pupil_page(self):
        """The open concerns a pupil's page lists: who raised them and when."""
        return self.open().select_related("raised_by").order_by("-raised_at", "-pk")

    def for_queue(self):
        return self.select_related("pupil", "raised_by", "decided_by").order_by("raised_at", "pk")

    def raised_as_parent_by(self, user):
        """The worries this parent shared about their own children, newest first."""
        return (
            self.visible_to(user)
            .filter(raised_by=user, raised_by_parent=True)
            .select_related("pupil")
            .order_by("-raised_at", "-pk")
        )


class Concern(models.Model):
    """A concern about a pupil from staff or a parent: the first step of identification."""

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


# What each decision means, in words for parents.
PARENT_DECISION_WORDS = {
    Concern.Decision.NO_FURTHER_ACTION: "no extra help is needed for now",
    Concern.Decision.MONITOR: "the school will keep an eye on how things go",
    Concern.Decision.SEN_SUPPORT: "your child will get extra help at school (SEN support)",
    Concern.Decision.REFER: "the school will ask a specialist for advice",
    Concern.Decision.EHC_REQUEST: "the school will ask the council for an EHC needs assessment",
}


class EvidenceSource(models.TextChoices):
    """Evidence to collate before deciding; other explanations are checked first."""

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
        """Requests to this teacher about pupils they can still see and whose file is open."""
        return self.filter(teacher=user, concern__pupil__in=Pupil.objects.writable_by(user))

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
