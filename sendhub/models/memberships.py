"""Memberships: a person's role at a school or trust, current or ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendhub.models.people import Trust
from sendhub.models.schools import School
from sendhub.roles import Role


class MembershipQuerySet(models.QuerySet):
    def with_role(self, *roles):
        return self.filter(role__in=roles)

    def current(self):
        """Roles in force today. An ended role grants nothing: every read of roles starts here."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()))

    def ended(self):
        return self.filter(ended_on__lte=timezone.localdate())


class Membership(models.Model):
    """One role a person holds at one school (or, for a trust lead, one trust)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    job_title = models.CharField(max_length=100, blank=True)
    # A role is ended, never deleted: the history keeps who held it and when.
    ended_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            # A trust lead belongs to a trust; every other role belongs to a school.
            models.CheckConstraint(
                condition=(Q(role="trust_lead", trust__isnull=False, school__isnull=True))
                | (~Q(role="trust_lead") & Q(school__isnull=False, trust__isnull=True)),
                name="membership_scope_matches_role",
            ),
            # One current holding of a role per place; ended holdings stay as a record.
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False, ended_on__isnull=True),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "trust"],
                condition=Q(trust__isnull=False, ended_on__isnull=True),
                name="membership_unique_trust_role",
            ),
        ]
        permissions = [("manage_people", "Can add people and give or end their roles")]

    def __str__(self):
        return f"{self.get_role_display()}, {self.place}"

    @property
    def place(self):
        return self.school or self.trust

    @property
    def is_current(self):
        return self.ended_on is None or self.ended_on > timezone.localdate()

    @classmethod
    def changes_for(cls, user, school):
        """Who gave or ended each of the person's roles at the school, and when (one query).

        Newest first; each entry has at, by, role, what and reason.
        """
        rows = cls.history.filter(user=user, school=school).select_related("history_user")
        before = {}
        changes = []
        for row in rows.order_by("history_date", "history_id"):
            old = before.get(row.id)
            role = Role(row.role).label.lower()
            if old is None:
                what = f"Given the role {role}" + (f" ({row.job_title})" if row.job_title else "")
            elif row.ended_on and not old.ended_on:
                what = f"Role {role} ended"
            elif row.job_title != old.job_title:
                what = f"Job title for {role} changed to “{row.job_title or '(none)'}”"
            else:
                what = f"Role {role} changed"
            before[row.id] = row
            changes.append(
                {
                    "at": row.history_date,
                    "by": row.history_user,
                    "what": what,
                    "reason": row.history_change_reason or "",
                }
            )
        return changes[::-1]

    def end(self, *, reason=""):
        """End the role today: it grants nothing from the next request; the row is kept."""
        self.ended_on = timezone.localdate()
        self._change_reason = reason.strip()[:100] or None
        self.save(update_fields=["ended_on"])

    @property
    def schools(self):
        """Schools this membership reaches: its school, or every school of its trust."""
        if self.school_id:
            return School.objects.filter(pk=self.school_id)
        return School.objects.filter(trust_id=self.trust_id)
