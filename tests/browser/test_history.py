"""A pupil's history page reads in plain words: labels, Yes/No, UK dates."""

from datetime import date, timedelta

import pytest

from pupils.codes import SenStage
from pupils.models import MedicalCondition
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.passport_data import give_passport
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.browser


def changes_by(senco, pupil):
    """A register decision, a plan target edit, a passport version, a condition, an ended link."""
    record_register_change(pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"],
                           effective_on=date(2025, 9, 8), reason="Screening below average",
                           decided_by=senco, recorded_by=senco)  # fmt: skip
    plan = make_plan(pupil, senco, review_due_on=date.today() + timedelta(weeks=10))
    target = plan.targets.first()
    target.outcome = "Reads 20 high-frequency words in 3 of 3 checks"
    target._history_user = senco
    target.save()
    give_passport(pupil, senco)
    MedicalCondition.objects.create(pupil=pupil, condition="Asthma", has_care_plan=True)
    link = pupil.parent_links.get()
    link.ended_on = date(2025, 10, 6)
    link.end_reason = "Court order: no contact"
    link._change_reason = "Link ended"
    link._history_user = senco
    link.save()


def test_senco_reads_labelled_changes_on_a_phone_and_a_desktop(page, world):
    senco = world.user(Role.SENCO)
    changes_by(senco, world.taught)
    sign_in(page, senco)
    page.open(f"/pupils/{world.taught.pk}/history/")
    changes = page.locator("section[aria-labelledby=changes-heading]")
    text = changes.inner_text()
    assert "SEN stage: No SEN → SEN support" in text
    assert "Changed plan target: Reads 20 high-frequency words" in text
    assert "Target: Target 1 for Taught → Reads 20 high-frequency words in 3 of 3 checks" in text
    assert "Ended on: — → 6 Oct 2025" in text
    assert "Created medical condition: Asthma" in text
    assert "sen_support" not in text and "True" not in text
    screenshot(page, "history-desktop")
    check_accessibility(page)

    page.resize(PHONE)
    screenshot(page, "history-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the history page scrolls sideways on a phone"
    check_accessibility(page)
    page.resize(DESKTOP)
