"""Read the file of each progress upload still waiting to be applied into its sheet.

Uploads from before imports were read once at upload kept only the file: their preview
now reads the sheet, so it would be empty. The same reader parses them here. A file the
reader refuses keeps an empty sheet, and its preview asks for the file again.
"""

from django.db import migrations


def read_pending_files(apps, schema_editor):
    from pupils.mis_import.reading import ImportFileError, read_sheet

    ProgressImport = apps.get_model("reports", "ProgressImport")
    for batch in ProgressImport.objects.filter(status="preview").iterator(chunk_size=20):
        content = bytes(batch.content or b"")
        if batch.sheet or not content:
            continue
        try:
            batch.sheet = read_sheet(content, batch.filename).to_json()
        except ImportFileError:
            continue
        batch.save(update_fields=["sheet"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_progress_import_sheet"),
        ("pupils", "0019_import_batch_sheet_from_content"),
    ]

    operations = [
        migrations.RunPython(read_pending_files, migrations.RunPython.noop),
    ]
