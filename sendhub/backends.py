from django.contrib.auth.backends import ModelBackend

from sendhub.roles import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    """Email sign-in, and permissions from the role the person is acting in now."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        membership = user_obj.membership
        if membership is None:
            return False
        return perm in ROLE_PERMISSIONS.get(membership.role, set())

    def has_module_perms(self, user_obj, app_label):
        membership = getattr(user_obj, "membership", None)
        if not user_obj.is_active or membership is None:
            return False
        return any(p.startswith(f"{app_label}.") for p in ROLE_PERMISSIONS[membership.role])


def axes_username(request, credentials):
    """The email being tried, lower-cased, so that case changes share one failure count."""
    source = credentials if credentials else getattr(request, "POST", {})
    return (source.get("username") or "").strip().lower() or None
