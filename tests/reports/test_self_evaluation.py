"""The SEND self-evaluation: leaders' judgements, evidence from the records, actions, and
versions that freeze when finalised."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pupils.models import Concern
from reports.models import HEADINGS, SelfEvaluation, SelfEvaluationAction
from reports.progress.terms import Term
from reports.self_evaluation import evidence
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import PupilFactory
from tests.pupils.concern_data import raise_concern
from tests.reports.progress_data import make_term
from tests.reports.report_data import draft_evaluation
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db

AUTUMN_2025, AUTUMN_2026 = Term(2025, 1), Term(2026, 1)


def form_data(**overrides):
    data = {"academic_year": "2026/27"}
    for heading in HEADINGS:
        data[f"{heading.key}_grade"] = "expected"
        data[f"{heading.key}_text"] = f"Our view of {heading.title.lower()}."
    data |= {
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-heading": "identification",
        "actions-0-action": "Train all staff in the new concern form",
        "actions-0-owner": "SENCO",
        "actions-0-due_on": "2027-01-31",
        "actions-0-rag": "amber",
        "actions-0-progress": "Two of four departments done.",
    }
    return data | overrides


def decided_concern(pupil, by, *, raised, decided):
    concern = raise_concern(pupil, by)
    Concern.objects.filter(pk=concern.pk).update(
        raised_at=raised,
        decided_at=decided,
        status=Concern.Status.DECIDED,
        decision=Concern.Decision.SEN_SUPPORT,
        decided_by=by,
    )


def test_leaders_save_judgements_and_actions_together(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    client.post(reverse("reports:self_evaluation_start"))
    draft = SelfEvaluation.objects.get(school=world.school)

    response = client.post(
        reverse("reports:self_evaluation_edit", args=[draft.pk]),
        form_data(provision_grade="strong", provision_text="Interventions are well run."),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.provision_grade == "strong"
    action = draft.actions.get()
    assert (action.owner, action.rag, action.due_on) == ("SENCO", "amber", date(2027, 1, 31))
    assert draft.history.first().history_user == senco


def test_an_incomplete_action_saves_nothing(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    draft = draft_evaluation(world.school, world.user(Role.SENCO))

    response = client.post(
        reverse("reports:self_evaluation_edit", args=[draft.pk]),
        form_data(leadership_grade="strong", **{"actions-0-owner": ""}),
    )

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    draft.refresh_from_db()
    assert draft.leadership_grade == ""
    assert not draft.actions.exists()


def test_achievement_waits_for_progress_data(client, world):
    client.force_login(world.user(Role.SENCO))
    draft = draft_evaluation(world.school, world.user(Role.SENCO))

    text = client.get(reverse("reports:self_evaluation_detail", args=[draft.pk])).content.decode()

    assert "Achievement and attendance" in text
    assert "No progress data imported yet." in text


def test_achievement_compares_sen_groups_with_peers_in_the_latest_term(client, world):
    """Two autumns of data (and a spring with none for this school): the latest term with
    data is used, and each gap is set against the same term a year before."""
    school = world.school
    # No SEN: 4 pupils at 95%, 2 of 4 at expected in maths, both autumns.
    # SEN support: 2 pupils at 85% now (80% a year ago), 1 of 2 at expected (0 a year ago).
    # EHC plan: 1 pupil at 81% now (85% a year ago), below expected both years.
    for status, now, then, at_now, at_then, count in [
        ("N", 285, 285, 2, 2, 4), ("K", 255, 240, 1, 0, 2), ("E", 243, 255, 0, 0, 1),
    ]:  # fmt: skip
        for n in range(count):
            pupil = PupilFactory(school=school)
            for term, attended, at in [(AUTUMN_2026, now, at_now), (AUTUMN_2025, then, at_then)]:
                band = "at" if n < at else "below"
                make_term(pupil, term, sen_status=status, possible=300, attended=attended,
                          suspensions=1 if status == "E" and term == AUTUMN_2026 else 0,
                          results=[("maths", band, 100, "")])  # fmt: skip
    other = PupilFactory(school=world.other_school)
    make_term(other, Term(2026, 2), possible=300, attended=300)
    user = world.user(Role.SENCO)

    found = evidence.achievement(user, date(2026, 9, 1), date(2027, 8, 31))

    rows = {row["label"]: row for row in found["rows"]}
    assert found["missing"] == ""
    assert found["term"] == "Autumn 2026/27"
    assert rows["Attendance, SEN support"]["value"] == "85.0% of 2 pupils"
    assert rows["Attendance, SEN support"]["note"] == (
        "no SEN 95.0%; gap to no SEN -10.0 points; closing, 5.0 points narrower than in "
        "Autumn 2025/26 (-15.0 points)"
    )
    assert rows["Attendance, EHC plan"]["note"].endswith(
        "not closing, 4.0 points wider than in Autumn 2025/26 (-10.0 points)"
    )
    assert rows["Persistently absent (under 90%), SEN support"]["value"] == "2 of 2 (100%)"
    assert rows["Suspensions per 100 pupils, EHC plan"]["value"] == 100.0
    assert rows["Maths at or above expected, SEN support"]["value"] == "1 of 2 (50%)"
    assert rows["Maths at or above expected, SEN support"]["note"] == (
        "no SEN 50.0%; gap to no SEN +0.0 points; closing, 50.0 points narrower than in "
        "Autumn 2025/26 (-50.0 points)"
    )
    assert rows["Maths at or above expected, EHC plan"]["note"].endswith(
        "not closing, the same as in Autumn 2025/26 (-50.0 points)"
    )
    client.force_login(user)
    draft = draft_evaluation(school, user)
    text = client.get(reverse("reports:self_evaluation_detail", args=[draft.pk])).content.decode()
    assert "No progress data imported yet." not in text
    assert "Autumn 2026/27, the latest term with data" in text
    assert "Maths at or above expected, EHC plan" in text


def test_achievement_evidence_queries_do_not_grow_with_the_roll(world):
    user = world.user(Role.SENCO)
    evidence.achievement(user, date(2026, 9, 1), date(2027, 8, 31))  # warm the caches
    counts = []
    for size in (3, 30):
        for _ in range(size):
            pupil = PupilFactory(school=world.school)
            for term in (AUTUMN_2025, AUTUMN_2026):
                make_term(pupil, term, sen_status="K", possible=300, attended=270,
                          results=[("maths", "at", 100, "")])  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            evidence.achievement(user, date(2026, 9, 1), date(2027, 8, 31))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_identification_evidence_times_concern_to_decision(world):
    senco = world.user(Role.SENCO)
    on = date(2026, 11, 30)
    start = timezone.make_aware(datetime(2026, 10, 1, 9))
    for days in (10, 20, 60):
        pupil = PupilFactory(school=world.school)
        decided_concern(pupil, senco, raised=start, decided=start + timedelta(days=days))
    other = PupilFactory(school=world.other_school)
    decided_concern(other, senco, raised=start, decided=start + timedelta(days=1))

    rows = {
        row["label"]: row["value"]
        for row in evidence.identification(senco, date(2026, 9, 1), date(2027, 8, 31), on)["rows"]
    }

    assert rows["Concerns decided this year"] == 3  # the other school's is not counted
    assert rows["Typical time from concern to decision"] == "20 days"
    assert rows["Decided within 6 weeks"] == "2 of 3 (67%)"


def test_plan_review_timeliness_counts_overdue_plans(world):
    senco = world.user(Role.SENCO)
    make_plan(
        world.taught, senco, status=SupportPlan.Status.ACTIVE,
        review_due_on=date.today() - timedelta(days=3),
    )  # fmt: skip

    found = evidence.gather(senco)

    rows = {row["label"]: row["value"] for row in found["leadership"]["rows"]}
    assert rows["Support plans overdue for review now"] == 1


def test_finalising_freezes_the_evidence_and_the_words(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    draft = draft_evaluation(world.school, senco)
    make_plan(
        world.taught, senco, status=SupportPlan.Status.ACTIVE,
        review_due_on=date.today() - timedelta(days=3),
    )  # fmt: skip

    client.post(reverse("reports:self_evaluation_finalise", args=[draft.pk]))
    make_plan(
        world.untaught, senco, status=SupportPlan.Status.ACTIVE,
        review_due_on=date.today() - timedelta(days=3),
    )  # fmt: skip

    draft.refresh_from_db()
    assert draft.status == SelfEvaluation.Status.FINALISED
    assert draft.finalised_by == senco
    rows = {row["label"]: row["value"] for row in draft.evidence["leadership"]["rows"]}
    assert rows["Support plans overdue for review now"] == 1  # as it stood, not 2
    edit = reverse("reports:self_evaluation_edit", args=[draft.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(leadership_grade="urgent")).status_code == 404
    finalise = reverse("reports:self_evaluation_finalise", args=[draft.pk])
    assert client.post(finalise).status_code == 404
    fresh = SelfEvaluation.objects.get(pk=draft.pk)
    assert fresh.leadership_grade == ""
    fresh.leadership_grade = "urgent"
    with pytest.raises(ValueError):
        fresh.save()


def test_a_new_version_carries_over_words_and_actions(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    first = draft_evaluation(world.school, senco)
    first.views_text = "Parents tell us they feel heard."
    first.save()
    SelfEvaluationAction.objects.create(
        evaluation=first, action="Termly parent forum", owner="SENCO", due_on=date(2027, 3, 1)
    )
    first.finalise(by=senco, evidence=evidence.gather(senco))

    client.post(reverse("reports:self_evaluation_start"))

    second = SelfEvaluation.objects.for_school(world.school).drafts().get()
    assert second.number == 2
    assert second.views_text == "Parents tell us they feel heard."
    assert [a.action for a in second.actions.all()] == ["Termly parent forum"]
    assert [a.action for a in first.actions.all()] == ["Termly parent forum"]


def test_word_copy_is_one_self_contained_html_file(client, world):
    client.force_login(world.user(Role.SENCO))
    draft = draft_evaluation(world.school, world.user(Role.SENCO))
    SelfEvaluationAction.objects.create(
        evaluation=draft, action="Audit reading interventions", owner="Deputy head",
        due_on=date(2027, 2, 1), rag="green",
    )  # fmt: skip

    response = client.get(reverse("reports:self_evaluation_word", args=[draft.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.html"')
    html = response.content.decode()
    assert "<link" not in html and "<script" not in html and "src=" not in html
    assert 'style="' in html
    assert "Audit reading interventions" in html
    assert "No progress data imported yet." in html


def test_pdf_carries_each_heading_and_the_actions(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    draft = draft_evaluation(world.school, world.user(Role.SENCO))
    SelfEvaluationAction.objects.create(
        evaluation=draft, action="Audit reading interventions", owner="Deputy head",
        due_on=date(2027, 2, 1), rag="red",
    )  # fmt: skip

    response = client.get(reverse("reports:self_evaluation_pdf", args=[draft.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for heading in HEADINGS:
        assert heading.title in text
    assert "Audit reading interventions" in text
    assert "Red: off track" in text


def _grow(world, n):
    senco = world.user(Role.SENCO)
    start = timezone.make_aware(datetime(2026, 10, 1, 9))
    for i in range(n):
        pupil = PupilFactory(school=world.school)
        decided_concern(pupil, senco, raised=start, decided=start + timedelta(days=i + 1))
        make_plan(pupil, senco, status=SupportPlan.Status.ACTIVE, targets=1)
    evaluation = SelfEvaluation.objects.for_school(world.school).order_by("-number").first()
    SelfEvaluationAction.objects.bulk_create(
        SelfEvaluationAction(
            evaluation=evaluation, action=f"Action {i}", owner="SENCO", due_on=date(2027, 1, 1)
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    "page", ["self_evaluation", "self_evaluation_detail", "self_evaluation_edit"]
)
def test_pages_run_the_same_queries_at_two_sizes(client, world, page):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    draft = draft_evaluation(world.school, senco)
    url = (
        reverse(f"reports:{page}")
        if page == "self_evaluation"
        else reverse(f"reports:{page}", args=[draft.pk])
    )

    with time_machine.travel(datetime(2026, 12, 1, 10), tick=False):
        _grow(world, 1)
        small = count_queries(client, url, warm=True)
        _grow(world, 5)
        large = count_queries(client, url, warm=True)

    assert small == large
