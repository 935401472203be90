"""My tasks, the dashboard's Open tasks tile and the profile's Assessments card."""

from datetime import date, timedelta

import pytest

from pupils.identification.workflow import decide_concern
from pupils.models import AssessmentInstrument, AssessmentResult, Task
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.concern_data import raise_concern

pytestmark = pytest.mark.browser


@pytest.fixture
def with_tasks(world):
    """Two decisions' follow-ups, one of them overdue, and one task already done."""
    senco = world.user(Role.SENCO)
    for pupil in (world.taught, world.untaught):
        concern = raise_concern(pupil, world.user(Role.TEACHER))
        decide_concern(concern=concern, decision="sen_support",
                       rationale="Screening and observation show a need.", decided_by=senco)  # fmt: skip
    late = Task.objects.filter(pupil=world.taught).order_by("due_on").first()
    late.due_on = date.today() - timedelta(days=3)
    late.save()
    done = Task.objects.filter(pupil=world.untaught).order_by("due_on").first()
    done.done_at = done.created_at
    done.save()
    return world


def test_senco_sees_open_tasks_on_the_dashboard_and_ticks_one_off(page, with_tasks):
    sign_in(page, with_tasks.user(Role.SENCO))
    tile = page.locator("section[aria-labelledby=tile-tasks]")
    assert tile.locator("p.fs-3").inner_text() == "5"
    assert "1 overdue" in tile.inner_text()
    screenshot(page, "tasks-dashboard-senco")
    check_accessibility(page)

    # "My tasks" is also in the menu under the person's name.
    page.click("button.account-menu")
    assert page.locator(".dropdown-menu >> text=My tasks").is_visible()
    with page.expect_navigation():
        tile.locator("a", has_text="Open tasks").click()
    assert page.url.endswith("/pupils/tasks/")
    assert page.locator("h1").inner_text() == "My tasks"
    assert "1 task overdue." in page.inner_text("main")
    screenshot(page, "tasks-list-desktop")
    check_accessibility(page)

    first = page.locator(".task-list li").first
    title = first.locator(".fw-semibold").inner_text()
    assert "Overdue" in first.inner_text()
    with page.expect_navigation():
        first.locator("button", has_text="Mark done").click()
    assert page.url.endswith("/pupils/tasks/")
    assert f"Done: {title}." in page.inner_text("main")
    assert "Open (4)" in page.inner_text("main")
    page.click("text=Done (2)")
    assert title in page.inner_text(".task-list")
    assert page.console_errors == []


def test_my_tasks_works_on_a_phone(page, with_tasks):
    page.resize(PHONE)
    sign_in(page, with_tasks.user(Role.SENCO))
    page.open("/pupils/tasks/")
    screenshot(page, "tasks-list-phone")
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the task list scrolls sideways on a phone"


def test_profile_shows_the_latest_assessment_results(page, world):
    senco = world.user(Role.SENCO)
    reading = AssessmentInstrument.objects.create(
        school=world.school, name="York Assessment of Reading for Comprehension",
        kind="diagnostic", min_age_months=60, max_age_months=131,
    )  # fmt: skip
    spelling = AssessmentInstrument.objects.create(
        school=world.school, name="Single Word Spelling Test", kind="screening"
    )
    AssessmentResult.objects.create(
        pupil=world.taught, instrument=spelling, taken_on=date(2025, 9, 20),
        assessor="Mrs Khan (SENCO)", raw_score=24, standardised_score=79,
        age_equivalent_months=101, percentile=8, recorded_by=senco,
    )  # fmt: skip
    AssessmentResult.objects.create(
        pupil=world.taught, instrument=reading, taken_on=date(2025, 10, 6),
        assessor="Dr Shah (EP)", standardised_score=84, age_equivalent_months=110,
        percentile=14, recorded_by=senco,
    )  # fmt: skip
    sign_in(page, senco)
    page.open(f"/pupils/{world.taught.pk}/")
    card = page.locator("section[aria-labelledby=assessments-heading]")
    rows = card.locator("tbody tr")
    assert rows.count() == 2
    assert "6 Oct 2025" in rows.nth(0).inner_text()  # newest first
    assert "treat the scores with care" in rows.nth(0).inner_text()  # 12y 6m, over 10y 11m
    assert "79" in rows.nth(1).inner_text()
    card.scroll_into_view_if_needed()
    screenshot(page, "profile-assessments")
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "profile-assessments-phone")
    check_accessibility(page)  # the table scrolls inside a focusable region on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the profile scrolls sideways on a phone"
