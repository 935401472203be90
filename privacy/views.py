from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from privacy import sar
from pupils.models import Pupil
from sendhub.models import AccessLog


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
            "exports": AccessLog.objects.for_pupil(pupil.pk).filter(what="subject access export"),
        },
    )
