"""My tasks and the dashboard's Open tasks tile: follow-ups from decisions."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pupils.identification.workflow import decide_concern
from pupils.models import Task
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import PupilFactory
from tests.pupils.concern_data import raise_concern

pytestmark = pytest.mark.django_db


def make_task(world, pupil, *, user=None, title="Draft a support plan", due_in=7, done=False):
    return Task.objects.create(
        school=world.school,
        pupil=pupil,
        assigned_to=user or world.user(Role.SENCO),
        title=title,
        due_on=date.today() + timedelta(days=due_in),
        done_at=timezone.now() if done else None,
    )


def section(html, heading_id):
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_decision_tasks_appear_on_my_tasks_with_links_to_pupil_and_concern(senco_client, world):
    senco = world.user(Role.SENCO)
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    decide_concern(concern=concern, decision="sen_support", rationale="Evidence shows need.",
                   decided_by=senco)  # fmt: skip
    html = senco_client.get(reverse("pupils:tasks")).content.decode()
    assert "Draft a support plan for Taught Pupil" in html
    assert "Tell Taught Pupil&#x27;s teachers about the support" in html
    assert "Open (3)" in html and "Done (0)" in html
    assert reverse("pupils:concern_detail", args=[concern.pk]) in html
    assert reverse("pupils:detail", args=[world.taught.pk]) in html


def test_only_my_tasks_about_pupils_i_can_see_are_listed(client, world):
    senco = world.user(Role.SENCO)
    other_senco = world.user(Role.SENIOR_LEADER)  # any other person at the school
    make_task(world, world.taught, title="Mine, in scope")
    make_task(world, world.elsewhere, title="Mine, another school's pupil")
    make_task(world, world.taught, user=other_senco, title="Someone else's")
    client.force_login(senco)
    html = client.get(reverse("pupils:tasks")).content.decode()
    assert "Mine, in scope" in html
    assert "another school" not in html and "Someone else" not in html
    assert "Open (1)" in html


def test_open_and_done_filters_and_overdue_highlight(senco_client, world):
    make_task(world, world.taught, title="Late one", due_in=-2)
    make_task(world, world.taught, title="Soon one", due_in=3)
    make_task(world, world.untaught, title="Finished one", done=True)
    html = senco_client.get(reverse("pupils:tasks")).content.decode()
    assert html.index("Late one") < html.index("Soon one")  # earliest due first
    assert "Finished one" not in html
    assert "1 task overdue." in html
    late = html.split("Late one", 1)[1].split("</li>", 1)[0]
    assert "Overdue" in late
    soon = html.split("Soon one", 1)[1].split("</li>", 1)[0]
    assert "Overdue" not in soon

    done = senco_client.get(reverse("pupils:tasks"), {"show": "done"}).content.decode()
    assert "Finished one" in done and "Late one" not in done
    assert "Mark done" not in done
    assert 'aria-current="page" href="/pupils/tasks/?show=done"' in done


def test_mark_done_from_my_tasks_returns_to_the_list(senco_client, world):
    task = make_task(world, world.taught, title="Tell the teachers")
    url = reverse("pupils:tasks")
    response = senco_client.post(
        reverse("pupils:task_done", args=[task.pk]), {"next": url}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Done: Tell the teachers." in response.content.decode()
    assert "Open (0)" in response.content.decode()


def test_cannot_mark_done_a_task_about_a_pupil_out_of_scope(senco_client, world):
    task = make_task(world, world.elsewhere)
    response = senco_client.post(reverse("pupils:task_done", args=[task.pk]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_senco_dashboard_tile_counts_open_tasks_and_lists_the_three_oldest(senco_client, world):
    for index in range(4):
        make_task(world, world.taught, title=f"Task {index}", due_in=index - 1)
    make_task(world, world.taught, title="Done already", done=True)
    tile = section(senco_client.get(reverse("reports:home")).content.decode(), "tile-tasks")
    assert reverse("pupils:tasks") in tile
    assert '<p class="fs-3 fw-semibold mb-1">4</p>' in tile
    assert "1 overdue" in tile
    assert ["Task 0" in tile, "Task 1" in tile, "Task 2" in tile, "Task 3" in tile] == [
        True, True, True, False,
    ]  # fmt: skip
    assert tile.count(">overdue</span>") == 1  # Task 0 was due yesterday
    assert "Done already" not in tile


def test_senior_leader_dashboard_has_no_triage_or_task_tiles(client, world):
    make_task(world, world.taught, user=world.user(Role.SENIOR_LEADER))
    raise_concern(world.taught, world.user(Role.TEACHER))
    client.force_login(world.user(Role.SENIOR_LEADER))
    html = client.get(reverse("reports:home")).content.decode()
    assert 'id="tile-tasks"' not in html and 'id="tile-concerns"' not in html
    assert f'href="{reverse("pupils:concern_queue")}"' not in html
    assert f'href="{reverse("pupils:tasks")}"' not in html


def grow_tasks(world, n):
    for index in range(n):
        pupil = PupilFactory(school=world.school)
        concern = raise_concern(pupil, world.user(Role.TEACHER))
        task = make_task(world, pupil, title=f"Grown {index}", due_in=index - 2)
        task.concern = concern
        task.save()
        make_task(world, pupil, title=f"Grown done {index}", done=True)


@pytest.mark.parametrize(
    ("url_name", "params"),
    [("pupils:tasks", {}), ("pupils:tasks", {"show": "done"}), ("reports:home", {})],
)
def test_task_pages_do_not_grow(client, world, url_name, params):
    client.force_login(world.user(Role.SENCO))
    grow_tasks(world, 1)
    url = reverse(url_name)
    client.get(url, params)
    small = count_queries(client, url, params)
    grow_tasks(world, 8)
    assert count_queries(client, url, params) == small


def test_done_tasks_page_links_keep_the_done_tab(senco_client, world):
    """The shared pagination keeps the chosen tab in the page links (50 a page)."""
    for index in range(51):
        make_task(world, world.taught, title=f"Done job {index}", done=True)
    html = senco_client.get(reverse("pupils:tasks"), {"show": "done"}).content.decode()
    assert 'aria-label="Task pages"' in html
    assert 'href="?show=done&amp;page=2"' in html
    second = senco_client.get(reverse("pupils:tasks"), {"show": "done", "page": 2})
    assert len(second.context["page"].object_list) == 1
    assert 'href="?show=done&amp;page=1"' in second.content.decode()


def test_senco_hands_a_task_on_keeping_history_and_telling_them(
    senco_client, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from sendhub.models import Notification

    task = make_task(world, world.taught)
    teacher = world.user(Role.TEACHER)
    with django_capture_on_commit_callbacks(execute=True):
        response = senco_client.post(
            reverse("pupils:task_reassign", args=[task.pk]), {"assigned_to": teacher.pk}
        )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assigned_to == teacher
    assert task.history.count() == 2
    assert task.history.first().history_change_reason.startswith("Reassigned by")
    assert Notification.objects.get(recipient=teacher).url == reverse("pupils:tasks")
    assert "Taught" not in mail.outbox[0].body
    # The teacher now sees it on their own list.
    senco_client.force_login(teacher)
    assert "Draft a support plan" in senco_client.get(reverse("pupils:tasks")).content.decode()


def test_a_task_cannot_go_to_someone_at_another_school(senco_client, world):
    from tests.factories import MembershipFactory

    task = make_task(world, world.taught)
    elsewhere = MembershipFactory(school=world.other_school, role=Role.TEACHER).user
    senco_client.post(
        reverse("pupils:task_reassign", args=[task.pk]), {"assigned_to": elsewhere.pk}
    )
    task.refresh_from_db()
    assert task.assigned_to == world.user(Role.SENCO)


def test_overdue_and_school_views_of_tasks(senco_client, world):
    make_task(world, world.taught, title="Late one", due_in=-2)
    make_task(world, world.taught, title="Not yet", due_in=3)
    make_task(world, world.taught, user=world.user(Role.TEACHER), title="Teacher's")
    html = senco_client.get(reverse("pupils:tasks") + "?show=overdue").content.decode()
    assert "Late one" in html and "Not yet" not in html
    html = senco_client.get(reverse("pupils:tasks") + "?whose=school").content.decode()
    assert "Teacher&#x27;s" in html


@pytest.mark.parametrize("whose", ["mine", "school"])
def test_task_list_queries_are_flat(senco_client, world, whose):
    url = reverse("pupils:tasks") + f"?whose={whose}"
    counts = []
    for rows in (1, 10):
        Task.objects.all().delete()
        for i in range(rows):
            make_task(world, world.taught, title=f"Task {i}")
        senco_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            senco_client.get(url)
        counts.append(len(captured))
    assert counts[0] == counts[1]
