"""The worker side: run a registered job function, keep its progress and file."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from sendhub.jobs import registry
from sendhub.jobs.models import Job

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "Something went wrong while making this file. Please try again; if it fails again, tell the school office."


@shared_task
def run_job(job_id):
    job = Job.objects.select_related("requested_by", "school").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job.status  # run once, even if the broker delivers twice
    job.status = Job.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        filename, content_type, content = registry.get(job.kind).run(job, job.set_progress)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job.status, job.message, job.finished_at = Job.Status.FAILED, FAILED_MESSAGE, timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
        return job.status
    job.file.save(filename, ContentFile(content), save=False)
    job.filename, job.content_type = filename, content_type
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    job.done = job.total = max(job.total, 1)
    job.save()
    return job.status
