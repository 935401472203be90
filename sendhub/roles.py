"""Roles a person can hold at a school (or trust), and what each role may do.

Permissions are ordinary Django permission strings, so views use
@permission_required; sendhub.backends.RoleBackend answers them from the person's
*current* membership.
"""

from django.db import models


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    GOVERNOR = "governor", "Governor"
    PARENT = "parent", "Parent or carer"
    TRUST_LEAD = "trust_lead", "Trust SEND lead"
    ADMIN = "admin", "School administrator"


STAFF_ROLES = {Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.ADMIN}

# What each role may do, as Django permission strings. Each app grants its own
# permissions in its AppConfig.ready() (sendhub grants only sendhub's), so the platform
# names no permission of a higher app. Who sees what follows the access tiers of the
# Code of Practice roles: the SEN team the full file, staff who teach or support a pupil
# the need-to-know summary, parents their own children, governors nothing named.
ROLE_PERMISSIONS = {role: set() for role in Role}

SEN_TEAM = (Role.SENCO, Role.SENIOR_LEADER)
SUPPORTING_STAFF = (Role.TEACHER, Role.TEACHING_ASSISTANT)


def grant(roles, *permissions):
    """Give each of these roles these permissions; called from an app's AppConfig.ready()."""
    for role in roles:
        ROLE_PERMISSIONS[role].update(permissions)


def roles_with(permission):
    return {role for role, granted in ROLE_PERMISSIONS.items() if permission in granted}
