"""A teacher raises a concern on a phone; the SENCO sees it in the queue."""

import time

import pytest

from pupils.models import Concern
from sendhub.roles import Role
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
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
    started = time.monotonic()
    page.get_by_role("link", name="Raise a concern").first.click()
    page.wait_for_selector("h1:has-text('Raise a concern')")
    page.select_option("#id_pupil", str(world.taught.pk))
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
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"raising a concern took {elapsed:.1f}s"
    print(f"\nraised a concern at 390px in {elapsed:.2f}s")
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
    assert page.locator("nav .nav-badge").inner_text().startswith("2")
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
