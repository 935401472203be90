"""The support plan as a PDF: the same wording as the page, school and date on it."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def test_plan_pdf_shows_targets_strategies_and_review(client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)
    progress = {t.pk: ("partly", "Reads 20 of 40 words") for t in plan.targets.all()}
    world.taught.needs.create(code="SPLD", rank=1)
    services.close_review(plan=plan, held_on=date.today(), decision="continue",
                          summary="Keep going.", progress=progress, recorded_by=senco)  # fmt: skip
    client.force_login(world.user(Role.PARENT))
    url = reverse("reviews:plan_pdf", args=[plan.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "support-plan.pdf").write_bytes(response.content)
    text = pdf_text(response.content)
    assert "Oakfield Academy" in text
    assert "Target 1 for Taught" in text
    assert "Partly met" in text
    assert "Keep going." in text
    # The review is the shared record (reviews/includes/_review_record.html), as in its own PDF.
    assert "How each target went" in text and "What everyone said" in text
    assert "The plan carries on in a new plan for cycle 2." in text
    # A parent's copy carries no staff-only wording (cycle, version, status codes).
    assert "Cycle 1, version 1" not in text
    assert "We will look at how it is going together by" in text
    client.force_login(senco)
    staff_text = pdf_text(client.get(url).content)
    assert "Cycle 1, version 1" in staff_text


def test_passport_my_targets_come_from_the_plan_in_force(client, world):
    from tests.pupils.passport_data import give_passport

    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco, targets="Old passport target")
    make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)
    client.force_login(world.user(Role.PARENT))
    response = client.get(reverse("pupils:passport_pdf", args=[world.taught.pk]))
    text = pdf_text(response.content)
    assert "Target 1 for Taught" in text
    assert "Old passport target" not in text
