# The Celery app loads with Django, so @shared_task functions bind to it (sendhub/celery.py).
from sendhub.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
