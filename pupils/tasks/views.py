"""My follow-up tasks: the jobs a decision created, about pupils I can see."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Task
from pupils.tasks.forms import TaskReassignForm
from sendhub.notifications.services import notify
from sendhub.redirects import redirect_to_next

TASKS_PAGE_SIZE = 50


@require_GET
@permission_required("pupils.change_task", raise_exception=True)
def task_list(request):
    """
    My follow-up tasks about pupils I can see: open (or only overdue) by due date, or done.
    The SENCO may list every task at the school, to hand some on.
    """
    can_reassign = request.user.has_perm("pupils.reassign_task")
    whose = "school" if can_reassign and request.GET.get("whose") == "school" else "mine"
    tasks = Task.objects.at_school(request.user.school).visible_to(request.user)
    if whose == "mine":
        tasks = tasks.for_user(request.user)
    show = request.GET.get("show")
    show = show if show in ("done", "overdue") else "open"
    counts = tasks.counts()
    if show == "done":
        tasks = tasks.done().order_by("-done_at", "-pk")
    elif show == "overdue":
        tasks = tasks.overdue().order_by("due_on", "created_at", "pk")
    else:
        tasks = tasks.open().order_by("due_on", "created_at", "pk")
    page = Paginator(tasks.for_list(), TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    template_name = "pupils/task_list.html"
    if request.htmx:
        template_name += "#rows"
    return render(
        request,
        template_name,
        {
            "page": page,
            "show": show,
            "whose": whose,
            "counts": counts,
            "query": f"show={show}" + ("&whose=school" if whose == "school" else ""),
            # Evaluated once here: every row's "give it to" menu lists the same people.
            "staff": list(
                TaskReassignForm(school=request.user.school).fields["assigned_to"].queryset
            )
            if can_reassign
            else [],
        },
    )


@require_POST
@permission_required("pupils.change_task", raise_exception=True)
def task_done(request, pk):
    """Tick off a follow-up task assigned to me."""
    task = get_object_or_404(
        Task.objects.for_user(request.user).writable_by(request.user),
        pk=pk,
    )
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    messages.success(request, f"Done: {task.title}.")
    return redirect_to_next(request, task.concern or "reports:home")


@require_POST
@permission_required("pupils.reassign_task", raise_exception=True)
def task_reassign(request, pk):
    """Hand an open task at my school on to another member of staff (its history keeps who had it)."""
    task = get_object_or_404(
        Task.objects.open().at_school(request.user.school).writable_by(request.user), pk=pk
    )
    form = TaskReassignForm(request.POST, school=request.user.school)
    if not form.is_valid():
        messages.error(request, "Choose a member of staff at this school.")
        return redirect("pupils:tasks")
    person = form.cleaned_data["assigned_to"]
    if person != task.assigned_to:
        with transaction.atomic():
            task._change_reason = f"Reassigned by {request.user} from {task.assigned_to}"
            task.assigned_to = person
            task.save(update_fields=["assigned_to"])
            if person != request.user:
                notify(
                    [person],
                    title=f"{request.user} gave you a task",
                    url=reverse("pupils:tasks"),
                    school=task.school,
                )
    messages.success(request, f"Task given to {person}.")
    return redirect("pupils:tasks")
