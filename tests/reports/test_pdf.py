"""Pupil documents as PDFs: fast, real PDFs, with the school and date on each page."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from pupils.passports.views import passport_context
from sendhub.pdf import render_pdf
from sendhub.roles import Role
from tests.pupils.passport_data import give_passport, give_profile

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def pdf_text(pdf):
    """The text WeasyPrint drew, via pdftotext when present (else the raw bytes)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def documented(world):
    senco = world.user(Role.SENCO)
    give_passport(
        world.taught,
        senco,
        like_you_to_know="I sometimes need to leave the room for five minutes. I will show my card.",
        communicate_by="Talking, and pointing to my symbol card when I am anxious.",
        parents_think="She works hard and gets tired by Thursday.",
        recent_achievements="Read a whole chapter book on my own.",
    )
    give_profile(world.taught, senco)
    return world


def test_passport_pdf_renders(documented):
    """Its time budget (under a second) is kept in docs/speed-budgets.md, not asserted here."""
    context = passport_context(documented.taught)
    pdf = render_pdf("pupils/pdf/passport.html", context)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "passport.pdf").write_bytes(pdf)


def test_passport_pdf_carries_school_date_and_pupils_words(client, documented):
    client.force_login(documented.user(Role.PARENT))
    response = client.get(reverse("pupils:passport_pdf", args=[documented.taught.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Oakfield Academy" in text
    assert f"Printed {date.today():%-d %B %Y}" in text
    assert "I learn best when" in text
    assert "Page 1 of" in text


def test_profile_and_class_view_pdfs_render(client, documented):
    client.force_login(documented.user(Role.TEACHER))
    profile = client.get(reverse("pupils:profile_pdf", args=[documented.taught.pk]))
    assert profile.content.startswith(b"%PDF")
    assert "What is important to me" in pdf_text(profile.content)
    sheet = client.get(reverse("reports:class_view_pdf"))
    assert sheet.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "profile.pdf").write_bytes(profile.content)
    (ARTIFACTS / "class-view.pdf").write_bytes(sheet.content)


def test_pdfs_never_fetch_from_outside(documented):
    from sendhub.pdf import _static_fetcher

    fetcher = _static_fetcher()
    for url in ["https://example.com/tracker.png", "https://example.com/static/css/print.css"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch("https://sendhub.invalid/static/css/print.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"


def test_passport_pdf_from_the_view_draws_a_real_page(client, documented, tmp_path):
    """The served PDF, as a picture, is an A4 page with a heading band and
    body text, not blank and not a solid block. Its time budget (under a second) is kept in
    docs/speed-budgets.md, not asserted here."""
    import shutil
    import subprocess

    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    client.force_login(documented.user(Role.SENCO))
    url = reverse("pupils:passport_pdf", args=[documented.taught.pk])
    response = client.get(url)
    assert response.status_code == 200

    (tmp_path / "passport.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "passport.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02, "not an A4 portrait page"

    def inked(box):
        histogram = image.crop(box).histogram()  # 256 grey levels
        return sum(histogram[:200]) / sum(histogram)

    assert 0.01 < inked((0, 0, width, height)) < 0.5, "the page is blank or a solid block"
    assert inked((0, 0, width, height // 8)) > 0.005, "no school name or heading at the top"
    assert inked((0, height // 4, width, height * 3 // 4)) > 0.01, "no body text"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "passport-page-1.png")
