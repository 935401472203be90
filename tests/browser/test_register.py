"""The SENCO filters the register without a reload, opens a profile and the census page."""

from datetime import date

import pytest

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = pytest.mark.browser
NEEDS = ["SLCN", "ASD", "SPLD", "SEMH", "MLD", "HI"]


@pytest.fixture
def register(world):
    senco = world.user(Role.SENCO)
    form = TeachingGroupFactory(school=world.school, kind="form", name="8B", year_group=8)
    pupils = [PupilFactory(school=world.school, form=form, first_name=f"Pupil{i}",
                           free_school_meals=i % 3 == 0) for i in range(12)]  # fmt: skip
    for index, pupil in enumerate(pupils):
        needs = [NEEDS[index % 6], NEEDS[(index + 3) % 6]]
        if index % 4 == 0:  # joined with an EHC plan: on E from the plan record
            issue_plan(pupil, senco, on=date(2025, 9, 1), needs=needs)
            continue
        record_register_change(
            pupil=pupil,
            stage=SenStage.SEN_SUPPORT,
            needs=needs,
            effective_on=date(2025, 9, 1),
            reason="Screening, observation and a teacher round robin",
            decided_by=senco,
            recorded_by=senco,
        )
    return world


def test_filter_register_then_open_a_profile(page, register):
    sign_in(page, register.user(Role.SENCO))
    page.open("/pupils/register/")
    assert page.locator("table.register-table tbody tr").count() == 12
    screenshot(page, "register")
    check_accessibility(page)

    page.select_option("#id_need", "ASD")
    page.wait_for_url("**need=ASD**")
    page.wait_for_function("document.querySelectorAll('table.register-table tbody tr').length == 4")
    assert page.locator("h1").inner_text() == "SEN register"  # no full reload lost the page
    screenshot(page, "register-filtered")

    page.locator("table.register-table tbody tr a").first.click()
    page.wait_for_selector("h2#timeline-heading")
    assert "Register history" in page.content()
    screenshot(page, "pupil-profile")
    check_accessibility(page)


def test_census_and_movement_pages(page, register):
    sign_in(page, register.user(Role.SENCO))
    page.open("/pupils/register/census/?date=2025-10-02")
    assert "SEN support (K)" in page.content()
    screenshot(page, "census")
    check_accessibility(page)
    page.open("/pupils/register/movement/")
    screenshot(page, "movement")
    check_accessibility(page)

    page.get_by_role("link", name="3 pupils joined with an EHC plan, Autumn 2025").click()
    page.wait_for_url("**joined_as=E**")
    assert page.locator("table.register-table tbody tr").count() == 3
    assert page.locator("#id_joined_as").input_value() == "E"  # the filter panel says why
    screenshot(page, "register-from-movement")


def test_teacher_summary_page(page, register):
    sign_in(page, register.user(Role.TEACHER))
    page.open(f"/pupils/{register.taught.pk}/")
    screenshot(page, "pupil-summary-teacher")
    check_accessibility(page)
