"""Notifications: rows for the right people, emails that name no pupil, the digest, the list."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.identification.workflow import decide_concern, notify_sencos, send_round_robin
from pupils.models import Task
from reviews import services
from sendhub.models import EmailChoice, Notification
from sendhub.notifications.services import notify
from sendhub.roles import Role
from tests.pupils.concern_data import raise_concern
from tests.reviews.plan_data import make_plan
from tests.reviews.test_plans import plan_post

pytestmark = pytest.mark.django_db


def assert_no_pupil_named(world):
    names = {world.taught.first_name, world.taught.last_name, world.untaught.first_name}
    for message in mail.outbox:
        text = message.subject + message.body
        assert not any(name in text for name in names), text


def test_a_concern_notifies_the_senco_in_app_and_by_email_without_the_pupil(
    world, django_capture_on_commit_callbacks
):
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    with django_capture_on_commit_callbacks(execute=True):
        notify_sencos(concern)
    senco = world.user(Role.SENCO)
    [note] = Notification.objects.filter(recipient=senco)
    assert note.url == reverse("pupils:concern_detail", args=[concern.pk])
    assert note.title.endswith("raised a concern about a pupil in year 8")
    assert [m.to for m in mail.outbox] == [[senco.email]]
    assert_no_pupil_named(world)


def test_round_robin_notifies_each_teacher_asked(world, django_capture_on_commit_callbacks):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    concern = raise_concern(world.taught, senco)
    with django_capture_on_commit_callbacks(execute=True):
        [asked] = send_round_robin(concern=concern, sent_by=senco)
    note = Notification.objects.get(recipient=teacher)
    assert note.url == reverse("pupils:round_robin_answer", args=[asked.pk])
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert_no_pupil_named(world)


def test_passport_change_notifies_staff_who_teach_the_pupil_but_not_the_author(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.user(Role.SENCO))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pupils:passport_edit", args=[world.taught.pk]),
            {"captured_on": date.today().isoformat(), "voice_method": "conversation",
             "about_me": "I like maps", "what_helps_me": "Visual timetable"},
        )  # fmt: skip
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told == {world.user(Role.TEACHER).email, world.user(Role.TEACHING_ASSISTANT).email}
    assert_no_pupil_named(world)


@time_machine.travel(date(2026, 9, 7))
def test_drafting_a_plan_asks_parents_and_closes_the_draft_task(
    world, login, django_capture_on_commit_callbacks
):
    senco, parent = world.user(Role.SENCO), world.user(Role.PARENT)
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    decide_concern(concern=concern, decision="sen_support", rationale="Evidence shows need.",
                   decided_by=senco)  # fmt: skip
    draft = Task.objects.get(kind=Task.Kind.DRAFT_PLAN)
    assert draft.link == reverse("reviews:plan_create", args=[world.taught.pk])
    tell = Task.objects.get(kind=Task.Kind.TELL_PARENTS)
    assert tell.link == reverse("pupils:parent_informed", args=[world.taught.pk])
    client = login(senco)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:plan_create", args=[world.taught.pk]), plan_post(date(2026, 11, 30))
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.done_at is not None
    assert draft.history.first().history_change_reason.startswith("Done")
    note = Notification.objects.get(recipient=parent)
    assert note.url.startswith("/plans/") or "response" in note.url
    assert parent.email in [m.to[0] for m in mail.outbox]
    assert_no_pupil_named(world)
    # Telling parents closes the other task.
    client.post(
        reverse("pupils:parent_informed", args=[world.taught.pk]),
        {"informed_on": "2026-09-07", "method": "phone"},
    )
    tell.refresh_from_db()
    assert tell.done_at is not None


def test_asking_parents_for_views_notifies_them(world, django_capture_on_commit_callbacks):
    plan = make_plan(world.taught, world.user(Role.SENCO), status="active")
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_views(plan=plan, parties=["parent", "teacher"])
    assert Notification.objects.filter(recipient=world.user(Role.PARENT)).count() == 1
    assert_no_pupil_named(world)


def test_email_settings_none_and_digest(world, django_capture_on_commit_callbacks, capsys):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    senco.notification_email = EmailChoice.NONE
    senco.save()
    teacher.notification_email = EmailChoice.DIGEST
    teacher.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([senco, teacher], title="One thing", url="/a/")
        notify([teacher], title="Another thing", url="/b/")
    assert Notification.objects.count() == 3
    assert mail.outbox == []  # nobody wants an email for each
    call_command("send_digest")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert "One thing" in mail.outbox[0].body and "Another thing" in mail.outbox[0].body
    call_command("send_digest")
    assert len(mail.outbox) == 1  # each notification goes in one digest only
    assert "Sent 0 digest emails." in capsys.readouterr().out


def test_settings_page_saves_the_choice(world, login):
    client = login(world.user(Role.TEACHER))
    response = client.post(reverse("sendhub:notification_settings"), {"notification_email": "none"})
    assert response.status_code == 302
    world.user(Role.TEACHER).refresh_from_db()
    assert world.user(Role.TEACHER).notification_email == "none"


def test_opening_marks_read_and_mark_all_read(world, login):
    teacher = world.user(Role.TEACHER)
    first, second = notify([teacher], title="A", url="/x/") + notify(
        [teacher], title="B", url="/y/"
    )
    client = login(teacher)
    assert "nav-badge" in client.get(reverse("sendhub:notifications")).content.decode()
    response = client.get(reverse("sendhub:notification_open", args=[first.pk]))
    assert response["Location"] == "/x/"
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("sendhub:notification_read_all"))
    assert not Notification.objects.unread().exists()


def test_someone_elses_notification_is_not_found(world, login):
    [note] = notify([world.user(Role.SENCO)], title="A", url="/x/")
    client = login(world.user(Role.TEACHER))
    assert client.get(reverse("sendhub:notification_open", args=[note.pk])).status_code == 404
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("rows", [1, 12])
def test_list_queries_are_flat(world, login, rows, django_assert_num_queries):
    teacher = world.user(Role.TEACHER)
    counts = {}
    client = login(teacher)
    for n in (1, rows):
        Notification.objects.all().delete()
        for i in range(n):
            notify([teacher], title=f"Thing {i}", url="/x/", school=world.school)
        client.get(reverse("sendhub:notifications"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("sendhub:notifications")).status_code == 200
        counts[n] = len(captured)
    assert counts[1] == counts[rows]
