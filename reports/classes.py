"""The teacher's class view: one class at a time, and every class on one printable sheet."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
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
    return {
        "groups": class_view_groups(request.user),
        "school": request.user.school,
        "document_title": f"SEN pupils in {request.user}'s classes",
        "printed_on": date.today(),
    }


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
        if not chosen.isdigit():
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
        },
    )


@require_GET
@permission_required("pupils.view_sen_summary", raise_exception=True)
def class_view_pdf(request):
    """The class view as a printable sheet."""
    pdf = render_pdf("reports/pdf/class_view.html", _context(request), request=request)
    return pdf_response(pdf, filename="class-view")
