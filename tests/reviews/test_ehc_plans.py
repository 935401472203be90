"""The EHC plan record: the only way onto E and off it (Children and Families Act 2014 s37, s45)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import RegisterEntry
from pupils.register.services import record_register_change, refresh_register_state
from reviews.ehc_plans.services import record_plan_ceased, record_plan_issued
from reviews.models import EHCPlan
from sendhub.roles import Role
from tests.conftest import count_queries as count
from tests.reviews.ehc_plan_data import cease_plan, issue_plan

pytestmark = pytest.mark.django_db


def needs_of(pupil):
    return [need.code for need in pupil.needs.order_by("rank")]


def on_support(world, pupil, needs, on=date(2025, 3, 3)):
    senco = world.user(Role.SENCO)
    record_register_change(pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=needs, effective_on=on,
                           reason="Support", decided_by=senco, recorded_by=senco)  # fmt: skip


# Services -------------------------------------------------------------------------


def test_issuing_a_plan_puts_the_pupil_on_e_with_their_ranked_needs(world):
    senco = world.user(Role.SENCO)
    on_support(world, world.taught, ["SPLD", "SLCN"])
    plan = issue_plan(world.taught, senco, on=date(2025, 9, 1))
    assert world.taught.sen_stage == SenStage.EHCP and world.taught.sen_since == date(2025, 3, 3)
    assert needs_of(world.taught) == ["SPLD", "SLCN"]
    entry = plan.issue_entry
    assert (entry.stage, entry.source, entry.effective_on) == (
        SenStage.EHCP, RegisterEntry.Source.EHC_PLAN, date(2025, 9, 1),
    )  # fmt: skip
    assert entry.needs == ["SPLD", "SLCN"] and "s37" in entry.reason
    assert (plan.local_authority, plan.recorded_by, plan.is_in_force) == ("Kent", senco, True)
    assert plan.history.get().history_change_reason == "EHC plan issued"


def test_a_plan_issued_drops_nsa_and_needs_a_known_need(world):
    senco = world.user(Role.SENCO)
    on_support(world, world.taught, ["NSA"])
    with pytest.raises(ValidationError) as caught:
        record_plan_issued(pupil=world.taught, issued_on=date(2025, 9, 1), local_authority="Kent",
                           by=senco)  # fmt: skip
    assert "primary need" in caught.value.message_dict["primary_need"][0]
    issue_plan(world.taught, senco, needs=["NSA", "ASD"])
    assert needs_of(world.taught) == ["ASD"]


def test_only_one_plan_is_in_force_at_a_time(world):
    senco = world.user(Role.SENCO)
    first = issue_plan(world.taught, senco, needs=["ASD"])
    with pytest.raises(ValidationError) as caught:
        issue_plan(world.taught, senco, on=date(2025, 10, 1))
    assert "already has an EHC plan in force" in caught.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        EHCPlan.objects.create(pupil=world.taught, local_authority="Kent", issued_on=date.today(),
                               recorded_by=senco, issue_entry=RegisterEntry.objects.first())  # fmt: skip
    cease_plan(world.taught, senco, on=date(2025, 12, 1))
    second = issue_plan(world.taught, senco, on=date(2026, 1, 5))
    assert list(world.taught.ehc_plans.in_force()) == [second] and first.pk != second.pk


@pytest.mark.parametrize(
    ("issued_on", "field", "message"),
    [
        (date.today() + timedelta(days=1), "issued_on", "in the future"),
        (date(2025, 1, 1), "issued_on", "already has an entry from 03/03/2025"),
    ],
)
def test_a_plan_issue_date_fits_the_register_history(world, issued_on, field, message):
    on_support(world, world.taught, ["ASD"])
    with pytest.raises(ValidationError) as caught:
        issue_plan(world.taught, world.user(Role.SENCO), on=issued_on)
    assert message in caught.value.message_dict[field][0]
    assert not EHCPlan.objects.exists() and world.taught.register_entries.count() == 1


@pytest.mark.parametrize(
    ("stage", "expected_stage", "expected_needs"),
    [(SenStage.SEN_SUPPORT, SenStage.SEN_SUPPORT, ["ASD", "SLCN"]), (SenStage.NONE, "none", [])],
)
def test_ceasing_a_plan_moves_the_pupil_to_the_stage_the_senco_chooses(
    world, stage, expected_stage, expected_needs
):
    senco = world.user(Role.SENCO)
    plan = issue_plan(world.taught, senco, needs=["ASD", "SLCN"])
    ceased = record_plan_ceased(plan=plan, ceased_on=date(2026, 3, 2), reason="Outcomes met.",
                                by=senco, stage=stage)  # fmt: skip
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == expected_stage and needs_of(world.taught) == expected_needs
    assert (ceased.ceased_on, ceased.ceased_recorded_by) == (date(2026, 3, 2), senco)
    assert ceased.cease_entry.source == RegisterEntry.Source.EHC_PLAN
    assert "s45" in ceased.cease_entry.reason and "Outcomes met." in ceased.cease_entry.reason


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ceased_on": date(2025, 8, 1)}, "ceased_on", "cannot cease before"),
        ({"reason": "  "}, "reason", "Say why"),
        ({"stage": SenStage.EHCP}, "stage", "Choose SEN support or no SEN"),
        ({"stage": SenStage.MONITORING}, "stage", "Choose SEN support or no SEN"),
    ],
)
def test_a_cessation_is_refused_with_a_reason_and_nothing_changes(world, changes, field, message):
    senco = world.user(Role.SENCO)
    plan = issue_plan(world.taught, senco, needs=["ASD"])
    arguments = {"ceased_on": date(2026, 3, 2), "reason": "Met", "stage": SenStage.NONE} | changes
    with pytest.raises(ValidationError) as caught:
        record_plan_ceased(plan=plan, by=senco, **arguments)
    assert message in caught.value.message_dict[field][0]
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.EHCP and EHCPlan.objects.in_force().count() == 1


def test_a_plan_ceases_once(world):
    senco = world.user(Role.SENCO)
    issue_plan(world.taught, senco, needs=["ASD"])
    plan = cease_plan(world.taught, senco, on=date(2026, 1, 5))
    with pytest.raises(ValidationError) as caught:
        record_plan_ceased(plan=plan, ceased_on=date(2026, 2, 1), reason="Again", by=senco)
    assert "already recorded as ceased on 05/01/2026" in caught.value.messages[0]


def test_a_pupil_on_e_without_a_plan_record_can_have_it_recorded(world):
    """History from before the plan record: E set by an import; the plan is recorded later."""
    senco = world.user(Role.SENCO)
    RegisterEntry.objects.create(pupil=world.taught, stage=SenStage.EHCP, needs=["ASD"],
                                 effective_on=date(2025, 1, 6), reason="MIS import",
                                 source=RegisterEntry.Source.IMPORT, recorded_by=senco)  # fmt: skip
    refresh_register_state(world.taught)
    plan = issue_plan(world.taught, senco, on=date(2025, 1, 6))
    assert world.taught.sen_stage == SenStage.EHCP and plan.issue_entry.needs == ["ASD"]


# The page -------------------------------------------------------------------------


def test_the_profile_links_to_the_plan_page(senco_client, world):
    html = senco_client.get(reverse("pupils:detail", args=[world.taught.pk])).content.decode()
    assert reverse("reviews:ehc_plan", args=[world.taught.pk]) in html


def test_senco_records_a_plan_issued_then_ceased_through_the_page(senco_client, world):
    url = reverse("reviews:ehc_plan", args=[world.taught.pk])
    page = senco_client.get(url).content.decode()
    assert "No EHC plan in force" in page and "Record the plan issued" in page
    assert f'value="{world.school.local_authority}"' in page
    response = senco_client.post(
        reverse("reviews:ehc_plan_issue", args=[world.taught.pk]),
        {"local_authority": "Leeds", "issued_on": "2025-09-01", "primary_need": "ASD"},
    )
    assert response.status_code == 302 and response["Location"] == url
    plan = world.taught.ehc_plans.get()
    page = senco_client.get(url).content.decode()
    assert (
        "Leeds" in page
        and "Record the plan ceased" in page
        and "Record the plan issued" not in page
    )
    response = senco_client.post(
        reverse("reviews:ehc_plan_cease", args=[plan.pk]),
        {"ceased_on": "2026-07-01", "reason": "Outcomes achieved.", "stage": "sen_support"},
    )
    assert response.status_code == 302
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.SEN_SUPPORT and needs_of(world.taught) == ["ASD"]
    assert "Outcomes achieved." in senco_client.get(url).content.decode()


def test_each_field_explains_what_is_wrong_and_nothing_is_saved(senco_client, world):
    response = senco_client.post(
        reverse("reviews:ehc_plan_issue", args=[world.taught.pk]),
        {"local_authority": "", "issued_on": (date.today() + timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 400
    errors = response.context["issued_form"].errors
    assert errors["local_authority"] == ["This field is required."]
    assert errors["issued_on"] == ["This date is in the future."]
    assert "a pupil on E needs one" in errors["primary_need"][0]
    assert not EHCPlan.objects.exists() and not RegisterEntry.objects.exists()


def test_a_senior_leader_reads_the_plan_but_cannot_record(login, world):
    issue_plan(world.taught, world.user(Role.SENCO), needs=["ASD"])
    client = login(world.user(Role.SENIOR_LEADER))
    page = client.get(reverse("reviews:ehc_plan", args=[world.taught.pk])).content.decode()
    assert "Kent" in page and "Record the plan ceased" not in page


def seed_plans(world, pupil, rows):
    """`rows` plans for the pupil: all ceased but the last."""
    senco = world.user(Role.SENCO)
    day = date(2020, 1, 6)
    for index in range(rows):
        issue_plan(pupil, senco, on=day, needs=["ASD"])
        if index < rows - 1:
            cease_plan(pupil, senco, on=day + timedelta(days=60))
        day += timedelta(days=120)


def test_plan_page_query_count_does_not_grow(login, world):
    client = login(world.user(Role.SENCO))
    seed_plans(world, world.taught, 1)
    seed_plans(world, world.untaught, 8)
    one = count(client, reverse("reviews:ehc_plan", args=[world.taught.pk]))
    many = count(client, reverse("reviews:ehc_plan", args=[world.untaught.pk]))
    assert one == many


def test_the_plan_and_its_cessation_are_on_the_pupils_history(senco_client, world):
    senco = world.user(Role.SENCO)
    issue_plan(world.taught, senco, needs=["ASD"])
    cease_plan(world.taught, senco, on=date(2026, 1, 5), reason="Outcomes met.")
    response = senco_client.get(reverse("pupils:history", args=[world.taught.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "EHC plan ceased" in html and "EHC plan issued" in html and "Outcomes met." in html
