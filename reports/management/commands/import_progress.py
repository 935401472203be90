"""
Import a term's attendance, suspensions and assessments from an MIS export, the same
way as the upload screens: the school's rows for that term are replaced, other terms kept.

Exit codes: 0 every row applied; 1 some rows rejected (listed); 2 the file cannot be used.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pupils.mis_import.reading import ImportFileError, read_sheet
from pupils.models import Pupil
from reports.progress.importing import apply_preview, build_preview
from reports.progress.terms import Term
from sendhub.models import School


class Command(BaseCommand):
    help = "Import a term's progress, attendance and suspension data (CSV or XLSX), by UPN."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV or .xlsx file exported from the MIS.")
        parser.add_argument("--school", required=True, metavar="URN", help="The school's URN.")
        parser.add_argument(
            "--term",
            required=True,
            metavar="YEAR-TERM",
            help="e.g. 2025-autumn for autumn 2025/26.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, path, school, term, dry_run, **options):
        try:
            school_obj = School.objects.get(urn=school)
        except School.DoesNotExist:
            raise CommandError(f"No school has URN {school}.", returncode=2) from None
        try:
            term_ref = Term.from_slug(term)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        file = Path(path)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.", returncode=2) from None
        pupils = Pupil.objects.filter(school=school_obj)
        try:
            preview = build_preview(
                read_sheet(content, file.name), school=school_obj, term=term_ref, pupils=pupils
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if not dry_run:
            apply_preview(preview, pupils=pupils, source=file.name)
        counts = preview.counts()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {file.name} into {school_obj.name}, {term_ref.label}: {counts['ready']} "
            f"pupils with {counts['assessments']} assessments, replacing {counts['replacing']} "
            f"records of that term; {counts['rejected']} of {counts['rows']} rows rejected."
        )
        for error in preview.errors:
            who = f" [Pupil: {error.pupil}]" if error.pupil else " [Pupil: not named in the row]"
            self.stdout.write(f"Row {error.row}, column “{error.column}”: {error.message}{who}")
        if preview.errors:
            raise CommandError(
                f"{counts['rejected']} row(s) rejected; the other rows were "
                f"{'checked' if dry_run else 'applied'}.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS("Dry run: nothing was changed." if dry_run else "Done.")
        )
