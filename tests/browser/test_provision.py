"""A teaching assistant logs a session on a phone in a tap or two (Code of Practice 6.76)."""

import pytest

from provision.models import Session
from provision.starter import STARTER_INTERVENTIONS
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.factories import PupilFactory
from tests.provision.provision_data import run_group

pytestmark = pytest.mark.browser


@pytest.fixture
def ta_group(world):
    """The TA's reading group of three, meeting every weekday since before this week."""
    pupils = [world.taught] + [
        PupilFactory(school=world.school, first_name=name, last_name="Okafor")
        for name in ("Amara", "Kwame")
    ]
    return run_group(
        world.school, [world.user(Role.TEACHING_ASSISTANT)], pupils, name="Year 8 reading"
    )


def test_ta_logs_a_fully_attended_session_in_one_tap_from_home(page, world, ta_group):
    page.resize(PHONE)
    sign_in(page, world.user(Role.TEACHING_ASSISTANT))  # tap 1: open the app
    # Today's sessions is the home page: no navigation needed.
    card = page.locator(".session-card").first
    card.wait_for()
    assert "Year 8 reading" in card.inner_text()
    screenshot(page, "provision-today-phone", full_page=False)
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    card.get_by_role("button", name="Delivered").click()  # tap 2: delivered
    confirmation = page.locator(".session-card").first.get_by_role("status")
    confirmation.wait_for()  # 3: the confirmation, swapped in place
    assert "Delivered" in confirmation.inner_text()
    assert "3 of 3 present" in confirmation.inner_text()
    screenshot(page, "provision-logged-phone", full_page=False)
    check_accessibility(page)
    session = Session.objects.get()
    assert session.status == "delivered"
    assert session.attendance.filter(present=True).count() == 3
    assert page.console_errors == []


def test_group_page_reads_well_on_a_phone(page, world, ta_group):
    from datetime import date

    member = ta_group.members.get(pupil=world.taught)
    member.entry_score, member.entry_on = 86, date(2025, 9, 12)
    member.exit_score, member.exit_on, member.reached_exit = 96, date(2026, 2, 12), True
    member.save()
    page.resize(PHONE)
    sign_in(page, world.user(Role.TEACHING_ASSISTANT))
    page.locator(".session-card").first.get_by_role("link", name="Year 8 reading").click()
    page.get_by_role("heading", name="Year 8 reading").wait_for()
    assert "substantial" in page.inner_text("#members")
    screenshot(page, "provision-group-phone")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_ta_marks_a_pupil_absent_before_logging(page, world, ta_group):
    page.resize(PHONE)
    sign_in(page, world.user(Role.TEACHING_ASSISTANT))
    card = page.locator(".session-card").first
    card.get_by_text("Kwame Okafor").click()
    screenshot(page, "provision-absent-phone", full_page=False)
    card.get_by_role("button", name="Delivered").click()
    page.locator(".session-card").first.get_by_role("status").wait_for()
    assert "2 of 3 present" in page.locator(".session-card").first.inner_text()
    absent = Session.objects.get().attendance.get(present=False)
    assert absent.pupil.first_name == "Kwame"


def test_senco_starts_the_catalogue_from_the_provision_menu(page, world):
    sign_in(page, world.user(Role.SENCO))
    page.get_by_role("button", name="Provision").click()
    page.get_by_role("link", name="Intervention catalogue").click()
    starters = len(STARTER_INTERVENTIONS)
    page.get_by_role("button", name=f"Add the {starters} starter interventions").click()
    page.get_by_role("heading", name="Precision teaching").wait_for()
    screenshot(page, "provision-catalogue")
    check_accessibility(page)
    assert page.console_errors == []
