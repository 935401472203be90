"""Today's sessions and logging one in a tap: the teaching assistant's main screen."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from provision.forms import SessionLogForm
from provision.models import GroupMember, ProvisionGroup, Session
from provision.services import AlreadyLogged, log_session
from provision.today import DueSession, sessions_due

TEMPLATE = "provision/session_today.html"


@require_GET
@permission_required("provision.add_session", raise_exception=True)
def session_today(request):
    """The sessions of my groups to log today, and any earlier this week not logged yet."""
    template_name = TEMPLATE
    if request.htmx:
        template_name += "#sessions"
    return render(
        request, template_name, {"due": sessions_due(request.user), "today": date.today()}
    )


@require_POST
@permission_required("provision.add_session", raise_exception=True)
def session_log(request, pk):
    """Log a session of a group this person keeps: delivered or missed, once per token."""
    members = (
        GroupMember.objects.not_archived()
        .select_related("pupil")
        .order_by("pupil__last_name", "pupil__first_name", "pk")
    )
    group = get_object_or_404(
        ProvisionGroup.objects.managed_by(request.user)
        .select_related("intervention")
        .prefetch_related("slots", Prefetch("members", queryset=members)),
        pk=pk,
    )
    today = date.today()
    form = SessionLogForm(request.POST, group=group, today=today)
    if not form.is_valid():
        if request.htmx:
            day = form.cleaned_data.get("day") or today
            item = _item(group, day, today, token=form.data.get("token"))
            return render(request, TEMPLATE + "#due", {"item": item, "form": form, "today": today})
        messages.error(request, "The session was not logged: " + _first_error(form))
        return redirect("provision:today")
    data = form.cleaned_data
    try:
        session, created = log_session(
            group=group,
            date=data["day"],
            status=data["status"],
            missed_reason=data["missed_reason"],
            note=data["note"],
            absent_pupil_ids=data["absent"],
            by=request.user,
            token=data["token"],
        )
        already_by = None
    except AlreadyLogged as refused:
        session, already_by = refused.session, refused.session.logged_by
    session = Session.objects.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True)),
        register_count=Count("attendance"),
    ).get(pk=session.pk)
    if request.htmx:
        item = _item(group, session.date, today, session=session)
        return render(
            request, TEMPLATE + "#due", {"item": item, "today": today, "already_by": already_by}
        )
    if already_by is not None:
        messages.info(request, f"{group.name} was already logged by {already_by}.")
    else:
        messages.success(request, f"{group.name}: {session.get_status_display().lower()}.")
    return redirect("provision:today")


def _item(group, day, today, *, session=None, token=None):
    item = DueSession(
        is_today=day == today,
        group=group,
        day=day,
        slots=group.slots_on(day),
        members=[m for m in group.members.all() if m.is_current_on(day)],
        session=session,
    )
    if token:
        item.token = token
    return item


def _first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return "check the form."
