"""A note to one person that something in SENDhub is waiting for them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EmailChoice(models.TextChoices):
    EACH = "each", "An email for each one"
    DIGEST = "digest", "One email a day listing them"
    NONE = "none", "No email: I will look in SENDhub"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        """The notification list: newest first, with the school each came from."""
        return self.select_related("school").order_by("-created_at", "-pk")

    def for_digest(self):
        """Not yet emailed, for people who asked for one email a day."""
        return self.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            recipient__notification_email=EmailChoice.DIGEST,
        )

    def mark_read(self):
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """
    Something waiting for one person. The title never names a pupil: it may go by email,
    and the page it links to checks who may see the pupil each time it is opened.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    school = models.ForeignKey(
        "sendhub.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500, help_text="A path, reversed by the caller.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="/"), name="notification_url_is_a_path"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None
