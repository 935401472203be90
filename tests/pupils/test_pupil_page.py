"""A pupil's page for staff: plan in force (loaded from reviews), passport state, open concerns."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.pupils.concern_data import raise_concern
from tests.pupils.passport_data import give_passport
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def put_on_register(world, pupil):
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=pupil,
        stage=SenStage.SEN_SUPPORT,
        needs=["SPLD"],
        effective_on=date(2025, 9, 1),
        reason="Pupil page test",
        decided_by=senco,
        recorded_by=senco,
    )


@pytest.mark.parametrize("role", [Role.TEACHER, Role.TEACHING_ASSISTANT, Role.SENCO])
def test_pupil_page_loads_the_plan_panel_from_reviews_and_shows_passport_and_concerns(
    client, world, role
):
    senco, user = world.user(Role.SENCO), world.user(role)
    put_on_register(world, world.taught)
    give_passport(world.taught, senco)
    raise_concern(world.taught, user, noticed="Loses his place when copying")
    client.force_login(user)
    _, html = queries(client, reverse("pupils:detail", args=[world.taught.pk]))
    assert reverse("reviews:pupil_panel", args=[world.taught.pk]) in html
    assert 'hx-trigger="load"' in html
    assert "Changed: not yet read" in html
    assert "Loses his place when copying" in html
    client.get(reverse("pupils:passport", args=[world.taught.pk]))
    _, html = queries(client, reverse("pupils:detail", args=[world.taught.pk]))
    assert "Changed: not yet read" not in html
    assert "You have read the latest version." in html


def test_register_timeline_only_for_the_sen_team(client, world):
    put_on_register(world, world.taught)
    client.force_login(world.user(Role.SENCO))
    assert "Register history" in client.get(reverse("pupils:detail", args=[world.taught.pk])).text
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("pupils:detail", args=[world.taught.pk])).text
    assert "Register history" not in html
    assert "Pupil page test" not in html


def test_teacher_sees_only_the_concerns_they_raised(client, world):
    put_on_register(world, world.taught)
    raise_concern(world.taught, world.user(Role.SENCO), noticed="A note the SENCO raised")
    raise_concern(world.taught, world.user(Role.TEACHER), noticed="A concern the teacher raised")
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("pupils:detail", args=[world.taught.pk])).text
    assert "A concern the teacher raised" in html
    assert "A note the SENCO raised" not in html


def test_plan_panel_shows_status_targets_strategies_and_next_review(client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE,
                     review_due_on=date(2027, 1, 15))  # fmt: skip
    client.force_login(world.user(Role.TEACHER))
    url = reverse("reviews:pupil_panel", args=[world.taught.pk])
    html = client.get(url, headers={"HX-Request": "true"}).text
    assert "<html" not in html
    assert "Active" in html
    assert "Target 1 for Taught" in html
    assert escape(plan.strategies.first().text) in html
    assert "15 Jan 2027" in html
    assert "Changed: not yet read" in html
    client.get(plan.get_absolute_url())
    assert "Changed: not yet read" not in client.get(url, headers={"HX-Request": "true"}).text
    # Without JavaScript the same URL is a page of its own.
    assert "<html" in client.get(url).text


def test_plan_panel_is_404_for_a_pupil_out_of_scope(client, world):
    make_plan(world.untaught, world.user(Role.SENCO), status=SupportPlan.Status.ACTIVE)
    client.force_login(world.user(Role.TEACHER))
    url = reverse("reviews:pupil_panel", args=[world.untaught.pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


def test_plan_panel_query_count_does_not_grow(client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE, targets=1)
    client.force_login(world.user(Role.TEACHER))
    url = reverse("reviews:pupil_panel", args=[world.taught.pk])
    client.get(url, HTTP_HX_REQUEST="true")
    small, _ = queries(client, url, HTTP_HX_REQUEST="true")
    for order in range(2, 7):
        plan.targets.create(order=order, outcome=f"More {order}", success_criteria="x",
                            baseline="y", owner="TA")  # fmt: skip
    make_plan(world.taught, senco, status=SupportPlan.Status.DRAFT, cycle=2, targets=4)
    large, html = queries(client, url, HTTP_HX_REQUEST="true")
    assert large == small, f"{small} then {large}"
    assert "More 6" in html


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SENCO])
def test_pupil_page_query_count_does_not_grow_with_concerns(client, world, role):
    user = world.user(role)
    put_on_register(world, world.taught)
    give_passport(world.taught, world.user(Role.SENCO))
    raise_concern(world.taught, user)
    client.force_login(user)
    url = reverse("pupils:detail", args=[world.taught.pk])
    client.get(url)
    small, _ = queries(client, url)
    for _ in range(6):
        raise_concern(world.taught, user)
    large, _ = queries(client, url)
    assert large == small, f"{small} then {large}"
