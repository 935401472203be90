"""A SENCO reads the progress analysis and imports a term's data, on a desktop and a phone."""

import pytest
import time_machine

from reports.progress.models import PupilTerm
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.factories import PupilFactory
from tests.reports.progress_data import AUTUMN, make_term, progress_csv, row

pytestmark = pytest.mark.browser


@time_machine.travel("2025-11-20 10:00", tick=True)
def test_senco_reads_the_gaps_and_imports_a_term(page, world, tmp_path):
    for index in range(6):
        make_term(PupilFactory(school=world.school), AUTUMN, sen_status="NKE"[index % 3],
                  possible=100, attended=88 + index,
                  results=[("english", "at", 100, "expected")])  # fmt: skip
    path = tmp_path / "autumn.csv"
    path.write_bytes(progress_csv([row(world.taught.upn), row(world.untaught.upn, maths="11")]))
    sign_in(page, world.user(Role.SENCO))

    page.click("text=Progress and attendance")
    assert page.locator("h1").inner_text() == "Progress, attendance and exclusions"
    screenshot(page, "progress-overview")
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "progress-overview-phone")
    check_accessibility(page)

    page.click("text=Import a term")
    page.select_option("#id_term", "2025-autumn")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button:has-text('Upload and check')")
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1
    assert "not a KS2 scaled score" in errors.first.inner_text()
    screenshot(page, "progress-import-preview-phone")
    check_accessibility(page)

    with page.expect_navigation():
        page.click("button:has-text('Apply the import')")
    assert page.locator("h1").inner_text() == "Autumn 2025/26 imported"
    check_accessibility(page)
    assert list(PupilTerm.objects.filter(pupil__in=[world.taught, world.untaught])
                .values_list("pupil_id", flat=True)) == [world.taught.pk]  # fmt: skip
