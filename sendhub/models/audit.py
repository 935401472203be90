"""The access log: every read of a full SEN file and every bulk export."""

from django.conf import settings
from django.db import models

from sendhub.models.schools import School
from sendhub.roles import Role


class AccessLogQuerySet(models.QuerySet):
    def for_pupil(self, pupil_id):
        return self.filter(pupil_id=pupil_id).select_related("user")


class AccessLog(models.Model):
    """A read of a pupil's full or restricted SEN file (docs/access.md)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Blank only for a management command run without naming a person (what says so).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # An id, not a foreign key: sendhub sits below pupils and knows nothing of them.
    pupil_id = models.BigIntegerField(db_index=True)
    what = models.CharField(max_length=100)
    path = models.CharField(max_length=500)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        who = self.user or "a command-line user"
        return f"{who} read {self.what} of pupil {self.pupil_id} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, request, *, pupil, what):
        return cls.objects.create(
            user=request.user,
            role=request.user.role,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            what=what,
            path=request.get_full_path()[:500],
        )
