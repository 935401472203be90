"""One EHC plan review walked end to end: invitations, a parent's views on a phone, a
professional's advice through the one-time link, the meeting, the report, the LA's decision."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reviews.annual_reviews.services import open_annual_review
from reviews.models import AnnualReview, EHCPlanOutcome
from sendhub.roles import Role
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    check_accessibility,
    screenshot,
    sign_in,
)
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_annual_review_from_invitations_to_the_la_decision(page, browser, live_server, world):
    senco = world.user(Role.SENCO)
    today = date.today()
    plan = issue_plan(world.taught, senco, on=today - timedelta(days=300), needs=["ASD"])
    EHCPlanOutcome.objects.create(plan=plan, outcome="Reads a short book aloud", area="CL")
    review = open_annual_review(plan=plan, kind="annual", by=senco)
    people = reverse("reviews:annual_review_people", args=[review.pk])

    # The SENCO adds the family and teachers, an LA officer and a therapist, and invites them.
    sign_in(page, senco)
    page.open(people)
    page.get_by_role("button", name="Add 2 from the school's records").click()
    for name, role, email in [
        ("Jo Officer", "la", "jo@la.example"),
        ("Dr Asha Patel", "health", "patel@nhs.example"),
    ]:
        page.get_by_text("Add someone else").click()
        page.fill("#id_name", name)
        page.select_option("#id_role", role)
        page.fill("#id_email", email)
        page.get_by_role("button", name="Add", exact=True).click()
    for box in page.locator("input[name=contributors]").all():
        box.check()
    page.get_by_role("button", name="Send invitations to those ticked").click()
    assert "Invitations recorded as sent to 4" in page.locator("main").inner_text()
    page.get_by_label("Choose Dr Asha Patel").check()
    page.get_by_role("button", name="Ask those ticked for advice").click()
    link = page.locator("#links-heading ~ ul code").inner_text()
    screenshot(page, "annual-review-1-invitations-and-advice")
    check_accessibility(page)
    invitation = page.locator("a", has_text="Invitation").first.get_attribute("href")
    pdf = page.request.get(page.base_url + invitation)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.context.clear_cookies()

    # A parent gives their views on a phone.
    page.resize(PHONE)
    sign_in(page, world.user(Role.PARENT))
    page.open(reverse("portal:annual_review", args=[world.taught.pk]))
    screenshot(page, "annual-review-2-parent-dates-phone")
    check_accessibility(page)
    page.get_by_role("link", name="Give my views").click()
    page.get_by_label("What is going well for your child?").fill("Loves the reading group.")
    page.get_by_label("What do you hope for next year").fill("To read to his little sister.")
    screenshot(page, "annual-review-3-parent-views-phone")
    check_accessibility(page)
    page.get_by_role("button", name="Send my views").click()
    assert "You sent your views" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.clear_cookies()

    # The therapist opens the one-time link without signing in, and sends advice once.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    professional = context.new_page()
    path = link[link.index("/", len("https://")) :]
    professional.goto(live_server.url + path)
    text = professional.locator("main").inner_text()
    assert "Taught" in text and world.taught.last_name not in text
    professional.get_by_label("Your advice").fill("Uses a visual timetable well.")
    professional.screenshot(path=str(ARTIFACTS / "annual-review-4-advice-link.png"), full_page=True)
    professional.get_by_role("button", name="Send my advice").click()
    assert "Thank you" in professional.locator("main").inner_text()
    again = professional.goto(live_server.url + path)
    assert again.status == 410
    context.close()

    # The SENCO records the meeting, walking the section E outcome, and sends the report.
    page.resize(DESKTOP)
    sign_in(page, senco)
    page.open(reverse("reviews:annual_review_meeting", args=[review.pk]))
    page.fill("#id_meeting-held_on", today.isoformat())
    page.fill("#id_meeting-attended", "Sam Senco, SENCO\nParent\nJo Officer, LA")
    page.fill("#id_outcomes-0-progress", "Reads a short book with a little help.")
    page.get_by_label("Maintain the plan as it is").check()
    page.fill("#id_meeting-reasons", "Good progress; the outcomes are still right.")
    screenshot(page, "annual-review-5-meeting")
    check_accessibility(page)
    page.get_by_role("button", name="Save the meeting record").click()
    main = page.locator("main").text_content()
    assert "Maintain the plan as it is" in main and "Uses a visual timetable" in main
    report = page.request.get(
        page.base_url + reverse("reviews:annual_review_report", args=[review.pk])
    )
    assert report.status == 200 and report.body().startswith(b"%PDF")
    page.get_by_role("button", name="Record the report sent today").click()
    screenshot(page, "annual-review-6-report-sent")
    check_accessibility(page)

    # The LA decides to maintain the plan: the review is complete.
    page.open(reverse("reviews:annual_reviews", args=[world.taught.pk]))
    page.select_option("#id_la_decision", "maintain")
    page.fill("#id_la_decision_on", today.isoformat())
    page.get_by_role("button", name="Save").click()
    review = AnnualReview.objects.get(pk=review.pk)
    assert review.completed_on == today and review.report_sent_on == today
    screenshot(page, "annual-review-7-la-decision")
    check_accessibility(page)
    assert page.console_errors == []
