"""Parents to meet: pupils on SEN support behind on, or due, a meeting with parents."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pupils import codes
from pupils.models import Pupil
from pupils.register.exports import record_download
from sendhub.worklists import csv_response

PAGE_SIZE = 50


def parents_to_meet(user, *, on=None):
    """
    (expected, pupils) for the user's school: pupils on SEN support (K) met fewer times this
    school year than the meeting due by the end of this term (Code of Practice 6.65), fewest
    meetings first.
    """
    on = on or date.today()
    expected = codes.parent_meetings_expected(on, user.school.term_end_days())
    pupils = (
        Pupil.objects.visible_to(user)
        .on_roll(on)
        .parents_met_fewer_than(expected.by_end_of_term, on)
        .select_related("form")
        .order_by("parent_meetings_this_year", "last_name", "first_name", "pk")
    )
    return expected, pupils


@require_GET
@permission_required("pupils.view_register", raise_exception=True)
def parent_meetings_due(request):
    """Everyone the dashboard's meetings tile counts, behind first; a CSV for those who export."""
    expected, pupils = parents_to_meet(request.user)
    if request.GET.get("behind") == "yes":
        pupils = pupils.filter(parent_meetings_this_year__lt=expected.by_now)
    if request.GET.get("format") == "csv":
        if not request.user.has_perm("pupils.export_register"):
            raise PermissionDenied
        body = [
            [p.upn, p.last_name, p.first_name, p.year_group, p.form.name if p.form else "",
             p.parent_meetings_this_year,
             "behind" if p.parent_meetings_this_year < expected.by_now else "due this term"]
            for p in pupils
        ]  # fmt: skip
        record_download(request, what="Parents to meet (CSV)", rows=len(body))
        header = ["UPN", "Surname", "Forename", "Year", "Form", "Meetings this year", "State"]
        return csv_response("parents-to-meet", header, body)
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("page"))
    template_name = "pupils/parent_meetings_due.html"
    if request.htmx:
        template_name += "#rows"
    query = "behind=yes" if request.GET.get("behind") == "yes" else ""
    return render(request, template_name, {"page": page, "expected": expected, "query": query})
