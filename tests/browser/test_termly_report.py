"""The SENCO writes and publishes the termly SEND report; a governor reads it (desktop, phone)."""

from datetime import datetime

import pytest
import time_machine

from sendhub.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot, sign_in
from tests.reports.termly_data import build_school

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _during_the_autumn_term():
    with time_machine.travel(datetime(2026, 12, 2, 12, 0), tick=True):
        yield


def test_senco_publishes_and_governor_reads_the_report(page, world):
    pupils = build_school(world)
    sign_in(page, world.user(Role.SENCO))
    page.open("/termly-reports/2026/autumn/")
    page.fill("#id_register", "More pupils on SEN support than last term.")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert "Commentary saved" in page.inner_text("body")
    screenshot(page, "termly-editor-desktop", full_page=False)
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "termly-editor-phone", full_page=False)
    check_accessibility(page)

    page.resize(DESKTOP)
    page.click("text=Publish…")
    with page.expect_navigation():
        page.click("text=Yes, publish version 1")
    assert "published (version 1)" in page.inner_text("body")

    page.context.clear_cookies()
    sign_in(page, world.user(Role.GOVERNOR))
    page.click("text=Read the Autumn term 2026 report")
    body = page.inner_text("body")
    assert "More pupils on SEN support than last term." in body
    assert "fewer than 5" in body
    for pupil in pupils["E"] + pupils["K"]:
        assert pupil.last_name not in body
    chart = page.locator("svg[role=img]").first
    assert chart.get_attribute("aria-labelledby")
    screenshot(page, "termly-governor-desktop", full_page=False)
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "termly-governor-phone", full_page=False)
    check_accessibility(page)
    assert page.console_errors == []
