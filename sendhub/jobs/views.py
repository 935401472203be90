from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from sendhub.jobs import registry
from sendhub.jobs.models import Job


def _own_job(request, pk):
    job = get_object_or_404(Job.objects.of(request.user), pk=pk)
    if not request.user.has_perm(registry.get(job.kind).permission):
        raise Http404
    return job


def job_status(request, pk):
    """The progress partial, polled by htmx until the job is finished."""
    job = _own_job(request, pk)
    response = TemplateResponse(request, "sendhub/jobs/status.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


def job_download(request, pk):
    """The made file, to the person who asked only; not kept in any cache."""
    job = _own_job(request, pk)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response
