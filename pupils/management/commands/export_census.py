import csv
import io
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from pupils.models import Pupil
from pupils.register.census import CENSUS_COLUMNS, census_rows
from pupils.register.exports import CSV_LINE_END, record_export, spreadsheet_rows
from sendhub.models import Membership, School
from sendhub.roles import ROLE_PERMISSIONS


class Command(BaseCommand):
    help = (
        "Write the census extract (UPN, SEN provision N/K/E, need types ranked 1 and 2) "
        "for a school on a date, as the register stood that day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--date", required=True, help="Census date, YYYY-MM-DD")
        parser.add_argument("--output", help="CSV file to write (default: standard output)")
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="Email of the person at the school who asked for the extract: recorded in "
            "the access log. Without it the export is logged as run from the command line "
            "by no named person, and a warning says so.",
        )

    def handle(self, *args, school, date: str, output=None, by=None, **options):
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
        requester = _requester(by, school_obj) if by else None
        rows = list(census_rows(Pupil.objects.filter(school=school_obj), when))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CENSUS_COLUMNS, lineterminator=CSV_LINE_END)
        writer.writeheader()
        writer.writerows(spreadsheet_rows(rows))
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                handle.write(buffer.getvalue())
            self.stderr.write(f"Wrote {len(rows)} pupils to {output}.")
        else:
            self.stdout.write(buffer.getvalue(), ending="")
        if requester is None:
            self.stderr.write(
                "Warning: the access log records this export of SEN data with no person named. "
                "Give --by EMAIL to record who asked for it."
            )
        record_export(
            user=requester.user if requester else None,
            role=requester.role if requester else "",
            school=school_obj,
            what=f"census extract (CSV, command) for {when:%Y-%m-%d}: {len(rows)} pupils",
            path=f"manage.py export_census --school {school} --date {when:%Y-%m-%d}"
            + (f" --output {output}" if output else ""),
        )


def _requester(email, school):
    """The membership of the person asking, who must be allowed to export the register."""
    memberships = list(
        Membership.objects.current()
        .filter(user__email__iexact=email, school=school)
        .select_related("user")
    )
    if not memberships:
        raise CommandError(f"Nobody with the email {email} has a current role at {school}.")
    for membership in memberships:
        if "pupils.export_register" in ROLE_PERMISSIONS.get(membership.role, set()):
            return membership
    roles = ", ".join(m.get_role_display() for m in memberships)
    raise CommandError(f"{email} is {roles} at {school}: not a role that may export SEN data.")


# handle() receives the --date option as `date`, which hides datetime.date there.
def _parse_date(value):
    return date.fromisoformat(value)


def _today():
    return date.today()
