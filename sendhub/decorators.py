import functools

from django.core.exceptions import PermissionDenied


def permission_required_any(*perms):
    """Let the view run when the current role holds at least one of perms; otherwise 403."""

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator
