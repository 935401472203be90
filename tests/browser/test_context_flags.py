"""The "Context and flags" page in a real browser: desktop, a 390px phone, an error."""

from decimal import Decimal

import pytest

from pupils.models import MedicalCondition
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def flagged(world):
    pupil = world.taught
    pupil.is_disabled = True
    pupil.disability_notes = "Type 1 diabetes: snacks and blood-sugar checks in lessons."
    pupil.free_school_meals = True
    pupil.attendance_percent = Decimal("91.5")
    pupil.save()
    MedicalCondition.objects.create(pupil=pupil, condition="Type 1 diabetes", has_care_plan=True)
    MedicalCondition.objects.create(pupil=pupil, condition="Broken wrist", ended_on="2025-11-03")
    return world


def test_context_flags_page_on_desktop_and_phone(page, flagged):
    pupil = flagged.taught
    sign_in(page, flagged.user(Role.SENCO))
    page.open(pupil.get_absolute_url())
    page.get_by_role("link", name="Change disability, context flags or medical conditions").click()
    assert page.locator("h1").inner_text() == "Context and flags"
    screenshot(page, "context-flags-desktop")
    check_accessibility(page)

    page.resize(PHONE)
    page.fill("#id_attendance_percent", "101")
    page.fill("#id_medical-1-condition", "")
    page.check("#id_medical-1-has_care_plan")
    page.get_by_role("button", name="Save changes").click()
    assert page.locator("#error-summary").is_visible()
    assert "Attendance cannot be above 100%." in page.content()
    assert "Give the medical condition a name" in page.content()
    screenshot(page, "context-flags-phone-errors")
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"

    page.fill("#id_attendance_percent", "94.0")
    page.uncheck("#id_medical-1-has_care_plan")
    page.fill("#id_reason", "Figures from the MIS")
    page.get_by_role("button", name="Save changes").click()
    assert page.url.endswith(pupil.get_absolute_url())
    pupil.refresh_from_db()
    assert pupil.attendance_percent == Decimal("94.0")
    assert page.console_errors == []
