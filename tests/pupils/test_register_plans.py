"""The register shows and sorts by each pupil's plan: status, next review and layer."""

from datetime import date

import pytest
from django.urls import reverse

from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.pupils.test_queries import add_pupils
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db


def test_register_lists_and_sorts_by_next_review(world, senco_client):
    add_pupils(world, 3)
    senco = world.user(Role.SENCO)
    world.school.uses_layers = True
    world.school.save()
    pupils = list(world.school.pupils.filter(last_name__startswith="Surname").order_by("pk"))
    early = make_plan(pupils[2], senco, status=SupportPlan.Status.ACTIVE)
    early.review_due_on = date(2026, 1, 5)
    early.save(update_fields=["review_due_on"])
    draft = make_plan(pupils[0], senco, status=SupportPlan.Status.DRAFT)
    response = senco_client.get(reverse("pupils:register"), {"sort": "review"})
    html = response.content.decode()
    assert "Next review" in html and "5 Jan 2026" in html and "Layer" in html
    rows = list(response.context["page"].object_list)
    assert rows[0].pk == early.pupil_id  # earliest review first; no plan in force sorts last
    assert {p.pk: p.plan_status for p in rows}[draft.pupil_id] == "draft"
    assert {p.pk: p.plan_review_due_on for p in rows}[draft.pupil_id] is None
