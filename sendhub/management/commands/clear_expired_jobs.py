from django.core.management.base import BaseCommand

from sendhub.models import Job


class Command(BaseCommand):
    help = "Remove the files made by background jobs once they are 24 hours old (run hourly)."

    def handle(self, *args, **options):
        cleared = 0
        for job in Job.objects.expired():
            job.expire()
            cleared += 1
        self.stdout.write(f"Removed {cleared} job file{'s' if cleared != 1 else ''}.")
