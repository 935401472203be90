"""
The governors' termly SEND report: the SENCO's editor, the governors' reading page, PDFs.

Drafts belong to the SEN team of the school; governors and trust leads read published
versions only (TermlyReportVersion.objects.visible_to), and nothing here names a pupil.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.models import Pupil
from reports.termly.charts import report_charts
from reports.termly.figures import IMPORTED_SECTIONS, SECTIONS, term_figures
from reports.termly.forms import CommentaryForm
from reports.termly.jobs import KIND
from reports.termly.models import TermlyReport, TermlyReportVersion
from reports.termly.services import publish, report_for, save_commentary
from reports.termly.terms import Term, term_choices
from sendhub.jobs import services as jobs
from sendhub.models import Job
from sendhub.pdf import pdf_response, render_pdf

EDIT, READ = "reports.edit_termly_report", "reports.read_termly_report"


def report_context(figures, commentary):
    """What the report body needs, for a live draft or a frozen version alike."""
    return {
        "figures": figures,
        "as_of": date.fromisoformat(figures["as_of"]),
        "charts": report_charts(figures),
        "sections": [
            {
                "key": key,
                "title": title,
                "commentary": commentary.get(key, ""),
                "imported": key in IMPORTED_SECTIONS,
            }
            for key, title in SECTIONS.items()
        ],
    }


def _term(request, year, term):
    try:
        return Term.of(request.user.school, year, term)
    except ValueError:
        raise Http404("No such term.") from None


@require_GET
@permission_required(EDIT, raise_exception=True)
def termly_reports(request):
    """The SENCO's list of terms: each term's report, whether published, and its versions."""
    school = request.user.school
    reports = {
        (r.year, r.term): r
        for r in TermlyReport.objects.for_school_of(request.user).prefetch_related("versions")
    }
    terms = [
        {"term": term, "report": reports.get((term.year, term.name))}
        for term in term_choices(school, date.today())
    ]
    return render(request, "reports/termly/report_list.html", {"terms": terms})


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def termly_edit(request, year, term):
    """A term's draft: its live figures, with a commentary box for each section."""
    period = _term(request, year, term)
    report = report_for(request.user.school, period)
    form = CommentaryForm(request.POST or None, initial_commentary=report.commentary)
    if request.method == "POST" and form.is_valid():
        save_commentary(report=report, commentary=form.commentary(), by=request.user)
        messages.success(request, "Commentary saved. Governors see it once you publish.")
        if "preview" in request.POST:
            return redirect(f"{request.path}?preview=1")
        return redirect(request.path)
    figures = term_figures(
        request.user.school, period, date.today(), pupils=Pupil.objects.visible_to(request.user)
    )
    fields = {key: form[key] for key in SECTIONS}
    return render(
        request,
        "reports/termly/report_edit.html",
        {
            "report": report,
            "term": period,
            "form": form,
            "fields": fields,
            "preview": request.GET.get("preview") == "1",
            "versions": report.versions.order_by("-number") if report.pk else [],
            "job": Job.objects.latest_for(request.user, KIND, year=period.year, term=period.name),
            **report_context(figures, report.commentary),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def termly_publish(request, year, term):
    """Ask to confirm, then freeze the figures and commentary as a new version."""
    period = _term(request, year, term)
    report = report_for(request.user.school, period)
    if request.method == "POST":
        if report.pk is None:
            report = save_commentary(report=report, commentary={}, by=request.user)
        version = publish(
            report=report, by=request.user, pupils=Pupil.objects.visible_to(request.user)
        )
        messages.success(request, f"{period.label} report published (version {version.number}).")
        return redirect(version)
    return render(
        request,
        "reports/termly/report_publish.html",
        {"report": report, "term": period, "next_number": _next_number(report)},
    )


def _next_number(report):
    return (report.versions.count() if report.pk else 0) + 1


@require_GET
@permission_required(EDIT, raise_exception=True)
def termly_draft_pdf(request, year, term):
    """The draft as it would print, marked as a draft."""
    period = _term(request, year, term)
    report = report_for(request.user.school, period)
    context = draft_pdf_context(
        request.user.school, period, report, Pupil.objects.visible_to(request.user)
    )
    pdf = render_pdf("reports/pdf/termly_report.html", context, request=request)
    return pdf_response(pdf, filename=f"send-report-{period.name}-{period.year}-draft")


def draft_pdf_context(school, period, report, pupils):
    """The draft PDF's context: here and in the background job (reports/termly/jobs.py)."""
    figures = term_figures(school, period, date.today(), pupils=pupils)
    return report_context(figures, report.commentary) | _pdf_context(school, period, draft=True)


@require_POST
@permission_required(EDIT, raise_exception=True)
def termly_draft_pdf_prepare(request, year, term):
    """Start the draft PDF in the background; the page shows its progress, then the link."""
    period = _term(request, year, term)
    job = jobs.start(request.user, KIND, year=period.year, term=period.name)
    job.refresh_from_db()  # without a worker it has already run
    if request.htmx:
        return render(request, "sendhub/jobs/status.html", {"job": job})
    return redirect("reports:termly_edit", year=period.year, term=period.name)


def _pdf_context(school, period, *, draft=False, version=None):
    return {
        "school": school,
        "document_title": f"SEND report to governors: {period.label}",
        "printed_on": date.today(),
        "draft": draft,
        "version": version,
    }


@require_GET
@permission_required(READ, raise_exception=True)
def termly_published(request):
    """Governors' page: the latest published report in full, and the earlier ones listed."""
    versions = TermlyReportVersion.objects.visible_to(request.user)
    latest = versions.latest_per_term().for_list()
    current = latest.first()
    context = {"version": current, "earlier": versions.for_list()}
    if current:
        context |= report_context(current.snapshot["figures"], current.snapshot["commentary"])
    return render(request, "reports/termly/published.html", context)


@require_GET
@permission_required(READ, raise_exception=True)
def termly_version(request, pk):
    """One published version, exactly as it was published."""
    version = get_object_or_404(
        TermlyReportVersion.objects.visible_to(request.user).for_list(), pk=pk
    )
    versions = TermlyReportVersion.objects.visible_to(request.user)
    return render(
        request,
        "reports/termly/published.html",
        {
            "version": version,
            "earlier": versions.for_list(),
            **report_context(version.snapshot["figures"], version.snapshot["commentary"]),
        },
    )


@require_GET
@permission_required(READ, raise_exception=True)
def termly_version_pdf(request, pk):
    version = get_object_or_404(
        TermlyReportVersion.objects.visible_to(request.user).for_list(), pk=pk
    )
    report = version.report
    context = report_context(
        version.snapshot["figures"], version.snapshot["commentary"]
    ) | _pdf_context(report.school, report.term_period, version=version)
    pdf = render_pdf("reports/pdf/termly_report.html", context, request=request)
    return pdf_response(pdf, filename=f"send-report-{report.term}-{report.year}-v{version.number}")
