"""The plan worklists behind the SENCO dashboard's tiles: every plan a count stands for."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pupils.models import Pupil
from pupils.register.exports import record_download
from reviews.models import SupportPlan
from sendhub.worklists import csv_response

PAGE_SIZE = 50


@dataclass(frozen=True)
class Worklist:
    title: str
    about: str
    pupils: bool = False  # rows are pupils (no plan yet), not plans


WORKLISTS = {
    "due": Worklist(
        "Reviews due this fortnight", "Plans in force whose review falls in the next 14 days."
    ),
    "overdue": Worklist("Reviews overdue", "Plans in force whose review date has passed."),
    "awaiting-agreement": Worklist(
        "Waiting for parents to agree",
        "Draft plans parents have not agreed yet: no answer, a question, or disagreement.",
    ),
    "awaiting-views": Worklist(
        "Waiting for views",
        "Plans with views asked for ahead of the review and not yet received.",
    ),
    "without-plan": Worklist(
        "On SEN support without a plan in force",
        "Pupils on SEN support (K) with no agreed or active plan.",
        pupils=True,
    ),
}


def worklist_rows(user, which, *, today=None):
    """The rows of one worklist, scoped to what the user may see, oldest job first."""
    today = today or date.today()
    plans = SupportPlan.objects.visible_to(user).of_pupils_on_roll(today)
    if which == "due":
        return plans.due_for_review(today).for_worklist().order_by("review_due_on", "pk")
    if which == "overdue":
        return plans.overdue(today).for_worklist().order_by("review_due_on", "pk")
    if which == "awaiting-agreement":
        return plans.awaiting_parent_agreement().for_worklist().order_by("created_at", "pk")
    if which == "awaiting-views":
        return plans.awaiting_views().for_worklist().order_by("review_due_on", "pk")
    with_plan = SupportPlan.objects.current().filter(pupil_id=OuterRef("pk"))
    return (
        Pupil.objects.visible_to(user)
        .on_roll(today)
        .with_census_code("K")
        .exclude(Exists(with_plan))
        .select_related("form")
        .order_by("last_name", "first_name", "pk")
    )


@require_GET
@permission_required("pupils.view_register", raise_exception=True)
def plan_worklist(request, which):
    """One dashboard count as a full list: paginated, and as a CSV for those who export."""
    worklist = WORKLISTS.get(which)
    if worklist is None:
        raise Http404("No such list.")
    rows = worklist_rows(request.user, which)
    if request.GET.get("format") == "csv":
        if not request.user.has_perm("pupils.export_register"):
            raise PermissionDenied
        return _csv(request, which, worklist, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    template_name = "reviews/plan_worklist.html"
    if request.htmx:
        template_name += "#rows"
    return render(
        request,
        template_name,
        {"worklist": worklist, "which": which, "page": page, "worklists": WORKLISTS},
    )


def _csv(request, which, worklist, rows):
    if worklist.pupils:
        header = ["UPN", "Surname", "Forename", "Year", "Form"]
        body = [
            [p.upn, p.last_name, p.first_name, p.year_group, p.form.name if p.form else ""]
            for p in rows
        ]
    else:
        header = ["UPN", "Surname", "Forename", "Year", "Status", "Drafted", "Review due"]
        body = [
            [plan.pupil.upn, plan.pupil.last_name, plan.pupil.first_name, plan.pupil.year_group,
             plan.get_status_display(), f"{plan.created_at:%Y-%m-%d}", plan.review_due_on]
            for plan in rows
        ]  # fmt: skip
    record_download(request, what=f"{worklist.title} (CSV)", rows=len(body))
    return csv_response(f"plans-{which}", header, body)
