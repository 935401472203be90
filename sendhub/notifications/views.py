"""My notifications: the list, opening one, marking all read, and how I am emailed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendhub.notifications.forms import NotificationSettingsForm
from sendhub.notifications.models import Notification

PAGE_SIZE = 50


@require_GET
def notification_list(request):
    """Everything sent to me, newest first; unread ones stand out."""
    mine = Notification.objects.for_user(request.user)
    page = Paginator(mine.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    template_name = "sendhub/notification_list.html"
    if request.htmx:
        template_name += "#rows"
    return render(request, template_name, {"page": page})


@require_GET
def notification_open(request, pk):
    """Mark one of my notifications read and go to the page it is about."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url)


@require_POST
def notification_read_all(request):
    """Mark every notification of mine read."""
    count = Notification.objects.for_user(request.user).mark_read()
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("sendhub:notifications")


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """How I want to hear about notifications by email: each one, a daily digest, or none."""
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Email settings saved.")
        return redirect("sendhub:notification_settings")
    return render(request, "sendhub/notification_settings.html", {"form": form})
