"""Every report page fits a 390 px phone: no sideways scrolling of the page (wide tables and
charts scroll inside their own box), and each passes axe (WCAG 2.2 AA)."""

from datetime import datetime

import pytest
import time_machine

from reports.information_report.facts import first_draft
from reports.models import InformationReport
from reports.termly.figures import school_pupils
from reports.termly.models import TermlyReport
from reports.termly.services import publish, save_commentary
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.conftest import make_member
from tests.reports.report_data import complete_text, draft_evaluation
from tests.reports.termly_data import DURING, add_progress, build_school

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _during_the_autumn_term():
    with time_machine.travel(datetime(2026, 12, 2, 12, 0), tick=True):
        yield


def page_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


def assert_fits_a_phone(page, path, name):
    page.open(path)
    assert page.locator("h1").count() == 1, f"{path} did not render a page"
    assert page_width(page) <= PHONE["width"], f"{path} scrolls sideways on a phone"
    screenshot(page, f"report-phone-{name}")
    check_accessibility(page)


def test_every_report_page_fits_a_phone(page, world):
    senco = world.user(Role.SENCO)
    add_progress(build_school(world))
    report = TermlyReport.objects.create(school=world.school, year=2026, term="autumn")
    save_commentary(report=report, commentary={"register": "A little larger."}, by=senco)
    version = publish(report=report, by=senco, pupils=school_pupils(world.school), today=DURING)
    information = InformationReport.start_draft(
        school=world.school, by=senco, academic_year="2026/27", defaults=complete_text()
    )
    information.publish(by=senco)
    draft = InformationReport.start_draft(
        school=world.school, by=senco, academic_year="2027/28", defaults=first_draft(senco)
    )
    evaluation = draft_evaluation(world.school, senco)
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    page.resize(PHONE)

    assert_fits_a_phone(page, f"/schools/{world.school.urn}/sen-information-report/", "public")
    sign_in(page, senco)
    for path, name in [
        ("/termly-reports/", "termly-list"),
        ("/termly-reports/2026/autumn/", "termly-editor"),
        ("/reports/self-evaluation/", "self-evaluation-list"),
        (f"/reports/self-evaluation/{evaluation.pk}/", "self-evaluation"),
        ("/reports/sen-information-report/", "information-report-overview"),
        (f"/reports/sen-information-report/{draft.pk}/", "information-report-draft"),
    ]:
        assert_fits_a_phone(page, path, name)

    page.context.clear_cookies()
    sign_in(page, world.user(Role.GOVERNOR))
    assert_fits_a_phone(page, version.get_absolute_url(), "termly-governor")
    # The widest table (attendance, eight columns) scrolls in its own box, not the page.
    box = page.locator(".table-responsive:has(table:has-text('Persistently absent'))")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")

    page.context.clear_cookies()
    sign_in(page, lead)
    assert_fits_a_phone(page, "/", "trust-rollup")
    assert_fits_a_phone(page, f"/trust/schools/{world.school.pk}/", "trust-school")
