"""Notification emails as background tasks: a slow mail server never holds up a page."""

from celery import shared_task
from django.core.mail import send_mass_mail


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_emails(self, messages):
    """
    Send (subject, body, from, [to]) messages; JSON turns the tuples into lists.

    On a worker a mail server that is down is retried with back-off; run in the web
    process (no broker) a failure is dropped, as before, rather than failing the page.
    """
    eager = bool(self.request.is_eager)
    return send_mass_mail([tuple(m) for m in messages], fail_silently=eager)


@shared_task
def send_digest_task():
    from sendhub.notifications.services import send_digest

    return send_digest()
