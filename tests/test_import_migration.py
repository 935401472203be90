"""
Uploads waiting to be applied at the upgrade that read files once at upload (pupils 0019,
reports 0005): their kept file is read into the sheet with the same reader, so the preview
shows their rows; then the file itself is dropped (pupils 0020, reports 0006).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import SchoolFactory, UserFactory, valid_upn
from tests.pupils.import_files import csv_bytes, sims_row
from tests.reports.progress_data import progress_csv, row

BEFORE = [("pupils", "0018_import_batch_sheet"), ("reports", "0004_progress_import_sheet")]
READ = [
    ("pupils", "0019_import_batch_sheet_from_content"),
    ("reports", "0005_progress_import_sheet_from_content"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def old_uploads(apps):
    """One school's uploads as the old code kept them: the file, and no sheet."""
    ImportBatch = apps.get_model("pupils", "ImportBatch")
    ProgressImport = apps.get_model("reports", "ProgressImport")
    school = SchoolFactory()  # sendhub's tables are not migrated back
    senco = UserFactory()
    roll = csv_bytes([sims_row(1, "Ahmed", "Zara"), sims_row(2, "Brown", "Oliver")])
    batches = {
        name: ImportBatch.objects.create(
            school_id=school.pk,
            uploaded_by_id=senco.pk,
            filename="roll.csv",
            content=content,
            status=status,
            result=result,
        )  # fmt: skip
        for name, content, status, result in [
            ("pending", roll, "preview", {}),
            ("unreadable", b"\x00 not a roll", "preview", {}),
            ("expired", b"", "preview", {"expired_at": "2026-11-01T00:00:00"}),
            ("applied", b"", "applied", {"counts": {}}),
        ]
    }
    progress = ProgressImport.objects.create(
        school_id=school.pk, academic_year=2025, term=1, uploaded_by_id=senco.pk,
        filename="autumn.csv",
        content=progress_csv([row(valid_upn(1))]), status="preview",
    )  # fmt: skip
    return {name: batch.pk for name, batch in batches.items()}, progress.pk


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="PostgreSQL only: SQLite rebuilds each table a migration touches, so going back to "
    "the old upload tables and forward again takes half a minute there; the data migrations "
    "run the same Python on both",
)
@pytest.mark.django_db(transaction=True)
def test_pending_uploads_are_read_into_their_sheet_and_the_files_dropped():
    old = migrate(BEFORE)
    batches, progress = old_uploads(old)

    new = migrate(READ)
    sheets = dict(new.get_model("pupils", "ImportBatch").objects.values_list("pk", "sheet"))
    pending = sheets[batches["pending"]]
    assert pending["headers"][:3] == ["UPN", "Legal Surname", "Legal Forename"]
    assert [number for number, _ in pending["rows"]] == [2, 3]
    for untouched in ("unreadable", "expired", "applied"):
        assert sheets[batches[untouched]] == {}, untouched
    progress_sheet = new.get_model("reports", "ProgressImport").objects.get(pk=progress).sheet
    assert progress_sheet["rows"][0][1][0] == valid_upn(1)

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from pupils.models import ImportBatch

    assert ImportBatch.objects.get(pk=batches["pending"]).sheet == pending
