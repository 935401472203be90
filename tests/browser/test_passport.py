"""Passports, the class view and the parent portal in a real browser."""

from datetime import date, timedelta

import pytest

from pupils.codes import SenStage
from pupils.models import ParentMeeting
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.passport_data import give_passport, give_profile

pytestmark = pytest.mark.browser


@pytest.fixture
def documented(world):
    senco = world.user(Role.SENCO)
    second = TeachingGroupFactory(school=world.school, name="8 Ma2", subject="Maths")
    second.teachers.add(world.user(Role.TEACHER))
    for index, pupil in enumerate(
        [world.taught] + [PupilFactory(school=world.school) for _ in range(3)]
    ):
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=[["SPLD", "ASD", "SEMH", "HI"][index]],
            effective_on=date(2025, 9, 1), reason="Browser test", decided_by=senco,
            recorded_by=senco,
        )  # fmt: skip
        (world.group if index % 2 == 0 else second).pupils.add(pupil)
        if index != 3:
            give_passport(pupil, senco, captured_on=date.today() - timedelta(days=10))
    give_profile(world.taught, senco)
    today = date.today()
    for held_on, purpose in [
        (today - timedelta(days=40), ParentMeeting.Purpose.PLAN),
        (today + timedelta(days=12), ParentMeeting.Purpose.REVIEW),
    ]:
        ParentMeeting.objects.create(
            pupil=world.taught, held_on=held_on, held_with="Mother", purpose=purpose,
            recorded_by=senco,
        )  # fmt: skip
    return world


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"


def test_teacher_class_view_on_a_phone(page, documented):
    page.resize(PHONE)
    sign_in(page, documented.user(Role.TEACHER))
    page.open("/my-classes/")
    assert page.locator("h1").inner_text() == "Pupils with SEND in my classes"
    assert page.locator(".unread-marker").count() == 0  # choose a class first
    screenshot(page, "class-chooser-teacher-phone")
    page.click("nav[aria-label='My classes'] >> text=8 En1")
    assert page.locator("h2#group-heading").inner_text().startswith("8 En1")
    assert page.locator(".unread-marker").count() == 2
    screenshot(page, "class-view-teacher-phone")
    check_accessibility(page)
    no_sideways_scroll(page)
    # Opening a passport clears its "not yet read" marker.
    page.click("tr:has-text('Taught Pupil') .unread-marker")
    assert "passport" in page.locator("h2.passport-title").inner_text()
    screenshot(page, "passport-teacher-phone")
    check_accessibility(page)
    no_sideways_scroll(page)
    page.go_back()
    page.reload()
    assert page.locator(".unread-marker").count() == 1
    page.click("nav[aria-label='My classes'] >> text=8 Ma2")
    assert page.locator(".unread-marker").count() == 1
    assert page.console_errors == []


def test_parent_portal_on_a_phone(page, documented):
    page.resize(PHONE)
    sign_in(page, documented.user(Role.PARENT))
    assert "Next meeting:" in page.locator("main").inner_text()
    screenshot(page, "portal-home-phone")
    check_accessibility(page)
    page.click("text=passport and plan")
    text = page.locator("main").inner_text()
    assert "I learn best when" in text
    assert "Coming up" in text
    screenshot(page, "portal-child-phone")
    check_accessibility(page)
    no_sideways_scroll(page)
    assert page.console_errors == []


def test_passport_page_and_form(page, documented):
    sign_in(page, documented.user(Role.TEACHER))
    page.open(f"/pupils/{documented.taught.pk}/passport/")
    screenshot(page, "passport-teacher")
    check_accessibility(page)
    page.click("text=Update the passport")
    page.fill("#id_enjoy", "Chess club and drawing dragons.")
    page.select_option("#id_voice_method", "symbols")
    screenshot(page, "passport-form")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("text=Save the passport")
    assert "Passport saved as version 2." in page.locator("main").inner_text()
    assert "Chess club" in page.locator(".passport").inner_text()
    assert page.console_errors == []
