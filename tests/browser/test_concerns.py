"""A teacher raises a concern on a phone; the SENCO sees it in the queue."""

import pytest

from pupils.models import Concern
from sendhub.roles import Role
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    BrowserPage,
    _new_page,
    check_accessibility,
    screenshot,
    sign_in,
)
from tests.pupils.concern_data import raise_concern

pytestmark = pytest.mark.browser


def test_teacher_raises_a_concern_on_a_phone_and_the_senco_triages_it(
    page, world, browser, live_server
):
    page.resize(PHONE)
    sign_in(page, world.user(Role.TEACHER))
    page.get_by_role("link", name="Raise a concern").first.click()
    page.wait_for_selector("h1:has-text('Raise a concern')")
    # The pupil is found by typing (htmx), not picked from the whole roll.
    assert page.locator("select#id_pupil").count() == 0
    page.fill("#pupil-search", "taug")
    page.wait_for_selector(f"input[name=pupil][value='{world.taught.pk}']")
    assert "Untaught" not in page.locator("#pupil-choices").inner_text()
    page.check(f"input[name=pupil][value='{world.taught.pk}']")
    page.fill("#id_noticed", "Struggles to start written tasks; avoids reading aloud.")
    page.fill("#id_contexts", "English, history")
    page.check("input[name=suspected_areas][value=CL]")
    page.fill("#id_tried_already", "Writing frame and a word bank.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the concern form scrolls sideways on a phone"
    screenshot(page, "concern-raise-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Send to the SENCO')")
    assert "has gone to the SENCO" in page.locator(".alert").first.inner_text()
    assert page.locator("text=Taught Pupil").count() >= 1
    screenshot(page, "concern-mine-phone")
    concern = Concern.objects.get()
    assert concern.suspected_areas == ["CL"]

    # A concern about a pupil the teacher does not teach is not found.
    other = raise_concern(world.untaught, world.user(Role.SENCO))
    response = page.open(f"/pupils/concerns/{other.pk}/")
    assert response.status == 404

    # The SENCO, in a browser of their own.
    context, page = _new_page(browser, live_server, bypass_csp=True, viewport=DESKTOP)
    sign_in(page, world.user(Role.SENCO))
    assert page.locator("nav a[href$='/pupils/concerns/'] .nav-badge").inner_text().startswith("2")
    page.open("/pupils/concerns/")
    rows = page.locator("table.concern-queue tbody tr")
    assert rows.count() == 2
    assert "Taught Pupil" in rows.first.inner_text()
    screenshot(page, "concern-queue-senco")
    check_accessibility(page)
    page.get_by_role("link", name="Taught Pupil", exact=True).click()
    page.wait_for_selector("#evidence-heading")
    screenshot(page, "concern-workspace-senco")
    check_accessibility(page)
    context.close()


def test_teacher_finds_a_pupil_by_search_on_a_phone_and_sees_them_as_recent(page, world):
    """Search at 390px, raise the concern, and the pupil is offered as recent next time."""
    page.resize(PHONE)
    sign_in(page, world.user(Role.TEACHER))
    page.open("/pupils/concerns/new/")
    page.fill("#pupil-search", "pupil")
    page.wait_for_selector("#pupil-choices .pupil-choice")
    choices = page.locator("#pupil-choices").inner_text()
    assert "Taught Pupil" in choices
    assert "Untaught" not in choices and "Elsewhere" not in choices
    page.check(f"input[name=pupil][value='{world.taught.pk}']")
    page.fill("#id_noticed", "Cannot find the start of the line when reading aloud.")
    page.check("input[name=suspected_areas][value=CL]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the concern form scrolls sideways on a phone"
    screenshot(page, "concern-search-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Send to the SENCO')")
    assert "has gone to the SENCO" in page.locator(".alert").first.inner_text()
    assert Concern.objects.get().pupil == world.taught
    page.open("/pupils/concerns/new/")
    assert "Recent pupils" in page.locator("#pupil-choices").inner_text()
    assert page.locator(f"input[name=pupil][value='{world.taught.pk}']").count() == 1
    screenshot(page, "concern-recent-phone")
    check_accessibility(page)
    assert page.console_errors == []


def test_concern_search_works_without_javascript(browser, live_server, world):
    """With JavaScript off the search box is a plain GET form that lists the matches."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="en-GB")
    page = BrowserPage(context.new_page(), live_server.url)
    sign_in(page, world.user(Role.TEACHER))
    page.open("/pupils/concerns/new/")
    page.fill("#pupil-search", "taught")
    with page.expect_navigation():
        page.click("button:has-text('Search')")
    page.check(f"input[name=pupil][value='{world.taught.pk}']")
    page.fill("#id_noticed", "Needs instructions repeated.")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Send to the SENCO')")
    assert Concern.objects.get().pupil == world.taught
    screenshot(page, "concern-no-js-phone")
    context.close()


def test_senco_saves_the_evidence_checklist_in_one_go_on_a_phone(page, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    page.resize(PHONE)
    sign_in(page, senco)
    page.open(f"/pupils/concerns/{concern.pk}/")
    checklist = page.locator("form.evidence-checklist")
    checklist.get_by_role("checkbox", name="Other explanation checked: attendance").check()
    checklist.get_by_role("checkbox", name="SENCO observation").check()
    checklist.locator("summary", has_text="Note").nth(4).click()  # SENCO observation's note
    checklist.locator("#id_observation-note").fill("Seen in English and maths")
    screenshot(page, "concern-checklist-phone")
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the checklist scrolls sideways on a phone"
    checklist.get_by_role("button", name="Save the checklist").click()
    page.wait_for_selector("text=Evidence checklist saved")
    saved = {row.source: row.note for row in concern.evidence.filter(status="in")}
    assert saved == {"other_attendance": "", "observation": "Seen in English and maths"}
    assert "2 of 12 in" in page.locator("#evidence-heading").inner_text()
