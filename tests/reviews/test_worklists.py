"""Every dashboard count opens its full list: paginated, CSV for the SEN team, flat queries."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import Pupil
from pupils.register.services import record_register_change
from reviews.models import ReviewView, SupportPlan
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 5)


def overdue_plans(world, rows, *, on_support=False):
    senco = world.user(Role.SENCO)
    plans = []
    for index in range(rows):
        pupil = PupilFactory(school=world.school, last_name=f"Late{index}")
        if on_support:  # so the without-plan and parents-to-meet lists have rows too
            record_register_change(
                pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
                effective_on=date(2025, 9, 1), reason="Test", decided_by=senco,
                recorded_by=senco,
            )  # fmt: skip
        plan = make_plan(pupil, senco, status=SupportPlan.Status.ACTIVE)
        plan.review_due_on = TODAY - timedelta(days=index + 1)
        plan.save(update_fields=["review_due_on"])
        plans.append(plan)
    return plans


@time_machine.travel(TODAY)
def test_dashboard_shows_a_few_and_links_to_see_all(world, senco_client):
    overdue_plans(world, 7)
    html = senco_client.get(reverse("reports:home")).content.decode()
    assert "See all 7 overdue" in html
    assert reverse("reviews:worklist", args=["overdue"]) in html
    assert "more</li>" not in html
    page = senco_client.get(reverse("reviews:worklist", args=["overdue"])).content.decode()
    assert all(f"Late{index}" in page for index in range(7))


@time_machine.travel(TODAY)
def test_worklist_csv_lists_every_row_and_is_logged(world, senco_client):
    overdue_plans(world, 3)
    response = senco_client.get(reverse("reviews:worklist", args=["overdue"]) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("UPN,Surname") and len(lines) == 4


@time_machine.travel(TODAY)
def test_worklist_is_paginated(world, senco_client):
    overdue_plans(world, 51)
    html = senco_client.get(reverse("reviews:worklist", args=["overdue"])).content.decode()
    assert "page=2" in html


@time_machine.travel(TODAY)
def test_awaiting_views_and_unknown_list(world, senco_client):
    [plan] = overdue_plans(world, 1)
    ReviewView.objects.create(plan=plan, party="parent", asked_on=TODAY)
    html = senco_client.get(reverse("reviews:worklist", args=["awaiting-views"])).content.decode()
    assert "Late0" in html
    home = senco_client.get(reverse("reports:home")).content.decode()
    assert "1 waiting for views asked for" in home
    assert senco_client.get(reverse("reviews:worklist", args=["nope"])).status_code == 404


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "url",
    [reverse("reviews:worklist", args=[which]) for which in
     ("due", "overdue", "awaiting-agreement", "awaiting-views", "without-plan")]
    + [reverse("pupils:parent_meetings_due")],
)  # fmt: skip
def test_worklist_queries_are_flat(world, senco_client, url):
    counts = []
    for rows in (1, 8):
        SupportPlan.objects.update(status=SupportPlan.Status.REVIEWED)  # clear earlier rows
        for plan in overdue_plans(world, rows, on_support=True):
            ReviewView.objects.create(plan=plan, party="parent", asked_on=TODAY)
            PupilFactory(school=world.school)  # and one with no plan at all
            make_plan(PupilFactory(school=world.school), world.user(Role.SENCO))  # a draft
            due = make_plan(PupilFactory(school=world.school), world.user(Role.SENCO),
                            status=SupportPlan.Status.ACTIVE)  # fmt: skip
            due.review_due_on = TODAY + timedelta(days=3)
            due.save(update_fields=["review_due_on"])
        for pupil in Pupil.objects.filter(
            support_plans__isnull=True, last_name__startswith="Surname", sen_stage=SenStage.NONE
        ):
            record_register_change(
                pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
                effective_on=date(2025, 9, 1), reason="Test", decided_by=world.user(Role.SENCO),
                recorded_by=world.user(Role.SENCO),
            )  # fmt: skip
        html = senco_client.get(url).content.decode()
        assert "Nothing on this list" not in html and "Nobody:" not in html, url
        senco_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert senco_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], url
