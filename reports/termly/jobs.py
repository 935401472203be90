"""The governors' termly report PDF as a background job (sendhub/jobs): the figures for a
whole school take a while to work out."""

from pupils.models import Pupil
from reports.termly.services import report_for
from reports.termly.terms import Term
from sendhub.pdf import render_pdf

KIND = "termly_draft_pdf"


def make_termly_draft_pdf(job, progress):
    """The same PDF as the direct draft download, worked out for the person who asked."""
    from reports.termly.views import draft_pdf_context

    school, user = job.school, job.requested_by
    period = Term.of(school, job.params["year"], job.params["term"])
    progress(0, 3)
    report = report_for(school, period)
    context = draft_pdf_context(school, period, report, Pupil.objects.visible_to(user))
    progress(1, 3)
    pdf = render_pdf("reports/pdf/termly_report.html", context)
    progress(2, 3)
    return f"send-report-{period.name}-{period.year}-draft.pdf", "application/pdf", pdf
