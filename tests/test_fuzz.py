"""
Property-based tests (Hypothesis): no input to a form or to the MIS import gives a server
error or a partial write.

The forms are found, not listed by hand: every page of the URL x role matrix that the
SENCO (or the administrator, for the people pages) can open is fetched, and each
`<form method="post">` on it is posted back with values drawn from its own options and
from a set of awkward inputs (empty, huge, NUL, control and right-to-left characters,
impossible dates, numbers out of range, formula and markup text). A refused form must
leave every table as it was (the access log aside: reading a pupil's file is logged even
when the form on it is refused).
"""

import csv
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pupils.models import ImportBatch, Pupil
from sendhub.roles import Role
from tests.conftest import table_row_counts
from tests.pupils.import_files import SIMS_HEADER, sims_row
from tests.test_access import ACCESS, _url

pytestmark = pytest.mark.django_db

# Fewer examples in `make test`, more in CI (tests/conftest.py registers the profiles).
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

AWKWARD = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "31/12/9999",
    "0001-01-01",
    "00:61",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "x" * 5000,
    "🙂" * 50,
    "on",
]

# Forms that only sign out or change language; nothing to fuzz.
NOT_FUZZED_ACTIONS = {"/accounts/logout/"}


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)  # name -> list of offered values
    multiple: set = field(default_factory=set)


class _FormParser(HTMLParser):
    """The POST forms of a page: each field's name and the values the page offers for it."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = urljoin(self.page_url, attrs.get("action") or self.page_url)
                self._form = Form(action=urlsplit(action).path)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            offered = self._form.fields.setdefault(name, [])
            offered.append(attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
            if attrs.get("type") == "checkbox" and len(offered) > 1:
                self._form.multiple.add(name)
        elif tag == "textarea" and name:
            self._form.fields.setdefault(name, [""])
        elif tag == "select" and name:
            self._select = name
            self._form.fields.setdefault(name, [])
            if "multiple" in attrs:
                self._form.multiple.add(name)
        elif tag == "option" and self._select:
            self._form.fields[self._select].append(attrs.get("value", ""))
        elif tag == "button" and name:
            self._form.fields.setdefault(name, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            if self._form.fields and self._form.action not in NOT_FUZZED_ACTIONS:
                self.forms.append(self._form)
            self._form = None


def forms_on(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if not response["Content-Type"].startswith("text/html"):
        return []
    parser = _FormParser(url)
    parser.feed(response.content.decode())
    return parser.forms


# Downloads (PDF, CSV, spreadsheets, calendars, photos) hold no forms.
DOWNLOADS = ("pdf", "csv", "xlsx", "export", "ics", "feed", "download", "photo", "zip")


def value_for(offered):
    choices = [value for value in offered if value is not None]
    return st.one_of(
        st.sampled_from(choices) if choices else st.just(""),
        st.sampled_from(AWKWARD),
        st.text(max_size=200),
    )


def fill(form):
    """A strategy for a dict of POST data: each field kept, dropped or given an awkward value."""
    strategies = {}
    for name, offered in form.fields.items():
        one = value_for(offered)
        if name in form.multiple:
            strategies[name] = st.lists(one, max_size=3)
        else:
            strategies[name] = st.one_of(st.none(), one)
    return st.fixed_dictionaries(strategies).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


OURS = {"sendhub", "pupils", "provision", "reviews", "reports", "portal", "privacy", "demo"}


def row_counts():
    """Rows in every table of ours but the access log (reads are logged even when refused)."""
    return table_row_counts(OURS, skip={"sendhub.AccessLog"})


def fuzzable_pages():
    """Pages of the matrix with a GET the SENCO (or else the administrator) may open."""
    pages = []
    for name, access in sorted(ACCESS.items()):
        if access.method != "get" or any(word in name for word in DOWNLOADS):
            continue
        for role in (Role.SENCO, Role.ADMIN):
            if access.expected[role] == 200:
                pages.append((name, role))
                break
    return pages


def refused(response):
    """The answer turns the post down: a 4xx, or the page again with a form showing errors.
    (A success answers with a redirect, or for a few no-login pages a thank-you page.)"""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    return any(
        isinstance(value, BaseForm | BaseFormSet) and value.is_bound and not value.is_valid()
        for context in response.context
        for value in context.flatten().values()
    )


def post_fuzzed(client, form, data):
    """POST data to the form in a transaction rolled back afterwards; check what it did."""
    with transaction.atomic():
        before = row_counts()
        response = client.post(form.action, data)  # a server error raises here
        assert response.status_code < 500, (form.action, data)
        if refused(response):
            assert row_counts() == before, ("a refused form wrote rows", form.action, data)
        transaction.set_rollback(True)


_FORMS = {}


def _forms_of_page(client, world, name, role):
    """The page's forms, read once per test (the module's world keeps its keys)."""
    key = (name, role, id(world))  # a fresh world per test: its pages may make objects
    if key not in _FORMS:
        _FORMS[key] = forms_on(client, _url(name, ACCESS[name], world, role))
    return _FORMS[key]


@pytest.mark.parametrize(("name", "role"), fuzzable_pages())
@FUZZ
@given(data=st.data())
def test_no_form_input_gives_a_server_error_or_a_partial_write(client, world, name, role, data):
    client.force_login(world.user(role))
    forms = _forms_of_page(client, world, name, role)
    if not forms:
        return  # a page without a POST form: nothing to fuzz (counted below)
    form = data.draw(st.sampled_from(forms), label="form")
    post_fuzzed(client, form, data.draw(fill(form), label="data"))


def test_at_least_twenty_forms_are_fuzzed(client, world):
    """The walk above reaches the forms of the product, not a handful."""
    actions = set()
    for name, role in fuzzable_pages():
        page_world = world.fresh()  # as each fuzz test sees it: nothing cached from the last
        client.force_login(page_world.user(role))
        with transaction.atomic():  # some pages' URLs make the object they show
            for form in forms_on(client, _url(name, ACCESS[name], page_world, role)):
                actions.add((name, tuple(sorted(form.fields))))
            transaction.set_rollback(True)
    print(f"{len(actions)} forms fuzzed:", *sorted(actions), sep="\n")
    assert len(actions) >= 20, sorted(actions)


# The MIS import: any cell in any column, through the upload, preview and apply screens.

CELL = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40))


@st.composite
def roll_files(draw):
    rows = []
    for serial in range(draw(st.integers(min_value=1, max_value=6))):
        row = sims_row(serial + 1, "Surname", "Forename")
        for column in draw(st.sets(st.integers(0, len(SIMS_HEADER) - 1), max_size=5)):
            row[column] = draw(CELL)
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SIMS_HEADER)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(content=roll_files(), full_roll=st.booleans())
def test_no_import_file_gives_a_server_error_or_a_partial_write(client, world, content, full_roll):
    client.force_login(world.user(Role.SENCO))
    with transaction.atomic():
        pupils_before = Pupil.objects.filter(school=world.school).count()
        data = {"file": SimpleUploadedFile("roll.csv", content)}
        if full_roll:
            data["full_roll"] = "on"
        response = client.post(reverse("pupils:import"), data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:  # refused with a reason: nothing stored
            assert not ImportBatch.objects.filter(school=world.school).exists()
        else:
            assert client.get(response.url).status_code == 200  # the preview
            batch = ImportBatch.objects.get(school=world.school)
            response = client.post(reverse("pupils:import_apply", args=[batch.pk]))
            assert response.status_code == 302
            batch.refresh_from_db()
            counts = batch.result["counts"]
            # Every row is either applied whole or refused whole: new pupils are exactly the
            # rows the result calls new.
            after = Pupil.objects.filter(school=world.school).count()
            assert after == pupils_before + counts["new"]
            assert (
                counts["new"] + counts["changed"] + counts["unchanged"] + counts["rejected"]
                == counts["rows"]
            )
        transaction.set_rollback(True)
