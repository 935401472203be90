"""Platform tasks: a management command on the worker, for the beat schedule (settings.py)."""

from celery import shared_task
from django.core.management import call_command

# Only these commands may be run this way: periodic housekeeping with no arguments to trust.
PERIODIC_COMMANDS = {"clear_stale_imports", "clear_expired_jobs", "send_digest"}


@shared_task
def run_command(name):
    if name not in PERIODIC_COMMANDS:
        raise ValueError(f"{name} is not a periodic command")
    call_command(name)
