"""My follow-up tasks: the jobs a decision created, about pupils I can see."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Task
from sendhub.redirects import redirect_to_next

TASKS_PAGE_SIZE = 50


@require_GET
@permission_required("pupils.triage_concerns", raise_exception=True)
def task_list(request):
    """My follow-up tasks about pupils I can see: open ones by due date, or done ones."""
    mine = Task.objects.for_user(request.user).visible_to(request.user)
    show = "done" if request.GET.get("show") == "done" else "open"
    if show == "done":
        tasks = mine.done().order_by("-done_at", "-pk")
    else:
        tasks = mine.open().order_by("due_on", "created_at", "pk")
    page = Paginator(tasks.for_list(), TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pupils/task_list.html",
        {"page": page, "show": show, "counts": mine.counts()},
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def task_done(request, pk):
    """Tick off a follow-up task assigned to me."""
    task = get_object_or_404(
        Task.objects.for_user(request.user).visible_to(request.user),
        pk=pk,
    )
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    messages.success(request, f"Done: {task.title}.")
    return redirect_to_next(request, task.concern or "reports:home")
