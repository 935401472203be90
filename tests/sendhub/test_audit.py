"""Changes are kept with who/when/what; reads of full SEN files are logged (docs/access.md)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from simple_history.models import registered_models

from pupils.history import change_history, registered
from pupils.models import MedicalCondition, Pupil, Referral, SpecialistService
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.pupils.concern_data import raise_concern
from tests.reviews.plan_data import make_plan
from tests.reviews.test_plans import plan_post


def change_status(client, pupil, **overrides):
    data = {
        "stage": "sen_support",
        "primary_need": "SLCN",
        "secondary_need": "",
        "effective_on": date.today().isoformat(),
        "reason": "Speech and language screening below the average band.",
        "evidence": "Observation; screening score 78.",
        "informed_on": date.today().isoformat(),
        "informed_method": "meeting",
        **overrides,
    }
    return client.post(reverse("pupils:change_status", args=[pupil.pk]), data)


@pytest.mark.django_db
def test_changing_a_pupil_shows_in_history_with_user_and_old_and_new_values(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    response = change_status(client, world.taught)
    assert response.status_code == 302

    record = Pupil.history.filter(id=world.taught.pk).latest("history_date")
    assert record.history_user == senco
    delta = record.diff_against(record.prev_record)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["sen_stage"] == ("none", "sen_support")

    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert str(senco) in page
    assert "SEN stage" in page
    # The labels people read, not the stored codes.
    assert "SEN stage: <del>No SEN</del> → <ins>SEN support</ins>" in page
    assert "sen_support" not in page


@pytest.mark.django_db
def test_history_shows_changes_to_related_records(client, world):
    link = world.taught.parent_links.get()
    link.phone = "01132 496000"
    link._change_reason = "Parent updated phone number"
    link.save()
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "01132 496000" in page
    assert "Parent updated phone number" in page


@pytest.mark.django_db
def test_opening_the_full_file_is_logged(client, world):
    head = world.user(Role.SENIOR_LEADER)
    client.force_login(head)
    client.get(reverse("pupils:detail", args=[world.taught.pk]))
    log = AccessLog.objects.get()
    assert (log.user, log.pupil_id, log.role, log.what) == (
        head,
        world.taught.pk,
        Role.SENIOR_LEADER,
        "full SEN file",
    )
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "full SEN file" in page and str(head) in page


@pytest.mark.django_db
def test_need_to_know_summary_is_not_a_full_file_read(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:detail", args=[world.taught.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.count() == 0
    # The teacher sees needs but not the UPN, register history or medical details.
    page = response.content.decode()
    assert world.taught.upn not in page
    assert "Register history" not in page
    assert "Medical conditions" not in page


@pytest.mark.django_db
def test_out_of_scope_read_is_not_logged(client, world):
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:detail", args=[world.elsewhere.pk]))
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def edit_first_target(client, plan, outcome):
    """Change the first target of a draft plan through the plan edit page."""
    targets = list(plan.targets.all())
    data = plan_post(plan.review_due_on, targets=0) | {
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(len(targets)),
    }
    for index, target in enumerate(targets):
        data |= {
            f"targets-{index}-id": str(target.pk),
            f"targets-{index}-plan": str(plan.pk),
            f"targets-{index}-outcome": outcome if index == 0 else target.outcome,
            f"targets-{index}-success_criteria": target.success_criteria,
            f"targets-{index}-baseline": target.baseline,
            f"targets-{index}-owner": target.owner,
        }
    return client.post(reverse("reviews:plan_edit", args=[plan.pk]), data)


@pytest.mark.django_db
def test_history_shows_plan_target_changes_and_ended_parent_links_in_plain_words(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    plan = make_plan(world.taught, senco, review_due_on=date.today() + timedelta(weeks=10))
    assert edit_first_target(client, plan, "Reads 20 high-frequency words").status_code == 302
    link = world.taught.parent_links.get()
    ended = client.post(reverse("pupils:parent_end", args=[link.pk]), {"end_reason": "Court order"})
    assert ended.status_code == 302

    response = client.get(reverse("pupils:history", args=[world.taught.pk]))
    page = response.content.decode()
    assert (
        "Target: <del>Target 1 for Taught</del> → <ins>Reads 20 high-frequency words</ins>" in page
    )
    assert f"Ended on: <del>—</del> → <ins>{date.today():%-d %b %Y}</ins>" in page
    assert "Why the link was ended: <del>—</del> → <ins>Court order</ins>" in page
    changes = {(c["action"], c["what"]): c for c in response.context["changes"]}
    target_change = changes[("Changed", "plan target")]
    assert target_change["who"] == senco
    assert str(target_change["name"]) == "Reads 20 high-frequency words"
    link_change = changes[("Changed", "parent link")]
    assert link_change["who"] == senco
    assert link_change["reason"] == "Link ended"
    assert str(link_change["name"]) == str(world.user(Role.PARENT))


@pytest.mark.django_db
def test_history_shows_yes_and_no_not_true_and_false(client, world):
    link = world.taught.parent_links.get()
    link.parental_responsibility = False
    link.save()
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "Parental responsibility: <del>Yes</del> → <ins>No</ins>" in page
    assert "True" not in page and "False" not in page


@pytest.mark.django_db
def test_history_shows_suspected_broad_areas_as_labels_not_codes(client, world):
    """A concern's suspected areas are broad-area codes; people read names."""
    concern = raise_concern(world.taught, world.user(Role.TEACHER), suspected_areas=["CI"])
    concern.suspected_areas = ["CI", "CL"]
    concern.save()
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert (
        "Which areas of need might it be?: <del>Communication and interaction</del> → "
        "<ins>Communication and interaction, Cognition and learning</ins>"
    ) in page
    assert "CI, CL" not in page


@pytest.mark.django_db
def test_restricted_records_are_left_out_for_readers_without_the_restricted_tier(client, world):
    """Medical conditions and specialist reports are tier 3 (docs/access.md)."""
    pupil = world.taught
    MedicalCondition.objects.create(pupil=pupil, condition="Epilepsy")
    service = SpecialistService.objects.create(school=world.school, name="County EPS", kind="ep")
    referral = Referral.objects.create(pupil=pupil, service=service, requested_on=date(2025, 1, 6),
                                       requested_by=world.user(Role.SENCO))  # fmt: skip
    referral.report = "referral-reports/2025/ep-report-taught.pdf"
    referral.save()

    senco_sees = change_history(pupil, user=world.user(Role.SENCO))
    assert "medical condition" in {change["what"] for change in senco_sees}
    report_change = next(c for c in senco_sees if c["what"] == "referral" and c["fields"])
    assert [str(f["new"]) for f in report_change["fields"]] == ["ep-report-taught.pdf"]

    # The page itself is for the SEN team only; anyone else reading the history sees no
    # restricted record, and only that a restricted detail changed.
    client.force_login(world.user(Role.TEACHER))
    assert client.get(reverse("pupils:history", args=[pupil.pk])).status_code == 403
    teacher_sees = change_history(pupil, user=world.user(Role.TEACHER))
    assert "parent link" in {change["what"] for change in teacher_sees}
    assert "medical condition" not in {change["what"] for change in teacher_sees}
    report_change = next(
        c for c in teacher_sees if c["what"] == "referral" and c["action"] == "Changed"
    )
    assert report_change["fields"] == []
    assert report_change["restricted_hidden"] is True


# Kept history that is not about one pupil: the school, people's roles, the strategy
# library, teaching groups, the intervention catalogue, provision groups and their
# sessions, and national figures (their own history is on the school's pages; a pupil's
# places in groups and attendance are on the pupil's page).
NOT_ABOUT_ONE_PUPIL = {
    "School",
    "Membership",
    "Strategy",
    "TeachingGroup",
    "TeachingGroup_teachers",
    "Intervention",
    "ProvisionGroup",
    "Session",
    "NationalComparison",
    # The school's own documents and settings (reports/, reviews/): their pages show them.
    "InformationReport",
    "TermlyReport",
    "TermlyReportVersion",
    "SelfEvaluation",
    "SelfEvaluationAction",
    "Letterhead",
    "ShortfallTolerance",
}


@pytest.mark.django_db
def test_every_model_keeping_pupil_history_is_on_the_history_page(world):
    on_page = {entry.model.__name__ for entry in registered()}
    kept = {model.__name__ for model in registered_models.values()}
    assert kept - NOT_ABOUT_ONE_PUPIL == on_page
    assert {"SupportPlan", "PlanTarget", "PlanReview", "ReviewView", "PassportVersion",
            "ConcernEvidence", "ObservationNote", "ConcernView"} <= on_page  # fmt: skip
    for entry in registered():  # every path really leads to a pupil
        entry.model.history.filter(**{entry.pupil_path: world.taught.pk}).exists()
