"""Identification: concerns, triage, evidence and decisions."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from pupils.codes import SenStage
from pupils.identification.workflow import decide_concern, send_round_robin
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    Concern,
    ConcernEvidence,
    ConcernView,
    EvidenceSource,
    ObservationNote,
    ParentInformed,
    RegisterEntry,
    RoundRobinResponse,
    Task,
)
from sendhub.roles import Role
from tests.conftest import make_member
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.concern_data import PDF, make_service, raise_concern
from tests.upload_files import picture


def post_concern(client, pupil, **extra):
    data = {
        "pupil": pupil.pk,
        "noticed": "Cannot follow two-step instructions; often copies from a friend.",
        "contexts": "Maths, PE",
        "suspected_areas": ["CI", "CL"],
        "tried_already": "Instructions on the board, buddy.",
    } | extra
    return client.post(reverse("pupils:concern_raise"), data)


# Raising a concern -----------------------------------------------------------


def test_teacher_raises_a_concern_and_the_senco_is_emailed(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.user(Role.TEACHER))
    attachment = SimpleUploadedFile("sample.jpg", picture("JPEG"), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_concern(client, world.taught, attachment=attachment)
    assert response.status_code == 302
    assert response["Location"] == reverse("pupils:concern_mine")
    concern = Concern.objects.get()
    assert concern.raised_by == world.user(Role.TEACHER)
    assert concern.suspected_areas == ["CI", "CL"]
    assert concern.status == Concern.Status.NEW
    assert concern.attachment.name.endswith(".jpg")
    assert [m.to for m in mail.outbox] == [[world.user(Role.SENCO).email]]
    assert "Taught" not in mail.outbox[0].body  # no pupil's name in an email
    assert reverse("pupils:concern_detail", args=[concern.pk]) in mail.outbox[0].body
    html = client.get(reverse("pupils:concern_mine")).content.decode()
    assert "Taught Pupil" in html and "New" in html


def test_not_sure_is_not_stored_as_an_area(client, world):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    assert post_concern(client, world.taught, suspected_areas=["unsure"]).status_code == 302
    assert Concern.objects.get().suspected_areas == []


def test_a_teacher_cannot_raise_a_concern_about_a_pupil_they_do_not_teach(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = post_concern(client, world.untaught)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", "Attach a document or a photo"),
        ("notes.txt", b"hello", "Attach a document or a photo"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ],
)
def test_attachments_that_are_not_documents_or_are_too_big_are_refused(
    client, world, name, content, message
):
    client.force_login(world.user(Role.TEACHER))
    upload = SimpleUploadedFile(name, content)
    response = post_concern(client, world.taught, attachment=upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_pupil_is_chosen_when_coming_from_the_pupil_page(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:concern_raise"), {"pupil": world.taught.pk})
    assert f'value="{world.taught.pk}" checked>' in response.content.decode()


def test_teacher_sees_only_their_own_concerns_and_not_untaught_pupils(client, world):
    teacher = world.user(Role.TEACHER)
    senco = world.user(Role.SENCO)
    mine = raise_concern(world.taught, teacher)
    someone_elses = raise_concern(world.taught, senco)
    untaught = raise_concern(world.untaught, senco)
    client.force_login(teacher)
    assert client.get(reverse("pupils:concern_detail", args=[mine.pk])).status_code == 200
    for other in (someone_elses, untaught):
        assert client.get(reverse("pupils:concern_detail", args=[other.pk])).status_code == 404
        url = reverse("pupils:concern_attachment", args=[other.pk])
        assert client.get(url).status_code == 404


def test_the_raiser_sees_status_but_not_the_rationale(client, world):
    teacher = world.user(Role.TEACHER)
    concern = raise_concern(world.taught, teacher)
    decide_concern(
        concern=concern,
        decision=Concern.Decision.NO_FURTHER_ACTION,
        rationale="Confidential reasoning about the family",
        decided_by=world.user(Role.SENCO),
    )
    client.force_login(teacher)
    html = client.get(reverse("pupils:concern_detail", args=[concern.pk])).content.decode()
    assert "No further action" in html
    assert "Confidential reasoning" not in html


# Triage queue ----------------------------------------------------------------


def test_queue_lists_open_concerns_with_age_and_filters_by_year_and_area(client, world):
    senco = world.user(Role.SENCO)
    year7 = PupilFactory(school=world.school, year_group=7, first_name="Seventh")
    with time_machine.travel(date.today() - timedelta(days=9)):
        raise_concern(world.taught, senco, suspected_areas=["CL"])
    raise_concern(year7, senco, suspected_areas=["SEMH"])
    decided = raise_concern(world.untaught, senco)
    decide_concern(
        concern=decided, decision="no_further_action", rationale="Fine", decided_by=senco
    )
    client.force_login(senco)
    html = client.get(reverse("pupils:concern_queue")).content.decode()
    assert "Taught Pupil" in html and "Seventh" in html and "Untaught" not in html
    assert "9 days" in html
    html = client.get(reverse("pupils:concern_queue"), {"year_group": 7}).content.decode()
    assert "Seventh" in html and "Taught Pupil" not in html
    html = client.get(reverse("pupils:concern_queue"), {"area": "CL"}).content.decode()
    assert "Taught Pupil" in html and "Seventh" not in html
    html = client.get(reverse("pupils:concern_queue"), {"status": "decided"}).content.decode()
    assert "Untaught" in html and "Taught Pupil" not in html


def test_queue_filters_by_who_raised_the_concern(client, world):
    """A parent's worry reaches the queue marked as theirs."""
    raise_concern(world.taught, world.user(Role.TEACHER))
    raise_concern(world.untaught, world.user(Role.PARENT), raised_by_parent=True)
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:concern_queue")
    html = client.get(url).content.decode()
    assert "Taught Pupil" in html and "Untaught" in html
    assert '<option value="" selected>Anyone</option>' in html
    html = client.get(url, {"raised_by": "parent"}).content.decode()
    assert "Untaught" in html and "Taught Pupil" not in html
    assert '<option value="parent" selected>A parent or carer</option>' in html
    html = client.get(url, {"raised_by": "staff"}).content.decode()
    assert "Taught Pupil" in html and "Untaught" not in html
    html = client.get(url, {"raised_by": ""}).content.decode()
    assert "Taught Pupil" in html and "Untaught" in html
    # htmx swaps only the rows, filtered the same way.
    rows = client.get(url, {"raised_by": "parent"}, HTTP_HX_REQUEST="true").content.decode()
    assert rows.lstrip().startswith('<div id="results"')
    assert "Untaught" in rows and "Taught Pupil" not in rows


def test_htmx_request_gets_only_the_queue_rows(client, world):
    raise_concern(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:concern_queue"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "Taught Pupil" in html and "<nav" not in html


def test_nav_badge_and_dashboard_tile_count_concerns_to_triage(client, world):
    senco = world.user(Role.SENCO)
    raise_concern(world.taught, world.user(Role.TEACHER))
    raise_concern(world.untaught, senco)
    raise_concern(world.elsewhere, senco)  # another school: not counted
    client.force_login(senco)
    html = client.get(reverse("reports:home")).content.decode()
    assert '2<span class="visually-hidden"> to triage</span>' in html
    assert "2 new · 0 in progress" in html


def test_monitored_concern_comes_back_on_its_look_again_date(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    look_again = date.today() + timedelta(days=30)
    decide_concern(
        concern=concern,
        decision=Concern.Decision.MONITOR,
        rationale="Recently arrived; give it half a term.",
        decided_by=senco,
        look_again_on=look_again,
    )
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.MONITORING
    assert not Concern.objects.needing_triage().exists()
    with time_machine.travel(look_again - timedelta(days=1)):
        assert not Concern.objects.needing_triage().exists()
    with time_machine.travel(look_again):
        assert list(Concern.objects.needing_triage()) == [concern]
        client.force_login(senco)
        html = client.get(reverse("pupils:concern_queue")).content.decode()
        assert "Look again due" in html


# Evidence workspace ----------------------------------------------------------


def checklist(**ticked_and_notes):
    """A whole checklist POST: every source unticked with no note, except those given."""
    data = {f"{source}-note": "" for source in EvidenceSource.values}
    for name, value in ticked_and_notes.items():
        data[name.replace("__", "-")] = value
    return data


def ticked(html, source):
    """Whether the checklist's box for this source is ticked."""
    tag = re.search(rf'<input[^>]*name="{source}-in"[^>]*>', html).group(0)
    return re.search(r"\schecked[\s>]", tag) is not None


def test_checklist_saves_every_source_in_one_post(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    url = reverse("pupils:concern_evidence", args=[concern.pk])
    response = client.post(
        url,
        checklist(
            other_eal__in="on",
            other_eal__note="English only",
            other_attendance__in="on",
            work_scrutiny__note="Books asked for",
        ),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#evidence")
    rows = {
        row.source: (row.status, row.note, row.updated_by) for row in ConcernEvidence.objects.all()
    }
    assert rows == {
        "other_eal": ("in", "English only", senco),
        "other_attendance": ("in", "", senco),
        "work_scrutiny": ("missing", "Books asked for", senco),
    }
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_PROGRESS
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "2 of 12 in" in html
    assert html.count("Save the checklist") == 1
    assert 'name="other_eal-in"' in html and 'name="previous_setting-in"' in html

    # Unticking one and ticking another is one more save of the same form.
    client.post(
        url, checklist(other_eal__in="on", other_eal__note="English only", other_gaps__in="on")
    )
    rows = {row.source: row.status for row in ConcernEvidence.objects.all()}
    assert rows == {
        "other_eal": "in",
        "other_attendance": "missing",
        "other_gaps": "in",
        "work_scrutiny": "missing",
    }


def test_checklist_with_an_error_saves_nothing_and_marks_the_field(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    response = client.post(
        reverse("pupils:concern_evidence", args=[concern.pk]),
        checklist(other_eal__in="on", observation__in="on", observation__note="x" * 501),
    )
    assert response.status_code == 400
    assert not ConcernEvidence.objects.exists()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
    html = response.content.decode()
    assert "nothing has changed" in html
    assert 'id="id_observation-note-error"' in html
    assert 'aria-describedby="id_observation-note-error"' in html
    assert "at most 500 characters" in html
    assert 'id="id_other_eal-note-error"' not in html
    # What was typed stays ticked, ready to save again.
    assert ticked(html, "other_eal") and ticked(html, "observation")
    assert not ticked(html, "other_gaps")


def test_checklist_is_all_or_nothing_when_a_write_fails(client, world, monkeypatch):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    saved = []
    real_save = ConcernEvidence.save

    def save_then_fail(self, *args, **kwargs):
        if saved:
            raise IntegrityError("the second row fails")
        real_save(self, *args, **kwargs)
        saved.append(self.source)

    monkeypatch.setattr(ConcernEvidence, "save", save_then_fail)
    client.raise_request_exception = True
    with pytest.raises(IntegrityError):
        client.post(
            reverse("pupils:concern_evidence", args=[concern.pk]),
            checklist(other_eal__in="on", other_gaps__in="on"),
        )
    assert saved == ["other_eal"]
    assert not ConcernEvidence.objects.exists()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


def test_checklist_ticks_what_the_records_already_show(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "0 of 12 in" in html
    assert not any(ticked(html, source) for source in EvidenceSource.values)

    ConcernView.objects.create(
        concern=concern, whose="parent", gathered_on=date.today(), method="phone",
        summary="Worried about homework.", recorded_by=senco,
    )  # fmt: skip
    ObservationNote.objects.create(
        concern=concern, observed_on=date.today(), setting="English", note="Off task.",
        observed_by=senco,
    )  # fmt: skip
    instrument = AssessmentInstrument.objects.create(
        school=world.school, name="Reading screener", kind="screening"
    )
    AssessmentResult.objects.create(
        pupil=concern.pupil, instrument=instrument, taken_on=date.today(), assessor="SENCO",
        standardised_score=82, recorded_by=senco,
    )  # fmt: skip
    asked = send_round_robin(concern=concern, sent_by=senco)
    assert asked

    html = client.get(concern.get_absolute_url()).content.decode()
    checklist_html = html.split('id="evidence"')[1].split("</form>")[0]

    assert (
        ticked(html, "parent_views") and ticked(html, "observation") and ticked(html, "assessments")
    )
    assert not ticked(html, "pupil_views") and not ticked(html, "round_robin")
    assert f"0 of {len(asked)} teachers answered" in checklist_html
    assert "Reading screener on" in checklist_html
    assert "3 of 12 in" in html

    for request in asked:
        RoundRobinResponse.objects.create(request=request, level="some")
    html = client.get(concern.get_absolute_url()).content.decode()
    checklist_html = html.split('id="evidence"')[1].split("</form>")[0]
    assert ticked(html, "round_robin")
    assert f"All {len(asked)} teachers have answered" in checklist_html

    # Saving the form as shown stores the ticked rows.
    client.post(
        reverse("pupils:concern_evidence", args=[concern.pk]),
        checklist(
            parent_views__in="on", observation__in="on", assessments__in="on", round_robin__in="on"
        ),
    )
    assert set(ConcernEvidence.objects.filter(status="in").values_list("source", flat=True)) == {
        "parent_views", "observation", "assessments", "round_robin",
    }  # fmt: skip


def test_an_assessment_from_before_the_concern_does_not_tick_the_checklist(client, world):
    senco = world.user(Role.SENCO)
    instrument = AssessmentInstrument.objects.create(
        school=world.school, name="Reading screener", kind="screening"
    )
    with time_machine.travel(date.today() - timedelta(days=60)):
        AssessmentResult.objects.create(
            pupil=world.taught, instrument=instrument, taken_on=date.today(), assessor="SENCO",
            standardised_score=82, recorded_by=senco,
        )  # fmt: skip
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "0 of 12 in" in html
    assert "Reading screener on" not in html.split('id="evidence"')[1].split("</form>")[0]


def test_round_robin_asks_every_teacher_once_and_collates_answers(client, world):
    senco = world.user(Role.SENCO)
    maths_teacher = make_member(Role.TEACHER, school=world.school, first_name="Maths")
    maths = TeachingGroupFactory(school=world.school, name="8 Ma1", subject="Maths")
    maths.teachers.add(maths_teacher)
    maths.pupils.add(world.taught)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    client.post(reverse("pupils:concern_round_robin", args=[concern.pk]))
    assert sorted(r.teacher.first_name for r in concern.round_robin.all()) == ["Maths", "Teacher"]
    assert send_round_robin(concern=concern, sent_by=senco) == []  # nobody asked twice
    concern.refresh_from_db()
    assert concern.status == Concern.Status.AWAITING_EVIDENCE

    asked = concern.round_robin.get(teacher=maths_teacher)
    client.force_login(maths_teacher)
    assert "8 Ma1" not in client.get(reverse("pupils:concern_mine")).content.decode()
    response = client.post(
        reverse("pupils:round_robin_answer", args=[asked.pk]),
        {"level": "significant", "difficulties": "Cannot recall number bonds"},
    )
    assert response.status_code == 302
    assert RoundRobinResponse.objects.get().request == asked
    # The other teacher's question is not theirs to answer.
    other = concern.round_robin.get(teacher=world.user(Role.TEACHER))
    assert client.get(reverse("pupils:round_robin_answer", args=[other.pk])).status_code == 404

    client.force_login(senco)
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "Cannot recall number bonds" in html and "Significant concern" in html
    assert "Not answered yet" in html


def test_observation_in_the_future_is_refused(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    tomorrow = date.today() + timedelta(days=1)
    response = client.post(
        reverse("pupils:concern_observation", args=[concern.pk]),
        {"observed_on": tomorrow.isoformat(), "setting": "English", "note": "Off task"},
    )
    assert response.status_code == 400
    assert "This date is in the future." in response.content.decode()
    assert not ObservationNote.objects.exists()


def test_parent_views_are_recorded_with_date_and_method(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    response = client.post(
        reverse("pupils:concern_view", args=[concern.pk]),
        {"whose": "parent", "gathered_on": "2025-11-03", "method": "phone", "summary": "Tired"},
    )
    assert response.status_code == 302
    view = concern.views.get()
    assert (view.gathered_on, view.method, view.recorded_by) == (date(2025, 11, 3), "phone", senco)


# Decision --------------------------------------------------------------------


def test_sen_support_decision_puts_the_pupil_on_the_register_with_tasks(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    client.force_login(senco)
    response = client.post(
        reverse("pupils:concern_decide", args=[concern.pk]),
        {
            "decision": "sen_support",
            "rationale": "Screening below 85 and all teachers report the same.",
            "primary_need": "SPLD",
            "informed_on": date.today().isoformat(),
            "informed_method": "meeting",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.decision, concern.decided_by) == (
        "decided",
        "sen_support",
        senco,
    )
    world.taught.refresh_from_db()
    assert world.taught.sen_stage == SenStage.SEN_SUPPORT
    entry = RegisterEntry.objects.get(pupil=world.taught)
    assert (entry.source, entry.needs, entry.decided_by) == ("concern", ["SPLD"], senco)
    assert entry.reason.startswith("Screening below 85")
    informed = ParentInformed.objects.get(pupil=world.taught)
    assert (informed.entry, informed.method) == (entry, "meeting")
    titles = sorted(Task.objects.filter(concern=concern).values_list("title", flat=True))
    assert titles == [
        "Draft a support plan for Taught Pupil",
        "Tell Taught Pupil's teachers about the support",
    ]
    assert world.taught.history.first().history_change_reason.startswith("Screening")


def test_sen_support_without_parents_told_adds_a_task_to_tell_them(world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    decide_concern(concern=concern, decision="sen_support", rationale="r", decided_by=senco)
    assert Task.objects.filter(title__startswith="Tell Taught Pupil's parents").exists()
    assert RegisterEntry.objects.get().needs == ["NSA"]


def test_a_failure_part_way_through_a_decision_leaves_nothing_half_done(world):
    """The register entry is written before the parent-informed row that fails: both go."""
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    with pytest.raises(IntegrityError):
        decide_concern(
            concern=concern,
            decision="sen_support",
            rationale="Evidence is clear",
            decided_by=senco,
            parent_informed={
                "informed_on": date.today(),
                "method": "pigeon",  # fits the column; refused by the check constraint
                "informed_by": senco,
            },
        )
    concern.refresh_from_db()
    world.taught.refresh_from_db()
    assert concern.status == Concern.Status.NEW and concern.decision == ""
    assert world.taught.sen_stage == SenStage.NONE
    assert not RegisterEntry.objects.exists()
    assert not ParentInformed.objects.exists()
    assert not Task.objects.exists()
    assert concern.history.count() == 1


def test_decision_needs_a_rationale_and_monitoring_a_future_date(client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    client.force_login(senco)
    response = client.post(
        reverse("pupils:concern_decide", args=[concern.pk]),
        {"decision": "monitor", "rationale": "Watch", "look_again_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "Choose a date in the future" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


def test_referral_decision_opens_a_referral(world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, senco)
    service = make_service(world.school)
    decide_concern(
        concern=concern, decision="refer", rationale="Needs an EP view", decided_by=senco,
        service=service,
    )  # fmt: skip
    referral = concern.referrals.get()
    assert (referral.service, referral.requested_on) == (service, date.today())
    assert referral.waiting_days() == 0


def test_attachment_downloads_for_those_who_may_see_the_concern(client, world):
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:concern_attachment", args=[concern.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
