"""A teacher reads a pupil's page on a phone: the plan panel arrives from reviews by htmx."""

from datetime import date

import pytest

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.concern_data import raise_concern
from tests.pupils.passport_data import give_passport
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.browser


def test_teacher_reads_plan_passport_and_concerns_on_one_phone_screen(page, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    record_register_change(
        pupil=world.taught, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
        effective_on=date(2025, 9, 1), reason="Browser test", decided_by=senco,
        recorded_by=senco,
    )  # fmt: skip
    make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE, review_due_on=date(2027, 2, 1))
    give_passport(world.taught, senco)
    raise_concern(world.taught, teacher, noticed="Avoids reading aloud in class.")
    page.resize(PHONE)
    sign_in(page, teacher)
    page.open(f"/pupils/{world.taught.pk}/")
    page.wait_for_selector(".plan-panel")
    text = page.locator("main").inner_text()
    assert "Target 1 for Taught" in text
    assert "Next review: 1 Feb 2027" in text
    assert "Changed: not yet read" in text
    assert "Avoids reading aloud in class." in text
    assert "Register history" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "pupil-page-teacher-phone")
    check_accessibility(page)
    assert page.console_errors == []
