"""MIS import records: the school's column mapping and each uploaded file."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendhub.models import School


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
        """Drop the rows read but keep each upload, marked expired, as its record."""
        return self.update(sheet={}, columns={}, result={"expired_at": now.isoformat()})


class ImportBatch(models.Model):
    """
    An uploaded MIS export between its preview and being applied (pupils/imports.py).

    The file itself is a working copy: it is dropped once the batch is applied, and
    what changed is kept in the pupils' own history. An upload never applied is
    expired after a week by `clear_stale_imports` (personal data is kept only while needed):
    its file is dropped and the row stays, with result["expired_at"], as the record of the
    upload.
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
    # The rows as read once at upload (pupils/mis_import/reading.py Sheet.to_json): the
    # preview and the apply both use these, so the file is never parsed a second time.
    sheet = models.JSONField(default=dict, blank=True, editable=False)
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
