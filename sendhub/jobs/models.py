"""A long job someone asked for (an export, a PDF pack): its progress and the file it made."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from sendhub.models.schools import School

# Files made by jobs are personal data: kept this long, then removed (clear_expired_jobs).
KEEP_FOR = timedelta(hours=24)


def job_file_path(job, filename):
    # A private prefix: served only through jobs.views.download, never as a media URL.
    return f"private/jobs/{job.requested_by_id}/{job.pk}/{filename}"


class JobQuerySet(models.QuerySet):
    def of(self, user):
        """Only the person who asked sees a job (out of scope = 404)."""
        return self.filter(requested_by=user)

    def expired(self, now=None):
        now = now or timezone.now()
        return self.filter(created_at__lt=now - KEEP_FOR).exclude(file="")

    def latest_for(self, user, kind, **params):
        """The person's newest job of this kind for these parameters, if any."""
        lookups = {f"params__{key}": value for key, value in params.items()}
        return self.of(user).filter(kind=kind, **lookups).order_by("-created_at", "-pk").first()


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"
        EXPIRED = "expired", "Removed after 24 hours"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=50)
    # What the job function needs (ids, a term): JSON, never personal data itself.
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=job_file_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed", "expired"]),
                name="job_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.requested_by_id}: {self.status}"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def set_progress(self, done, total):
        """Called by the job function as it goes; one UPDATE, read by the polling page."""
        self.done, self.total = done, total
        type(self).objects.filter(pk=self.pk).update(done=done, total=total)

    def expire(self):
        if self.file:
            self.file.delete(save=False)
        self.file = ""
        self.status = self.Status.EXPIRED
        self.save(update_fields=["file", "status"])
