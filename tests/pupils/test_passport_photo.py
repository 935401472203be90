"""
The passport photo. A child's photo is personal data (UK GDPR), so metadata is stripped
and it is served only through a scoped view.
"""

import shutil
import subprocess
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pupils.models import Passport
from sendhub.roles import Role
from tests.conftest import get_counting_queries
from tests.factories import (
    MembershipFactory,
    ParentLinkFactory,
    PupilFactory,
    TeachingGroupFactory,
    UserFactory,
)
from tests.pupils.passport_data import SECTIONS, give_passport
from tests.reports.test_class_view import put_on_register

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps(size=(1600, 1200), colour=(200, 60, 40)):
    """A camera-style JPEG carrying a GPS position and a camera model in its EXIF."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0110] = "Pocket Camera 3000"  # Model
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size=(300, 400)):
    out = BytesIO()
    Image.new("RGBA", size, (20, 120, 200, 128)).save(out, "PNG")
    return out.getvalue()


def form_data(**overrides):
    return {
        **SECTIONS,
        "voice_method": "conversation",
        "voice_notes": "",
        "captured_on": "2025-11-03",
        **overrides,
    }


def edit(client, pupil, **overrides):
    return client.post(reverse("pupils:passport_edit", args=[pupil.pk]), form_data(**overrides))


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def with_photo(world, pupil=None, by=None):
    """A passport whose current version has a stripped, scaled photo (through the form)."""
    from django.test import Client

    pupil = pupil or world.taught
    client = Client()
    client.force_login(by or world.user(Role.SENCO))
    if not Passport.objects.filter(pupil=pupil).exists():
        give_passport(pupil, world.user(Role.SENCO))
    response = edit(client, pupil, photo=upload("me.jpg", jpeg_with_gps()))
    assert response.status_code == 302, response.context["form"].errors
    return Passport.objects.select_related("current").get(pupil=pupil)


def test_uploaded_photo_is_stored_without_exif_and_at_most_600px(client, world):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHER))
    response = edit(client, world.taught, photo=upload("camera.jpg", jpeg_with_gps()))
    assert response.status_code == 302
    passport = Passport.objects.get(pupil=world.taught)
    assert passport.version == 2
    photo = passport.current.photo
    assert photo.name.startswith("passport-photos/")
    with photo.open("rb") as stored:
        data = stored.read()
    assert b"Pocket Camera" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 600
        assert image.size == (600, 450)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    # The text sections are unchanged: only the photo made the new version.
    assert passport.current.enjoy == SECTIONS["enjoy"]


def test_png_with_transparency_is_accepted_and_stored_as_jpeg(client, world):
    client.force_login(world.user(Role.SENCO))
    response = edit(client, world.taught, photo=upload("me.png", png_bytes(), "image/png"))
    assert response.status_code == 302
    with Passport.objects.get(pupil=world.taught).current.photo.open("rb") as stored:
        image = Image.open(stored)
        assert (image.format, image.size) == ("JPEG", (300, 400))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("holiday.jpg", b"This is a note, not a photo at all.", "its contents are not a photo"),
        ("face.gif", b"GIF89a....", "Choose a photo saved as JPEG, PNG or WebP"),
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0 then nothing useful",
            "is not a JPEG photo (it may be damaged)",
        ),
    ],
)
def test_files_that_are_not_photos_are_refused_and_nothing_is_saved(
    client, world, name, content, message
):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHER))
    response = edit(client, world.taught, enjoy="Something new", photo=upload(name, content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photo"])
    assert message in response.content.decode()
    passport = Passport.objects.get(pupil=world.taught)
    assert passport.version == 1
    assert not passport.current.photo


def test_photo_over_5_mb_is_refused(client, world):
    client.force_login(world.user(Role.SENCO))
    too_big = b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 + 1)
    response = edit(client, world.taught, photo=upload("huge.jpg", too_big))
    assert response.status_code == 200
    assert "the limit is 5 MB" in " ".join(response.context["form"].errors["photo"])
    assert not Passport.objects.exists()


def test_removing_the_photo_makes_a_version_and_the_old_version_keeps_it(client, world):
    passport = with_photo(world)
    before = passport.current
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:passport_edit", args=[world.taught.pk]))
    assert "Remove the photo" in page.content.decode()
    response = edit(client, world.taught, remove_photo="on")
    assert response.status_code == 302
    passport.refresh_from_db()
    assert passport.version == before.number + 1
    assert not passport.current.photo
    before.refresh_from_db()
    assert before.photo and before.photo.storage.exists(before.photo.name)
    old = client.get(reverse("pupils:passport_photo", args=[world.taught.pk, before.number]))
    assert old.status_code == 200
    current = client.get(reverse("pupils:passport_photo", args=[world.taught.pk, passport.version]))
    assert current.status_code == 404


def test_a_text_change_keeps_the_photo(client, world):
    passport = with_photo(world)
    client.force_login(world.user(Role.TEACHER))
    edit(client, world.taught, enjoy="Swimming on Saturdays.")
    passport.refresh_from_db()
    assert passport.current.enjoy == "Swimming on Saturdays."
    assert passport.current.photo.name == passport.versions.get(number=2).photo.name


def test_choosing_a_photo_and_removing_it_at_once_is_refused(client, world):
    with_photo(world)
    client.force_login(world.user(Role.SENCO))
    response = edit(client, world.taught, remove_photo="on", photo=upload("a.jpg", jpeg_with_gps()))
    assert response.status_code == 200
    assert "not both" in " ".join(response.context["form"].errors["remove_photo"])


@pytest.mark.parametrize("role", [Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.PARENT])
def test_photo_is_served_privately_to_those_who_may_read_the_passport(client, world, role):
    passport = with_photo(world)
    client.force_login(world.user(role))
    response = client.get(
        reverse("pupils:passport_photo", args=[world.taught.pk, passport.version])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_photo_view_scope_per_role(client, world):
    passport = with_photo(world)
    url = reverse("pupils:passport_photo", args=[world.taught.pk, passport.version])
    other_teacher = MembershipFactory(school=world.school, role=Role.TEACHER).user
    TeachingGroupFactory(school=world.school, name="7 Sc2").teachers.add(other_teacher)
    other_parent = MembershipFactory(school=world.school, role=Role.PARENT).user
    ParentLinkFactory(parent=other_parent, pupil=PupilFactory(school=world.school))
    governor = world.user(Role.GOVERNOR)
    expected = {other_teacher: 404, other_parent: 404, governor: 403}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_parent_sees_only_the_current_photo_not_earlier_ones(client, world):
    passport = with_photo(world)
    give_passport(world.taught, world.user(Role.SENCO), enjoy="A newer version, same photo.")
    client.force_login(world.user(Role.PARENT))
    old = reverse("pupils:passport_photo", args=[world.taught.pk, passport.version])
    new = reverse("pupils:passport_photo", args=[world.taught.pk, passport.version + 1])
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_passport_page_and_portal_show_the_photo_with_alt_text(client, world):
    world.taught.preferred_name = "Tay"
    world.taught.save()
    passport = with_photo(world)
    src = reverse("pupils:passport_photo", args=[world.taught.pk, passport.version])
    client.force_login(world.user(Role.TEACHER))
    page = client.get(reverse("pupils:passport", args=[world.taught.pk])).content.decode()
    assert f'src="{src}" alt="Photo of Tay"' in page
    client.force_login(world.user(Role.PARENT))
    portal = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert f'src="{src}"' in portal


def test_photo_is_never_linked_through_media_url(client, world, settings):
    with_photo(world)
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:passport", args=[world.taught.pk])).content.decode()
    assert settings.MEDIA_URL not in page
    assert "passport-photos/" not in page


def test_passport_pdf_contains_the_photo_as_an_image(client, world, tmp_path):
    with_photo(world)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:passport_pdf", args=[world.taught.pk]))
    assert response.status_code == 200
    pdf = response.content
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    (tmp_path / "passport.pdf").write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", "passport.pdf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert any(row[2] == "image" and int(row[3]) == 600 for row in rows), listing


def test_passport_pdf_without_a_photo_has_no_image(client, world):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.SENCO))
    pdf = client.get(reverse("pupils:passport_pdf", args=[world.taught.pk])).content
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf


def test_passport_page_query_count_is_flat_with_photos(client, world):
    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco)
    client.force_login(senco)
    url = reverse("pupils:passport", args=[world.taught.pk])
    client.get(url)
    without, _ = get_counting_queries(client, url)
    with_photo(world)
    for n in range(4):
        give_passport(world.taught, senco, enjoy=f"Change {n}")
    client.get(url)  # the first read after a change records the read receipt
    count, response = get_counting_queries(client, url)
    page = response.content.decode()
    assert 'alt="Photo of Taught"' in page
    assert count == without


def test_class_view_query_count_is_flat_with_photos(client, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    with_photo(world)
    client.force_login(teacher)
    url = reverse("reports:class_view")
    client.get(url)
    small, response = get_counting_queries(client, url)
    page = response.content.decode()
    assert page.count('alt="Photo of ') == 1
    for index in range(6):
        pupil = PupilFactory(school=world.school)
        put_on_register(pupil, senco)
        world.group.pupils.add(pupil)
        if index % 2:
            with_photo(world, pupil=pupil)
        else:
            give_passport(pupil, senco)
    client.get(url)
    large, response = get_counting_queries(client, url)
    page = response.content.decode()
    assert page.count('alt="Photo of ') == 4
    assert large == small


def test_another_school_cannot_reach_the_photo(client, world):
    passport = with_photo(world)
    outsider = UserFactory()
    MembershipFactory(user=outsider, school=world.other_school, role=Role.SENCO)
    client.force_login(outsider)
    url = reverse("pupils:passport_photo", args=[world.taught.pk, passport.version])
    assert client.get(url).status_code == 404
