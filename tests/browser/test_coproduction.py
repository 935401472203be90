"""Co-production in a real browser: a parent disagrees on a phone; the school goes ahead, saying why."""

import pytest

from reviews import services
from reviews.models import PlanAgreement, PlanStrategy, PlanTarget, SupportPlan
from sendhub.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot, sign_in
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.browser

DISAGREE = "The reading target is too hard. He only knows 12 words and gets upset at home."
REASON = (
    "Parent disagreed about the reading target; we met on 3 Dec and lowered it to 20 words. "
    "We will review in 6 weeks."
)


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_parent_disagrees_on_a_phone_and_the_senco_goes_ahead_with_a_reason(page, world):
    senco, parent = world.user(Role.SENCO), world.user(Role.PARENT)
    plan = make_plan(world.taught, senco, targets=0)
    for order, (outcome, criteria) in enumerate(
        [("Read 30 common words on sight", "Reads all 30 in two checks a week apart"),
         ("Ask for help using the help card", "Uses the card 4 times in a week")], 1,
    ):  # fmt: skip
        PlanTarget.objects.create(plan=plan, order=order, outcome=outcome, success_criteria=criteria,
                                  baseline="Not yet", owner="Class teacher")  # fmt: skip
    PlanStrategy.objects.create(plan=plan, order=2, text="Give printed notes instead of copying.")
    for party in PlanAgreement.SCHOOL:
        services.record_agreement(plan=plan, party=party, by=senco, method="Plan meeting")
    services.record_agreement(plan=plan, party="pupil", by=senco, method="Talking mat")

    # 1. The parent reads the plan on a phone, in plain words, and disagrees with a reason.
    page.resize(PHONE)
    sign_in(page, parent)
    page.open(f"/my-child/{world.taught.pk}/")
    screenshot(page, "coproduction-1-portal-new-plan-phone")
    page.click("text=Read the new plan")
    main = page.locator("main").inner_text()
    for words in ["What school will do", "What we are working towards",
                  "How you can help at home", "Read 30 common words on sight"]:  # fmt: skip
        assert words in main
    for staff_only in ["Cycle", "version", "Draft", "Targeted"]:
        assert staff_only not in main
    page.get_by_label("I do not agree with part of it").check()
    page.fill("#id_text", DISAGREE)
    screenshot(page, "coproduction-2-parent-disagrees-phone")
    check_accessibility(page)
    fits_the_phone(page)
    with page.expect_navigation():
        page.click("button:has-text('Send my answer')")
    main = page.locator("main").inner_text()
    assert "We have recorded that you do not agree" in main
    assert DISAGREE in main
    screenshot(page, "coproduction-3-portal-after-disagreeing-phone")
    check_accessibility(page)
    fits_the_phone(page)
    page.context.clear_cookies()

    # 2. The SENCO sees the disagreement; going ahead without a reason is refused.
    page.resize(DESKTOP)
    sign_in(page, senco)
    page.open(plan.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "Parent or carer: ✗ disagreed" in main
    assert DISAGREE in main
    with page.expect_navigation():
        page.click("button:has-text('Put the plan in place')")
    main = page.locator("main").inner_text()
    assert "Not everyone agreed this plan (Parent or carer disagreed)" in main
    screenshot(page, "coproduction-4-senco-refused-without-reason")
    page.fill("#id_reason", REASON)
    with page.expect_navigation():
        page.click("button:has-text('Put the plan in place')")
    main = page.locator("main").inner_text()
    assert "The plan is in place." in main
    assert "Put in place without everyone's agreement" in main
    assert REASON in main
    screenshot(page, "coproduction-5-senco-in-place-with-reason")
    check_accessibility(page)
    plan.refresh_from_db()
    assert (plan.status, plan.going_ahead_reason) == (SupportPlan.Status.ACTIVE, REASON)
    page.context.clear_cookies()

    # 3. The parent sees the plan in force, and why the school went ahead.
    page.resize(PHONE)
    sign_in(page, parent)
    page.open(f"/my-child/{world.taught.pk}/")
    main = page.locator("main").inner_text()
    assert "Why the school went ahead" in main
    assert "We will look at how it is going together by" in main
    screenshot(page, "coproduction-6-portal-plan-in-place-phone")
    check_accessibility(page)
    fits_the_phone(page)
    assert page.console_errors == []
