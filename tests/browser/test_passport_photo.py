"""The passport photo in a real browser: upload through the form, then see it."""

from datetime import date
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.passport_data import give_passport

pytestmark = pytest.mark.browser


def portrait(path):
    """A camera-sized portrait-ish JPEG (a drawn face) with GPS in its EXIF."""
    image = Image.new("RGB", (1200, 1600), (170, 205, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((350, 300, 850, 900), fill=(240, 200, 170))
    draw.rectangle((250, 1000, 950, 1600), fill=(40, 90, 160))
    draw.ellipse((480, 520, 530, 570), fill=(40, 40, 40))
    draw.ellipse((670, 520, 720, 570), fill=(40, 40, 40))
    draw.arc((500, 620, 700, 780), 20, 160, fill=(150, 60, 60), width=12)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def photo_loaded(page, selector):
    return page.evaluate(
        "(s) => { const i = document.querySelector(s); return !!i && i.complete && "
        "i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : null; }",
        selector,
    )


def test_teacher_adds_a_photo_and_sees_it_on_passport_and_class_view(page, world, tmp_path):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    world.taught.preferred_name = "Tay"
    world.taught.save()
    record_register_change(
        pupil=world.taught, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
        effective_on=date(2025, 9, 1), reason="Browser test", decided_by=senco,
        recorded_by=senco,
    )  # fmt: skip
    give_passport(world.taught, senco)
    sign_in(page, teacher)
    page.open(f"/pupils/{world.taught.pk}/passport/edit/")
    page.set_input_files("#id_photo", str(portrait(tmp_path / "camera.jpg")))
    with page.expect_navigation():
        page.click("text=Save the passport")
    assert "Passport saved as version 2." in page.locator("main").inner_text()
    img = "img.passport-photo"
    assert page.locator(img).get_attribute("alt") == "Photo of Tay"
    assert photo_loaded(page, img) == [450, 600]
    screenshot(page, "passport-photo-desktop")
    check_accessibility(page)

    page.resize(PHONE)
    page.reload()
    assert photo_loaded(page, img) == [450, 600]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "passport-photo-phone")
    check_accessibility(page)

    page.open(f"/pupils/{world.taught.pk}/passport/edit/")
    assert page.locator("#id_remove_photo").count() == 1
    screenshot(page, "passport-photo-form-phone")
    check_accessibility(page)

    page.open("/my-classes/")
    assert photo_loaded(page, ".class-pupil img") == [450, 600]
    screenshot(page, "passport-photo-class-view-phone")
    check_accessibility(page)
    assert page.console_errors == []
