from sendhub.notifications.models import Notification


def unread(request):
    """The navbar's unread count, in one query, lazily (pages that never show it pay nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: Notification.objects.for_user(user).unread().count()}
