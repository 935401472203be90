from django.core.management.base import BaseCommand

from reviews.annual_reviews.reminders import send_review_reminders


class Command(BaseCommand):
    help = "Remind SENCOs of EHC plan review deadlines, each reminder once (run daily from cron)."

    def handle(self, *args, **options):
        sent = send_review_reminders()
        self.stdout.write(f"Sent {sent} review reminder{'s' if sent != 1 else ''}.")
