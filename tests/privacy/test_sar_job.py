"""The subject access export as a background job: prepare, watch the progress, download."""

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sendhub.models import AccessLog, Job
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the job when the request's transaction commits, as a real request does."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _prepare(client, world, pupil=None, **headers):
    client.force_login(world.user(Role.SENCO))
    pupil = pupil or world.taught
    return client.post(reverse("privacy:subject_access_prepare", args=[pupil.pk]), **headers)


def test_a_prepared_export_is_made_logged_and_downloaded_by_its_owner_only(
    client, world, on_commit
):
    response = on_commit(lambda: _prepare(client, world))
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.status, job.requested_by, job.school) == (
        "done",
        world.user(Role.SENCO),
        world.school,
    )
    assert job.file.name.startswith("private/jobs/")
    assert (
        AccessLog.objects.filter(pupil_id=world.taught.pk, what="subject access export").count()
        == 1
    )

    page = client.get(reverse("privacy:subject_access", args=[world.taught.pk]))
    download_url = reverse("sendhub:job_download", args=[job.pk])
    assert download_url in page.content.decode()

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Cache-Control"].startswith("no-store")
    assert download["Content-Type"] == "application/zip"
    assert f"subject-access-pupil-{world.taught.pk}-" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"records.pdf", "README.txt", "review-before-release.csv"} <= set(archive.namelist())

    # Another SENCO of the same school, and the head: the job is not theirs.
    other_senco = MembershipFactory(school=world.school, role=Role.SENCO).user
    for person in (other_senco, world.user(Role.SENIOR_LEADER)):
        client.force_login(person)
        assert client.get(download_url).status_code == 404
        assert client.get(reverse("sendhub:job_status", args=[job.pk])).status_code == 404


def test_the_partial_polls_while_running_then_swaps_in_the_link(client, world):
    senco = world.user(Role.SENCO)
    job = Job.objects.create(
        requested_by=senco, school=world.school, kind="subject_access",
        params={"pupil_id": world.taught.pk}, status="running", done=1, total=3,
    )  # fmt: skip
    client.force_login(senco)
    url = reverse("sendhub:job_status", args=[job.pk])
    running = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert "1 of 3" in running and 'aria-valuenow="33"' in running
    assert "download" not in running.lower().replace("hx-swap", "")

    from sendhub.jobs.tasks import run_job

    job.status = "queued"
    job.save()
    assert run_job(job.pk) == "done"
    finished = client.get(url)
    assert finished["Cache-Control"].startswith("no-store")
    html = finished.content.decode()
    assert "every 1s" not in html
    assert reverse("sendhub:job_download", args=[job.pk]) in html


def test_an_htmx_prepare_answers_with_the_partial(client, world, on_commit):
    response = on_commit(lambda: _prepare(client, world, HTTP_HX_REQUEST="true"))
    assert response.status_code == 200
    html = response.content.decode()
    job = Job.objects.get()
    # The partial answers at once; the job runs when the request commits.
    assert f'hx-get="{reverse("sendhub:job_status", args=[job.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    job.refresh_from_db()
    assert job.status == "done"


def test_a_failed_job_shows_a_plain_message(client, world):
    """A pupil the SENCO cannot see (another school's): the worker re-checks scope and fails."""
    senco = world.user(Role.SENCO)
    job = Job.objects.create(
        requested_by=senco, school=world.school, kind="subject_access",
        params={"pupil_id": world.elsewhere.pk},
    )  # fmt: skip
    from sendhub.jobs.tasks import run_job

    assert run_job(job.pk) == "failed"
    client.force_login(senco)
    html = client.get(reverse("sendhub:job_status", args=[job.pk])).content.decode()
    assert "Something went wrong while making this file" in html
    assert "every 1s" not in html
    assert client.get(reverse("sendhub:job_download", args=[job.pk])).status_code == 404


def test_only_the_senco_may_prepare_and_out_of_scope_is_not_found(client, world):
    assert _prepare(client, world, pupil=world.elsewhere).status_code == 404
    client.force_login(world.user(Role.TEACHER))
    url = reverse("privacy:subject_access_prepare", args=[world.taught.pk])
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()


def test_the_status_partial_runs_the_same_queries_however_far_the_job_has_got(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    counts = []
    for done, total in ((1, 3), (900, 5000)):
        job = Job.objects.create(
            requested_by=senco, school=world.school, kind="subject_access",
            status="running", done=done, total=total,
        )  # fmt: skip
        counts.append(
            count_queries(client, reverse("sendhub:job_status", args=[job.pk]), warm=True)
        )
    assert counts[0] == counts[1]
    assert counts[0] <= 6


def test_files_are_removed_after_24_hours(client, world, on_commit):
    on_commit(lambda: _prepare(client, world))
    job = Job.objects.get()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        call_command("clear_expired_jobs")
    assert storage.exists(name)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        call_command("clear_expired_jobs")
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("expired", "")
    assert not storage.exists(name)
    assert client.get(reverse("sendhub:job_download", args=[job.pk])).status_code == 404
    page = client.get(reverse("privacy:subject_access", args=[world.taught.pk])).content.decode()
    assert "removed after 24 hours" in page
