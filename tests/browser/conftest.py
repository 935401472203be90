"""
Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Browser tests skip with a reason where no Chromium is installed, except when
SENDHUB_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test body alongside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
PASSWORD = "pw-for-tests-1"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("SENDHUB_REQUIRE_BROWSER") == "1":
            pytest.fail("SENDHUB_REQUIRE_BROWSER=1 but no chromium is installed")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPage:
    """A Playwright page bound to the live server, collecting console errors."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors = []
        page.on("console", self._note_console_message)

    def _note_console_message(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def stop_listening(self):
        self.page.remove_listener("console", self._note_console_message)

    def __getattr__(self, name):
        return getattr(self.page, name)

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        return response

    def resize(self, size):
        self.page.set_viewport_size(size)


def _new_context(browser, *, bypass_csp, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, locale="en-GB")
    context.set_default_timeout(15000)
    if bypass_csp:
        # axe-core is in every page of the context from the start: registering it once is
        # much cheaper than sending its source with each check (check_accessibility).
        context.add_init_script(path=str(AXE))
    return context


def _new_page(browser, live_server, *, bypass_csp, viewport):
    context = _new_context(browser, bypass_csp=bypass_csp, viewport=viewport)
    return context, BrowserPage(context.new_page(), live_server.url)


@pytest.fixture
def world(own_world):
    """The live server reads committed rows: each browser test builds its own world."""
    return own_world


@pytest.fixture(scope="module")
def _module_tab(browser, live_server):
    """One context and tab for a module's tests, handed from test to test by `page`.

    A new context and tab cost about 0.7 s before the first page shows (a renderer process,
    and axe-core compiled again for it); the tests of a module share them instead, and each
    test still starts signed out, at desktop size, on a blank tab, with its own console."""
    context = _new_context(browser, bypass_csp=True, viewport=DESKTOP)
    yield {"context": context, "tab": context.new_page()}
    context.close()


@pytest.fixture
def page(_module_tab, live_server):
    """A desktop-sized page, signed out, with no cookies. CSP is bypassed only so that
    axe-core can be injected."""
    context = _module_tab["context"]
    if _module_tab["tab"].is_closed():
        _module_tab["tab"] = context.new_page()
    tab = _module_tab["tab"]
    browser_page = BrowserPage(tab, live_server.url)
    yield browser_page
    browser_page.stop_listening()
    try:
        # Nothing left loading for the next test, which starts at desktop size.
        tab.goto("about:blank")
        tab.set_viewport_size(DESKTOP)
    except Exception:
        tab.close()  # a tab in a bad state is replaced by the next test
    # After the blank page, so no answer still on its way can set a cookie again.
    context.clear_cookies()


@pytest.fixture
def strict_page(browser, live_server):
    """A page that keeps the Content-Security-Policy, to catch violations."""
    context, browser_page = _new_page(browser, live_server, bypass_csp=False, viewport=DESKTOP)
    yield browser_page
    context.close()


def sign_in_with_form(page, user, password=PASSWORD):
    """Sign in as a person does: the sign-in page, email, password, the button."""
    page.open("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"sign-in failed for {user.email}"


def sign_in(page, user, password=None):
    """Open the home page signed in as user: with a password, through the sign-in form;
    without, with a session made the way the test client's force_login makes one (the same
    signal handlers run), which saves the form's two requests where signing in is not what
    the test is about. Tests of signing in itself use sign_in_with_form."""
    if password is not None:
        sign_in_with_form(page, user, password)
        return
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )
    page.open("/")
    assert "/accounts/login/" not in page.url, f"sign-in failed for {user.email}"


def screenshots_wanted():
    """Screenshots are for people to read: CI keeps them (CI=true), and SENDHUB_SCREENSHOTS=1
    asks for them locally. Otherwise the suite skips them: each full-page PNG costs a fraction
    of a second, and nothing in the suite reads them back."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("SENDHUB_SCREENSHOTS") == "1"


def screenshot(page, name, *, full_page=True):
    path = ARTIFACTS / f"{name}.png"
    if not screenshots_wanted():
        return path
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


def check_accessibility(page, *, exclude=(), full_results=False):
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) and fail on any violation.

    With full_results the returned result also lists the rules that passed or were unsure."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # Colours are checked at rest: the pointer off every control (a full-page screenshot can
    # leave it over a button as the page grows), and hover or collapse transitions finished,
    # so axe never reads a colour halfway through a fade.
    page.mouse.move(0, 0)
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
        },
    }
    if not full_results:
        # Only violations fail a test: axe skips collecting the passes and the rest.
        options["resultTypes"] = ["violations"]
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2)
    return result
