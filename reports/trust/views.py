"""The trust SEND lead's pages: the roll-up of every school and one school's summary."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from reports.termly.models import TermlyReportVersion
from reports.trust.rollup import AREAS, SORTS, school_rows, sorted_rows
from sendhub.models import School, User


def trust_schools(request):
    """The schools of the trust the person acts for now; none outside it."""
    membership = request.membership
    if membership is None or membership.trust_id is None:
        return School.objects.none()
    return School.objects.filter(trust_id=membership.trust_id)


def rollup_context(request):
    """The trust lead's home: every school side by side, sorted by ?sort=key or -key."""
    sort = request.GET.get("sort", "name")
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort = key = "name"
    rows = school_rows(
        list(trust_schools(request).order_by("name", "pk")),
        versions=TermlyReportVersion.objects.visible_to(request.user),
    )
    return {
        "rows": sorted_rows(rows, key, descending=sort.startswith("-")),
        "areas": AREAS,
        "sort": sort,
        # A trust lead has no head to reset a lost phone: another lead of the trust does.
        "fellow_leads": User.objects.trust_leads_with(request.user),
    }


@require_GET
@permission_required("reports.view_trust_rollup", raise_exception=True)
def school_summary(request, pk):
    """One school's anonymised figures, for the trust lead of its trust only."""
    school = get_object_or_404(trust_schools(request), pk=pk)
    [row] = school_rows([school], versions=TermlyReportVersion.objects.visible_to(request.user))
    return render(request, "reports/trust/school_summary.html", {"row": row, "areas": AREAS})
