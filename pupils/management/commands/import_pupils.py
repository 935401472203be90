"""
Import pupils from a SIMS, Arbor or Bromcom export, the same way as the upload screens.

Exit codes: 0 every row applied; 1 some rows rejected (listed); 2 the file cannot be used.
Parent contacts get accounts without a usable password and are not emailed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pupils.mis_import.apply import Result, apply_preview
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import ImportFileError, read_sheet, suggest_mapping
from pupils.models import ImportMapping, Pupil
from sendhub.models import School


class Command(BaseCommand):
    help = "Import pupils from an MIS export (CSV or XLSX), keyed on UPN within the school."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV or .xlsx file exported from the MIS.")
        parser.add_argument("--school", required=True, metavar="URN", help="The school's URN.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--full-roll",
            action="store_true",
            help="The file is the whole roll: pupils missing from it are marked as left.",
        )
        parser.add_argument(
            "--mapping-from-school",
            action="store_true",
            help="Use the columns last chosen on the import screen for this school.",
        )

    def handle(self, *args, path, school, dry_run, full_roll, mapping_from_school, **options):
        try:
            school_obj = School.objects.get(urn=school)
        except School.DoesNotExist:
            raise CommandError(f"No school has URN {school}.", returncode=2) from None
        file = Path(path)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.", returncode=2) from None
        try:
            sheet = read_sheet(content, file.name)
            saved = None
            if mapping_from_school:
                saved = (
                    ImportMapping.objects.filter(school=school_obj)
                    .values_list("columns", flat=True)
                    .first()
                )
            mapping = suggest_mapping(sheet.headers, saved=saved)
            preview = build_preview(
                sheet,
                school=school_obj,
                pupils=Pupil.objects.filter(school=school_obj),
                mapping=mapping,
                full_roll=full_roll,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from None

        for warning in preview.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if dry_run:
            result = Result(counts=preview.counts(), errors=preview.errors, dry_run=True)
        else:
            result = apply_preview(preview, source=file.name)
        counts = result.counts
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {file.name} into {school_obj.name}: {counts['new']} new, "
            f"{counts['changed']} changed, {counts['unchanged']} unchanged, "
            f"{counts['leaving']} marked as left, {counts['register_changes']} register "
            f"changes; {counts['rejected']} of {counts['rows']} rows rejected."
        )
        if "class_joins" in counts:
            self.stdout.write(
                f"Classes: {counts['classes_created']} new, {counts['class_joins']} joined, "
                f"{counts['class_leaves']} left."
            )
        if "parents_linked" in counts:
            self.stdout.write(
                f"Parent contacts: {counts['parents_linked']} linked, "
                f"{counts['parent_accounts']} new accounts (not emailed), "
                f"{counts['parent_links_kept']} existing links not in the file kept."
            )
        if result.errors:
            for error in result.errors:
                who = (
                    f" [Pupil: {error.pupil}]" if error.pupil else " [Pupil: not named in the row]"
                )
                self.stdout.write(f"Row {error.row}, column “{error.column}”: {error.message}{who}")
            raise CommandError(
                f"{counts['rejected']} row(s) rejected; the other rows were "
                f"{'checked' if dry_run else 'applied'}.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS("Dry run: nothing was changed." if dry_run else "Done.")
        )
