from django.core.management.base import BaseCommand

from sendhub.notifications.services import send_digest


class Command(BaseCommand):
    help = "Email the daily digest to everyone who chose one (run once a day from cron)."

    def handle(self, *args, **options):
        sent = send_digest()
        self.stdout.write(f"Sent {sent} digest email{'s' if sent != 1 else ''}.")
