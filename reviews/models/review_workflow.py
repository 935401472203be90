"""
The people and papers of an EHC plan review: who is invited and asked for advice, the
views given, the meeting record, the school's letterhead and the reminders sent.

SEND Regulations 2014 reg 20: invite the parent or young person, the LA, health, social
care and school staff at least two weeks before the meeting; obtain advice and circulate
it at least two weeks before; send the report within two weeks after (docs/annual-review-
workflow.md). Dates and deadlines stay on AnnualReview (reviews/models/annual_reviews.py).
"""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pupils.models import PupilRecordQuerySet
from reviews.models.annual_reviews import AnnualReview
from sendhub.models import School

# A professional's advice link works for this long, and never after the meeting.
ADVICE_LINK_DAYS = 14


class ContributorQuerySet(PupilRecordQuerySet):
    def for_page(self):
        return self.select_related("user").order_by("role", "name", "pk")

    def asked_of(self, user):
        """Advice requests made of this person, for pupils they may still see."""
        return (
            self.visible_to(user)
            .filter(user=user, advice_requested_on__isnull=False)
            .select_related("review__plan__pupil")
            .order_by("advice_received_on", "-advice_requested_on", "pk")
        )


class Contributor(models.Model):
    """Someone invited to a review, asked for advice, or both (SEND Regulations 2014 reg 20)."""

    class Role(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "The young person"
        LOCAL_AUTHORITY = "la", "Local authority SEN officer"
        HEALTH = "health", "Health professional"
        SOCIAL_CARE = "social_care", "Social care"
        SCHOOL_STAFF = "school_staff", "School staff"
        OTHER = "other", "Other professional"

    pupil_path = "review__plan__pupil"

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="contributors")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(
        "job or service", max_length=120, blank=True, help_text="e.g. Speech and language therapist"
    )
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_contributions",
        help_text="A member of staff who gives advice in SENDhub.",
    )
    invited_on = models.DateField(null=True, blank=True)
    advice_requested_on = models.DateField(null=True, blank=True)
    advice_received_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = ContributorQuerySet.as_manager()

    class Meta:
        ordering = ["role", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "parent",
                        "young_person",
                        "la",
                        "health",
                        "social_care",
                        "school_staff",
                        "other",
                    ]
                ),  # fmt: skip
                name="contributor_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(advice_received_on__isnull=True) | Q(advice_requested_on__isnull=False),
                name="contributor_advice_after_request",
            ),
        ]
        permissions = [("give_review_advice", "Can give advice to an EHC plan review when asked")]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_family(self):
        return self.role in (self.Role.PARENT, self.Role.YOUNG_PERSON)

    @property
    def advice_state(self):
        if self.advice_received_on:
            return "received"
        return "asked" if self.advice_requested_on else ""


class AdviceLinkQuerySet(PupilRecordQuerySet):
    def usable(self, now=None):
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class AdviceLink(models.Model):
    """
    A one-time address a professional uses to send their advice without signing in.

    Only a hash of the token is kept. It opens one contributor's request (the pupil's first
    name, the meeting date and the form), expires, and works for one submission.
    """

    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = AdviceLinkQuerySet.as_manager()

    pupil_path = "contributor__review__plan__pupil"

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Advice link for {self.contributor}"

    @staticmethod
    def hash(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, contributor, *, now=None):
        """A new link and its token (returned once). It expires after 14 days or at the
        end of the meeting day, whichever is sooner; earlier links for the same request stop."""
        now = now or timezone.now()
        expires = now + timedelta(days=ADVICE_LINK_DAYS)
        meeting = contributor.review.meeting_on
        if meeting:
            end_of_meeting = timezone.make_aware(
                datetime.combine(meeting + timedelta(days=1), time.min)
            )
            expires = min(expires, end_of_meeting)
        cls.objects.filter(contributor=contributor).usable(now).update(expires_at=now)
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            contributor=contributor, token_hash=cls.hash(token), created_at=now, expires_at=expires
        )
        return link, token

    def is_usable(self, now=None):
        return self.used_at is None and self.expires_at > (now or timezone.now())


class FamilyViewQuerySet(PupilRecordQuerySet):
    pass


class FamilyView(models.Model):
    """The parent's, or the child's or young person's, views for a review (Children and Families Act 2014 s19)."""

    class Party(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        CHILD = "child", "The child or young person"

    pupil_path = "review__plan__pupil"

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="family_views")
    party = models.CharField(max_length=10, choices=Party.choices)
    going_well = models.TextField("what is going well", blank=True)
    hard = models.TextField("what is hard or worrying", blank=True)
    hopes = models.TextField("hopes for the next year and the future", blank=True)
    how_given = models.CharField(
        "how the views were given",
        max_length=120,
        blank=True,
        help_text="e.g. In the parent portal; talked with their key adult; drawings",
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = FamilyViewQuerySet.as_manager()

    class Meta:
        ordering = ["party"]
        constraints = [
            models.UniqueConstraint(fields=["review", "party"], name="familyview_one_per_party"),
            models.CheckConstraint(
                condition=Q(party__in=["parent", "child"]), name="familyview_party_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()}'s views"


class MeetingRecord(models.Model):
    """What the review meeting found and recommended (SEND Regulations 2014 reg 19)."""

    review = models.OneToOneField(AnnualReview, on_delete=models.PROTECT, related_name="meeting")
    attended = models.TextField("who attended", help_text="Names and roles, one a line.")
    pupil_views = models.TextField(
        "the child's or young person's views at the meeting",
        blank=True,
        help_text="What they said, or how their views were heard.",
    )
    pfa_employment = models.TextField("employment and education", blank=True)
    pfa_independent_living = models.TextField("independent living", blank=True)
    pfa_community = models.TextField("friends, relationships and community", blank=True)
    pfa_health = models.TextField("good health", blank=True)
    recommendation = models.CharField(
        "the school's recommendation", max_length=10, choices=AnnualReview.Decision.choices
    )
    reasons = models.TextField("why", help_text="What changed, or why the plan stays as it is.")
    amendments = models.TextField(
        "amendments recommended", blank=True, help_text="Sections and wording to change."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__in=["maintain", "amend", "cease"]),
                name="meetingrecord_recommendation_valid",
            )
        ]

    def __str__(self):
        return f"Meeting record for {self.review}"


class OutcomeReview(models.Model):
    """Progress towards one section E outcome and whether it is still right (SEND Regulations 2014 reg 19)."""

    class StillRight(models.TextChoices):
        YES = "yes", "Still right"
        CHANGE = "change", "Change it"
        MET = "met", "Met: remove it"

    meeting = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(default=0)
    plan_outcome = models.ForeignKey(
        "reviews.EHCPlanOutcome",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The section E line reviewed; blank for an outcome the plan does not hold yet.",
    )
    outcome = models.TextField("outcome (section E)")
    progress = models.TextField("progress this year", blank=True)
    still_right = models.CharField(
        "is it still right?", max_length=10, choices=StillRight.choices, default=StillRight.YES
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(still_right__in=["yes", "change", "met"]),
                name="outcomereview_still_right_valid",
            )
        ]

    def __str__(self):
        return self.outcome[:60]


class Letterhead(models.Model):
    """The school's headed paper and signatory on review letters and reports."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="letterhead")
    address = models.TextField(blank=True, help_text="As it should appear at the top of letters.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("email for replies", blank=True)
    signatory_name = models.CharField("letters signed by", max_length=120, blank=True)
    signatory_role = models.CharField("their role", max_length=120, blank=True, default="SENCO")

    history = HistoricalRecords()

    def __str__(self):
        return f"Letterhead of {self.school}"

    @classmethod
    def for_school(cls, school):
        """The school's letterhead, or an unsaved blank one."""
        return cls.objects.filter(school=school).first() or cls(school=school)


class ReminderSent(models.Model):
    """A reminder already sent for a review, so it is never sent twice."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=40)
    sent_on = models.DateField(default=date.today)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="remindersent_once")]

    def __str__(self):
        return f"{self.key} for {self.review_id}"
