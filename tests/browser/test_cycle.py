"""One full assess-plan-do-review cycle in a real browser."""

from datetime import date

import pytest

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reviews.models import ReviewView, SupportPlan
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

TARGETS = [
    ("Read 30 common words on sight", "Reads all 30 in two checks a week apart", "12 words"),
    ("Write three linked sentences", "Three sentences with a joining word, unaided", "1 sentence"),
    ("Ask for help using the help card", "Uses the card 4 times in a week", "Never"),
]


def sign_out(page):
    page.context.clear_cookies()


def test_one_full_plan_cycle(page, world):
    senco = world.user(Role.SENCO)
    pupil = world.taught
    record_register_change(
        pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"], effective_on=date(2025, 9, 1),
        reason="Reading well below age", decided_by=senco, recorded_by=senco,
    )  # fmt: skip

    # 1. The SENCO drafts a plan from the pupil's file.
    sign_in(page, senco)
    page.open(f"/pupils/{pupil.pk}/")
    page.click("text=SEN support plans and reviews")
    page.click("text=Start a SEN support plan")
    page.fill("#id_assess_summary", "Reading age 7y at 9y; finds copying and spelling hard.")
    for index, (outcome, criteria, baseline) in enumerate(TARGETS):
        page.fill(f"#id_targets-{index}-outcome", outcome)
        page.fill(f"#id_targets-{index}-success_criteria", criteria)
        page.fill(f"#id_targets-{index}-baseline", baseline)
        page.fill(f"#id_targets-{index}-owner", "Class teacher")
    page.fill("#id_provision_notes", "Daily reading with the TA, 10 minutes.")
    page.fill("#id_home_targets", "Read together for ten minutes each evening.")
    screenshot(page, "cycle-1-senco-drafts-plan")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("text=Save the draft")
    assert "Draft plan saved" in page.locator("main").inner_text()

    # ...and picks strategies from the library, filtered by area (htmx swaps the results).
    page.select_option("#id_area", "CL")
    page.wait_for_function(
        """() => {
            const text = document.querySelector("#library")?.innerText || "";
            return text.includes("Break tasks into steps") && !text.includes("Visual timetable");
        }"""
    )
    with page.expect_navigation():
        page.click("button[aria-label='Add Break tasks into steps']")
    with page.expect_navigation():
        page.click("button[aria-label='Add Reduce copying']")
    page.fill("#id_chosen-1-text", "Give printed notes instead of copying from the board.")
    screenshot(page, "cycle-2-senco-picks-strategies")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("text=Save strategies and return to the plan")
    main = page.locator("main").inner_text()
    assert "Give printed notes instead of copying from the board." in main
    assert "Break tasks into steps" not in main  # library title; the plan holds the wording

    # The teacher, the SENCO and the pupil agree at the plan meeting.
    for party in ["teacher", "senco", "pupil"]:
        page.select_option("#id_party", party)
        page.fill("#id_method", "At the plan meeting")
        with page.expect_navigation():
            page.click("text=Record the response")
    assert "Parent or carer: no response yet" in page.locator("main").inner_text()
    screenshot(page, "cycle-3-plan-waiting-for-parent")
    check_accessibility(page)
    sign_out(page)

    # 2. The parent signs in on a phone, agrees the plan and adds their views.
    page.resize(PHONE)
    sign_in(page, world.user(Role.PARENT))
    page.open(f"/my-child/{pupil.pk}/")
    page.click("text=Read the new plan")
    assert "Read 30 common words on sight" in page.locator("main").inner_text()
    page.get_by_label("I agree with the plan").check()
    screenshot(page, "cycle-4-parent-agrees-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button:has-text('Send my answer')")
    assert "We have recorded that you agree the plan" in page.locator("main").inner_text()
    page.click("text=Add my views")
    page.fill("#id_text", "He is reading to his sister at bedtime now. Spelling tests worry him.")
    screenshot(page, "cycle-5-parent-adds-views-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("text=Send my views")
    main = page.locator("main").inner_text()
    assert "We will look at how it is going together by" in main
    assert "Change my views" in main
    screenshot(page, "cycle-6-parent-portal-phone")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    plan = SupportPlan.objects.get(pupil=pupil, cycle=1)
    assert plan.status == SupportPlan.Status.AGREED
    assert ReviewView.objects.get(plan=plan).party == "parent"
    sign_out(page)

    # 3. The SENCO puts the plan in place and, later, records the review.
    page.resize({"width": 1280, "height": 900})
    sign_in(page, senco)
    page.open(plan.get_absolute_url())
    with page.expect_navigation():
        page.click("button:has-text('Put the plan in place')")
    page.click("text=Record the review")
    assert "He is reading to his sister" in page.locator("main").inner_text()
    targets = list(plan.targets.order_by("order"))
    for target, rating in zip(targets, ["met", "partly", "not_met"], strict=True):
        page.select_option(f"#id_rating_{target.pk}", rating)
        page.fill(f"#id_evidence_{target.pk}", f"Checked on two days ({rating}).")
    page.select_option("#id_decision", "change")
    page.fill("#id_summary", "Good progress in reading; writing needs more time.")
    screenshot(page, "cycle-7-senco-records-review")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button:has-text('Record the review')")

    # 4. The next cycle opens pre-filled: targets not met or partly met carry over.
    main = page.locator("main").inner_text()
    assert "The next cycle's plan is ready" in main
    assert "Cycle 2, version 1" in main
    assert "Write three linked sentences" in main
    assert "Ask for help using the help card" in main
    assert "Read 30 common words on sight" not in main
    assert "Give printed notes instead of copying from the board." in main
    screenshot(page, "cycle-8-next-cycle-prefilled")
    check_accessibility(page)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.REVIEWED
    assert page.console_errors == []
