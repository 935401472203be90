from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pupils.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Remove the uploaded files of MIS imports checked but never applied, once they are "
        "older than --days: they are personal data with no further use. Each upload stays "
        "listed as expired."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="Keep unapplied uploads this many days (default 7)"
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        now = timezone.now()
        cleared = ImportBatch.objects.stale(now - timedelta(days=days)).expire(now)
        noun = "upload" if cleared == 1 else "uploads"
        self.stdout.write(f"Cleared {cleared} unapplied {noun} older than {days} days.")
