"""Read the file of each upload still waiting to be applied into its sheet.

Uploads from before imports were read once at upload kept only the file: their preview
now reads the sheet, so it would be empty. The same reader parses them here. A file the
reader refuses keeps an empty sheet, and its preview asks for the file again.
"""

from django.db import migrations


def read_pending_files(apps, schema_editor):
    from pupils.mis_import.reading import ImportFileError, read_sheet

    ImportBatch = apps.get_model("pupils", "ImportBatch")
    for batch in ImportBatch.objects.filter(status="preview").iterator(chunk_size=20):
        content = bytes(batch.content or b"")
        if batch.sheet or not content or "expired_at" in batch.result:
            continue
        try:
            batch.sheet = read_sheet(content, batch.filename).to_json()
        except ImportFileError:
            continue
        batch.save(update_fields=["sheet"])


class Migration(migrations.Migration):
    dependencies = [
        ("pupils", "0018_import_batch_sheet"),
    ]

    operations = [
        migrations.RunPython(read_pending_files, migrations.RunPython.noop),
    ]
