"""
Reminders of EHC plan review deadlines to the school's SENCOs, in the app and by email.

send_review_reminders(today) is a plain function: cron runs it daily through
`manage.py send_review_reminders`, and a task queue can call it the same way. Each
reminder is sent once per review (ReminderSent), however often it runs.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse

from pupils.identification.workflow import sencos_of
from reviews.models import AnnualReview, ReminderSent, TransferYears
from sendhub.notifications.services import notify


@dataclass(frozen=True)
class Reminder:
    key: str
    step: str
    days: int  # send when the step is due within this many days; negative: overdue by
    title: str


REMINDERS = [
    Reminder("invitations-4-weeks", "invitations", 28,
             "EHC plan review: invitations and advice requests are due within 4 weeks"),
    Reminder("report-3-days", "report", 3,
             "EHC plan review: the report to the LA is due within 3 days"),
    Reminder("decision-overdue", "decision", -1,
             "EHC plan review: the LA's decision is overdue; ask the LA"),
]  # fmt: skip


def due_reminders(review, today, transfer_years):
    """The reminders this review is due today: its step not done and within the lead time."""
    steps = {step.key: step for step in review.steps(today, transfer_years=transfer_years)}
    found = []
    for reminder in REMINDERS:
        step = steps.get(reminder.step)
        if step is None or step.done_on:
            continue
        if (step.due - today).days <= reminder.days:
            found.append(reminder)
    return found


def send_review_reminders(today: date | None = None) -> int:
    """Send every reminder now due that was not sent before; returns how many were sent."""
    today = today or date.today()
    reviews = (
        AnnualReview.objects.open()
        .filter(plan__ceased_on__isnull=True)
        .select_related("plan__pupil__school")
        .prefetch_related("reminders")
        .order_by("pk")
    )
    transfer_years, sencos, sent = {}, {}, 0
    for review in reviews:
        school = review.plan.pupil.school
        if school.pk not in transfer_years:
            transfer_years[school.pk] = TransferYears.for_school(school.pk)
            sencos[school.pk] = sencos_of(school)
        done = {row.key for row in review.reminders.all()}
        for reminder in due_reminders(review, today, transfer_years[school.pk]):
            if reminder.key in done:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(review=review, key=reminder.key, sent_on=today)
                    notify(
                        sencos[school.pk],
                        title=f"{reminder.title} (ref {review.ref})",
                        url=reverse("reviews:annual_review_people", args=[review.pk]),
                        school=school,
                    )
            except IntegrityError:
                continue  # sent by another run at the same moment
            sent += 1
    return sent
