"""Concern hardening: attachments are checked by content, not only by name; no open redirect."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.models import Concern, Task
from sendhub.roles import Role
from tests.upload_files import DOC, HEIC, PDF, docx, odt, picture, zip_bomb, zip_with_escape, zipped

pytestmark = pytest.mark.django_db


def post_concern(client, pupil, attachment):
    return client.post(
        reverse("pupils:concern_raise"),
        {
            "pupil": pupil.pk,
            "noticed": "Avoids reading aloud; copies slowly from the board.",
            "contexts": "English",
            "suspected_areas": ["CL"],
            "attachment": attachment,
        },
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("sample.pdf", b"MZ\x90\x00 a Windows program renamed"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("letter.docx", b"plain text pretending to be Word"),
        ("photo.heic", b"\x00\x00\x00\x18nope-not-a-heic"),
    ],
)
def test_a_file_whose_contents_do_not_match_its_name_is_refused(client, world, name, content):
    client.force_login(world.user(Role.TEACHER))
    response = post_concern(client, world.taught, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert f"“{name}” is called ." in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("sample.pdf", PDF),
        ("photo.png", picture("PNG")),
        ("photo.jpeg", picture("JPEG")),
        ("letter.docx", docx()),
        ("letter.odt", odt()),
        ("letter.doc", DOC),
        ("photo.heic", HEIC),
    ],
)
def test_real_documents_and_photos_are_accepted(client, world, name, content):
    client.force_login(world.user(Role.TEACHER))
    response = post_concern(client, world.taught, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.attachment.name.endswith(name.rsplit(".", 1)[-1])
    with concern.attachment.open("rb") as stored:
        assert stored.read() == content


def make_task(world):
    return Task.objects.create(
        school=world.school,
        pupil=world.taught,
        assigned_to=world.user(Role.SENCO),
        title="Draft a support plan",
        due_on=date(2026, 1, 1),
    )


def test_ticking_off_a_task_never_redirects_to_another_site(client, world):
    task = make_task(world)
    client.force_login(world.user(Role.SENCO))
    response = client.post(
        reverse("pupils:task_done", args=[task.pk]), {"next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    task.refresh_from_db()
    assert task.done_at is not None


def test_ticking_off_a_task_returns_to_a_page_on_this_site(client, world):
    task = make_task(world)
    client.force_login(world.user(Role.SENCO))
    response = client.post(reverse("pupils:task_done", args=[task.pk]), {"next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("sample.pdf", PDF[:60], "is not a PDF"),
        ("letter.docx", zip_bomb(), "unpacks to"),
        ("letter.docx", zip_with_escape(), "unsafe path"),
        ("letter.docx", zipped({"readme.txt": b"hello"}), "is not a Word document"),
        ("photo.png", picture("PNG", (64, 64))[:70], "may be damaged"),
    ],
)
def test_files_that_only_start_right_are_refused(client, world, name, content, message):
    client.force_login(world.user(Role.TEACHER))
    response = post_concern(client, world.taught, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Concern.objects.exists()
