"""A parent tells the school about a worry on a phone; the SENCO sees it came from a parent."""

from datetime import date

import pytest

from pupils.codes import SenStage
from pupils.models import Concern
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    _new_page,
    check_accessibility,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_like(world):
    """Like the demo parent: Chris, one child on SEN support."""
    parent = world.user(Role.PARENT)
    parent.first_name, parent.last_name = "Chris", "Parker"
    parent.save()
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=world.taught,
        stage=SenStage.SEN_SUPPORT,
        needs=["SPLD"],
        effective_on=date(2025, 9, 10),
        reason="Reading and spelling well below age",
        decided_by=senco,
        recorded_by=senco,
    )
    return world


def test_parent_tells_the_school_about_a_worry_on_a_phone(page, demo_like, browser, live_server):
    world = demo_like
    page.resize(PHONE)
    sign_in(page, world.user(Role.PARENT))
    page.get_by_role("link", name="Tell us about a worry").first.click()
    page.wait_for_selector("h1:has-text('Tell the school about a worry')")
    assert page.locator("select[name=pupil]").count() == 0  # one child: nothing to pick
    page.fill("#id_noticed", "Gets upset before school on Mondays. Says the words move about.")
    page.check("input[name=places][value=home]")
    page.check("input[name=places][value=homework]")
    page.fill("#id_places_other", "At Cubs")
    page.check("input[name=suspected_areas][value=CL]")
    page.fill("#id_tried_already", "Reading together with a ruler under the line.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the worry form scrolls sideways on a phone"
    screenshot(page, "parent-concern-form-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Send to the school')")

    assert "We have sent this to the SENCO" in page.locator(".alert").first.inner_text()
    page.wait_for_selector("h1:has-text('Worries you told us about')")
    card = page.locator(".parent-concern").first
    assert "The SENCO has received this" in card.inner_text()
    assert "Taught Pupil" in card.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the worry list scrolls sideways on a phone"
    screenshot(page, "parent-concern-list-phone")
    check_accessibility(page)
    assert page.console_errors == []
    concern = Concern.objects.get()
    assert concern.raised_by_parent is True
    assert concern.contexts == "At home, With homework, At Cubs"

    # The staff queue is not the parent's to see.
    assert page.open("/pupils/concerns/").status == 403

    # The SENCO, in a browser of their own.
    context, senco_page = _new_page(browser, live_server, bypass_csp=True, viewport=DESKTOP)
    sign_in(senco_page, world.user(Role.SENCO))
    assert (
        senco_page.locator("nav a[href$='/pupils/concerns/'] .nav-badge")
        .inner_text()
        .startswith("1")
    )
    senco_page.open("/pupils/concerns/")
    row = senco_page.locator("table.concern-queue tbody tr").first
    assert "Taught Pupil" in row.inner_text()
    assert "Raised by a parent" in row.inner_text()
    assert "Chris Parker" in row.inner_text()
    screenshot(senco_page, "parent-concern-queue-senco")
    check_accessibility(senco_page)
    senco_page.get_by_role("link", name="Taught Pupil", exact=True).click()
    senco_page.wait_for_selector("#evidence-heading")
    assert "Raised by a parent" in senco_page.locator("main").inner_text()
    screenshot(senco_page, "parent-concern-detail-senco")
    check_accessibility(senco_page)
    context.close()
