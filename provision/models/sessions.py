"""
Session logs: each time a group met or should have met, and who was there (Code of
Practice 6.76: provision is recorded as delivered, not only as planned).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pupils.models import PupilRecordQuerySet


class SessionStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    MISSED = "missed", "Missed"


class MissedReason(models.TextChoices):
    STAFF_ABSENCE = "staff_absence", "Staff absence"
    PUPIL_ABSENCE = "pupil_absence", "Pupil absence"
    ROOM = "room", "No room"
    TRIP = "trip", "Trip or event"
    OTHER = "other", "Other"


class Session(models.Model):
    """One meeting of a group on a date: delivered (with attendance) or missed, and why."""

    Status = SessionStatus
    MissedReason = MissedReason

    group = models.ForeignKey(
        "provision.ProvisionGroup", on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    missed_reason = models.CharField(max_length=20, choices=MissedReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # Made when the logging form is drawn and sent back with it: a second submit of the
    # same form (a double tap, a retry on a slow connection) finds this session.
    token = models.UUIDField("idempotency token", editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        get_latest_by = "date"
        indexes = [
            # Hours delivered this school year (the trust roll-up and costing): the delivered
            # sessions in a date range, read from the index alone rather than the table.
            models.Index(
                fields=["date", "group"],
                condition=Q(status="delivered"),
                name="session_delivered_by_date",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "token"], name="session_token_once_per_group"),
            # One log per group per day, whoever logs it.
            models.UniqueConstraint(fields=["group", "date"], name="session_once_per_day"),
            models.CheckConstraint(
                condition=(Q(status="delivered") & Q(missed_reason=""))
                | (Q(status="missed") & Q(missed_reason__in=MissedReason.values)),
                name="session_missed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.group} on {self.date:%d %b %Y}: {self.get_status_display()}"

    def clean(self):
        if self.status == self.Status.MISSED and not self.missed_reason:
            raise ValidationError({"missed_reason": "Say why the session was missed."})
        if self.status == self.Status.DELIVERED:
            self.missed_reason = ""

    @property
    def is_delivered(self):
        return self.status == self.Status.DELIVERED


class SessionAttendanceQuerySet(PupilRecordQuerySet):
    pass


class SessionAttendance(models.Model):
    """Whether a pupil who was a member on the day was at a delivered session."""

    pupil_path = "pupil"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="session_attendance"
    )
    present = models.BooleanField(default=True)

    history = HistoricalRecords()
    objects = SessionAttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "pupil__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="attendance_once_per_session")
        ]

    def __str__(self):
        return f"{self.pupil}: {'present' if self.present else 'absent'}"
