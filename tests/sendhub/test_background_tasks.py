"""Background tasks: in-process without a broker, and end to end on a real Celery worker."""

import os
import socket
import time

import pytest
from django.core import mail

from sendhub.celery import app
from sendhub.notifications.models import EmailChoice
from sendhub.notifications.services import notify
from sendhub.notifications.tasks import send_digest_task, send_emails
from sendhub.tasks import run_command
from tests.factories import UserFactory

REDIS = ("127.0.0.1", 6379)


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_broker():
    """Redis on 127.0.0.1:6379; skipped where none answers, but CI must have one."""
    if not redis_answers():
        if in_ci():
            pytest.fail("CI must run the Celery worker test: no Redis answers on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379 to run a Celery worker against")
    return "redis://127.0.0.1:6379/14"


def test_without_a_broker_tasks_run_in_the_same_process(db, django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager is True
    person = UserFactory(email="senco@example.org", notification_email=EmailChoice.EACH)
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], title="A concern is waiting for triage", url="/concerns/")
    assert [m.to for m in mail.outbox] == [["senco@example.org"]]
    assert "/concerns/" in mail.outbox[0].body


def test_the_digest_task_sends_what_the_command_sends(db):
    person = UserFactory(email="teacher@example.org", notification_email=EmailChoice.DIGEST)
    notify([person], title="A plan is waiting for your views", url="/plans/1/")
    assert mail.outbox == []
    assert send_digest_task.delay().get() == 1
    assert mail.outbox[0].to == ["teacher@example.org"]
    assert send_digest_task.delay().get() == 0


def test_only_the_periodic_commands_run_as_a_task(db):
    with pytest.raises(ValueError, match="not a periodic command"):
        run_command.delay("flush")
    run_command.delay("clear_stale_imports")


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    for job in app.conf.beat_schedule.values():
        assert job["task"] in app.tasks


@pytest.mark.slow
def test_a_real_worker_sends_the_emails_and_runs_a_job_through_redis(
    redis_broker, settings, transactional_db, own_world
):
    """A worker (a thread here) takes the tasks off Redis: it sends the email, and makes a
    subject access export (sendhub/jobs) the page then offers for download. One worker
    start for both, to keep CI time down; committed rows, so the worker thread sees them."""
    from sendhub.jobs.tasks import run_job
    from sendhub.models import Job
    from sendhub.roles import Role

    job = Job.objects.create(
        requested_by=own_world.user(Role.SENCO), school=own_world.school, kind="subject_access",
        params={"pupil_id": own_world.taught.pk},
    )  # fmt: skip
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_broker, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            message = ["SENDhub", "Waiting for you", "from@example.org", ["to@example.org"]]
            # Published on a connection of its own: an eager task earlier in this process
            # left the app's producer pool on the in-memory transport.
            with app.connection_for_write(redis_broker) as connection:
                send_emails.apply_async([[message]], connection=connection)
                run_job.apply_async([job.pk], connection=connection)
            for _ in range(1200):  # up to two minutes on a busy machine
                job.refresh_from_db()
                if mail.outbox and job.finished:
                    break
                time.sleep(0.1)
    finally:
        app.conf.update(saved)
    assert [m.to for m in mail.outbox] == [["to@example.org"]]
    assert job.status == Job.Status.DONE
    with job.file.open("rb") as made:
        assert made.read(2) == b"PK"  # a ZIP
