"""403, 404 and 500 pages: the site layout and what to do next, in plain words."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from sendhub.roles import Role

LAYOUT = ["Skip to main content", 'class="site-footer', "navbar"]


def has_site_layout(html):
    return all(part in html for part in LAYOUT)


@pytest.mark.django_db
def test_a_missing_page_uses_the_site_layout_and_says_what_to_do(senco_client, world, settings):
    settings.DEBUG = False
    response = senco_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert has_site_layout(html)
    assert world.user(Role.SENCO).get_full_name() in html or str(world.user(Role.SENCO)) in html
    assert "We could not find that page" in html
    assert f'href="{reverse("reports:home")}"' in html
    assert "What you can do" in html


@pytest.mark.django_db
def test_another_schools_pupil_is_the_same_plain_404(senco_client, world, settings):
    settings.DEBUG = False
    response = senco_client.get(reverse("pupils:detail", args=[world.elsewhere.pk]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_a_page_for_another_role_uses_the_site_layout(login, world, settings):
    settings.DEBUG = False
    client = login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:concern_queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert has_site_layout(html)
    assert "Your role cannot use this page" in html
    assert "as teacher" in html
    assert "What you can do" in html


@pytest.mark.django_db
def test_a_server_error_shows_the_500_page_with_debug_off(senco_client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.sendhub.error_urls"
    senco_client.raise_request_exception = False
    response = senco_client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert has_site_layout(html)
    assert "Sorry, something went wrong on our side" in html
    assert "What you can do" in html
    assert "RuntimeError" not in html and "Traceback" not in html


def test_the_500_page_needs_no_request_context_nor_database():
    """Django renders 500.html with an empty context; no database access is allowed here."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert has_site_layout(html)
    assert "Sorry, something went wrong on our side" in html


def test_no_template_names_an_internal_document():
    """Pages cite the law or the Code of Practice, never our own working files."""
    templates = Path(django_settings.BASE_DIR) / "templates"
    named = [
        f"{path.relative_to(templates)}: {match}"
        for path in templates.rglob("*.html")
        for match in re.findall(r"[\w./-]+\.md\b", path.read_text())
    ]
    assert named == []
