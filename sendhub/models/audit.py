"""The access log (every read of a full SEN file, every bulk export) and the account log."""

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


class AccountEvent(models.Model):
    """A change to how someone signs in: two-step sign-in set up, used up or reset."""

    class What(models.TextChoices):
        SET_UP = "set_up", "Set up two-step sign-in"
        RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
        NEW_RECOVERY_CODES = "new_recovery_codes", "Made new recovery codes"
        RESET = "reset", "Reset two-step sign-in"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Whose account it is, and who did it (the same person, except for a reset).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_events"
    )
    # Empty only when the service operator reset it from the command line: then `via`
    # names the command (sendhub/management/commands/reset_two_factor.py).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=60, blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=30, choices=What.choices)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    what__in=["set_up", "recovery_code_used", "new_recovery_codes", "reset"]
                ),
                name="accountevent_what_valid",
            ),
            # A reset is always done by someone else, and says why.
            models.CheckConstraint(
                condition=~models.Q(what="reset")
                | (~models.Q(by=models.F("user")) & ~models.Q(reason="")),
                name="accountevent_reset_by_another_with_reason",
            ),
        ]
        permissions = [
            ("reset_two_factor", "Can reset a colleague's two-step sign-in"),
            ("reset_trust_two_factor", "Can reset another trust lead's two-step sign-in"),
        ]

    def __str__(self):
        return f"{self.get_what_display()}: {self.user} by {self.by or self.via} at {self.at:%Y-%m-%d %H:%M}"
