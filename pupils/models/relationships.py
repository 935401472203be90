"""Who teaches, supports and parents each pupil: teaching groups, TA support, parent links."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils import codes
from pupils.models.pupil import Pupil, PupilRecordQuerySet
from sendhub.models import School, User


class TeachingGroupQuerySet(models.QuerySet):
    def taught_by(self, user):
        return self.filter(Q(teachers=user) | Q(support_staff=user)).distinct()

    def at_school_of(self, user):
        """Groups of the school this person is acting for now; none without a school."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None or membership.school_id is None:
            return self.none()
        return self.filter(school_id=membership.school_id)

    def for_class_list(self):
        """What the classes page shows: counts and the teachers' names."""
        return self.with_pupil_counts().prefetch_related("teachers")

    def with_pupil_counts(self):
        on_register = Q(pupils__sen_stage__in=codes.REGISTER_STAGES)
        return self.annotate(
            pupil_count=models.Count("pupils", distinct=True),
            sen_count=models.Count("pupils", filter=on_register, distinct=True),
        )


class TeachingGroup(models.Model):
    """A form (tutor group) or a class a teacher teaches."""

    class Kind(models.TextChoices):
        FORM = "form", "Form"
        CLASS = "class", "Class"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    year_group = models.SmallIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=60, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teaching_groups"
    )
    support_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="supported_groups"
    )
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="teaching_groups")

    # Who teaches a class decides which teachers see its pupils, so each change of
    # teachers is kept with who made it (the pupils themselves come from the MIS).
    history = HistoricalRecords(m2m_fields=[teachers])
    objects = TeachingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="group_unique_name_per_school"),
            models.CheckConstraint(
                condition=Q(kind__in=["form", "class"]), name="group_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pupils:class_detail", args=[self.pk])

    def teacher_changes(self, limit=20):
        """Who changed this class's teachers and when, newest first: added and removed names.

        Two queries: the latest history rows, then the teachers each row recorded.
        """
        rows = list(
            self.history.select_related("history_user").order_by("-history_date", "-history_id")[
                : limit + 1
            ]
        )
        through = self.history.model.teachers.model
        names = {row.history_id: {} for row in rows}
        for kept in through.objects.filter(history__in=rows).select_related("user"):
            names[kept.history_id][kept.user_id] = str(kept.user)
        changes = []
        for index, row in enumerate(rows[:limit]):
            now = names[row.history_id]
            before = names[rows[index + 1].history_id] if index + 1 < len(rows) else None
            if before is None:
                added, removed = sorted(now.values()), []
            else:
                added = sorted(name for pk, name in now.items() if pk not in before)
                removed = sorted(name for pk, name in before.items() if pk not in now)
                if not added and not removed:
                    continue
            changes.append(
                {
                    "at": row.history_date,
                    "by": row.history_user,
                    "reason": row.history_change_reason or "",
                    "teachers": sorted(now.values()),
                    "added": added,
                    "removed": removed,
                    "is_first": before is None,
                }
            )
        return changes


class SupportAssignmentQuerySet(PupilRecordQuerySet):
    def current(self):
        today = date.today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)

    def not_ended(self):
        """Current and future support: what can still be ended."""
        return self.exclude(ends_on__lt=date.today())

    def for_pupil_page(self):
        """Every assignment of a pupil, current and past, newest first, with the TA's name."""
        return self.select_related("staff").order_by("-starts_on", "-pk")


class SupportAssignment(models.Model):
    """A teaching assistant assigned to support a pupil."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_assignments"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_assignments")
    starts_on = models.DateField(default=date.today)
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = SupportAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return f"{self.staff} supports {self.pupil}"

    @property
    def is_current(self):
        today = date.today()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    @property
    def is_future(self):
        return self.starts_on > date.today()


class ParentLinkQuerySet(PupilRecordQuerySet):
    def current(self):
        """Links that have not been ended: only these give a parent sight of a child."""
        return self.filter(ended_on__isnull=True)

    def ended(self):
        return self.filter(ended_on__isnull=False)


class ParentLink(models.Model):
    """A parent or carer's link to their child; an ended link is kept but gives no access."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Guardian"
        OTHER = "other", "Other"

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="children_links"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="parent_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField("why the link was ended", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ParentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One current link per parent and child; ended links stay as the record.
            models.UniqueConstraint(
                fields=["parent", "pupil"],
                condition=Q(ended_on__isnull=True),
                name="parentlink_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="parentlink_ended_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.parent} ({self.get_relationship_display()}) of {self.pupil}"


def staff_who_teach(pupil):
    """Teachers and support staff of the pupil's classes, and staff supporting them now."""
    groups = TeachingGroup.objects.filter(pupils=pupil, school_id=pupil.school_id)
    supporting = SupportAssignment.objects.current().filter(pupil=pupil).values("staff_id")
    return list(
        User.objects.filter(
            Q(teaching_groups__in=groups) | Q(supported_groups__in=groups) | Q(pk__in=supporting)
        ).distinct()
    )


def parents_of(pupil):
    """The parents linked to the pupil now."""
    links = ParentLink.objects.current().filter(pupil=pupil).values("parent_id")
    return list(User.objects.filter(pk__in=links))
