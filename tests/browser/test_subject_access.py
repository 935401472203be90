"""The SENCO makes a subject access export from the pupil's page; the settings page shows
the data-protection settings."""

import zipfile

import pytest

from pupils.models import MedicalCondition
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.concern_data import raise_concern, referral_kwargs

pytestmark = pytest.mark.browser


def test_senco_downloads_a_subject_access_export(page, world, tmp_path):
    senco = world.user(Role.SENCO)
    raise_concern(world.taught, world.user(Role.TEACHER))
    referral_kwargs(world, Role.SENCO, True)
    MedicalCondition.objects.create(pupil=world.taught, condition="Asthma")

    sign_in(page, senco)
    page.open(world.taught.get_absolute_url())
    with page.expect_navigation():
        page.click("text=Subject access export")
    assert page.locator("h1").inner_text() == "Subject access export"
    main = page.locator("main").inner_text()
    assert "Referrals and specialist reports (restricted)" in main
    assert "review-before-release.csv" in main
    screenshot(page, "subject-access-senco")
    check_accessibility(page)

    # Prepared in the background (sendhub/jobs): the progress, then the download link.
    page.click("text=Prepare the export (ZIP)")
    link = page.locator("#export-job a", has_text="Download")
    link.wait_for(timeout=30_000)
    assert "Your file is ready" in page.locator("#export-job").inner_text()
    screenshot(page, "subject-access-export-ready")
    check_accessibility(page)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert "records.pdf" in names and "review-before-release.csv" in names

    page.reload()
    assert "by SENCO" in page.locator("main").inner_text()  # the export is listed as made
    assert page.locator("#export-job a", has_text="Download").is_visible()  # kept 24 hours

    page.resize(PHONE)
    page.reload()
    screenshot(page, "subject-access-senco-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the export page scrolls sideways on a phone"

    page.open("/school/settings/")
    page.locator("#privacy-heading").scroll_into_view_if_needed()
    assert "Keep a leaver's SEN file until they are this age" in page.locator("main").inner_text()
    screenshot(page, "school-settings-data-protection", full_page=True)
