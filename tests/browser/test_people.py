"""The office adds a teaching assistant, who sets a password from the invitation."""

import re

import pytest
from django.core import mail

from sendhub.models import User
from sendhub.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot, sign_in
from tests.conftest import make_member

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Kestrel-harbour-29"


def fits_a_phone(page, what):
    page.resize(PHONE)
    screenshot(page, f"{what}-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the {what} page scrolls sideways on a phone"
    check_accessibility(page)
    page.resize(DESKTOP)


def test_admin_adds_a_ta_who_sets_a_password_and_signs_in(page, world):
    admin = world.user(Role.ADMIN)
    admin.first_name, admin.last_name = "Alex", "Morgan"  # as in the demo school
    admin.save()
    admin.memberships.update(job_title="Data manager")
    for first, last in [("Priya", "Shah"), ("Tom", "Reid")]:
        make_member(Role.PARENT, school=world.school, first_name=first, last_name=last)

    sign_in(page, admin)
    page.click("button.account-menu")
    with page.expect_navigation():
        page.click("text=People")
    assert page.locator("h1").inner_text() == "People"

    with page.expect_navigation():
        page.click("text=Add a person")
    page.fill("#id_email", "Jo.Baker@Oakfield.sch.uk")
    page.fill("#id_first_name", "Jo")
    page.fill("#id_last_name", "Baker")
    page.select_option("#id_role", Role.TEACHING_ASSISTANT.value)
    page.fill("#id_job_title", "HLTA, Year 2")
    with page.expect_navigation():
        page.click("text=Add and send invitation")

    main = page.locator("main").inner_text()
    assert "Jo Baker was invited as teaching assistant." in main
    assert "An invitation was emailed to jo.baker@oakfield.sch.uk." in main
    with page.expect_navigation():
        page.get_by_role("link", name="Jo Baker").click()
    main = page.locator("main").inner_text()
    assert "Given the role teaching assistant (HLTA, Year 2)" in main  # history
    assert "Alex Morgan" in main  # who did it
    screenshot(page, "people-person")
    check_accessibility(page)
    fits_a_phone(page, "people-person")

    page.open("/school/people/")
    people = page.locator("main").inner_text()
    assert "Jo Baker" in people
    assert "No password set yet" in people
    screenshot(page, "people-list")
    check_accessibility(page)
    fits_a_phone(page, "people-list")

    # Jo opens the link in the email (same browser: Alex signs out first).
    assert len(mail.outbox) == 1
    assert "Oakfield Academy has invited you to SENDhub" in mail.outbox[0].body
    path = re.search(r"https?://[^\s/]+(/\S+)", mail.outbox[0].body).group(1)
    page.click("button.account-menu")
    with page.expect_navigation():
        page.click("text=Sign out")

    page.open(path)
    assert page.locator("h1").inner_text() == "Choose your password"
    assert "jo.baker@oakfield.sch.uk" in page.locator("main").inner_text()
    page.fill("#id_new_password1", "password")
    page.fill("#id_new_password2", "password")
    with page.expect_navigation():
        page.click("text=Save password and sign in")
    assert "This password is too common." in page.locator("main").inner_text()
    screenshot(page, "people-set-password")
    check_accessibility(page)
    fits_a_phone(page, "people-set-password")

    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("text=Save password and sign in")
    assert "Your password is saved and you are signed in." in page.locator("main").inner_text()
    assert "Teaching assistant" in page.locator("nav[aria-label=Main]").inner_text()

    # And next time, Jo signs in with the new password like anyone else.
    page.click("button.account-menu")
    with page.expect_navigation():
        page.click("text=Sign out")
    sign_in(page, User.objects.get(email="jo.baker@oakfield.sch.uk"), NEW_PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("Hello,")
    assert page.console_errors == []
