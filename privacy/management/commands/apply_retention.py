import uuid
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from privacy import retention
from sendhub.models import School


class Command(BaseCommand):
    help = (
        "List archived leavers whose SEN file is past retention (date of birth + the school's "
        "retention years, default 31; docs/retention.md). Nothing is changed unless --apply "
        "is given: then each listed pupil's records, change history and uploaded files are "
        "destroyed, leaving a tombstone in the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Destroy what is listed")
        parser.add_argument("--school", metavar="URN", help="Only this school")

    def handle(self, *args, apply, school, **options):
        today = date.today()
        only = None
        if school:
            only = School.objects.filter(urn=school).first()
            if only is None:
                raise CommandError(f"No school with URN {school}.")
        found = retention.due(today, school=only)
        run = uuid.uuid4().hex[:12]
        verb = "Destroying" if apply else "Would destroy (dry run; --apply destroys)"
        self.stdout.write(f"{verb}: {len(found)} leaver(s) past retention on {today:%Y-%m-%d}.")
        for pupil, since in found:
            line = (
                f"pupil {pupil.pk} at {pupil.school.urn}: left {pupil.left_on:%Y-%m-%d}, "
                f"due since {since:%Y-%m-%d}"
            )
            if apply:
                done = retention.destroy(pupil, run=run)
                line += f": destroyed {done.records} records and {done.files} files"
            self.stdout.write(line)
        if apply:
            self.stdout.write(f"Retention run {run} finished.")
