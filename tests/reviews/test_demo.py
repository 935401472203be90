"""The demo plans: every state, completed cycles, and the demo parent's child in force."""

import random
from datetime import date, timedelta

import pytest

from demo.plans import seed_plans
from pupils.codes import SenStage
from pupils.models import Pupil, RegisterEntry
from pupils.register.services import record_register_change
from reviews.models import PlanReview, ReviewView, SupportPlan
from sendhub.roles import Role
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_demo_plans_cover_every_state_and_give_the_named_child_an_active_plan(world):
    senco = world.user(Role.SENCO)
    pupils = [world.taught] + [PupilFactory(school=world.school) for _ in range(40)]
    for index, pupil in enumerate(pupils):
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=[["SPLD", "ASD", "SEMH", "HI"][index % 4]],
            effective_on=date(2025, 9, 1), reason="Demo", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    seed_plans(random.Random(5), world.school, senco=senco, named_child=world.taught)
    statuses = set(SupportPlan.objects.values_list("status", flat=True))
    assert statuses == {"draft", "agreed", "active", "reviewed"}
    assert PlanReview.objects.count() == SupportPlan.objects.filter(status="reviewed").count()
    child_plans = SupportPlan.objects.filter(pupil=world.taught).order_by("cycle")
    assert [p.status for p in child_plans] == ["reviewed", "reviewed", "active"]
    assert child_plans[2].previous == child_plans[1]
    assert ReviewView.objects.filter(party="parent", received_on__isnull=False).exists()
    assert SupportPlan.history.count() == SupportPlan.objects.count()


def test_every_demo_pupil_on_e_has_a_plan_issued_when_their_register_says(world):
    """The demo keeps E with the plan record: one plan in force, issued on the E entry's date."""
    from demo.pupils import build_register

    pupils = [PupilFactory(school=world.school, joined_on=date(2022, 9, 1)) for _ in range(40)]
    build_register(random.Random(7), world.school, pupils, senco=world.user(Role.SENCO),
                   today=date.today(), e_share=0.25)  # fmt: skip
    on_e = Pupil.objects.filter(school=world.school, sen_stage=SenStage.EHCP)
    assert on_e.count() == 10
    for pupil in on_e:
        plan = pupil.ehc_plans.in_force().get()
        first_e = pupil.register_entries.in_force().filter(stage=SenStage.EHCP).earliest("pk")
        assert plan.issue_entry == first_e and plan.issued_on == first_e.effective_on
        assert plan.local_authority == world.school.local_authority
    assert not RegisterEntry.objects.off_e_without_plan_record().exists()


def test_demo_reviews_stand_at_different_stages(world):
    """Yearly past reviews, then the current one: invitations out, met, amending, not opened."""
    from demo.annual_reviews import seed_reviews
    from reviews.models import AnnualReview, EHCPlan, next_review_for
    from tests.reviews.ehc_plan_data import issue_plan

    senco = world.user(Role.SENCO)
    for _ in range(10):
        issue_plan(PupilFactory(school=world.school), senco, on=date(2023, 9, 1), needs=["ASD"])
    today = date(2026, 11, 20)
    counts = seed_reviews(random.Random(3), world.school, senco=senco, today=today)
    reviews = AnnualReview.objects.all()
    assert counts["annual_reviews"] == reviews.count()
    assert reviews.filter(completed_on__isnull=False, la_decision="maintain").count() >= 20
    assert reviews.filter(la_decision="amend", completed_on__isnull=True).count() == 2
    assert reviews.filter(meeting_on__isnull=False, la_decision="").count() == 2
    assert reviews.filter(invitations_sent_on__isnull=False, meeting_on__isnull=True).count() == 2
    states = set()
    for plan in EHCPlan.objects.for_compliance():
        review = next_review_for(plan, today=today, transfer_years=frozenset({6, 11}))
        assert review.starts_from > today - timedelta(days=400)  # no plan years behind
        states.add(review.next_step(today).status)
    assert {"on_time", "overdue"} <= states
