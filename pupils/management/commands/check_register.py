"""
List pupils whose register history shows E removed by a school action.

Only the local authority ceases an EHC plan (Children and Families Act 2014 s45), so the
only entry that may take a pupil off E is the EHC plan record's own (docs/register.md).
Reads the register history alone, so it needs nothing from the reviews app.
"""

from django.core.management.base import BaseCommand, CommandError

from pupils.models import RegisterEntry
from sendhub.models import School


class Command(BaseCommand):
    help = (
        "List pupils taken off E (EHC plan) by anything other than the EHC plan record. "
        "Exit 0 when there are none, 1 when any are found, 2 for an unknown school."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", metavar="URN", help="Only this school's pupils.")

    def handle(self, *args, school=None, **options):
        entries = RegisterEntry.objects.off_e_without_plan_record()
        if school:
            if not School.objects.filter(urn=school).exists():
                raise CommandError(f"No school has URN {school}.", returncode=2)
            entries = entries.filter(pupil__school__urn=school)
        entries = entries.select_related("pupil", "recorded_by").order_by(
            "pupil__last_name", "pupil__first_name", "pupil_id", "effective_on", "pk"
        )
        found = 0
        for entry in entries:
            found += 1
            by = entry.recorded_by or "no one recorded"
            self.stdout.write(
                f"{entry.pupil_id}\t{entry.pupil.full_name}\t{entry.effective_on:%Y-%m-%d}\t"
                f"entry {entry.pk}: {entry.get_stage_display()} ({entry.get_source_display()}, "
                f"recorded by {by}): {entry.reason}"
            )
        if found:
            raise CommandError(
                f"{found} register entr{'y' if found == 1 else 'ies'} took a pupil off E other "
                "than by the EHC plan record. Only the local authority ceases a plan "
                "(Children and Families Act 2014 s45): check each with the local authority, and "
                "if the plan is still in force record it on the pupil's EHC plan page.",
                returncode=1,
            )
        self.stdout.write("No pupil was taken off E except by the EHC plan record.")
