"""The Celery app: background work on a worker when a broker is configured (settings.py)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")

app = Celery("sendhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Modules that are not an app's tasks.py.
app.autodiscover_tasks(["sendhub.notifications", "sendhub.jobs"])


@worker_process_init.connect
def warm_up_pdfs(**kwargs):
    """Each new worker process loads WeasyPrint and its fonts once, before its first task."""
    from sendhub.pdf import warm_up

    warm_up()
