"""Who gave whom access to pupils' records, or took it away."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendhub.models.schools import School


class AccessGrantQuerySet(models.QuerySet):
    def at_school(self, school):
        return self.filter(school=school)

    def for_log(self):
        """What the access-grants page shows: who gave, to whom."""
        return self.select_related("by", "to")


class Grant(models.TextChoices):
    """A kind of access given or taken away."""

    ROLE_GIVEN = "role_given", "Role given"
    ROLE_ENDED = "role_ended", "Role ended"
    CLASS_TEACHER_ADDED = "class_teacher_added", "Made a teacher of a class"
    CLASS_TEACHER_REMOVED = "class_teacher_removed", "No longer a teacher of a class"
    SUPPORT_STAFF_ADDED = "support_staff_added", "Made support staff of a class"
    SUPPORT_STAFF_REMOVED = "support_staff_removed", "No longer support staff of a class"
    TA_SUPPORT_ASSIGNED = "ta_support_assigned", "Assigned to support a pupil"
    TA_SUPPORT_ENDED = "ta_support_ended", "Support for a pupil ended"
    PARENT_LINKED = "parent_linked", "Linked to a child as parent or carer"
    PARENT_LINK_ENDED = "parent_link_ended", "Link to a child ended"


class AccessGrant(models.Model):
    """Who gave whom access to pupils' records, or took it away (docs/access.md).

    One row per role given or ended, class teacher added or removed, TA support
    assigned or ended and parent link made or ended, so the head can answer for
    who can see children's records (UK GDPR Art. 5(2) accountability, Art. 9).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_given"
    )
    to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_received"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=30, choices=Grant.choices)
    # The role, class or pupil in words: sendhub knows nothing of pupils or classes.
    detail = models.CharField(max_length=200, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(what__in=[w.value for w in Grant]), name="accessgrant_what_valid"
            )
        ]
        permissions = [("view_access_grants", "Can read who gave whom access")]

    def __str__(self):
        return f"{self.by} → {self.to}: {self.get_what_display()} {self.detail}".strip()
