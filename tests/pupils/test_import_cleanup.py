"""
Unapplied MIS uploads are personal data kept only while needed (UK GDPR Art. 5(1)(e), storage limitation):
`clear_stale_imports` drops their files after a week and keeps each row as expired.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pupils.models import ImportBatch, Pupil
from sendhub.roles import Role
from tests.factories import valid_upn
from tests.pupils.import_files import small_roll

UPLOADED = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)


def upload(client, name):
    response = client.post(
        reverse("pupils:import"), {"file": SimpleUploadedFile(name, small_roll())}
    )
    assert response.status_code == 302
    return ImportBatch.objects.get(filename=name)


def clear(*args):
    from io import StringIO

    out = StringIO()
    call_command("clear_stale_imports", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def uploads(world, senco_client, time_machine, settings):
    """An old unapplied upload, an old applied one and a recent unapplied one."""
    time_machine.move_to(UPLOADED, tick=False)
    old = upload(senco_client, "old.csv")
    applied = upload(senco_client, "applied.csv")
    senco_client.post(reverse("pupils:import_apply", args=[applied.pk]))
    time_machine.move_to(UPLOADED + timedelta(days=6), tick=False)
    senco_client.force_login(world.user(Role.SENCO))  # signed out when idle meanwhile
    recent = upload(senco_client, "recent.csv")
    time_machine.move_to(UPLOADED + timedelta(days=7, minutes=1), tick=False)
    senco_client.force_login(world.user(Role.SENCO))
    return old, applied, recent


def test_unapplied_uploads_older_than_a_week_lose_their_file(uploads, settings):
    old, applied, recent = uploads
    applied_result = ImportBatch.objects.get(pk=applied.pk).result

    assert clear() == "Cleared 1 unapplied upload older than 7 days.\n"

    old.refresh_from_db()
    assert old.sheet == {} and old.columns == {}
    assert old.is_expired and not old.is_applied
    assert old.result == {"expired_at": (UPLOADED + timedelta(days=7, minutes=1)).isoformat()}
    assert old.filename == "old.csv"  # the row stays as the record of the upload
    recent.refresh_from_db()
    assert recent.sheet["rows"] and not recent.is_expired
    applied.refresh_from_db()
    assert applied.is_applied and not applied.is_expired and applied.result == applied_result
    assert ImportBatch.objects.count() == 3
    # Nothing of an upload is ever written under MEDIA_ROOT: the database copy was the only one.
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))

    # Running again clears nothing more, and an expired batch is never counted twice.
    assert clear() == "Cleared 0 unapplied uploads older than 7 days.\n"


def test_days_sets_how_long_unapplied_uploads_are_kept(uploads):
    old, applied, recent = uploads
    assert clear("--days", "30") == "Cleared 0 unapplied uploads older than 30 days.\n"
    assert clear("--days", "1") == "Cleared 2 unapplied uploads older than 1 days.\n"
    assert set(
        ImportBatch.objects.filter(result__has_key="expired_at").values_list("pk", flat=True)
    ) == {old.pk, recent.pk}
    assert not ImportBatch.objects.get(pk=applied.pk).is_expired


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        clear("--days", "-1")


def test_an_expired_upload_says_to_upload_again(uploads, senco_client, world):
    old, applied, recent = uploads
    clear()

    response = senco_client.get(reverse("pupils:import_preview", args=[old.pk]), follow=True)
    assert response.redirect_chain == [(reverse("pupils:import"), 302)]
    page = response.content.decode()
    assert "The upload “old.csv” has expired" in page and "Upload the file again" in page
    # It is still listed, as expired, with no link to a preview that no longer exists.
    assert "Expired, not applied" in page
    assert reverse("pupils:import_preview", args=[old.pk]) not in page
    assert reverse("pupils:import_preview", args=[recent.pk]) in page

    # Applying it writes nothing and says the same.
    response = senco_client.post(reverse("pupils:import_apply", args=[old.pk]), follow=True)
    assert response.redirect_chain == [(reverse("pupils:import"), 302)]
    assert "has expired" in response.content.decode()
    old.refresh_from_db()
    assert not old.is_applied
    assert (
        Pupil.objects.filter(school=world.school, upn=valid_upn(1)).count() == 1
    )  # from "applied.csv"
