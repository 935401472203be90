"""Each role signs in and reaches a finished-looking home page (issue: platform)."""

from datetime import date

import pytest

from pupils.codes import SenStage
from pupils.models import Concern
from pupils.register.services import record_register_change
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.browser.conftest import (
    PHONE,
    check_accessibility,
    screenshot,
    sign_in,
    sign_in_with_form,
)
from tests.factories import PupilFactory
from tests.pupils.concern_data import raise_concern
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    Role.SENCO: "SEND dashboard",
    Role.SENIOR_LEADER: "SEND dashboard",
    Role.TEACHER: "Hello,",
    Role.TEACHING_ASSISTANT: "Hello,",
    Role.GOVERNOR: "SEND at Oakfield Academy",
    Role.PARENT: "Hello,",
    Role.TRUST_LEAD: "SEND across",
    Role.ADMIN: "School administration",
}


@pytest.fixture
def populated(world):
    """A few pupils on the register so dashboards show real numbers."""
    senco = world.user(Role.SENCO)
    pupils = [world.taught] + [PupilFactory(school=world.school) for _ in range(11)]
    needs = ["SLCN", "ASD", "SPLD", "SEMH", "MLD", "HI"]
    for index, pupil in enumerate(pupils):
        record_register_change(
            pupil=pupil,
            stage=SenStage.SEN_SUPPORT,
            needs=[needs[index % len(needs)]],
            effective_on=date(2025, 9, 10),
            reason="Demo",
            decided_by=senco,
            recorded_by=senco,
        )
        if index % 4 == 0:
            issue_plan(pupil, senco, on=date(2025, 9, 10))
    return world


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_home(page, populated, role):
    sign_in_with_form(page, populated.user(role))
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    heading = page.locator("h1").first.inner_text()
    assert HOME_HEADINGS[role] in heading
    screenshot(page, f"home-{role.value}")
    check_accessibility(page)
    assert page.console_errors == []


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PARENT, Role.SENCO])
def test_home_works_on_a_phone(page, populated, role):
    page.resize(PHONE)
    sign_in(page, populated.user(role))
    screenshot(page, f"home-{role.value}-phone")
    # The menu collapses behind a toggle that opens it.
    page.click("button.navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    assert page.locator("#main-nav").is_visible()
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"


def test_no_content_security_policy_violations(strict_page, populated):
    sign_in(strict_page, populated.user(Role.SENCO))
    for path in ["/", "/pupils/register/", f"/pupils/{populated.taught.pk}/"]:
        strict_page.open(path)
        strict_page.wait_for_load_state("networkidle")
    violations = [e for e in strict_page.console_errors if "Content Security Policy" in e]
    assert violations == []


def test_login_page_is_accessible(page, db):
    page.open("/accounts/login/")
    screenshot(page, "login")
    check_accessibility(page)


def test_status_badges_are_readable(page, populated):
    """Every status badge passes axe's colour-contrast check where it is shown."""
    senco = populated.user(Role.SENCO)
    pupil = populated.taught
    Status = SupportPlan.Status
    for cycle, status in enumerate([Status.SUPERSEDED, Status.REVIEWED, Status.DRAFT], start=1):
        make_plan(pupil, senco, status=status, cycle=cycle)
    plan = make_plan(pupil, senco, status=Status.ACTIVE, cycle=4)
    for status in [s for s in Concern.Status.values if s != Concern.Status.DECIDED]:
        raise_concern(PupilFactory(school=populated.school), senco, status=status)
    sign_in(page, senco)
    for path, name in [
        ("/pupils/register/", "register"),
        (f"/plans/pupil/{pupil.pk}/", "plan-list"),
        (plan.get_absolute_url(), "plan-page"),
        ("/pupils/concerns/", "concern-queue"),
    ]:
        page.open(path)
        assert page.locator(".badge").count() > 0, path
        screenshot(page, f"badges-{name}")
        result = check_accessibility(page, full_results=True)
        assert any(rule["id"] == "color-contrast" for rule in result["passes"]), path
        # axe cannot judge text on a transparent badge and files it as "incomplete".
        unsure = [
            node["target"]
            for rule in result["incomplete"]
            if rule["id"] == "color-contrast"
            for node in rule["nodes"]
            if "badge" in node["html"]
        ]
        assert unsure == [], path
        transparent = page.evaluate(
            """Array.from(document.querySelectorAll('.badge'))
                .filter(b => getComputedStyle(b).backgroundColor === 'rgba(0, 0, 0, 0)')
                .map(b => b.className)"""
        )
        assert transparent == [], path
