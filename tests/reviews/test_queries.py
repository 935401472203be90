"""Every plan, review and library page runs the same number of queries for 1 row or many."""

from datetime import date

import pytest
from django.urls import reverse

from provision.models import Strategy
from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reviews import services
from reviews.models import PlanAgreement, PlanStrategy, ReviewView, SupportPlan
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
Status = SupportPlan.Status


def rich_plan(world, rows, *, status=Status.ACTIVE, cycle=1):
    """A plan with `rows` targets and strategies, agreements and views."""
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=status, targets=rows, cycle=cycle)
    for strategy in Strategy.objects.all()[1:rows]:
        PlanStrategy.objects.create(plan=plan, text=strategy.text, strategy=strategy)
    for party in list(PlanAgreement.Party)[:rows]:
        PlanAgreement.objects.create(plan=plan, party=party, agreed_by=senco)
    for party in list(ReviewView.Party)[:rows]:
        ReviewView.objects.create(plan=plan, party=party, text="Views", received_on=date.today(),
                                  given_by=senco)  # fmt: skip
    return plan


def reviewed_plans(world, cycles):
    """`cycles` reviewed cycles, then the draft the last review opened."""
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=world.taught, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
        effective_on=date(2025, 9, 1), reason="Test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=3)
    for _ in range(cycles):
        progress = {t.pk: ("partly", "Some progress") for t in plan.targets.all()}
        plan = services.close_review(
            plan=plan, held_on=date.today(), decision="continue", summary="Going well",
            progress=progress, recorded_by=senco,
        )  # fmt: skip
        if _ < cycles - 1:
            for party in PlanAgreement.Party:
                services.record_agreement(plan=plan, party=party, by=senco)
            services.activate_plan(plan=plan)
    return plan


STAFF_PAGES = {
    "reviews:plan_detail": Role.SENCO,
    "reviews:plan_views": Role.TEACHER,
    "reviews:plan_review": Role.SENCO,
}


@pytest.mark.parametrize("name", sorted(STAFF_PAGES))
def test_plan_page_queries_do_not_grow_with_targets(client, world, name):
    client.force_login(world.user(STAFF_PAGES[name]))
    one = count_queries(client, reverse(name, args=[rich_plan(world, 1).pk]), warm=True)
    SupportPlan.objects.update(status=Status.REVIEWED)
    many = count_queries(client, reverse(name, args=[rich_plan(world, 4, cycle=2).pk]), warm=True)
    assert one == many, f"{name}: {one} queries with 1 row, {many} with 4"


@pytest.mark.parametrize("name", ["reviews:plan_edit", "reviews:plan_strategies"])
def test_draft_page_queries_do_not_grow(client, world, name):
    client.force_login(world.user(Role.SENCO))
    one = count_queries(
        client, reverse(name, args=[rich_plan(world, 1, status=Status.DRAFT).pk]), warm=True
    )
    SupportPlan.objects.update(status=Status.REVIEWED)
    plan = rich_plan(world, 5, status=Status.DRAFT, cycle=2)
    many = count_queries(client, reverse(name, args=[plan.pk]), warm=True)
    assert one == many


def test_reviewed_plan_detail_queries_do_not_grow_with_progress_rows(client, world):
    client.force_login(world.user(Role.SENCO))
    first = reviewed_plans(world, 1).previous
    one = count_queries(client, reverse("reviews:plan_detail", args=[first.pk]), warm=True)
    many = count_queries(
        client, reverse("reviews:plan_detail", args=[reviewed_plans_more(world).pk]), warm=True
    )
    assert one == many


def reviewed_plans_more(world):
    """A reviewed plan with six targets and their progress rows."""
    senco = world.user(Role.SENCO)
    SupportPlan.objects.filter(pupil=world.taught).update(status=Status.REVIEWED)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=6, cycle=9)
    SupportPlan.objects.filter(pupil=world.taught, status=Status.DRAFT).update(
        status=Status.SUPERSEDED
    )
    services.close_review(
        plan=plan, held_on=date.today(), decision="exit", summary="Done",
        progress={t.pk: ("met", "Yes") for t in plan.targets.all()}, recorded_by=senco,
    )  # fmt: skip
    return plan


def test_pupil_plan_list_queries_do_not_grow_with_cycles(client, world):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:pupil_plans", args=[world.taught.pk])
    reviewed_plans(world, 1)
    one = count_queries(client, url, warm=True)
    SupportPlan.objects.filter(pupil=world.taught, status=Status.DRAFT).update(
        status=Status.SUPERSEDED
    )
    plan = SupportPlan.objects.get(pupil=world.taught, cycle=1)
    for cycle in range(3, 7):
        make_plan(world.taught, world.user(Role.SENCO), status=Status.REVIEWED, cycle=cycle,
                  previous=plan)  # fmt: skip
    many = count_queries(client, url, warm=True)
    assert one == many


def test_strategy_library_queries_do_not_grow(client, world):
    client.force_login(world.user(Role.SENCO))
    url = reverse("provision:strategy_list")
    one = count_queries(client, url + "?q=zzz-none", warm=True)
    Strategy.objects.bulk_create(
        Strategy(school=world.school, broad_area="CL", title=f"Ours {n}", text="t")
        for n in range(10)
    )
    many = count_queries(client, url, warm=True)
    assert one == many


def test_parent_pages_queries_do_not_grow(client, world):
    client.force_login(world.user(Role.PARENT))
    draft = rich_plan(world, 1, status=Status.DRAFT)
    PlanAgreement.objects.filter(plan=draft, party="parent").delete()
    urls = [
        reverse("portal:plan_respond", args=[draft.pk]),
        reverse("portal:plan_views", args=[draft.pk]),
        reverse("portal:child", args=[world.taught.pk]),
    ]
    small = [count_queries(client, url, warm=True) for url in urls]
    SupportPlan.objects.update(status=Status.REVIEWED)
    draft = rich_plan(world, 5, status=Status.DRAFT, cycle=2)
    draft.agreements.filter(party="parent").delete()
    rich_plan(world, 5, cycle=3)  # a plan in force as well as the draft
    urls = [
        reverse("portal:plan_respond", args=[draft.pk]),
        reverse("portal:plan_views", args=[draft.pk]),
        reverse("portal:child", args=[world.taught.pk]),
    ]
    large = [count_queries(client, url, warm=True) for url in urls]
    assert small == large


def test_home_and_class_view_queries_do_not_grow_with_plans(client, world):
    """The SENCO tiles and the teacher's class view read plans in a fixed number of queries."""
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=world.taught, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
        effective_on=date(2025, 9, 1), reason="Test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    rich_plan(world, 1)
    client.force_login(senco)
    home_one = count_queries(client, reverse("reports:home"), warm=True)
    client.force_login(world.user(Role.TEACHER))
    class_one = count_queries(client, reverse("reports:class_view"), warm=True)
    from tests.factories import PupilFactory

    for _ in range(4):
        pupil = PupilFactory(school=world.school)
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["ASD"], effective_on=date(2025, 9, 1),
            reason="Test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
        world.group.pupils.add(pupil)
        make_plan(pupil, senco, status=Status.ACTIVE, targets=4, review_due_on=date.today())
        make_plan(pupil, senco, cycle=2)
    client.force_login(senco)
    assert count_queries(client, reverse("reports:home"), warm=True) == home_one
    client.force_login(world.user(Role.TEACHER))
    assert count_queries(client, reverse("reports:class_view"), warm=True) == class_one
