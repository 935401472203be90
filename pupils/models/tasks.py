"""Follow-up tasks created by decisions."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pupils.models.concerns import Concern
from pupils.models.pupil import Pupil, PupilRecordQuerySet
from sendhub.models import School


class TaskQuerySet(PupilRecordQuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def for_user(self, user):
        return self.filter(assigned_to=user, school_id=user.school.pk if user.school else None)

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
