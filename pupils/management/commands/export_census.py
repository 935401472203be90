import csv
import io
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from pupils.census import CENSUS_COLUMNS, census_rows
from pupils.models import Pupil
from sendhub.models import School


class Command(BaseCommand):
    help = (
        "Write the census extract (UPN, SEN provision N/K/E, need types ranked 1 and 2) "
        "for a school on a date, as the register stood that day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--date", required=True, help="Census date, YYYY-MM-DD")
        parser.add_argument("--output", help="CSV file to write (default: standard output)")

    def handle(self, *args, school, date: str, output=None, **options):
        try:
            when = _parse_date(date)
        except ValueError:
            raise CommandError(f"“{date}” is not a date in the form YYYY-MM-DD.") from None
        if when > _today():
            raise CommandError(
                f"{when:%d/%m/%Y} has not come yet: the register can still change before then."
            )
        try:
            school_obj = School.objects.get(urn=school)
        except School.DoesNotExist:
            raise CommandError(f"No school has the URN {school}.") from None
        rows = list(census_rows(Pupil.objects.filter(school=school_obj), when))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CENSUS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                handle.write(buffer.getvalue())
            self.stderr.write(f"Wrote {len(rows)} pupils to {output}.")
        else:
            self.stdout.write(buffer.getvalue(), ending="")


# handle() receives the --date option as `date`, which hides datetime.date there.
def _parse_date(value):
    return date.fromisoformat(value)


def _today():
    return date.today()
