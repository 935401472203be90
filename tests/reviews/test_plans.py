"""Support plans: validation, versioning, agreement, review cycles (Code of Practice 6.44-6.56)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from provision.models import Strategy
from pupils.codes import SenStage
from pupils.models import RegisterEntry
from pupils.register.services import record_register_change
from reviews import services
from reviews.models import (
    PlanAgreement,
    PlanReview,
    PlanTarget,
    ReviewView,
    SupportPlan,
    TargetProgress,
    default_review_date,
    latest_review_date,
)
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
Status = SupportPlan.Status


def on_sen_support(pupil, by, needs=("SPLD",)):
    record_register_change(
        pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=list(needs),
        effective_on=date(2025, 9, 1), reason="Test", decided_by=by, recorded_by=by,
    )  # fmt: skip


def agree_all(plan, by):
    for party in PlanAgreement.Party:
        services.record_agreement(plan=plan, party=party, by=by)
    plan.refresh_from_db()
    return plan


# Review dates: "at least termly" (docs/graduated-approach.md) --------------------------


def test_latest_review_date_is_sixteen_weeks_on():
    assert latest_review_date(date(2026, 9, 7)) == date(2026, 12, 28)
    assert latest_review_date(date(2026, 1, 5)) == date(2026, 4, 27)


def test_default_review_date_follows_school_cadence_but_never_beyond_termly(world):
    world.school.review_cadence_weeks = 12
    assert default_review_date(world.school, date(2026, 9, 7)) == date(2026, 11, 30)
    world.school.review_cadence_weeks = 26  # a setting too slow for "at least termly"
    assert default_review_date(world.school, date(2026, 9, 7)) == date(2026, 12, 28)


def plan_post(review_due_on, targets=3, **extra):
    data = {
        "layer": "targeted",
        "assess_summary": "Reading age 7y 2m at 9y 1m; slow to copy.",
        "provision_notes": "Lexia x3 weekly",
        "home_targets": "Shared reading",
        "review_due_on": review_due_on.isoformat(),
        "targets-TOTAL_FORMS": str(max(targets, 4)),
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "1",
        "targets-MAX_NUM_FORMS": "6",
    }
    for index in range(targets):
        data |= {
            f"targets-{index}-outcome": f"Read {index + 10} high-frequency words",
            f"targets-{index}-success_criteria": "Reads them in 3 of 3 checks",
            f"targets-{index}-baseline": f"{index + 2} words",
            f"targets-{index}-owner": "TA",
        }
    return data | extra


@time_machine.travel(date(2026, 9, 7))
def test_senco_drafts_a_plan_with_default_review_date(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    page = senco_client.get(url).content.decode()
    assert 'value="2026-11-30"' in page  # today + 12 weeks (school cadence)
    response = senco_client.post(url, plan_post(date(2026, 11, 30)))
    plan = SupportPlan.objects.get(pupil=world.taught)
    assert response.status_code == 302
    assert (plan.status, plan.cycle, plan.version) == ("draft", 1, 1)
    assert list(plan.targets.values_list("order", flat=True)) == [1, 2, 3]
    assert plan.created_by == world.user(Role.SENCO)


@time_machine.travel(date(2026, 9, 7))
def test_review_date_beyond_termly_is_refused_and_nothing_saved(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    response = senco_client.post(url, plan_post(date(2026, 12, 29)))
    assert response.status_code == 200
    assert "no later than 28 December 2026" in response.content.decode()
    assert not SupportPlan.objects.exists()
    assert not PlanTarget.objects.exists()
    ok = senco_client.post(url, plan_post(date(2026, 12, 28)))
    assert ok.status_code == 302


@time_machine.travel(date(2026, 9, 7))
def test_review_date_must_be_ahead(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    response = senco_client.post(url, plan_post(date(2026, 9, 7)))
    assert "Choose a review date after today." in response.content.decode()
    assert not SupportPlan.objects.exists()


@time_machine.travel(date(2026, 9, 7))
def test_a_plan_needs_one_to_six_targets_and_warns_outside_three_or_four(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    none = senco_client.post(url, plan_post(date(2026, 11, 1), targets=0))
    assert none.status_code == 200
    assert not SupportPlan.objects.exists()
    seven = plan_post(date(2026, 11, 1), targets=7)
    assert senco_client.post(url, seven).status_code == 200
    assert not SupportPlan.objects.exists()
    two = senco_client.post(url, plan_post(date(2026, 11, 1), targets=2), follow=True)
    assert "This plan has 2 targets" in two.content.decode()
    assert SupportPlan.objects.get().targets.count() == 2


@time_machine.travel(date(2026, 9, 7))
def test_only_the_first_target_is_needed_and_blank_rows_are_skipped(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    page = senco_client.get(url).content.decode()
    assert page.count("(optional)") == 3  # rows 2-4 of the 4 offered
    first_row = page.split("Target 1")[1].split("Target 2")[0]
    later_rows = page.split("Target 2")[1]
    assert "asteriskField" in first_row
    assert "asteriskField" not in later_rows

    one = senco_client.post(url, plan_post(date(2026, 11, 30), targets=1))
    assert one.status_code == 302
    assert SupportPlan.objects.get().targets.count() == 1


@time_machine.travel(date(2026, 9, 7))
def test_a_started_extra_target_row_needs_every_part(login, world):
    senco_client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    data = plan_post(date(2026, 11, 30), targets=1) | {"targets-2-outcome": "Spell 20 words"}
    response = senco_client.post(url, data)
    assert response.status_code == 200
    assert not SupportPlan.objects.exists()
    errors = response.context["targets"].errors
    assert errors[1] == {}  # the blank row in between is skipped
    assert set(errors[2]) == {"success_criteria", "baseline", "owner"}


def test_record_the_review_only_on_a_plan_in_place(senco_client, world):
    senco = world.user(Role.SENCO)
    for cycle, status in enumerate((Status.DRAFT, Status.AGREED, Status.REVIEWED), start=1):
        plan = make_plan(world.taught, senco, status=status, cycle=cycle)
        html = senco_client.get(plan.get_absolute_url()).content.decode()
        assert "Record the review" not in html, status
        review_url = reverse("reviews:plan_review", args=[plan.pk])
        assert senco_client.get(review_url).status_code == 404, status
        SupportPlan.objects.filter(pk=plan.pk).update(status=Status.SUPERSEDED)
    active = make_plan(world.taught, senco, status=Status.ACTIVE, cycle=4)
    assert "Record the review" in senco_client.get(active.get_absolute_url()).content.decode()
    assert senco_client.get(reverse("reviews:plan_review", args=[active.pk])).status_code == 200


def test_an_agreed_plan_not_in_place_cannot_be_reviewed(world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=Status.AGREED, targets=1)
    with pytest.raises(ValidationError, match="put in place"):
        services.close_review(
            plan=plan, held_on=date.today(), decision="continue", summary="Too soon.",
            progress={t.pk: ("met", "e") for t in plan.targets.all()}, recorded_by=senco,
        )  # fmt: skip


def test_agreement_and_put_in_place_buttons_follow_the_plan_state(senco_client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    url = plan.get_absolute_url()

    def page():
        return senco_client.get(url).content.decode()

    html = page()
    assert "Record the response" in html
    assert "Put the plan in place</button>" not in html
    assert "once the class teacher and the SENCO have both agreed" in html

    services.record_agreement(plan=plan, party=PlanAgreement.Party.TEACHER, by=senco)
    html = page()
    assert "Put the plan in place</button>" not in html
    agreement_form = senco_client.get(url).context["agreement_form"]
    assert [value for value, _ in agreement_form.fields["party"].choices] == [
        "senco", "parent", "pupil",
    ]  # fmt: skip

    services.record_agreement(plan=plan, party=PlanAgreement.Party.SENCO, by=senco)
    html = page()
    assert "Put the plan in place</button>" in html
    assert "Record the response" in html  # the parent and the pupil can still respond

    for party in (PlanAgreement.Party.PARENT, PlanAgreement.Party.PUPIL):
        services.record_agreement(plan=plan, party=party, by=senco)
    plan.refresh_from_db()
    assert plan.status == Status.AGREED
    html = page()
    assert "Record the response" not in html
    assert "Put the plan in place</button>" in html
    assert "Record the review" not in html

    services.activate_plan(plan=plan, by=senco)
    html = page()
    assert "Put the plan in place</button>" not in html
    assert "Record the response" not in html
    assert "Record the review" in html


def test_only_drafts_are_edited(senco_client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE)
    assert senco_client.get(reverse("reviews:plan_edit", args=[plan.pk])).status_code == 404
    draft = make_plan(world.untaught, senco)
    assert senco_client.get(reverse("reviews:plan_edit", args=[draft.pk])).status_code == 200


# Agreement and versions ---------------------------------------------------------------


def test_plan_is_agreed_only_when_all_four_parties_agree(world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    for party in ["teacher", "senco", "pupil"]:
        services.record_agreement(plan=plan, party=party, by=senco)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    assert list(SupportPlan.objects.awaiting_parent_agreement()) == [plan]
    services.record_agreement(plan=plan, party="parent", by=world.user(Role.PARENT))
    plan.refresh_from_db()
    assert plan.status == Status.AGREED
    assert not SupportPlan.objects.awaiting_parent_agreement().exists()
    with pytest.raises(ValidationError):
        services.record_agreement(plan=plan, party="parent", by=senco)


def test_revision_is_a_new_version_and_the_agreed_one_is_kept(senco_client, world):
    senco = world.user(Role.SENCO)
    v1 = make_plan(world.taught, senco, status=Status.ACTIVE)
    response = senco_client.post(reverse("reviews:plan_revise", args=[v1.pk]))
    v2 = SupportPlan.objects.get(pupil=world.taught, version=2)
    assert response["Location"] == v2.get_absolute_url()
    assert (v2.status, v2.cycle, v2.previous) == (Status.DRAFT, 1, v1)
    assert [t.outcome for t in v2.targets.all()] == [t.outcome for t in v1.targets.all()]
    assert v2.strategies.get().text == v1.strategies.get().text
    # Changing the revision leaves version 1 exactly as agreed.
    target = v2.targets.first()
    target.outcome = "A changed target"
    target.save()
    assert not v1.targets.filter(outcome="A changed target").exists()
    # Once everyone agrees the revision, it replaces version 1.
    agree_all(v2, senco)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == (Status.SUPERSEDED, Status.AGREED)
    assert list(SupportPlan.objects.current()) == [v2]


def test_a_second_revision_is_refused_while_a_draft_exists(world):
    senco = world.user(Role.SENCO)
    v1 = make_plan(world.taught, senco, status=Status.ACTIVE)
    services.revise_plan(plan=v1, by=senco)
    with pytest.raises(ValidationError):
        services.revise_plan(plan=v1, by=senco)
    assert SupportPlan.objects.filter(pupil=world.taught).count() == 2


# Reviews ------------------------------------------------------------------------------


def progress_for(plan, ratings):
    return {
        target.pk: (rating, f"Evidence for {target.outcome}")
        for target, rating in zip(plan.targets.order_by("order"), ratings, strict=True)
    }


@time_machine.travel(date(2026, 12, 1))
def test_closing_a_review_opens_the_next_cycle_prefilled(world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=4)
    following = services.close_review(
        plan=plan, held_on=date(2026, 11, 30), decision="change", summary="Good progress.",
        progress=progress_for(plan, ["met", "partly", "not_met", "exceeded"]), recorded_by=senco,
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == Status.REVIEWED
    assert plan.review.decision == "change"
    assert TargetProgress.objects.filter(review=plan.review).count() == 4
    assert (following.cycle, following.version, following.status) == (2, 1, Status.DRAFT)
    assert following.previous == plan
    assert [t.outcome for t in following.targets.all()] == [
        "Target 2 for Taught",
        "Target 3 for Taught",
    ]
    assert following.targets.first().carried_from.outcome == "Target 2 for Taught"
    assert following.strategies.count() == plan.strategies.count()
    assert following.review_due_on == date(2026, 12, 1) + timedelta(weeks=12)
    assert "Good progress." in following.assess_summary


@time_machine.travel(date(2026, 12, 1))
def test_exit_takes_the_pupil_off_sen_support_and_opens_no_cycle(world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=1)
    following = services.close_review(
        plan=plan, held_on=date(2026, 11, 30), decision="exit", summary="Targets met.",
        progress=progress_for(plan, ["met"]), recorded_by=senco,
    )  # fmt: skip
    assert following is None
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.NONE
    entry = world.taught.register_entries.order_by("-pk").first()
    assert (entry.source, entry.effective_on) == (RegisterEntry.Source.REVIEW, date(2026, 11, 30))
    assert SupportPlan.objects.filter(pupil=world.taught).count() == 1


@time_machine.travel(date(2026, 12, 1))
def test_escalate_records_an_assessment_request(world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco, needs=["ASD", "SLCN"])
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=1)
    services.close_review(
        plan=plan, held_on=date(2026, 12, 1), decision="escalate", summary="Needs more.",
        progress=progress_for(plan, ["not_met"]), recorded_by=senco,
    )  # fmt: skip
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.ASSESSMENT_REQUESTED
    assert [n.code for n in world.taught.needs.all()] == ["ASD", "SLCN"]


@time_machine.travel(date(2026, 12, 1))
def test_a_review_failing_part_way_leaves_nothing_behind(world):
    """The register refuses the escalation (no recorded need), so the whole review is undone."""
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=2)
    with pytest.raises(ValidationError):
        services.close_review(
            plan=plan, held_on=date(2026, 12, 1), decision="escalate", summary="More help.",
            progress=progress_for(plan, ["not_met", "met"]), recorded_by=senco,
        )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == Status.ACTIVE
    assert not PlanReview.objects.exists()
    assert not TargetProgress.objects.exists()
    assert SupportPlan.objects.count() == 1
    assert not world.taught.register_entries.exists()


@time_machine.travel(date(2026, 12, 1))
def test_review_form_explains_missing_progress_and_saves_nothing(login, world):
    senco_client = login(world.user(Role.SENCO))
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, targets=2)
    first, second = plan.targets.all()
    response = senco_client.post(
        reverse("reviews:plan_review", args=[plan.pk]),
        {"held_on": "2026-12-01", "decision": "continue", "summary": "OK",
         f"rating_{first.pk}": "met", f"evidence_{first.pk}": "Reads 12 words"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not PlanReview.objects.exists()
    future = senco_client.post(
        reverse("reviews:plan_review", args=[plan.pk]),
        {"held_on": "2026-12-02", "decision": "continue", "summary": "OK",
         f"rating_{first.pk}": "met", f"evidence_{first.pk}": "a",
         f"rating_{second.pk}": "met", f"evidence_{second.pk}": "b"},
    )  # fmt: skip
    assert "once it has been held" in future.content.decode()
    assert not PlanReview.objects.exists()


# Due, overdue, dashboard ---------------------------------------------------------------


def test_due_and_overdue_worked_dates(world):
    """Due this fortnight: review date from today to today + 14 days; overdue: before today."""
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=Status.ACTIVE, review_due_on=date(2026, 3, 20))
    draft = make_plan(world.untaught, senco, review_due_on=date(2026, 3, 20))
    plans = SupportPlan.objects.all()
    assert list(plans.due_for_review(date(2026, 3, 6))) == [plan]  # 14 days ahead
    assert list(plans.due_for_review(date(2026, 3, 5))) == []  # 15 days ahead
    assert list(plans.due_for_review(date(2026, 3, 20))) == [plan]  # due today
    assert list(plans.overdue(date(2026, 3, 20))) == []
    assert list(plans.overdue(date(2026, 3, 21))) == [plan]
    assert draft not in plans.overdue(date(2027, 1, 1))  # a draft is not in force
    assert plan.is_overdue_on(date(2026, 3, 21))


@time_machine.travel(date(2026, 3, 10))
def test_senco_dashboard_tiles(login, world):
    senco_client = login(world.user(Role.SENCO))
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    on_sen_support(world.untaught, senco)
    make_plan(world.taught, senco, status=Status.ACTIVE, review_due_on=date(2026, 3, 1))
    make_plan(world.untaught, senco)  # draft awaiting parents
    make_plan(world.elsewhere, senco, status=Status.ACTIVE, review_due_on=date(2026, 3, 1))
    context = senco_client.get(reverse("reports:home")).context
    assert (context["plans_due"], context["plans_overdue"]) == (0, 1)
    assert [p.pupil for p in context["plans_due_list"]] == [world.taught]
    assert context["plans_awaiting_parent"] == 1
    assert context["pupils_without_plan"] == 1
    assert list(context["pupils_without_plan_list"]) == [world.untaught]


# Parents --------------------------------------------------------------------------------


def test_parent_agrees_and_adds_views_for_their_own_child(client, world):
    senco = world.user(Role.SENCO)
    parent = world.user(Role.PARENT)
    plan = make_plan(world.taught, senco)
    client.force_login(parent)
    portal = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert reverse("portal:plan_respond", args=[plan.pk]) in portal
    refused = client.post(reverse("portal:plan_respond", args=[plan.pk]), {})
    assert "Choose one answer." in refused.content.decode()
    client.post(reverse("portal:plan_respond", args=[plan.pk]), {"response": "agree"})
    agreement = PlanAgreement.objects.get(plan=plan)
    assert (agreement.party, agreement.agreed_by) == ("parent", parent)
    # Once agreed, the agreement page is gone (not a second agreement).
    assert client.get(reverse("portal:plan_respond", args=[plan.pk])).status_code == 404
    client.post(reverse("portal:plan_views", args=[plan.pk]), {"text": "Happier at home."})
    view = ReviewView.objects.get(plan=plan)
    assert (view.party, view.text, view.given_by) == ("parent", "Happier at home.", parent)
    assert view.received_on == date.today()


def test_parent_cannot_reach_another_childs_plan_by_any_url(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(world.user(Role.PARENT))
    for pupil in (world.untaught, world.elsewhere):
        draft = make_plan(pupil, senco)
        active = make_plan(pupil, senco, status=Status.ACTIVE, cycle=2)
        for name, plan in [("portal:plan_respond", draft), ("portal:plan_views", active),
                           ("reviews:plan_pdf", active)]:  # fmt: skip
            assert client.get(reverse(name, args=[plan.pk])).status_code == 404, name
        for name, plan in [("portal:plan_respond", draft), ("portal:plan_views", active)]:
            response = client.post(
                reverse(name, args=[plan.pk]), {"response": "agree", "text": "x"}
            )
            assert response.status_code == 404, name
    assert not PlanAgreement.objects.exists()
    assert not ReviewView.objects.exists()


@pytest.mark.parametrize(
    "name", ["plan_strategy_add", "plan_agree", "plan_activate", "plan_revise", "plan_views"]
)
def test_staff_posts_to_another_schools_plan_are_not_found(senco_client, world, name):
    senco = world.user(Role.SENCO)
    status = {"plan_strategy_add": "draft", "plan_agree": "draft", "plan_activate": "agreed"}
    plan = make_plan(world.elsewhere, senco, status=status.get(name, "active"))
    response = senco_client.post(reverse(f"reviews:{name}", args=[plan.pk]), {"party": "senco"})
    assert response.status_code == 404


def test_teacher_cannot_post_views_for_a_pupil_they_do_not_teach(client, world):
    plan = make_plan(world.untaught, world.user(Role.SENCO), status=Status.ACTIVE)
    client.force_login(world.user(Role.TEACHER))
    data = {"action": "record", "party": "teacher", "text": "x"}
    response = client.post(reverse("reviews:plan_views", args=[plan.pk]), data)
    assert response.status_code == 404
    assert not ReviewView.objects.exists()


# Staff reads, library --------------------------------------------------------------------


def test_opening_a_plan_is_logged(senco_client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO), status=Status.ACTIVE)
    senco_client.get(reverse("reviews:plan_detail", args=[plan.pk]))
    log = AccessLog.objects.get()
    assert (log.pupil_id, log.what) == (world.taught.pk, "support plan")


def test_starter_library_covers_the_four_areas():
    starter = Strategy.objects.filter(school__isnull=True)
    assert starter.count() >= 40
    assert set(starter.values_list("broad_area", flat=True)) == {"CI", "CL", "SEMH", "SP"}


def test_school_strategies_stay_in_their_school(senco_client, world, login):
    response = senco_client.post(
        reverse("provision:strategy_create"),
        {"broad_area": "CL", "layer": "universal", "title": "Reading ruler", "text": "Use one."},
    )
    assert response.status_code == 302
    assert Strategy.objects.get(title="Reading ruler").school == world.school
    found = senco_client.get(reverse("provision:strategy_list"), {"q": "ruler"})
    assert "Reading ruler" in found.content.decode()
    from tests.conftest import make_member

    other_senco = make_member(Role.SENCO, school=world.other_school)
    other = login(other_senco).get(reverse("provision:strategy_list"), {"q": "ruler"})
    assert "Reading ruler" not in other.content.decode()


def test_library_search_filters_by_area_and_layer_and_htmx_gets_the_results(senco_client):
    response = senco_client.get(
        reverse("provision:strategy_list"), {"area": "SP", "layer": "targeted"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "Writing aids" in html
    assert "Visual timetable" not in html


def test_library_search_matches_whole_words(senco_client, world):
    for title, text in [
        ("Reading ruler", "A coloured overlay strip to keep the place."),
        ("Paired work", "Paired reading with an older pupil, ten minutes daily."),
        ("Needle skills", "Threading beads to build fine motor control."),
        ("Book bands", "Readings chosen at the right level."),
    ]:
        Strategy.objects.create(
            school=world.school, broad_area="CL", layer="targeted", title=title, text=text
        )
    mine = Strategy.objects.filter(school=world.school)
    titles = sorted(s.title for s in mine.matching(text="reading"))
    assert titles == ["Paired work", "Reading ruler"]
    assert sorted(s.title for s in mine.matching(text="READING")) == titles
    assert [s.title for s in mine.matching(text="paired   reading")] == ["Paired work"]
    assert [s.title for s in mine.matching(text="threading")] == ["Needle skills"]
    assert not mine.matching(text="read").exists()
    assert not mine.matching(text="(reading").exists()  # punctuation is text, not a pattern
    html = senco_client.get(reverse("provision:strategy_list"), {"q": "reading"}).content.decode()
    assert "Reading ruler" in html and "Needle skills" not in html


def test_senco_adds_a_library_strategy_to_a_draft(senco_client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO))
    strategy = Strategy.objects.get(title="Give thinking time")
    response = senco_client.post(
        reverse("reviews:plan_strategy_add", args=[plan.pk]), {"strategy": strategy.pk}
    )
    assert response.status_code == 302
    added = plan.strategies.get(strategy=strategy)
    assert added.text == strategy.text
    picker = senco_client.get(
        reverse("reviews:plan_strategies", args=[plan.pk]), {"q": "thinking time"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert "Give thinking time" not in picker.content.decode()  # already on the plan


def test_class_view_shows_key_strategies_and_the_pupil_panel_the_targets(client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO), status=Status.ACTIVE)
    on_sen_support(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("reports:class_view")).content.decode()
    assert escape(plan.strategies.get().text[:40]) in html
    panel = client.get(reverse("reviews:pupil_panel", args=[world.taught.pk])).text
    assert "Target 1 for Taught" in panel


def test_teacher_sees_a_changed_plan_as_unread_until_they_open_it(client, world):
    senco = world.user(Role.SENCO)
    on_sen_support(world.taught, senco)
    v1 = make_plan(world.taught, senco, status=Status.ACTIVE)
    client.force_login(world.user(Role.TEACHER))
    assert (
        "Plan changed: not yet read" in client.get(reverse("reports:class_view")).content.decode()
    )
    client.get(reverse("reviews:plan_detail", args=[v1.pk]))
    assert "Plan changed" not in client.get(reverse("reports:class_view")).content.decode()
    # A revision, once agreed, is new to the teacher again.
    agree_all(services.revise_plan(plan=v1, by=senco), senco)
    assert (
        "Plan changed: not yet read" in client.get(reverse("reports:class_view")).content.decode()
    )


@time_machine.travel(date(2026, 9, 7))
def test_editing_a_draft_changes_and_removes_targets_in_one_save(login, world):
    senco_client = login(world.user(Role.SENCO))
    plan = make_plan(world.taught, world.user(Role.SENCO), review_due_on=date(2026, 11, 1))
    first, second, third = plan.targets.all()
    data = plan_post(date(2026, 11, 2), targets=0) | {
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "3",
    }
    for index, target in enumerate([first, second, third]):
        data |= {
            f"targets-{index}-id": str(target.pk),
            f"targets-{index}-plan": str(plan.pk),
            f"targets-{index}-outcome": f"Changed {index}",
            f"targets-{index}-success_criteria": "c",
            f"targets-{index}-baseline": "b",
            f"targets-{index}-owner": "TA",
        }
    data["targets-1-DELETE"] = "on"
    response = senco_client.post(reverse("reviews:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.review_due_on == date(2026, 11, 2)
    assert [(t.order, t.outcome) for t in plan.targets.all()] == [
        (1, "Changed 0"),
        (2, "Changed 2"),
    ]
    # The deleted draft target is still in the history.
    assert PlanTarget.history.filter(id=second.pk, history_type="-").exists()


def test_staff_ask_for_and_record_views(senco_client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO), status=Status.ACTIVE)
    url = reverse("reviews:plan_views", args=[plan.pk])
    senco_client.post(url, {"action": "ask", "parties": ["pupil", "parent"]})
    assert set(ReviewView.objects.values_list("party", flat=True)) == {"pupil", "parent"}
    assert not ReviewView.objects.filter(received_on__isnull=False).exists()
    senco_client.post(
        url, {"action": "record", "party": "pupil", "text": "I like my card", "method": "Symbols"}
    )
    view = ReviewView.objects.get(party="pupil")
    assert (view.text, view.method, view.asked_on, view.received_on) == (
        "I like my card", "Symbols", date.today(), date.today(),
    )  # fmt: skip
    page = senco_client.get(reverse("reviews:plan_detail", args=[plan.pk])).content.decode()
    assert "I like my card" in page
    assert "asked" in page  # the parent was asked and has not answered yet


def test_the_school_names_its_plans(senco_client, world):
    world.school.plan_label = "Individual Support Plan"
    world.school.save()
    plan = make_plan(world.taught, world.user(Role.SENCO), status=Status.ACTIVE)
    page = senco_client.get(reverse("reviews:plan_detail", args=[plan.pk])).content.decode()
    assert "Taught Pupil: Individual Support Plan" in page


def test_changing_a_draft_after_agreement_asks_everyone_again(login, world):
    """Agreements given to an earlier wording stop counting; they stay on record."""
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, review_due_on=date(2026, 11, 1))
    services.record_agreement(plan=plan, party="teacher", by=senco)
    services.record_agreement(plan=plan, party="parent", by=world.user(Role.PARENT))
    client = login(senco)
    response = client.post(
        reverse("reviews:plan_strategies", args=[plan.pk]),
        {"action": "own", "text": "Seat near the board with a clear view of the teacher."},
        follow=True,
    )
    assert (
        "the agreement of Class teacher, Parent or carer was cleared" in response.content.decode()
    )
    assert plan.agreements.count() == 0
    assert PlanAgreement.all_objects.filter(plan=plan, withdrawn_at__isnull=False).count() == 2
    # Everyone agrees the new wording; only then is the plan agreed.
    for party in ["teacher", "senco", "parent"]:
        services.record_agreement(plan=plan, party=party, by=senco)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    services.record_agreement(plan=plan, party="pupil", by=senco)
    plan.refresh_from_db()
    assert plan.status == Status.AGREED


def test_saving_a_draft_unchanged_keeps_its_agreements(login, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, review_due_on=date(2026, 11, 1))
    services.record_agreement(plan=plan, party="teacher", by=senco)
    client = login(senco)
    form = client.get(reverse("reviews:plan_strategies", args=[plan.pk])).context["chosen"]
    data = {f"chosen-{k}": v for k, v in form.management_form.initial.items()} | {"action": "save"}
    for index, strategy_form in enumerate(form.forms):
        data[f"chosen-{index}-id"] = str(strategy_form.instance.pk)
        data[f"chosen-{index}-plan"] = str(plan.pk)
        data[f"chosen-{index}-text"] = strategy_form.instance.text
    client.post(reverse("reviews:plan_strategies", args=[plan.pk]), data)
    assert plan.agreements.count() == 1
