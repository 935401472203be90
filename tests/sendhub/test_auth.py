import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sendhub.middleware import SESSION_LAST_SEEN_KEY
from sendhub.models import Membership
from sendhub.roles import Role
from tests.conftest import make_member

PASSWORD = "pw-for-tests-1"


def sign_in(client, email, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_sign_in_by_email_in_any_case(client, world):
    user = world.user(Role.TEACHER)
    response = sign_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_wrong_password_shows_a_message_and_no_session(client, world):
    response = sign_in(client, world.user(Role.TEACHER).email, "wrong")
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_only_that_account_on_a_shared_ip(client, world):
    """A whole school shares one IP: one account's failures must not lock the others."""
    victim, colleague = world.user(Role.TEACHER), world.user(Role.SENCO)
    for _ in range(10):
        sign_in(client, victim.email, "wrong-password")
    locked = sign_in(client, victim.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()

    allowed = sign_in(client, colleague.email, PASSWORD)
    assert allowed.status_code == 302
    assert int(client.session["_auth_user_id"]) == colleague.pk


# Behind the TLS proxy (SENDHUB_PROXY_COUNT) -------------------------------------------

PROXY = "10.0.0.2"  # what REMOTE_ADDR is for every request that came through the proxy


def sign_in_via_proxy(client, email, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_client_address_is_counted_on_its_own(client, settings, world):
    """Every request comes from the proxy: the lock must follow the client's address."""
    settings.SENDHUB_PROXY_COUNT = 1
    user = world.user(Role.TEACHER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy(client, user.email, "wrong-password", "198.51.100.9")

    assert sign_in_via_proxy(client, user.email, PASSWORD, "198.51.100.9").status_code == 429
    assert sign_in_via_proxy(client, user.email, PASSWORD, "203.0.113.7").status_code == 302


@pytest.mark.django_db
def test_forged_forwarded_for_entries_do_not_escape_the_lock(client, settings, world):
    """The proxy appends the address it saw; entries left of it come from the client."""
    settings.SENDHUB_PROXY_COUNT = 1
    user = world.user(Role.TEACHER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy(client, user.email, "wrong-password", f"192.0.2.{n}, 198.51.100.9")

    locked = sign_in_via_proxy(client, user.email, PASSWORD, "192.0.2.99, 198.51.100.9")
    assert locked.status_code == 429


@pytest.mark.django_db
def test_without_a_proxy_the_forwarded_for_header_is_not_trusted(client, settings, world):
    settings.SENDHUB_PROXY_COUNT = 0
    user = world.user(Role.TEACHER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy(client, user.email, "wrong-password", f"192.0.2.{n}")

    assert sign_in_via_proxy(client, user.email, PASSWORD, "192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1, 198.51.100.9", "198.51.100.9"),
        (2, "192.0.2.1, 198.51.100.9, 10.0.0.1", "198.51.100.9"),
        (2, "10.0.0.1", PROXY),  # shorter than the proxy chain: not through our proxies
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_the_nth_forwarded_entry_from_the_right(
    rf, settings, count, forwarded_for, expected
):
    from sendhub.login_throttle import client_ip

    settings.SENDHUB_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_many_failures_across_accounts_lock_the_address(client, settings, world):
    """Password spraying: one address trying many accounts is locked, other schools are not."""
    settings.SENDHUB_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    spray = "198.51.100.66"
    for n in range(20):
        sign_in(client, f"guess{n}@oakfield.sch.uk", "Summer2025!", ip=spray)

    colleague = world.user(Role.SENCO)
    locked = sign_in(client, colleague.email, PASSWORD, ip=spray)
    assert locked.status_code == 429
    assert sign_in(client, colleague.email, PASSWORD, ip="203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_the_address_lock_lifts_after_its_window(client, settings, world):
    settings.SENDHUB_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    user = world.user(Role.TEACHER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(3):
            sign_in(client, f"guess{n}@oakfield.sch.uk", "wrong")
        assert sign_in(client, user.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=settings.SENDHUB_LOGIN_ADDRESS_WINDOW_MINUTES + 1))
        assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_deploy_check_warns_behind_a_proxy_without_a_proxy_count(settings):
    from sendhub.checks import proxy_count_behind_a_proxy

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SENDHUB_PROXY_COUNT = 0
    assert [w.id for w in proxy_count_behind_a_proxy(None)] == ["sendhub.W001"]
    settings.SENDHUB_PROXY_COUNT = 1
    assert proxy_count_behind_a_proxy(None) == []


# Browser cache ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.SENCO, lambda world: reverse("pupils:detail", args=[world.taught.pk])),
        (Role.TEACHER, lambda world: reverse("reports:class_view_pdf")),
        (Role.SENCO, lambda world: reverse("pupils:register_export", args=["csv"])),
        (Role.SENCO, lambda world: reverse("pupils:register_export", args=["xlsx"])),
        (Role.PARENT, lambda world: reverse("reports:home")),
    ],
)
def test_nothing_shown_to_a_signed_in_person_is_kept_in_a_cache(client, world, role, url):
    client.force_login(world.user(role))
    response = client.get(url(world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_lock_lifts_after_the_cool_off(client, world):
    user = world.user(Role.TEACHER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, user.email, "wrong-password")
        assert sign_in(client, user.email, PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
        assert sign_in(client, user.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_idle_session_is_signed_out(client, world):
    client.force_login(world.user(Role.TEACHER))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=settings.SENDHUB_SESSION_IDLE_MINUTES - 1))
        assert client.get("/").status_code == 200  # activity resets the clock
        traveller.shift(timedelta(minutes=settings.SENDHUB_SESSION_IDLE_MINUTES + 1))
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_reading_pages_writes_the_session_at_most_once_a_minute(client, world):
    client.force_login(world.user(Role.TEACHER))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/")
        first_seen = client.session[SESSION_LAST_SEEN_KEY]
        traveller.shift(timedelta(seconds=30))
        client.get("/")
        assert client.session[SESSION_LAST_SEEN_KEY] == first_seen
        traveller.shift(timedelta(seconds=31))
        client.get("/")
        assert client.session[SESSION_LAST_SEEN_KEY] > first_seen


@pytest.mark.django_db
def test_parents_get_a_longer_idle_allowance(client, world):
    client.force_login(world.user(Role.PARENT))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/")
        traveller.shift(timedelta(minutes=settings.SENDHUB_SESSION_IDLE_MINUTES + 5))
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_responses_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_use_no_inline_script(client, world):
    client.force_login(world.user(Role.SENCO))
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html


@pytest.mark.django_db
def test_person_with_two_roles_picks_the_current_one(client, world):
    teacher = world.user(Role.TEACHER)
    parent_role = Membership.objects.create(user=teacher, role=Role.PARENT, school=world.school)
    client.force_login(teacher)
    assert "My classes" in client.get("/").content.decode()
    response = client.post(reverse("sendhub:switch_role"), {"membership": parent_role.pk})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "We could not find a child linked to your account" in page


@pytest.mark.django_db
def test_cannot_switch_into_someone_elses_role(client, world):
    client.force_login(world.user(Role.TEACHER))
    senco_membership = world.user(Role.SENCO).memberships.get()
    response = client.post(reverse("sendhub:switch_role"), {"membership": senco_membership.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_person_without_a_role_is_told_who_to_ask(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "no school has given you a role" in response.content.decode()


@pytest.mark.django_db
def test_trust_lead_has_no_pupil_permissions(world):
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    assert not lead.has_module_perms("pupils")
    assert not lead.has_perm("pupils.view_sen_summary")


def production_environment():
    """This process's environment without test-only switches (the browser tests set one)."""
    test_only = {"DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"}
    return {k: v for k, v in os.environ.items() if k not in test_only}


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        **production_environment(),
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "sendhub.example.org",
        "DJANGO_HTTPS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_a_secret_key(tmp_path):
    env = production_environment()
    env.update(
        DJANGO_ALLOWED_HOSTS="sendhub.example.org",
        DJANGO_HTTPS="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "sendhub.E001" in result.stdout + result.stderr
