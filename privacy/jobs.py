"""The subject access export as a background job (sendhub/jobs): a large file takes a while."""

from django.utils import timezone

from privacy import sar
from pupils.models import Pupil

KIND = "subject_access"


def make_subject_access_zip(job, progress):
    """The same ZIP as the direct download, for the person who asked (UK GDPR Art. 15)."""
    pupil = (
        Pupil.objects.visible_to(job.requested_by)
        .select_related("school")
        .get(pk=job.params["pupil_id"], school=job.school)
    )
    progress(0, 3)
    found = sar.collect(pupil)
    progress(1, 3)
    content = sar.build_zip(pupil, requested_by=job.requested_by, found=found)
    progress(2, 3)
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return f"subject-access-pupil-{pupil.pk}-{stamp}.zip", "application/zip", content
