"""The SENCO words plans and layers the school's way, and sees it on a plan."""

import pytest

from reviews.models import SupportPlan
from sendhub.models import School
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.browser


def test_senco_renames_the_plan_and_a_layer_then_sees_them_on_a_plan(page, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)

    sign_in(page, senco)
    page.click("button.account-menu")
    with page.expect_navigation():
        page.click("text=School settings")
    assert page.locator("h1").inner_text() == "School settings"

    # A cadence longer than termly is refused with a message; nothing is saved.
    page.fill("#id_plan_label", "My Plan")
    page.fill("#id_review_cadence_weeks", "20")
    with page.expect_navigation():
        page.click("text=Save settings")
    main = page.locator("main").inner_text()
    assert "Plans are reviewed at least termly: choose 16 weeks or fewer." in main
    assert School.objects.get(pk=world.school.pk).plan_label == "SEN support plan"

    page.fill("#id_review_cadence_weeks", "10")
    page.fill("#id_targeted_layer_name", "Wave 2")
    with page.expect_navigation():
        page.click("text=Save settings")
    main = page.locator("main").inner_text()
    assert "School settings saved." in main
    assert "SEN support plan → My Plan" in main  # the recent changes list
    assert "Our name for Targeted: (the standard name) → Wave 2" in main
    screenshot(page, "school-settings-senco")
    check_accessibility(page)

    page.open(plan.get_absolute_url())
    article = page.locator("article.support-plan").inner_text()
    assert "Taught Pupil: My Plan" in article
    assert "Wave 2 support" in article
    assert "Targeted support" not in article
    screenshot(page, "school-settings-plan-page")
    check_accessibility(page)

    page.resize(PHONE)
    page.open("/school/settings/")
    screenshot(page, "school-settings-senco-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the settings page scrolls sideways on a phone"
