"""A SENCO uploads an MIS export, sees the bad row explained, and applies the rest."""

import pytest

from pupils.codes import SenStage
from pupils.models import Pupil
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.factories import valid_upn
from tests.pupils.import_files import csv_bytes, sims_row

pytestmark = pytest.mark.browser


def test_senco_uploads_checks_and_applies_an_export(page, world, tmp_path):
    rows = [
        sims_row(1, "Ahmed", "Zara"),
        sims_row(2, "Brown", "Oliver", gender="M", status="K", primary="SPLD"),
        sims_row(3, "Clarke", "Mia", dob="31/02/2012"),
        sims_row(4, "Dube", "Tariro", year="9", form="9B", status="E", primary="ASD"),
    ]
    path = tmp_path / "sims-pupils.csv"
    path.write_bytes(csv_bytes(rows))
    sign_in(page, world.user(Role.SENCO))

    page.click("button.account-menu")  # the SENCO finds the import under their name
    page.click("text=Import pupils")
    screenshot(page, "import-upload")
    check_accessibility(page)
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")

    assert page.locator("h1").inner_text() == "Check the import"
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert [cells[0], cells[2]] == ["4", "DOB"]
    assert cells[1].split("\n") == ["Mia Clarke", f"UPN {valid_upn(3)}"]  # the row's pupil
    assert "“31/02/2012” is not a date we recognise" in errors.first.inner_text()
    assert not Pupil.objects.filter(upn=valid_upn(1)).exists()  # nothing written yet
    screenshot(page, "import-preview")
    check_accessibility(page)

    with page.expect_navigation():
        page.click("button:has-text('Apply the import')")

    assert page.locator("h1").inner_text() == "Import applied"
    assert "1 row was not imported" in page.content()
    screenshot(page, "import-result")
    check_accessibility(page)
    assert Pupil.objects.get(upn=valid_upn(2)).sen_stage == SenStage.SEN_SUPPORT
    assert not Pupil.objects.filter(upn=valid_upn(3)).exists()

    # The next export moves Zara to Year 9 and takes Oliver off SEN support.
    rows[0] = sims_row(1, "Ahmed", "Zara", year="9", form="9B")
    rows[1] = sims_row(2, "Brown", "Oliver", gender="M", status="N")
    path.write_bytes(csv_bytes(rows))
    page.click("text=Import another file")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")
    changes = page.locator("details:has-text('Changed pupils')").inner_text()
    assert (
        "Year group: 8 → 9" in changes
        and "SEN status and needs: SEN support (K): SPLD → No SEN (N)" in changes
    )
    page.click("summary:has-text('Columns')")
    screenshot(page, "import-preview-changes")
    check_accessibility(page)
    assert page.console_errors == []


def test_import_preview_works_on_a_phone(page, world, tmp_path):
    path = tmp_path / "roll.csv"
    path.write_bytes(csv_bytes([sims_row(1, "Ahmed", "Zara"), sims_row(2, "Ba", "D", upn="X1")]))
    page.resize(PHONE)
    sign_in(page, world.user(Role.ADMIN))
    page.open("/pupils/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")
    assert "A UPN has 13 characters" in page.content()
    screenshot(page, "import-preview-phone")
    check_accessibility(page)
