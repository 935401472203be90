"""notify(): tell people something is waiting, in the app and by email as each one chose."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sendhub.notifications.models import EmailChoice, Notification
from sendhub.notifications.tasks import send_emails

SUBJECT = "SENDhub: something is waiting for you"


def absolute(path):
    return f"{settings.SENDHUB_SITE_URL.rstrip('/')}{path}"


def email_body(titles_and_paths):
    """What an email says: only that something is waiting, and where. Never a pupil's name."""
    if len(titles_and_paths) == 1:
        [(title, path)] = titles_and_paths
        lines = [f"{title}.", "", f"Open it in SENDhub: {absolute(path)}"]
    else:
        lines = ["Waiting for you in SENDhub:", ""]
        lines += [f"- {title}: {absolute(path)}" for title, path in titles_and_paths]
    lines += ["", f"Choose how often we email you: {absolute('/notifications/settings/')}"]
    return "\n".join(lines) + "\n"


def notify(recipients, *, title: str, url: str, school=None):
    """
    Notify each person (once, never the one who acted if the caller leaves them out) that
    something is waiting at url. The title must not name a pupil: it may be emailed.
    Emails go after the transaction commits, so a rolled-back change sends nothing.
    """
    people = {person.pk: person for person in recipients if person is not None}.values()
    if not people:
        return []
    now = timezone.now()
    emailed = [p for p in people if p.notification_email == EmailChoice.EACH and p.email]
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            school=school,
            title=title,
            url=url,
            created_at=now,
            emailed_at=now if person in emailed else None,
        )
        for person in people
    )
    if emailed:
        messages = [
            (SUBJECT, email_body([(title, url)]), settings.DEFAULT_FROM_EMAIL, [p.email])
            for p in emailed
        ]
        # On a worker when a broker is configured, in this process otherwise.
        transaction.on_commit(lambda: send_emails.delay(messages))
    return rows


@transaction.atomic
def send_digest():
    """One email per person who chose a daily digest, listing what arrived since the last."""
    waiting = (
        Notification.objects.for_digest()
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    by_person = defaultdict(list)
    for row in waiting:
        by_person[row.recipient].append(row)
    sent = 0
    for person, rows in by_person.items():
        if person.email:
            sent += send_mail(
                SUBJECT,
                email_body([(row.title, row.url) for row in rows]),
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
    Notification.objects.filter(pk__in=[row.pk for person_rows in by_person.values()
                                        for row in person_rows]).update(emailed_at=timezone.now())  # fmt: skip
    return sent
