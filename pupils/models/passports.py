"""Pupil passports, one-page profiles, read receipts and parent meetings (Code of Practice 6.65)."""

from datetime import date, timedelta
from uuid import uuid4

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils import codes
from pupils.models.pupil import Pupil, PupilRecordQuerySet


class PupilVoiceMethod(models.TextChoices):
    """How the pupil's own views were gathered."""

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
    objects = PupilRecordQuerySet.as_manager()

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
    """The lighter one-page profile; its history keeps every change."""

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


class ParentMeetingQuerySet(PupilRecordQuerySet):
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
