"""Reviews' periodic task, named in settings CELERY_BEAT_SCHEDULE (cron schools run the
send_review_reminders command instead)."""

from celery import shared_task

from reviews.annual_reviews.reminders import send_review_reminders


@shared_task
def send_review_reminders_task():
    """EHC plan review reminders at their lead times (SEND Regulations 2014 reg 20)."""
    return send_review_reminders()
