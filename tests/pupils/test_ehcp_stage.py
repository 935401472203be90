"""
Stage E belongs to the local authority (Children and Families Act 2014 s37, s45;
docs/register.md): no school action puts a pupil onto E or takes them off it.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import RegisterEntry, Task
from pupils.register.services import record_register_change, rerank_needs
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.factories import PupilFactory, SchoolFactory
from tests.pupils.concern_data import make_service, raise_concern
from tests.reviews.ehc_plan_data import cease_plan, issue_plan
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db

ISSUED = date(2025, 9, 1)


@pytest.fixture
def on_plan(world):
    """Taught has an EHC plan naming autism (primary) and speech and language needs."""
    issue_plan(world.taught, world.user(Role.SENCO), on=ISSUED, needs=["ASD", "SLCN"])
    return world.taught


def needs_of(pupil):
    return [need.code for need in pupil.needs.order_by("rank")]


def change(world, pupil, stage, needs, *, on=None, **extra):
    senco = world.user(Role.SENCO)
    return record_register_change(
        pupil=pupil, stage=stage, needs=needs, effective_on=on or date.today(), reason="Test",
        decided_by=senco, recorded_by=senco, **extra,
    )  # fmt: skip


# The register service -------------------------------------------------------------


def test_a_school_entry_cannot_put_a_pupil_on_e(world):
    with pytest.raises(ValidationError) as caught:
        change(world, world.taught, SenStage.EHCP, ["ASD"])
    assert "s37" in caught.value.message_dict["stage"][0]
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.NONE and not world.taught.register_entries.exists()


@pytest.mark.parametrize(
    "source", [s for s in RegisterEntry.Source.values if s != RegisterEntry.Source.EHC_PLAN]
)
@pytest.mark.parametrize(
    "stage",
    [SenStage.NONE, SenStage.MONITORING, SenStage.SEN_SUPPORT, SenStage.ASSESSMENT_REQUESTED],
)
def test_no_source_but_the_plan_record_takes_a_pupil_off_e(world, on_plan, source, stage):
    needs = ["ASD"] if stage in (SenStage.SEN_SUPPORT, SenStage.ASSESSMENT_REQUESTED) else []
    with pytest.raises(ValidationError) as caught:
        change(world, on_plan, stage, needs, source=source)
    assert "s45" in caught.value.message_dict["stage"][0]
    on_plan.refresh_from_db()
    assert on_plan.sen_stage == SenStage.EHCP and on_plan.register_entries.count() == 1


def test_a_back_dated_entry_after_the_plan_was_issued_cannot_remove_e(world, on_plan):
    with pytest.raises(ValidationError):
        change(world, on_plan, SenStage.SEN_SUPPORT, ["ASD"], on=ISSUED + timedelta(days=10))


def test_a_correction_cannot_add_or_remove_e(world, on_plan):
    issued = on_plan.register_entries.get()
    with pytest.raises(ValidationError) as caught:
        change(world, on_plan, SenStage.SEN_SUPPORT, ["ASD"], on=ISSUED, corrects=issued)
    assert "correction cannot add or remove stage E" in caught.value.message_dict["corrects"][0]
    other = world.untaught
    wrong = change(world, other, SenStage.SEN_SUPPORT, ["MLD"], on=ISSUED)
    with pytest.raises(ValidationError):
        change(world, other, SenStage.EHCP, ["MLD"], on=ISSUED, corrects=wrong)


def test_a_school_entry_may_re_rank_the_needs_of_a_pupil_on_e(world, on_plan):
    change(world, on_plan, SenStage.EHCP, ["SLCN", "ASD", "SEMH"])
    on_plan.refresh_from_db()
    assert on_plan.sen_stage == SenStage.EHCP and needs_of(on_plan) == ["SLCN", "ASD", "SEMH"]


def test_only_the_plan_cessation_takes_a_pupil_off_e(world, on_plan):
    cease_plan(on_plan, world.user(Role.SENCO), on=date.today(), stage=SenStage.SEN_SUPPORT)
    assert on_plan.sen_stage == SenStage.SEN_SUPPORT and needs_of(on_plan) == ["ASD", "SLCN"]
    last = on_plan.register_entries.order_by("-pk").first()
    assert last.source == RegisterEntry.Source.EHC_PLAN and "s45" in last.reason


@pytest.mark.parametrize(
    ("current", "primary", "added", "expected"),
    [
        (["ASD", "SLCN"], "", "SEMH", ["ASD", "SLCN", "SEMH"]),
        (["ASD", "SLCN"], "SLCN", "", ["SLCN", "ASD"]),
        (["ASD", "SLCN"], "SEMH", "", ["SEMH", "ASD", "SLCN"]),
        (["ASD", "SLCN"], "", "ASD", ["ASD", "SLCN"]),
        (["NSA"], "SPLD", "", ["SPLD"]),
        ([], "", "", []),
    ],
)
def test_re_ranking_adds_or_moves_needs_and_never_drops_one(current, primary, added, expected):
    assert rerank_needs(current, primary=primary, added=added) == expected


# The register form ----------------------------------------------------------------


def test_the_register_form_offers_no_e(senco_client, world):
    html = senco_client.get(reverse("pupils:change_status", args=[world.taught.pk])).content
    assert b'value="ehcp"' not in html
    response = senco_client.post(
        reverse("pupils:change_status", args=[world.taught.pk]),
        {"stage": "ehcp", "primary_need": "ASD", "effective_on": "2025-09-01", "reason": "LA"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["stage"][0]
    assert not world.taught.register_entries.exists()


def test_for_a_pupil_on_e_the_register_form_keeps_e_and_links_to_the_plan(
    senco_client, world, on_plan
):
    url = reverse("pupils:change_status", args=[on_plan.pk])
    html = senco_client.get(url).content.decode()
    assert reverse("reviews:ehc_plan", args=[on_plan.pk]) in html
    assert "the stage belongs to the plan record" in html
    # A stage posted anyway is ignored: the field is fixed at E; the needs are re-ranked.
    response = senco_client.post(
        url,
        {"stage": "none", "primary_need": "SLCN", "secondary_need": "ASD",
         "effective_on": date.today().isoformat(), "reason": "SALT report"},
    )  # fmt: skip
    assert response.status_code == 302
    on_plan.refresh_from_db()
    assert on_plan.sen_stage == SenStage.EHCP and needs_of(on_plan) == ["SLCN", "ASD"]


# Concern decisions ----------------------------------------------------------------


def decide(client, world, pupil, decision, **fields):
    concern = raise_concern(pupil, world.user(Role.TEACHER))
    data = {"decision": decision, "rationale": "Discussed with the family."} | fields
    response = client.post(reverse("pupils:concern_decide", args=[concern.pk]), data)
    assert response.status_code == 302, response.context["decision_form"].errors
    pupil.refresh_from_db()
    return concern


@pytest.mark.parametrize(
    ("decision", "fields"),
    [
        ("no_further_action", {}),
        ("monitor", {"look_again_on": (date.today() + timedelta(days=30)).isoformat()}),
        ("sen_support", {}),
        ("sen_support", {"primary_need": "SEMH"}),
        ("refer", None),
        ("ehc_request", {}),
    ],
)
def test_every_concern_decision_keeps_a_pupil_on_e(senco_client, world, on_plan, decision, fields):
    if fields is None:
        fields = {"service": make_service(world.school).pk}
    decide(senco_client, world, on_plan, decision, **fields)
    assert on_plan.sen_stage == SenStage.EHCP
    assert on_plan.ehc_plans.in_force().exists()
    assert not RegisterEntry.objects.off_e_without_plan_record().exists()


def test_sen_support_for_a_pupil_on_e_adds_a_need_after_the_ranking(senco_client, world, on_plan):
    concern = raise_concern(on_plan, world.user(Role.TEACHER))
    page = senco_client.get(reverse("pupils:concern_detail", args=[concern.pk])).content.decode()
    assert "Current ranking: 1. " in page and "stays on E whatever the decision" in page
    decide(senco_client, world, on_plan, "sen_support", add_need="SEMH")
    assert needs_of(on_plan) == ["ASD", "SLCN", "SEMH"]
    decide(senco_client, world, on_plan, "sen_support", primary_need="SLCN")
    assert needs_of(on_plan) == ["SLCN", "ASD", "SEMH"]
    assert on_plan.sen_stage == SenStage.EHCP


def test_sen_support_without_a_change_of_needs_writes_no_register_entry(
    senco_client, world, on_plan
):
    decide(senco_client, world, on_plan, "sen_support")
    assert on_plan.register_entries.count() == 1
    titles = set(Task.objects.filter(pupil=on_plan).values_list("title", flat=True))
    assert titles == {f"Tell {on_plan.full_name}'s teachers about the support"}


def test_a_request_for_assessment_on_e_asks_the_la_for_an_interim_review(
    senco_client, world, on_plan
):
    decide(senco_client, world, on_plan, "ehc_request")
    task = Task.objects.get(pupil=on_plan)
    assert task.title.startswith("Ask the local authority for an interim annual review")
    assert task.assigned_to == world.user(Role.SENCO)


def test_a_decision_never_drops_a_need(world, on_plan):
    from pupils.identification.workflow import decide_concern

    concern = raise_concern(on_plan, world.user(Role.TEACHER))
    with pytest.raises(ValidationError) as caught:
        decide_concern(concern=concern, decision="sen_support", rationale="Why",
                       decided_by=world.user(Role.SENCO), needs=["SEMH"])  # fmt: skip
    assert "never removes one" in caught.value.message_dict["primary_need"][0]
    assert needs_of(on_plan) == ["ASD", "SLCN"]


def test_sen_support_for_a_pupil_on_k_keeps_the_ranking_and_moves_the_primary(senco_client, world):
    change(world, world.taught, SenStage.SEN_SUPPORT, ["SPLD", "SLCN"])
    decide(senco_client, world, world.taught, "sen_support", primary_need="SLCN")
    assert needs_of(world.taught) == ["SLCN", "SPLD"]


# Support plan reviews -------------------------------------------------------------


@pytest.mark.parametrize("decision", ["continue", "change", "escalate", "reduce", "exit"])
def test_every_plan_review_decision_keeps_a_pupil_on_e(senco_client, world, on_plan, decision):
    plan = make_plan(on_plan, world.user(Role.SENCO), status=SupportPlan.Status.ACTIVE, targets=1)
    target = plan.targets.get()
    response = senco_client.post(
        reverse("reviews:plan_review", args=[plan.pk]),
        {"held_on": date.today().isoformat(), "decision": decision, "summary": "Agreed.",
         f"rating_{target.pk}": "partly", f"evidence_{target.pk}": "Work samples"},
    )  # fmt: skip
    assert response.status_code == 302
    on_plan.refresh_from_db()
    assert on_plan.sen_stage == SenStage.EHCP and on_plan.register_entries.count() == 1
    tasks = list(Task.objects.filter(pupil=on_plan).values_list("title", flat=True))
    if decision == "escalate":
        assert tasks == [
            f"Ask the local authority for an interim annual review of {on_plan.full_name}'s "
            "EHC plan"
        ]
    else:
        assert tasks == []


# check_register -------------------------------------------------------------------


def run_check(**options):
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_register", stdout=out, **options)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def damaged_entry(world, pupil, stage, on, source=RegisterEntry.Source.CONCERN, **fields):
    """An entry written straight to the table, as history from before the rule was."""
    senco = world.user(Role.SENCO)
    return RegisterEntry.objects.create(
        pupil=pupil, stage=stage, needs=fields.pop("needs", []), effective_on=on,
        reason=fields.pop("reason", "SEN support decided on a concern"), source=source,
        decided_by=senco, recorded_by=senco, **fields,
    )  # fmt: skip


def test_check_register_reports_e_removed_by_a_concern_decision(world, on_plan):
    entry = damaged_entry(world, on_plan, SenStage.SEN_SUPPORT, date(2025, 11, 3), needs=["ASD"])
    code, out, error = run_check()
    assert code == 1 and "1 register entry took a pupil off E" in error
    line = out.strip()
    assert line.startswith(f"{on_plan.pk}\t{on_plan.full_name}\t2025-11-03\tentry {entry.pk}: ")
    assert "SEN support (Concern decision" in line


def test_check_register_reports_an_e_entry_corrected_away(world):
    pupil = world.untaught
    wrong = damaged_entry(world, pupil, SenStage.EHCP, date(2025, 1, 6), needs=["ASD"],
                          source=RegisterEntry.Source.IMPORT)  # fmt: skip
    fixed = damaged_entry(world, pupil, SenStage.SEN_SUPPORT, date(2025, 1, 6), needs=["ASD"],
                          source=RegisterEntry.Source.MANUAL, corrects=wrong)  # fmt: skip
    code, out, _ = run_check()
    assert code == 1 and f"entry {fixed.pk}" in out


def test_check_register_passes_e_removed_by_the_plan_cessation(world, on_plan):
    cease_plan(on_plan, world.user(Role.SENCO), on=date(2025, 12, 1), stage=SenStage.NONE)
    assert run_check() == (0, "No pupil was taken off E except by the EHC plan record.\n", "")


def test_check_register_filters_by_school(world, on_plan):
    damaged_entry(world, on_plan, SenStage.NONE, date(2025, 11, 3))
    other = SchoolFactory()
    assert run_check(school=other.urn)[0] == 0
    assert run_check(school=world.school.urn)[0] == 1
    code, _, error = run_check(school="999999")
    assert code == 2 and "No school has URN 999999" in error


def test_check_register_ignores_pupils_never_on_e(world):
    pupil = PupilFactory(school=world.school)
    change(world, pupil, SenStage.SEN_SUPPORT, ["MLD"], on=date(2025, 9, 1))
    change(world, pupil, SenStage.NONE, [], on=date(2025, 12, 1))
    assert run_check()[0] == 0


def test_parents_told_on_a_decision_for_a_pupil_on_e_is_kept(senco_client, world, on_plan):
    today = date.today().isoformat()
    decide(senco_client, world, on_plan, "sen_support", informed_on=today, informed_method="phone")
    told = on_plan.parents_informed.get()
    assert (told.method, told.entry, told.informed_by) == ("phone", None, world.user(Role.SENCO))
