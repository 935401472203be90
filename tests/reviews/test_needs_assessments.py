"""EHC needs assessment requests: steps on the LA's clock, events, the final plan, the pack."""

from datetime import date

import time_machine
from django.urls import reverse

from pupils.codes import SenStage
from reviews import deadlines
from reviews.models import (
    EventKind,
    NeedsAssessmentEvent,
    NeedsAssessmentRequest,
    ReviewView,
    SupportPlan,
)
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.provision.provision_data import InterventionFactory, run_group
from tests.reports.test_pdf import pdf_text
from tests.reviews.ehcp_section_data import make_request
from tests.reviews.plan_data import make_plan

RECEIVED = date(2025, 9, 1)
Status = deadlines.Status


def _event(record, kind, on):
    return NeedsAssessmentEvent.objects.create(request=record, kind=kind, on=on)


def _steps(record, today):
    record = NeedsAssessmentRequest.objects.for_page().get(pk=record.pk)
    return [(step.label, step.owner, step.due, step.status) for step in record.steps(today)]


def test_each_step_is_due_on_the_las_clock_with_owner_and_status(world):
    record = make_request(world.taught, received_on=RECEIVED)
    assert _steps(record, date(2025, 10, 1)) == [
        ("Decision whether to assess", "Local authority", date(2025, 10, 13), Status.DUE_SOON),
        ("Decision whether to issue a plan", "Local authority", date(2025, 12, 22), Status.ON_TIME),
        ("Final plan issued", "Local authority", date(2026, 1, 19), Status.ON_TIME),
    ]
    assert _steps(record, date(2025, 10, 14))[0][3] == Status.OVERDUE
    _event(record, EventKind.DECIDED_TO_ASSESS, date(2025, 10, 10))
    _event(record, EventKind.DECIDED_TO_ISSUE, date(2025, 12, 1))
    _event(record, EventKind.DRAFT_SENT, date(2025, 12, 8))
    steps = _steps(record, date(2025, 12, 15))
    assert steps[0][3] == steps[1][3] == Status.DONE
    # The family has 15 days from the day the draft was served (reg 13(1)(a)).
    assert steps[2] == (
        "Comments on the draft plan",
        "Parent or young person",
        date(2025, 12, 22),
        Status.DUE_SOON,
    )


def test_a_refusal_closes_the_request(world):
    record = make_request(world.taught, received_on=RECEIVED)
    _event(record, EventKind.REFUSED_TO_ASSESS, date(2025, 10, 1))
    _event(record, EventKind.MEDIATION, date(2025, 11, 3))
    steps = _steps(record, date(2026, 3, 1))
    assert [step[0] for step in steps] == ["Decision whether to assess"]
    assert steps[0][3] == Status.DONE
    assert not NeedsAssessmentRequest.objects.open().exists()


def test_the_senco_records_a_request_with_the_pupils_own_evidence(client, world):
    senco = world.user(Role.SENCO)
    mine = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)
    theirs = make_plan(world.untaught, senco, status=SupportPlan.Status.ACTIVE)
    client.force_login(senco)
    url = reverse("reviews:needs_assessment_create", args=[world.taught.pk])
    data = {
        "requested_by": "school",
        "local_authority": "Kent",
        "sent_on": "2025-09-01",
        "received_on": "2025-09-02",
        "reasons": "Two cycles of SEN support with little progress.",
        "sent_provision_map": "on",
        "sent_views": "on",
    }
    assert client.post(url, data | {"support_plans": [theirs.pk]}).status_code == 400
    response = client.post(url, data | {"support_plans": [mine.pk]})
    record = NeedsAssessmentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert list(record.support_plans.all()) == [mine]
    assert record.requested_by_user == senco
    page = client.get(record.get_absolute_url()).text
    # Six weeks from the day the LA received it (SEND Regulations 2014 reg 5(1)).
    assert "Decision whether to assess" in page and "Tue 14 Oct 2025" in page


def test_recording_the_final_plan_puts_the_pupil_on_e_through_the_plan_record(client, world):
    record = make_request(world.taught, received_on=RECEIVED)
    client.force_login(world.user(Role.SENCO))
    event_url = reverse("reviews:needs_assessment_event", args=[record.pk])
    assert client.post(event_url, {"kind": "assess", "on": "2025-10-10"}).status_code == 302
    assert client.post(event_url, {"kind": "issue", "on": "2025-12-01"}).status_code == 302
    final_url = reverse("reviews:needs_assessment_final_plan", args=[record.pk])
    response = client.post(final_url, {"issued_on": "2026-01-12", "primary_need": "ASD"})
    assert response.status_code == 302
    record.refresh_from_db()
    world.taught.refresh_from_db()
    assert record.plan.issued_on == date(2026, 1, 12)
    assert world.taught.sen_stage == SenStage.EHCP
    assert record.events.filter(kind=EventKind.FINAL_ISSUED).exists()
    # Once closed, a second final plan is refused.
    again = client.post(final_url, {"issued_on": "2026-01-13", "primary_need": "ASD"})
    assert again.status_code == 400


@time_machine.travel(date(2025, 10, 1))
def test_the_list_shows_the_next_step_and_runs_the_same_queries_at_two_sizes(client, world):
    client.force_login(world.user(Role.SENCO))
    url = reverse("reviews:needs_assessments")
    make_request(world.taught, received_on=RECEIVED)
    one = count_queries(client, url, warm=True)
    for day in (2, 3, 4):
        record = make_request(world.untaught, received_on=date(2025, 9, day))
        _event(record, EventKind.DECIDED_TO_ASSESS, date(2025, 9, 30))
    assert count_queries(client, url, warm=True) == one
    page = client.get(url).text
    assert "Taught Pupil" in page and "Due soon" in page


def test_the_request_pack_pdf_holds_plans_views_and_the_costed_map(client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)
    ReviewView.objects.create(plan=plan, party="pupil", text="I like reading with Miss B.")
    ReviewView.objects.create(plan=plan, party="teacher", text="Staff-only wording.")
    run_group(
        world.school,
        [world.user(Role.TEACHING_ASSISTANT)],
        [world.taught],
        intervention=InterventionFactory(school=world.school, name="Toe by Toe"),
        start_on=date.today(),
    )
    record = make_request(world.taught, received_on=date.today(), by=senco)
    record.support_plans.add(plan)
    client.force_login(senco)
    response = client.get(reverse("reviews:needs_assessment_pdf", args=[record.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Request for an EHC needs assessment" in text
    assert "Little progress after two cycles of SEN support." in text
    assert "Target 1 for Taught" in text
    assert "I like reading with Miss B." in text
    assert "Staff-only wording." not in text
    assert "Costed provision map" in text and "Toe by Toe" in text
