"""Follow-up tasks created by decisions."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pupils.models.concerns import Concern
from pupils.models.pupil import Pupil, PupilRecordQuerySet
from sendhub.models import School


class TaskKind(models.TextChoices):
    """What a task asks for, so the job being done elsewhere can close it."""

    DRAFT_PLAN = "draft_plan", "Draft a support plan"
    TELL_STAFF = "tell_staff", "Tell the pupil's teachers"
    TELL_PARENTS = "tell_parents", "Tell parents"
    EHC_REQUEST = "ehc_request", "Send an EHC needs assessment request"
    INTERIM_REVIEW = "interim_review", "Ask for an interim annual review"
    REFERRAL = "referral", "Send a referral"
    OTHER = "other", "Other"


class TaskQuerySet(PupilRecordQuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def for_user(self, user):
        return self.filter(assigned_to=user, school_id=user.school.pk if user.school else None)

    def overdue(self, on=None):
        return self.open().filter(due_on__lt=on or date.today())

    def at_school(self, school):
        return self.filter(school_id=school.pk if school else None)

    def for_list(self):
        """What the task list and the dashboard tile show (links use url, then concern_id)."""
        return self.select_related("pupil", "assigned_to")

    def close(self, *, kind, pupil, reason="Done: the job was recorded"):
        """Close the open tasks of this kind about this pupil: the job itself was just done."""
        now = timezone.now()
        closed = list(self.open().filter(kind=kind, pupil=pupil))
        for task in closed:
            task.done_at = now
            task._change_reason = reason
            task.save(update_fields=["done_at"])
        return closed

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

    Kind = TaskKind

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
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # Where the job is done: a path, reversed by whoever made the task.
    url = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("reassign_task", "Hand a task on to another member of staff")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="task_kind_valid"),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="/"), name="task_url_is_a_path"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def link(self):
        """The page where the job is done, else the concern it came from."""
        if self.url:
            return self.url
        if self.concern_id:
            return reverse("pupils:concern_detail", args=[self.concern_id])
        return ""

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_on < date.today()
