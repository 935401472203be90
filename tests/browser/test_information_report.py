"""The public SEN information report on a phone, the SENCO's editor and the self-evaluation:
accessible (axe, WCAG 2.2 AA) and readable without sideways scrolling."""

import pytest

from reports.information_report.facts import first_draft
from reports.models import InformationReport
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.reports.report_data import complete_text, draft_evaluation

pytestmark = pytest.mark.browser


def test_public_report_reads_on_a_phone_without_signing_in(page, world):
    senco = world.user(Role.SENCO)
    report = InformationReport.start_draft(
        school=world.school, by=senco, academic_year="2026/27", defaults=complete_text()
    )
    report.publish(by=senco)

    page.resize(PHONE)
    page.open(f"/schools/{world.school.urn}/sen-information-report/")

    assert page.locator("h1").inner_text().startswith("Special educational needs")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    screenshot(page, "information-report-public-phone")
    check_accessibility(page)


def test_editor_and_self_evaluation_are_accessible(page, world):
    senco = world.user(Role.SENCO)
    draft = InformationReport.start_draft(
        school=world.school, by=senco, academic_year="2026/27", defaults=first_draft(senco)
    )
    evaluation = draft_evaluation(world.school, senco)
    sign_in(page, senco)

    page.open(f"/reports/sen-information-report/{draft.pk}/edit/")
    assert page.get_by_role("button", name="Save and publish").is_visible()
    screenshot(page, "information-report-editor")
    check_accessibility(page)
    page.open(f"/reports/self-evaluation/{evaluation.pk}/")
    assert "No progress data imported yet." in page.content()
    screenshot(page, "self-evaluation")
    check_accessibility(page)
    page.open(f"/reports/self-evaluation/{evaluation.pk}/edit/")
    check_accessibility(page)
