"""The teacher's class view: the SEN pupils in each of my classes on one sheet."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pupils.models import Pupil, PupilNeed, TeachingGroup
from reviews.models import current_plans_prefetch, with_plan_unread_by
from sendhub.pdf import pdf_response, render_pdf


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


def _context(request):
    return {
        "groups": class_view_groups(request.user),
        "school": request.user.school,
        "document_title": f"SEN pupils in {request.user}'s classes",
        "printed_on": date.today(),
    }


@require_GET
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view(request):
    """For each of my classes: SEN pupils, needs in plain words, key strategies and targets."""
    return render(request, "reports/class_view.html", _context(request))


@require_GET
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view_pdf(request):
    """The class view as a printable sheet."""
    pdf = render_pdf("reports/pdf/class_view.html", _context(request), request=request)
    return pdf_response(pdf, filename="class-view")
