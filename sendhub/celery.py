"""The Celery app: background work on a worker when a broker is configured (settings.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")

app = Celery("sendhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Modules that are not an app's tasks.py.
app.autodiscover_tasks(["sendhub.notifications", "sendhub.jobs"])
