"""Saving and publishing the termly report: each a few rows, in one transaction."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from reports.termly.figures import term_figures
from reports.termly.models import TermlyReport, TermlyReportVersion


def report_for(school, term):
    """The term's report, or an unsaved one: opening the editor writes nothing."""
    return TermlyReport.objects.filter(school=school, year=term.year, term=term.name).first() or (
        TermlyReport(school=school, year=term.year, term=term.name)
    )


@transaction.atomic
def save_commentary(*, report, commentary, by):
    """Keep the SENCO's commentary; a published report becomes a draft until republished."""
    report.commentary = commentary
    report.updated_by = by
    report.status = TermlyReport.Status.DRAFT
    report.save()
    return report


@transaction.atomic
def publish(*, report, by, pupils, today=None):
    """
    Freeze the figures and commentary as the next version, for governors to read.

    pupils: the school's pupils as the publisher may see them (term_figures).
    """
    report = TermlyReport.objects.select_for_update().get(pk=report.pk)
    figures = term_figures(report.school, report.term_period, today or date.today(), pupils=pupils)
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TermlyReportVersion.objects.create(
        report=report,
        number=number,
        snapshot={"figures": figures, "commentary": dict(report.commentary)},
        published_at=timezone.now(),
        published_by=by,
    )
    report.status = TermlyReport.Status.PUBLISHED
    report.updated_by = by
    report.save(update_fields=["status", "updated_by", "updated_at"])
    return version
