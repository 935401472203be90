"""Starting a job: the record now, the work on the worker once the record is committed."""

from django.db import transaction

from sendhub.jobs import registry
from sendhub.jobs.models import Job


def start(user, kind, **params):
    registry.get(kind)  # an unknown kind fails here, not on the worker
    job = Job.objects.create(requested_by=user, school=user.school, kind=kind, params=params)
    from sendhub.jobs.tasks import run_job

    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job
