"""The SEN information report: the SENCO's drafts and versions, and the public page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pupils.codes import school_year_bounds
from reports.information_report.facts import first_draft, live_facts
from reports.information_report.forms import InformationReportForm, PublishForm
from reports.models import SECTIONS, InformationReport
from sendhub.models import School
from sendhub.pdf import pdf_response, render_pdf


def academic_year_label(day):
    first, last = school_year_bounds(day)
    return f"{first.year}/{str(last.year)[2:]}"


def _reports(user):
    return InformationReport.objects.for_school(user.school)


@require_GET
@permission_required("reports.view_informationreport", raise_exception=True)
def information_report(request):
    """Every version, when the report was last published, and whether it is due its update."""
    versions = list(_reports(request.user).for_list())
    published = [v for v in versions if not v.is_draft]
    latest = max(published, key=lambda v: (v.published_at, v.number), default=None)
    return render(
        request,
        "reports/information_report/overview.html",
        {
            "versions": versions,
            "draft": next((v for v in versions if v.is_draft), None),
            "latest": latest,
            "due_for_update": latest is None or latest.is_due_for_update(),
            "school": request.user.school,
        },
    )


@require_POST
@permission_required("reports.change_informationreport", raise_exception=True)
@transaction.atomic
def information_report_start(request):
    """Open a draft: a copy of the latest published version, or a first draft from the records."""
    user = request.user
    reports = _reports(user)
    draft = reports.drafts().select_for_update().first()
    if draft is None:
        latest = reports.latest_published()
        draft = InformationReport.start_draft(
            school=user.school,
            by=user,
            academic_year=academic_year_label(date.today()),
            from_version=latest,
            defaults=None if latest else first_draft(user),
        )
        messages.success(request, f"Draft version {draft.number} started.")
    return redirect("reports:information_report_edit", pk=draft.pk)


@permission_required("reports.change_informationreport", raise_exception=True)
def information_report_edit(request, pk):
    """Edit a draft heading by heading, beside what the school's records say today."""
    draft = get_object_or_404(_reports(request.user).drafts(), pk=pk)
    form = InformationReportForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Draft saved"
        form.save()
        if "publish" in request.POST:
            return information_report_publish(request, pk=draft.pk)
        messages.success(request, "Draft saved. Parents see nothing until you publish it.")
        return redirect("reports:information_report_edit", pk=draft.pk)
    facts = live_facts(request.user)
    return render(
        request,
        "reports/information_report/edit.html",
        {
            "report": draft,
            "form": form,
            "sections": [
                (section, form[section.field], facts.get(section.field, [])) for section in SECTIONS
            ],
            "publish_form": PublishForm(report=draft),
        },
    )


@require_POST
@permission_required("reports.publish_informationreport", raise_exception=True)
def information_report_publish(request, pk):
    """Publish a draft as saved: from now on it is frozen and the public page shows it."""
    draft = get_object_or_404(_reports(request.user).drafts(), pk=pk)
    form = PublishForm(request.POST, report=draft)
    if not form.is_valid():
        for problem in form.non_field_errors():
            messages.error(request, problem)
        return redirect("reports:information_report_edit", pk=draft.pk)
    draft.publish(by=request.user, now=timezone.now())
    messages.success(request, f"Version {draft.number} is published on the school's public page.")
    return redirect("reports:information_report")


@require_GET
@permission_required("reports.view_informationreport", raise_exception=True)
def information_report_version(request, pk):
    """One version as parents see (or would see) it."""
    report = get_object_or_404(
        _reports(request.user).select_related("school", "published_by"), pk=pk
    )
    return render(
        request,
        "reports/information_report/version.html",
        {"report": report, "school": report.school},
    )


def _published(urn):
    school = get_object_or_404(School, urn=urn)
    report = InformationReport.objects.for_school(school).latest_published()
    if report is None:
        raise Http404("This school has not published an SEN information report here.")
    return school, report


@login_not_required
@require_GET
def information_report_public(request, urn):
    """The school's latest published report, for anyone: no sign-in, no pupil data."""
    school, report = _published(urn)
    return render(
        request, "reports/information_report/public.html", {"report": report, "school": school}
    )


@login_not_required
@require_GET
def information_report_public_pdf(request, urn):
    school, report = _published(urn)
    context = {
        "report": report,
        "school": school,
        "document_title": f"SEN information report {report.academic_year}",
        "printed_on": date.today(),
        "public_document": True,
    }
    pdf = render_pdf("reports/pdf/information_report.html", context, request=request)
    return pdf_response(pdf, filename=f"sen-information-report-{school.urn}")
