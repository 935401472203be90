"""
Two application servers behind one address (docs/deploy.md): two gunicorns on loopback
sharing PostgreSQL, Redis (sessions and cache) and the media folder. Signed in on one, a
person carries on on the other; a photo uploaded through one is served by the other.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pupils.models import PassportVersion
from sendhub.roles import Role
from tests.conftest import make_member
from tests.factories import PupilFactory, SchoolFactory
from tests.pupils.passport_data import SECTIONS, give_passport
from tests.pupils.test_passport_photo import jpeg_with_gps
from tests.sendhub.test_background_tasks import in_ci, redis_answers

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "two-servers-correct-horse-battery"

pytestmark = pytest.mark.slow


@pytest.fixture
def shared_services():
    """PostgreSQL (the test database) and Redis; skipped on SQLite, required in CI."""
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database; this run is on SQLite")
    if not redis_answers():
        if in_ci():
            pytest.fail("CI must run the two-server test: no Redis answers on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379 for shared sessions")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers(shared_services, transactional_db, tmp_path):
    """Two gunicorns (one worker each) with the same secret key, database, Redis and media."""
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "SENDHUB_CACHE_PREFIX": f"two-servers-{uuid.uuid4().hex[:8]}",
        "SENDHUB_MEDIA_ROOT": str(tmp_path / "shared-media"),
        "DJANGO_SECRET_KEY": "two-servers-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "sendhub.settings",
    }
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = [
        subprocess.Popen(
            [
                gunicorn,
                "sendhub.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(port)
        yield [f"http://127.0.0.1:{port}" for port in ports], env
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer on port {port}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A cookie jar that sends the same cookies to both servers (same host, two ports)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    return opener, jar


def fetch(opener, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def csrf(jar):
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, kind) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def totp_code(device):
    from binascii import unhexlify

    from django_otp.oath import TOTP

    return f"{TOTP(unhexlify(device.key), step=device.step, digits=device.digits).token():06d}"


def test_sign_in_on_one_server_and_carry_on_on_the_other(two_servers, settings):
    (first, second), env = two_servers
    # A hash the servers accept (the tests' fast hasher is not in production's list).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    school = SchoolFactory()
    senco = make_member(Role.SENCO, school=school, email="senco@two-servers.test")
    senco.set_password(PASSWORD)
    senco.save()
    device = TOTPDevice.objects.create(user=senco, name="Authenticator app", confirmed=True)
    pupil = PupilFactory(school=school, first_name="Imogen")
    give_passport(pupil, senco)
    opener, jar = browser()

    # Sign in on the first server.
    login = reverse("login")
    fetch(opener, first + login)
    form = {"username": senco.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf(jar)}
    status, headers, _ = fetch(
        opener, first + login, urllib.parse.urlencode(form).encode(),
        {"Referer": first + login},
    )  # fmt: skip
    assert status == 302 and headers["Location"] == "/", status
    # The second step, on the same server: a code from the SENCO's authenticator app.
    verify = reverse("two_factor_verify")
    fetch(opener, first + verify)
    form = {"code": totp_code(device), "csrfmiddlewaretoken": csrf(jar)}
    status, _, page = fetch(
        opener, first + verify, urllib.parse.urlencode(form).encode(),
        {"Referer": first + verify},
    )  # fmt: skip
    assert status == 302, page[:500]

    # The session lives in Redis, where the second server finds it, signed in and verified.
    import redis

    keys = redis.Redis.from_url(REDIS_URL).keys(f"{env['SENDHUB_CACHE_PREFIX']}:*")
    assert any(b"sessions" in key for key in keys), keys
    status, _, body = fetch(opener, second + reverse("pupils:detail", args=[pupil.pk]))
    assert status == 200 and b"Imogen" in body

    # A photo uploaded through the second server is served by the first.
    edit = reverse("pupils:passport_edit", args=[pupil.pk])
    fetch(opener, second + edit)
    body, kind = multipart(
        {**SECTIONS, "voice_method": "conversation", "voice_notes": "",
         "captured_on": "2025-11-03", "csrfmiddlewaretoken": csrf(jar)},
        {"photo": ("me.jpg", jpeg_with_gps(), "image/jpeg")},
    )  # fmt: skip
    status, _, page = fetch(opener, second + edit, body, {"Content-Type": kind})
    assert status == 302, re.findall(rb"invalid-feedback[^<]*<[^>]*>([^<]*)", page)
    version = PassportVersion.objects.filter(passport__pupil=pupil).exclude(photo="").get()
    photo = reverse("pupils:passport_photo", args=[pupil.pk, version.number])
    status, headers, image = fetch(opener, first + photo)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert image.startswith(b"\xff\xd8")
