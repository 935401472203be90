"""The teacher's class view: one class at a time, and every class on one printable sheet."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil, PupilNeed, TeachingGroup
from reviews.models import current_plans_prefetch, with_plan_unread_by
from sendhub.jobs import services as jobs
from sendhub.models import Job
from sendhub.pdf import pdf_response, render_pdf
from sendhub.text import is_digits


def class_view_groups(user):
    """My classes, each with its SEN pupils, their needs, passport and unread markers.

    A fixed number of queries however many classes and pupils there are.
    """
    pupils = (
        Pupil.objects.visible_to(user)
        .on_register()
        .select_related("passport__current")
        .prefetch_related(Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")))
        .prefetch_related(current_plans_prefetch())
        .with_passport_unread_by(user)
        .order_by("last_name", "first_name")
    )
    pupils = with_plan_unread_by(pupils, user)
    return (
        TeachingGroup.objects.filter(school=user.school)
        .taught_by(user)
        .order_by("kind", "year_group", "name")
        .prefetch_related(Prefetch("pupils", queryset=pupils, to_attr="sen_pupils"))
    )


def my_groups(user):
    """The classes this person teaches or supports, in the order the chooser lists them."""
    return (
        TeachingGroup.objects.at_school_of(user)
        .taught_by(user)
        .order_by("kind", "year_group", "name")
    )


def class_table_pupils(user, group):
    """One class's SEN pupils as the table shows them: needs, strategies, unread markers."""
    pupils = (
        Pupil.objects.visible_to(user)
        .filter(teaching_groups=group)
        .on_register()
        .select_related("passport__current")
        .prefetch_related(Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")))
        .prefetch_related(current_plans_prefetch())
        .with_passport_unread_by(user)
        .order_by("last_name", "first_name")
    )
    return with_plan_unread_by(pupils, user)


def _context(request):
    return sheet_context(request.user)


def sheet_context(user):
    return {
        "groups": class_view_groups(user),
        "school": user.school,
        "document_title": f"SEN pupils in {user}'s classes",
        "printed_on": date.today(),
    }


CLASS_SHEET = "class_sheet_pdf"


def make_class_sheet_pdf(job, progress):
    """All the person's classes as one sheet, in the background (sendhub/jobs)."""
    progress(0, 2)
    context = sheet_context(job.requested_by)
    progress(1, 2)
    return "class-view.pdf", "application/pdf", render_pdf("reports/pdf/class_view.html", context)


@require_GET
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view(request):
    """One of my classes (`?group=`): its SEN pupils, needs in plain words, what helps, unread.

    Without a class chosen it lists my classes to choose from (or opens the only one).
    """
    groups = list(my_groups(request.user).with_pupil_counts())
    chosen = request.GET.get("group", "")
    group = None
    if chosen:
        if not is_digits(chosen):
            raise Http404("No such class.")
        group = get_object_or_404(my_groups(request.user), pk=chosen)
    elif len(groups) == 1:
        group = groups[0]
    return render(
        request,
        "reports/class_view.html",
        {
            "groups": groups,
            "group": group,
            "pupils": class_table_pupils(request.user, group) if group else None,
            "school": request.user.school,
            "job": Job.objects.latest_for(request.user, CLASS_SHEET),
        },
    )


@require_GET
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view_pdf(request):
    """The class view as a printable sheet."""
    pdf = render_pdf("reports/pdf/class_view.html", _context(request), request=request)
    return pdf_response(pdf, filename="class-view")


@require_POST
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view_pdf_prepare(request):
    """Start the sheet of all my classes in the background; the page shows the link."""
    job = jobs.start(request.user, CLASS_SHEET)
    job.refresh_from_db()  # without a worker it has already run
    if request.htmx:
        return render(request, "sendhub/jobs/status.html", {"job": job})
    return redirect("reports:class_view")
