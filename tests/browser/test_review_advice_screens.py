"""The smaller screens of an EHC plan review: a teacher's advice, the child's views, the
letterhead and a spent advice link."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reviews.annual_reviews.services import open_annual_review
from reviews.models import AdviceLink, Contributor
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_teacher_gives_advice_and_the_senco_sets_the_letterhead(page, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    plan = issue_plan(world.taught, senco, on=date.today() - timedelta(days=300), needs=["ASD"])
    review = open_annual_review(plan=plan, kind="annual", by=senco)
    Contributor.objects.create(
        review=review, name="Mr Teacher", role="school_staff", user=teacher,
        advice_requested_on=date.today(),
    )  # fmt: skip
    spent = Contributor.objects.create(review=review, name="Dr Used", role="health")
    link, token = AdviceLink.issue(spent)
    link.used_at = link.created_at
    link.save()

    page.resize(PHONE)
    sign_in(page, teacher)
    page.open(reverse("reviews:advice_asked"))
    screenshot(page, "review-advice-asked-phone")
    check_accessibility(page)
    page.get_by_role("link", name="Give advice for Taught Pupil").click()
    page.get_by_label("Your advice").fill("Joins in well in English; needs text read aloud.")
    screenshot(page, "review-advice-give-phone")
    check_accessibility(page)
    page.get_by_role("button", name="Send my advice").click()
    assert "Sent" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.clear_cookies()

    gone = page.open(reverse("reviews:advice_link", args=[token]))
    assert gone.status == 410
    screenshot(page, "review-advice-link-gone-phone")
    check_accessibility(page)

    sign_in(page, senco)
    page.open(reverse("reviews:annual_review_pupil_views", args=[review.pk]))
    page.get_by_label("What I like and what is going well").fill("Football and drawing.")
    screenshot(page, "review-pupil-views-phone")
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    page.open(reverse("reviews:letterhead"))
    page.get_by_label("Address").fill("1 Oak Lane\nOakfield")
    page.get_by_label("Letters signed by").fill("Sam Senco")
    screenshot(page, "review-letterhead-phone")
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    assert "Letterhead saved" in page.locator("main").inner_text()
    # The spent link's 410 is the only resource that failed to load.
    assert [error for error in page.console_errors if "410 (Gone)" not in error] == []
