"""NSA ("SEN support but no specialist assessment") is valid only with K and only alone."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pupils import codes
from pupils.codes import SenStage
from pupils.identification.workflow import decide_concern
from pupils.models import Concern, PupilNeed, RegisterEntry
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.pupils.concern_data import raise_concern

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stage", "needs"),
    [
        (SenStage.SEN_SUPPORT, ["NSA"]),
        (SenStage.ASSESSMENT_REQUESTED, ["NSA"]),  # still K until a plan is issued
        (SenStage.SEN_SUPPORT, ["SLCN", "ASD"]),
        (SenStage.EHCP, ["ASD"]),
        (SenStage.NONE, []),
    ],
)
def test_needs_that_pass_the_nsa_rule(stage, needs):
    assert codes.need_errors(stage, needs) == []


def test_nsa_with_an_ehc_plan_is_refused_with_a_reason():
    (problem,) = codes.need_errors(SenStage.EHCP, ["NSA"])
    assert problem.startswith("NSA (no specialist assessment yet) is only for pupils on SEN")
    assert "choose the assessed need" in problem


def test_nsa_off_the_register_is_refused():
    (problem,) = codes.need_errors(SenStage.NONE, ["NSA"])
    assert "clear the needs" in problem


@pytest.mark.parametrize("needs", [["NSA", "SLCN"], ["SLCN", "NSA"], ["ASD", "SEMH", "NSA"]])
def test_nsa_beside_another_need_is_refused_whatever_its_rank(needs):
    (problem,) = codes.need_errors(SenStage.SEN_SUPPORT, needs)
    assert "must be the only need" in problem


def test_nsa_with_e_and_beside_another_need_gives_both_reasons():
    assert len(codes.need_errors(SenStage.EHCP, ["ASD", "NSA"])) == 2


def test_the_service_refuses_nsa_and_writes_nothing(world):
    senco = world.user(Role.SENCO)
    common = {"pupil": world.taught, "effective_on": date(2025, 9, 1), "reason": "r",
              "decided_by": senco, "recorded_by": senco}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        record_register_change(stage=SenStage.EHCP, needs=["NSA"], **common)
    assert "only for pupils on SEN support (K)" in refused.value.message_dict["needs"][0]
    with pytest.raises(ValidationError, match="must be the only need"):
        record_register_change(stage=SenStage.SEN_SUPPORT, needs=["SLCN", "NSA"], **common)
    assert not RegisterEntry.objects.exists()
    record_register_change(stage=SenStage.SEN_SUPPORT, needs=["NSA"], **common)
    assert RegisterEntry.objects.get().needs == ["NSA"]


def post_change(client, pupil, **data):
    payload = {
        "stage": "sen_support", "primary_need": "SLCN", "secondary_need": "",
        "effective_on": "2025-09-01", "reason": "Screening", "evidence": "",
        "informed_on": "", "informed_method": "", **data,
    }  # fmt: skip
    return client.post(reverse("pupils:change_status", args=[pupil.pk]), payload)


def test_the_register_form_shows_the_nsa_rule_on_the_field_that_holds_nsa(client, world):
    client.force_login(world.user(Role.SENCO))
    beside = post_change(client, world.taught, primary_need="NSA", secondary_need="SLCN")
    assert beside.status_code == 200
    assert "must be the only need" in beside.context["form"].errors["primary_need"][0]
    in_others = post_change(client, world.taught, other_needs=["NSA"])
    assert "must be the only need" in in_others.context["form"].errors["other_needs"][0]
    # E is not a choice on the register form at all (the EHC plan record owns it).
    with_e = post_change(client, world.taught, stage="ehcp", primary_need="NSA")
    assert "stage" in with_e.context["form"].errors
    assert not RegisterEntry.objects.exists()
    assert post_change(client, world.taught, primary_need="NSA").status_code == 302


def test_the_concern_decision_refuses_nsa_beside_a_known_need(client, world):
    """A pupil whose record holds NSA beside SLCN (an old import) cannot go on K unchanged."""
    senco = world.user(Role.SENCO)
    PupilNeed.objects.create(pupil=world.taught, code="NSA", rank=1)
    PupilNeed.objects.create(pupil=world.taught, code="SLCN", rank=2)
    concern = raise_concern(world.taught, senco)
    with pytest.raises(ValidationError) as refused:
        decide_concern(concern=concern, decision="sen_support", rationale="r", decided_by=senco)
    assert "must be the only need" in refused.value.message_dict["primary_need"][0]
    concern.refresh_from_db()
    assert concern.status != Concern.Status.DECIDED
    assert not RegisterEntry.objects.exists()
    # Through the page the reason shows by the primary need; choosing the need fixes it.
    client.force_login(senco)
    url = reverse("pupils:concern_decide", args=[concern.pk])
    page = client.post(url, {"decision": "sen_support", "rationale": "r", "primary_need": ""})
    assert page.status_code == 400
    assert "must be the only need" in page.context["decision_form"].errors["primary_need"][0]
    done = client.post(url, {"decision": "sen_support", "rationale": "r", "primary_need": "SLCN"})
    assert done.status_code == 302
    assert RegisterEntry.objects.get().needs == ["SLCN"]
