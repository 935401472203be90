"""A SENCO imports classes and parent contacts and sees, per pupil, what will change."""

import pytest

from pupils.models import ParentLink
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.test_import_classes_contacts import row, three_pupils

pytestmark = pytest.mark.browser


def test_senco_sees_class_and_parent_changes_before_applying(page, world, tmp_path):
    pupil = world.taught
    existing = row(0, pupil.last_name, pupil.first_name, upn=pupil.upn, dob="14/03/2013",
                   admitted="01/09/2024", form="", classes="8 En1; 8 Ma1",
                   c1=("Dana Pupil", "Mother", "dana@example.test"))  # fmt: skip
    path = tmp_path / "sims-with-contacts.csv"
    path.write_bytes(three_pupils({4: existing, 5: row(5, "Evans", "Ffion", c1=("", "", "bad@"))}))
    sign_in(page, world.user(Role.SENCO))
    page.open("/pupils/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")

    changes = page.locator("details:has-text('Changed pupils')").inner_text()
    assert "Classes: joins 8 Ma1 (new class)" in changes
    assert "Parent contact: links Dana Pupil (dana@example.test) as Mother: new account" in changes
    assert "not in file, kept" in page.locator("details:has-text('Parent links')").inner_text()
    assert "“bad@” is not an email address" in page.locator("table.import-errors").inner_text()
    page.click("summary:has-text('New pupils')")
    screenshot(page, "import-classes-contacts-preview")
    check_accessibility(page)

    with page.expect_navigation():
        page.click("button:has-text('Apply the import')")
    assert "New classes created: 8 Ma1, 8 Ma2, 9 En1." in page.content()
    screenshot(page, "import-classes-contacts-result")
    check_accessibility(page)
    assert ParentLink.objects.filter(pupil=pupil).count() == 2
    assert page.console_errors == []


def test_class_and_parent_preview_works_on_a_phone(page, world, tmp_path):
    path = tmp_path / "roll.csv"
    path.write_bytes(three_pupils())
    page.resize(PHONE)
    sign_in(page, world.user(Role.SENCO))
    page.open("/pupils/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")
    page.click("summary:has-text('New pupils')")
    assert "links Mrs Amina Ahmed" in page.content()
    screenshot(page, "import-classes-contacts-phone")
    check_accessibility(page)
