"""Every link on each role's home page opens for that role (no tile leads to a 403 or 404)."""

from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from pupils.codes import SenStage
from pupils.identification.workflow import decide_concern
from pupils.register.services import record_register_change
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.pupils.concern_data import raise_concern
from tests.pupils.passport_data import with_documents
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db

# Not walked, by URL name:
# - logout: a POST-only form in the navbar (it is a <form>, not a link, so never collected);
# - downloads (PDFs of the class view, passport, profile, plan and review, register and
#   census exports, attachments and reports): they answer with a file, and their access
#   is walked in tests/test_access.py. None is on a home page today; the set keeps the
#   walk from rendering PDFs if one is added.
NOT_WALKED = {
    "logout",
    "reports:class_view_pdf",
    "pupils:passport_pdf",
    "pupils:profile_pdf",
    "reviews:plan_pdf",
    "reviews:review_pdf",
    "pupils:register_export",
    "pupils:census_export",
    "pupils:concern_attachment",
    "pupils:referral_report",
}


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.hrefs.append(attrs["href"])


def same_site_links(html):
    """Paths of links to this site: fragments, mailto:/tel: and other hosts are left out."""
    collector = LinkCollector()
    collector.feed(html)
    links = []
    for href in collector.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            continue
        if not parts.path:  # "#main" and other in-page anchors
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in links:
            links.append(path)
    return links


def fill_every_tile(world):
    """Data that puts a link in every tile: register, concerns, tasks, plans, parents."""
    senco = world.user(Role.SENCO)
    with_documents(world)
    record_register_change(
        pupil=world.untaught, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
        effective_on=date(2025, 9, 1), reason="On the register, parents not yet told",
        decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    decided = raise_concern(world.taught, world.user(Role.TEACHER))
    decide_concern(concern=decided, decision="sen_support", rationale="Evidence of need.",
                   decided_by=senco)  # fmt: skip
    raise_concern(world.taught, world.user(Role.TEACHER))  # still to triage
    make_plan(world.taught, senco)  # waiting for parents to agree
    make_plan(world.untaught, senco, status=SupportPlan.Status.ACTIVE,
              review_due_on=date.today() + timedelta(days=3))  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_every_link_on_the_home_page_opens_for_the_role(client, world, role):
    fill_every_tile(world)
    client.force_login(world.user(role))
    home = client.get(reverse("reports:home"))
    assert home.status_code == 200
    links = same_site_links(home.content.decode())
    walked = []
    for path in links:
        name = resolve(urlsplit(path).path).view_name
        if name in NOT_WALKED:
            continue
        walked.append(path)
        # A task's link may send on to where the job now stands (a plan already started).
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{role}: {path} ({name}) gave {response.status_code}"
    assert reverse("reports:home") in walked  # the walk really ran


def test_senco_home_walk_reaches_every_tile(client, world):
    """The data above really puts links in the tiles, so the walk above is not vacuous."""
    fill_every_tile(world)
    client.force_login(world.user(Role.SENCO))
    links = same_site_links(client.get(reverse("reports:home")).content.decode())
    names = {resolve(urlsplit(path).path).view_name for path in links}
    assert {
        "pupils:register",
        "pupils:concern_queue",
        "pupils:concern_detail",
        "pupils:tasks",
        "pupils:parent_meetings",
        "reviews:plan_detail",
        "reviews:pupil_plans",
    } <= names
