"""The review record on the plan page and in the parent portal, with its PDF."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ReviewView
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.reviews.plan_data import reviewed_plan

pytestmark = pytest.mark.browser


def test_review_record_reads_on_the_plan_page_and_the_portal(page, world):
    senco = world.user(Role.SENCO)
    plan = reviewed_plan(world.taught, senco, targets=4, summary="Reading is more fluent.")
    ReviewView.objects.create(plan=plan, party="pupil", text="I like the reading group.",
                              received_on=plan.review.held_on, method="Conversation")  # fmt: skip
    services.ask_for_views(plan=plan, parties=["ta"])
    pdf_url = reverse("reviews:review_pdf", args=[plan.pk])

    sign_in(page, senco)
    page.open(plan.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "How each target went" in main
    assert "Evidence for Target 4 for Taught" in main
    assert "The new plan is a draft" in main
    screenshot(page, "review-record-plan-page")
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "review-record-plan-page-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.clear_cookies()

    sign_in(page, world.user(Role.PARENT))
    page.open(reverse("portal:child", args=[world.taught.pk]))
    link = page.get_by_role("link", name="Download the review record (PDF)")
    assert link.get_attribute("href").endswith(pdf_url)
    screenshot(page, "review-record-portal-phone")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    assert page.console_errors == []
