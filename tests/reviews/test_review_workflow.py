"""The people and papers of an EHC plan review: invitations and advice (SEND Regulations 2014
reg 19-20), one-time advice links, family views, the meeting record, the report and reminders."""

from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from reviews.annual_reviews.reminders import send_review_reminders
from reviews.annual_reviews.services import open_annual_review
from reviews.models import (
    AdviceLink,
    AnnualReview,
    Contributor,
    FamilyView,
    MeetingRecord,
    ReminderSent,
)
from sendhub.notifications.models import Notification
from sendhub.roles import Role
from tests.conftest import count_queries as count
from tests.factories import ParentLinkFactory, PupilFactory
from tests.reports.test_pdf import pdf_text
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = pytest.mark.django_db

# Plan issued 15 January 2026: meet by 18 December 2026, so invite by 4 December.
ISSUED = date(2026, 1, 15)


@pytest.fixture
def review(world):
    senco = world.user(Role.SENCO)
    with time_machine.travel(date(2026, 2, 1)):
        plan = issue_plan(world.taught, senco, on=ISSUED, needs=["ASD"])
    review = open_annual_review(plan=plan, kind="annual", by=senco, today=date(2026, 10, 1))
    review.record(meeting_on=date(2026, 11, 20))  # invitations due 6 November
    return review


def add(review, name, role, **fields):
    return Contributor.objects.create(review=review, name=name, role=role, **fields)


def test_invitations_record_the_date_and_email_outsiders_without_the_pupil_name(
    review, world, senco_client, mailoutbox, django_capture_on_commit_callbacks
):
    officer = add(review, "Jo Officer", Contributor.Role.LOCAL_AUTHORITY, email="jo@la.example")
    parent = add(review, "Mum", Contributor.Role.PARENT, user=world.user(Role.PARENT))
    url = reverse("reviews:invitations_send", args=[review.pk])
    with (
        time_machine.travel(datetime(2026, 10, 20, 10)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = senco_client.post(url, {"contributors": [officer.pk, parent.pk]}, follow=True)
    review.refresh_from_db()
    officer.refresh_from_db()
    assert review.invitations_sent_on == date(2026, 10, 20)
    assert officer.invited_on == date(2026, 10, 20)
    assert "went after" not in response.content.decode()
    [email] = [mail for mail in mailoutbox if mail.to == ["jo@la.example"]]
    assert "20 November 2026" in email.body
    assert "Taught" not in email.body and "Pupil" not in email.subject
    assert Notification.objects.filter(
        recipient=world.user(Role.PARENT),
        url=reverse("portal:annual_review", args=[world.taught.pk]),
    ).exists()


def test_invitations_sent_late_warn_with_the_regulation(review, senco_client):
    officer = add(review, "Jo Officer", Contributor.Role.LOCAL_AUTHORITY)
    url = reverse("reviews:invitations_send", args=[review.pk])
    with time_machine.travel(datetime(2026, 11, 10, 10)):
        response = senco_client.post(url, {"contributors": [officer.pk]}, follow=True)
    body = response.content.decode()
    assert "went after 6 November 2026" in body and "reg 20(3)" in body


def test_ticking_nobody_sends_nothing(review, senco_client, mailoutbox):
    senco_client.post(reverse("reviews:invitations_send", args=[review.pk]), {})
    review.refresh_from_db()
    assert review.invitations_sent_on is None and mailoutbox == []


def test_suggested_people_are_the_parents_and_teachers(review, world, senco_client):
    senco_client.post(reverse("reviews:contributors_suggested", args=[review.pk]))
    rows = {(row.role, row.user) for row in review.contributors.all()}
    assert rows == {
        ("parent", world.user(Role.PARENT)),
        ("school_staff", world.user(Role.TEACHER)),
    }


def test_a_young_person_is_invited_instead_of_their_parents(world):
    """Over compulsory school age the young person decides (Children and Families Act s83)."""
    senco = world.user(Role.SENCO)
    older = PupilFactory(school=world.school, date_of_birth=date(2009, 3, 1), year_group=12)
    ParentLinkFactory(pupil=older)
    with time_machine.travel(date(2026, 2, 1)):
        plan = issue_plan(older, senco, on=ISSUED, needs=["ASD"])
    review = open_annual_review(plan=plan, kind="annual", by=senco, today=date(2026, 10, 1))
    from reviews.annual_reviews.workflow import suggested_contributors

    assert [row.role for row in suggested_contributors(review)] == []


def test_the_invitation_letter_is_on_the_school_letterhead(review, world, senco_client):
    senco_client.post(
        reverse("reviews:letterhead"),
        {"address": "1 Oak Lane\nOakfield", "signatory_name": "Sam Senco",
         "signatory_role": "SENCO", "phone": "", "email": "send@oak.example"},
    )  # fmt: skip
    officer = add(review, "Jo Officer", Contributor.Role.LOCAL_AUTHORITY)
    response = senco_client.get(reverse("reviews:invitation_pdf", args=[officer.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "1 Oak Lane" in text and "Sam Senco" in text and "Dear Jo Officer" in text
    assert "Friday 20 November 2026" in text


# Advice: staff in the app, professionals by a one-time link ----------------------------


def _ask(senco_client, review, *rows):
    return senco_client.post(
        reverse("reviews:advice_request", args=[review.pk]), {"contributors": [r.pk for r in rows]}
    )


def test_a_professional_gets_a_link_that_opens_one_pupil_once(
    review, world, senco_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    slt = add(review, "Dr Patel", Contributor.Role.HEALTH, email="patel@nhs.example")
    with time_machine.travel(datetime(2026, 10, 20, 10)):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(senco_client, review, slt)
        [email] = mailoutbox
        url = next(line for line in email.body.splitlines() if "/ehc-reviews/advice/" in line)
        path = urlsplit(url).path
        page = client.get(path)
        text = page.content.decode()
        assert page.status_code == 200 and "Taught" in text
        assert world.taught.last_name not in text and world.taught.upn not in text
        assert "20 November 2026" in text
        sent = client.post(path, {"advice": "Uses a visual timetable well."})
        assert sent.status_code == 200
        assert client.get(path).status_code == 410
        assert client.post(path, {"advice": "again"}).status_code == 410
    slt.refresh_from_db()
    review.refresh_from_db()
    assert slt.advice == "Uses a visual timetable well." and slt.advice_received_on
    assert review.advice_requested_on == date(2026, 10, 20)
    assert AdviceLink.hash(path.rstrip("/").rsplit("/", 1)[1]) == slt.links.get().token_hash


def test_an_advice_link_expires_after_14_days(review, client):
    row = add(review, "Dr Patel", Contributor.Role.HEALTH)
    with time_machine.travel(datetime(2026, 10, 1, 10)):
        _link, token = AdviceLink.issue(row)
    path = reverse("reviews:advice_link", args=[token])
    with time_machine.travel(datetime(2026, 10, 14, 10)):
        assert client.get(path).status_code == 200
    with time_machine.travel(datetime(2026, 10, 16, 10)):
        assert client.get(path).status_code == 410
        assert client.post(path, {"advice": "late"}).status_code == 410
    row.refresh_from_db()
    assert row.advice == ""


def test_an_advice_link_stops_at_the_meeting(review):
    row = add(review, "Dr Patel", Contributor.Role.HEALTH)
    with time_machine.travel(datetime(2026, 11, 15, 10)):
        link, _token = AdviceLink.issue(row)
    assert link.expires_at.date() == date(2026, 11, 21)


def test_an_unknown_token_is_not_found(client):
    assert client.get(reverse("reviews:advice_link", args=["not-a-token"])).status_code == 404


def test_a_teacher_asked_for_advice_gives_it_in_the_app(review, world, senco_client, login):
    teacher = world.user(Role.TEACHER)
    row = add(review, "Mr Teacher", Contributor.Role.SCHOOL_STAFF, user=teacher)
    _ask(senco_client, review, row)
    client = login(teacher)
    page = client.get(reverse("reviews:advice_asked"))
    assert "Taught Pupil" in page.content.decode()
    client.post(reverse("reviews:advice_give", args=[row.pk]), {"advice": "Reads well."})
    row.refresh_from_db()
    assert row.advice == "Reads well." and row.advice_received_on == date.today()
    assert Notification.objects.filter(recipient=world.user(Role.SENCO)).exists()


def test_a_ta_not_asked_sees_nothing(review, world, login):
    client = login(world.user(Role.TEACHING_ASSISTANT))
    page = client.get(reverse("reviews:advice_asked"))
    assert list(page.context["rows"]) == []


# Views ----------------------------------------------------------------------------------


def test_a_parent_gives_views_in_the_portal(review, world, login):
    client = login(world.user(Role.PARENT))
    url = reverse("portal:annual_review_views", args=[world.taught.pk])
    assert client.post(url, {"going_well": "", "hard": "", "hopes": ""}).status_code == 400
    assert not FamilyView.objects.exists()
    client.post(url, {"going_well": "Likes maths", "hard": "", "hopes": "College"})
    view = FamilyView.objects.get(review=review)
    assert (view.party, view.going_well, view.given_by) == (
        "parent", "Likes maths", world.user(Role.PARENT)
    )  # fmt: skip
    page = client.get(reverse("portal:annual_review", args=[world.taught.pk]))
    assert "You sent your views" in page.content.decode()


def test_staff_record_the_child_s_views(review, senco_client):
    senco_client.post(
        reverse("reviews:annual_review_pupil_views", args=[review.pk]),
        {"going_well": "Football", "hard": "Noise", "hopes": "", "how_given": "Drawing"},
    )
    assert FamilyView.objects.get(review=review, party="child").how_given == "Drawing"


# The meeting record and the report ------------------------------------------------------


def _meeting_data(**extra):
    data = {
        "meeting-held_on": "2026-11-20",
        "meeting-attended": "Sam Senco, SENCO\nMum",
        "meeting-pupil_views": "Wants more football.",
        "meeting-recommendation": "maintain",
        "meeting-reasons": "Good progress.",
        "meeting-amendments": "",
        "outcomes-TOTAL_FORMS": "2",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-outcome": "Reads a short book aloud",
        "outcomes-0-progress": "Reads with support",
        "outcomes-0-still_right": "yes",
        "outcomes-1-outcome": "",
        "outcomes-1-progress": "",
        "outcomes-1-still_right": "yes",
    }
    return data | extra


def test_the_meeting_record_walks_outcomes_and_sets_the_meeting_date(review, senco_client):
    url = reverse("reviews:annual_review_meeting", args=[review.pk])
    with time_machine.travel(datetime(2026, 11, 21, 10)):
        assert senco_client.get(url).status_code == 200
        response = senco_client.post(url, _meeting_data(**{"meeting-held_on": "2026-11-19"}))
    assert response.status_code == 302
    meeting = MeetingRecord.objects.get(review=review)
    review.refresh_from_db()
    assert review.meeting_on == date(2026, 11, 19)
    assert [(row.outcome, row.still_right) for row in meeting.outcomes.all()] == [
        ("Reads a short book aloud", "yes")
    ]


def test_the_meeting_walks_each_section_e_outcome_of_the_plan(review, world, senco_client):
    from reviews.models import EHCPlanOutcome

    first = EHCPlanOutcome.objects.create(plan=review.plan, outcome="Reads aloud", area="CL")
    second = EHCPlanOutcome.objects.create(plan=review.plan, outcome="Makes a friend", area="SEMH")
    url = reverse("reviews:annual_review_meeting", args=[review.pk])
    with time_machine.travel(datetime(2026, 11, 21, 10)):
        page = senco_client.get(url)
        formset = page.context["formset"]
        assert [form.initial.get("plan_outcome") for form in formset.forms] == [
            first.pk, second.pk, None
        ]  # fmt: skip
        data = _meeting_data(**{
            "outcomes-TOTAL_FORMS": "3",
            "outcomes-0-plan_outcome": str(first.pk),
            "outcomes-0-outcome": "Reads aloud",
            "outcomes-0-still_right": "met",
            "outcomes-1-plan_outcome": str(second.pk),
            "outcomes-1-outcome": "Makes a friend",
            "outcomes-1-progress": "",
            "outcomes-1-still_right": "yes",
            "outcomes-2-outcome": "",
            "outcomes-2-still_right": "yes",
        })  # fmt: skip
        assert senco_client.post(url, data).status_code == 302
    rows = MeetingRecord.objects.get(review=review).outcomes.all()
    assert [(row.plan_outcome, row.still_right) for row in rows] == [
        (first, "met"), (second, "yes")
    ]  # fmt: skip


def test_an_outcome_of_another_plan_cannot_be_named(review, world, senco_client):
    from reviews.models import EHCPlanOutcome

    with time_machine.travel(date(2026, 2, 1)):
        other_plan = issue_plan(world.untaught, world.user(Role.SENCO), on=ISSUED, needs=["ASD"])
    theirs = EHCPlanOutcome.objects.create(plan=other_plan, outcome="Not yours", area="CL")
    url = reverse("reviews:annual_review_meeting", args=[review.pk])
    with time_machine.travel(datetime(2026, 11, 21, 10)):
        response = senco_client.post(url, _meeting_data(**{"outcomes-0-plan_outcome": theirs.pk}))
    assert response.status_code == 400
    assert not MeetingRecord.objects.exists()


def test_recommending_amendments_without_saying_which_saves_nothing(review, senco_client):
    url = reverse("reviews:annual_review_meeting", args=[review.pk])
    with time_machine.travel(datetime(2026, 11, 21, 10)):
        response = senco_client.post(url, _meeting_data(**{"meeting-recommendation": "amend"}))
    assert response.status_code == 400
    assert not MeetingRecord.objects.exists()


def test_a_meeting_before_the_review_starts_saves_nothing(review, senco_client):
    url = reverse("reviews:annual_review_meeting", args=[review.pk])
    response = senco_client.post(url, _meeting_data(**{"meeting-held_on": "2026-01-10"}))
    assert response.status_code == 400
    assert "the meeting cannot be before that" in response.content.decode()
    review.refresh_from_db()
    assert not MeetingRecord.objects.exists() and review.meeting_on == date(2026, 11, 20)


def test_the_report_is_sent_and_the_parent_can_read_it(review, world, senco_client, login):
    with time_machine.travel(datetime(2026, 11, 21, 10)):
        senco_client.post(
            reverse("reviews:annual_review_meeting", args=[review.pk]), _meeting_data()
        )
        pdf = senco_client.get(reverse("reviews:annual_review_report", args=[review.pk]))
        text = pdf_text(pdf.content)
        assert "Reads a short book aloud" in text and "Maintain the plan" in text
        parent = login(world.user(Role.PARENT))
        report_url = reverse("portal:annual_review_report", args=[world.taught.pk])
        assert parent.get(report_url).status_code == 404  # not sent yet
        senco_client.force_login(world.user(Role.SENCO))
        senco_client.post(reverse("reviews:annual_review_report_send", args=[review.pk]))
        review.refresh_from_db()
        assert review.report_sent_on == date(2026, 11, 21)
        parent.force_login(world.user(Role.PARENT))
        assert parent.get(report_url)["Content-Type"] == "application/pdf"


# Reminders ------------------------------------------------------------------------------


def test_reminders_are_sent_once_at_their_lead_times(review, world):
    senco = world.user(Role.SENCO)
    # Invitations due 6 November: 4 weeks before is 9 October.
    assert send_review_reminders(date(2026, 10, 8)) == 0
    assert send_review_reminders(date(2026, 10, 9)) == 1
    assert send_review_reminders(date(2026, 10, 10)) == 0
    assert Notification.objects.filter(recipient=senco).count() == 1
    # Meeting 20 November: report due 4 December, LA decision due 18 December.
    review.record(invitations_sent_on=date(2026, 10, 20), advice_requested_on=date(2026, 10, 20))
    assert send_review_reminders(date(2026, 12, 1)) == 1
    assert send_review_reminders(date(2026, 12, 19)) == 1
    assert send_review_reminders(date(2026, 12, 20)) == 0
    assert set(ReminderSent.objects.values_list("key", flat=True)) == {
        "invitations-4-weeks", "report-3-days", "decision-overdue"
    }  # fmt: skip
    assert not any("Taught" in n.title for n in Notification.objects.all())


def test_the_reminder_command_runs(review, capsys):
    from django.core.management import call_command

    with time_machine.travel(datetime(2026, 10, 9, 7)):
        call_command("send_review_reminders")
    assert "Sent 1 review reminder." in capsys.readouterr().out


def test_the_beat_schedule_runs_the_reminder_task_which_sends_them(
    review, world, django_capture_on_commit_callbacks
):
    """Schools with a worker get the reminders from celery beat (settings CELERY_BEAT_SCHEDULE)."""
    from django.core import mail

    from reviews.tasks import send_review_reminders_task
    from sendhub.celery import app

    app.loader.import_default_modules()
    tasks = {job["task"] for job in app.conf.beat_schedule.values()}
    assert send_review_reminders_task.name in tasks
    assert send_review_reminders_task.name in app.tasks
    with (
        time_machine.travel(datetime(2026, 10, 9, 7)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_review_reminders_task.delay().get() == 1
    assert Notification.objects.filter(recipient=world.user(Role.SENCO)).count() == 1
    assert [m.to for m in mail.outbox] == [[world.user(Role.SENCO).email]]
    assert "invitations and advice requests are due within 4 weeks" in mail.outbox[0].body


# Query counts -----------------------------------------------------------------------------


def test_the_people_page_runs_the_same_queries_for_few_or_many(review, senco_client):
    url = reverse("reviews:annual_review_people", args=[review.pk])
    add(review, "One", Contributor.Role.HEALTH)
    one = count(senco_client, url)
    for n in range(8):
        add(review, f"Person {n}", Contributor.Role.OTHER, advice_requested_on=date(2026, 10, 1))
    assert count(senco_client, url) == one


def test_advice_asked_runs_the_same_queries_for_one_or_many(review, world, login):
    teacher = world.user(Role.TEACHER)
    add(review, "T", Contributor.Role.SCHOOL_STAFF, user=teacher, advice_requested_on=date.today())
    client = login(teacher)
    url = reverse("reviews:advice_asked")
    one = count(client, url)
    senco = world.user(Role.SENCO)
    for _ in range(4):
        pupil = PupilFactory(school=world.school)
        world.group.pupils.add(pupil)
        with time_machine.travel(date(2026, 2, 1)):
            plan = issue_plan(pupil, senco, on=ISSUED, needs=["ASD"])
        other = open_annual_review(plan=plan, kind="annual", by=senco)
        add(other, "T", Contributor.Role.SCHOOL_STAFF, user=teacher,
            advice_requested_on=date.today())  # fmt: skip
    assert count(client, url) == one


def test_the_parent_review_page_runs_the_same_queries_for_one_review_or_several(
    review, world, login
):
    client = login(world.user(Role.PARENT))
    url = reverse("portal:annual_review", args=[world.taught.pk])
    one = count(client, url)
    review.record(meeting_on=date(2026, 11, 20), la_decision="maintain",
                  la_decision_on=date(2026, 12, 1))  # fmt: skip
    for month in (1, 2):
        done = open_annual_review(plan=review.plan, kind="interim", by=world.user(Role.SENCO))
        done.record(meeting_on=date(2027, month, 10), la_decision="maintain",
                    la_decision_on=date(2027, month, 20))  # fmt: skip
    open_annual_review(plan=review.plan, kind="annual", by=world.user(Role.SENCO))
    assert AnnualReview.objects.count() == 4
    assert count(client, url) == one
