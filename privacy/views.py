from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from privacy import sar
from privacy.jobs import KIND
from pupils.models import Pupil
from sendhub.jobs import services as jobs
from sendhub.models import AccessLog, Job


@require_http_methods(["GET", "POST"])
@permission_required("privacy.export_subject_access", raise_exception=True)
def subject_access(request, pk):
    """What a subject access export holds for one pupil; a POST downloads it (UK GDPR Art. 15)."""
    pupil = get_object_or_404(
        Pupil.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    if request.method == "POST":
        with transaction.atomic():
            AccessLog.record(request, pupil=pupil, what="subject access export")
        content = sar.build_zip(pupil, requested_by=request.user)
        response = HttpResponse(content, content_type="application/zip")
        stamp = f"{timezone.localdate():%Y-%m-%d}"
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-pupil-{pupil.pk}-{stamp}.zip"'
        )
        return response
    sections = sar.overview(pupil)
    return render(
        request,
        "privacy/subject_access.html",
        {
            "pupil": pupil,
            "sections": sections,
            "to_review": sum(row["count"] for row in sections if row["redaction"]),
            "job": Job.objects.latest_for(request.user, KIND, pupil_id=pupil.pk),
            "exports": AccessLog.objects.for_pupil(pupil.pk).filter(what="subject access export"),
        },
    )


@require_POST
@permission_required("privacy.export_subject_access", raise_exception=True)
def subject_access_prepare(request, pk):
    """Start the export in the background; the page then shows its progress and the link."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    with transaction.atomic():
        AccessLog.record(request, pupil=pupil, what="subject access export")
        job = jobs.start(request.user, KIND, pupil_id=pupil.pk)
    job.refresh_from_db()  # without a worker it has already run
    if request.htmx:
        return render(request, "sendhub/jobs/status.html", {"job": job})
    return redirect("privacy:subject_access", pk=pupil.pk)
