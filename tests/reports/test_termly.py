"""The governors' termly SEND report: anonymised, frozen on publishing, flat in queries."""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from reports.termly.charts import report_charts
from reports.termly.figures import school_pupils, term_figures
from reports.termly.models import TermlyReport, TermlyReportVersion
from reports.termly.services import publish, save_commentary
from reports.termly.terms import Term
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import PupilFactory
from tests.reports.progress_data import make_term
from tests.reports.termly_data import (
    DURING,
    PROGRESS_TERM,
    PROGRESS_YEAR_AGO,
    TERM,
    add_progress,
    build_school,
)
from tests.reports.test_pdf import pdf_text

YEAR, NAME = TERM


@pytest.fixture(autouse=True)
def _during_the_term():
    with time_machine.travel(datetime(2026, 12, 2, 12, 0), tick=False):
        yield


def published_version(world, *, commentary=None):
    report = TermlyReport.objects.create(school=world.school, year=YEAR, term=NAME)
    save_commentary(
        report=report,
        commentary=commentary or {"register": "The register grew a little this term."},
        by=world.user(Role.SENCO),
    )
    return publish(
        report=report, by=world.user(Role.SENCO), pupils=school_pupils(world.school), today=DURING
    )


def figures_shown(html):
    """Every count the page shows as a figure."""
    return [int(n) for n in re.findall(r'class="fig">(\d+)<', html)]


def assert_anonymous(text, pupils):
    for pupil in [p for group in pupils.values() for p in group]:
        assert pupil.first_name not in text
        assert pupil.last_name not in text
        assert pupil.upn not in text
        assert pupil.date_of_birth.strftime("%d/%m/%Y") not in text
        assert pupil.date_of_birth.isoformat() not in text
        assert pupil.date_of_birth.strftime("%-d %B %Y") not in text


@pytest.mark.django_db
def test_governor_pages_name_no_pupil_and_show_no_small_count(client, world):
    pupils = build_school(world)
    add_progress(pupils)
    version = published_version(world)
    client.force_login(world.user(Role.GOVERNOR))
    for url in [
        reverse("reports:home"),
        reverse("reports:termly_published"),
        reverse("reports:termly_version", args=[version.pk]),
    ]:
        html = client.get(url).content.decode()
        assert_anonymous(html, pupils)
        assert "Taught" not in html and "Untaught" not in html
        assert not [n for n in figures_shown(html) if 1 <= n <= 4], url
    home = client.get(reverse("reports:home")).content.decode()
    # The home page's register summary follows the same rules: 3 EHC plans are "fewer than
    # 5", so the 7 on SEN support are hidden too (24 on roll less the no-SEN pupils shown in
    # the report's year-group table would otherwise give them back).
    assert "“Not shown” protects a number under 5" in home and ">7<" not in home
    html = client.get(reverse("reports:termly_published")).content.decode()
    assert "fewer than 5" in html
    assert "The register grew a little this term." in html
    # Attendance and attainment from the imported rows, anonymised like the rest.
    assert "No data imported for this term yet" not in html
    assert "Attendance, suspensions and permanent exclusions this term" in html
    assert "Pupils at or above the expected standard this term" in html
    assert "92.5%" in html  # no-SEN attendance: (5 × 260 + 7 × 290) ÷ (12 × 300)
    assert "86.7%" not in html  # SEN support's attendance: its group is hidden
    assert "80.0%" not in html  # the 3 with an EHC plan: too few to average
    assert "41.7%" in html and "58.3%" in html  # 5 and 7 of the 12 with no SEN
    assert "Is the gap closing?" in html


@pytest.mark.django_db
def test_attendance_and_progress_wait_for_imported_data(client, world):
    build_school(world)
    published_version(world)
    client.force_login(world.user(Role.GOVERNOR))
    html = client.get(reverse("reports:termly_published")).content.decode()
    assert html.count("No data imported for this term yet") == 2


@pytest.mark.django_db
def test_imported_sections_hide_what_the_register_hides(world):
    """3 with an EHC plan, so the 7 on SEN support are hidden in the register: the same
    pupils are hidden in attendance and attainment, and no rate or gap gives them back."""
    add_progress(build_school(world))
    figures = published_version(world).snapshot["figures"]
    groups = {row["status"]: row for row in figures["attendance"]["groups"]}
    assert groups["E"]["pupils"] == {"n": None, "why": "small"}
    assert groups["K"]["pupils"] == {"n": None, "why": "secondary"}
    assert groups["N"]["pupils"] == {"n": 12}
    assert groups["E"]["suspensions"] == {"n": None, "why": "small"}
    assert groups["E"]["suspensions_per_100"] is None
    for status in "KE":
        assert groups[status]["attendance_percent"] is None
        assert groups[status]["persistently_absent_percent"] is None
    assert groups["N"]["attendance_percent"] == 92.5
    assert groups["N"]["persistently_absent"] == {"n": 5}
    assert groups["N"]["persistently_absent_percent"] == 41.7
    assert groups["N"]["suspensions_per_100"] == 0.0
    assert all(
        gap["now"] is None and gap["closing"] is None for gap in figures["attendance"]["gaps"]
    )
    (maths,) = figures["progress"]["subjects"]
    k, e, n = maths["groups"]
    assert k["percent"] is None and e["percent"] is None
    assert e["assessed"] == {"n": None, "why": "small"}
    assert n == {"assessed": {"n": 12}, "at_or_above": {"n": 7}, "percent": 58.3}
    assert figures["progress"]["year_ago_label"] == "Autumn 2025/26"


@pytest.mark.django_db
def test_gaps_to_no_sen_peers_now_and_a_year_ago(world):
    """Groups of 5 or more: every figure shown, and whether each gap is closing."""
    school = world.school
    pupils = [PupilFactory(school=school) for _ in range(20)]
    for n, pupil in enumerate(pupils):
        status = "N" if n < 10 else "K" if n < 15 else "E"
        # Attendance: no SEN 95% both years; SEN support 85% now, 80% then (closing);
        # EHC plan 90% now, 92% then (wider). Maths: no SEN 5 of 10 at expected both years;
        # SEN support none of 5 either year; EHC plan all 5 now, none a year ago.
        now, then = {"N": (285, 285), "K": (255, 240), "E": (270, 276)}[status]
        band_now = "at" if status == "E" or (status == "N" and n < 5) else "below"
        band_then = "at" if status == "N" and n < 5 else "below"
        make_term(pupil, PROGRESS_TERM, sen_status=status, possible=300, attended=now,
                  results=[("maths", band_now, 100, "")])  # fmt: skip
        make_term(pupil, PROGRESS_YEAR_AGO, sen_status=status, possible=300, attended=then,
                  results=[("maths", band_then, 90, "")])  # fmt: skip
    figures = term_figures(
        school, Term.of(school, YEAR, NAME), DURING, pupils=school_pupils(school)
    )
    attendance = {gap["label"]: gap for gap in figures["attendance"]["gaps"]}
    assert attendance["SEN support"] == {
        "label": "SEN support", "now": -10.0, "year_ago": -15.0, "change": 5.0, "closing": True,
    }  # fmt: skip
    assert attendance["EHC plan"] == {
        "label": "EHC plan", "now": -5.0, "year_ago": -3.0, "change": -2.0, "closing": False,
    }  # fmt: skip
    groups = {row["status"]: row for row in figures["attendance"]["groups"]}
    assert groups["K"]["persistently_absent"] == {"n": 5}
    assert groups["K"]["persistently_absent_percent"] == 100.0
    progress = {(gap["subject"], gap["label"]): gap for gap in figures["progress"]["gaps"]}
    assert progress[("Maths", "SEN support")]["now"] == -50.0
    assert progress[("Maths", "SEN support")]["closing"] is False  # the same, not narrower
    assert progress[("Maths", "EHC plan")]["now"] == 50.0
    assert progress[("Maths", "EHC plan")]["year_ago"] == -50.0
    charts = report_charts(figures)
    assert "EHC plan (%)" in charts["progress"]["table"]["headers"]
    assert charts["attendance"]["table"]["rows"][0]["cells"] == ["85.0%"]


@pytest.mark.django_db
def test_no_total_gives_a_hidden_count_back(client, world):
    """3 EHC plans and 1 on SEN support for hearing: both hidden, and so is a second cell
    of every breakdown they are in, so no total minus the shown cells gives them back."""
    build_school(world)
    figures = published_version(world).snapshot["figures"]
    register = figures["register"]
    # 3 EHC plans among 24 pupils on roll (14 with no SEN, 7 on SEN support).
    assert register["stages"]["E"] == {"n": None, "why": "small"}
    assert register["stages"]["K"]["n"] is None  # 7: hidden to protect the 3
    assert register["on_register"]["n"] is None
    assert register["roll"] == {"n": 24}
    assert register["percent"] == {"K": None, "E": None, "register": None}
    for row in register["by_year"] + register["by_area"]:
        cells = row["cells"] + [row["total"]]
        assert sum(1 for cell in cells if cell["n"] is None) != 1, row["label"]
    # The same pupils on SEN support, counted again for meetings with parents: hidden there too.
    meetings = figures["parent_meetings"]
    assert meetings["pupils"]["n"] is None
    assert [meetings["met"]["n"], meetings["not_met"]["n"]].count(None) >= 1
    # Year 9 has one pupil (on SEN support): the row total is hidden, not just the cell.
    year_9 = next(row for row in register["by_year"] if row["label"] == "Year 9")
    assert year_9["total"]["n"] is None


@pytest.mark.django_db
def test_pdf_names_no_pupil_and_opens_with_the_summary(client, world):
    pupils = build_school(world)
    add_progress(pupils)
    version = published_version(world)
    client.force_login(world.user(Role.GOVERNOR))
    response = client.get(reverse("reports:termly_version_pdf", args=[version.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert_anonymous(text, pupils)
    assert "Autumn term 2026 at a glance" in text
    assert "fewer than 5" in text
    assert text.index("at a glance") < text.index("1. The SEN register")
    assert "Attendance, suspensions and permanent exclusions this term" in text
    assert "92.5%" in text and "58.3%" in text
    assert "No data imported for this term yet" not in text


def test_the_draft_pdf_is_prepared_in_the_background_for_its_owner(
    client, world, django_capture_on_commit_callbacks
):
    """Prepare -> the edit page shows the link -> the same anonymised PDF as the direct one."""
    from sendhub.models import Job

    pupils = build_school(world)
    client.force_login(world.user(Role.SENCO))
    prepare = reverse("reports:termly_draft_pdf_prepare", args=[YEAR, NAME])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(prepare).status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status, job.params) == (
        "termly_draft_pdf",
        "done",
        {"year": YEAR, "term": NAME},
    )
    download = reverse("sendhub:job_download", args=[job.pk])
    assert (
        download in client.get(reverse("reports:termly_edit", args=[YEAR, NAME])).content.decode()
    )
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert_anonymous(text, pupils)
    assert "Autumn term 2026 at a glance" in text
    client.force_login(world.user(Role.SENIOR_LEADER))  # may edit the report, but did not ask
    assert client.get(download).status_code == 404
    client.force_login(world.user(Role.GOVERNOR))
    assert client.post(prepare).status_code == 403


@pytest.mark.django_db
def test_publishing_freezes_the_figures(client, world):
    pupils = build_school(world)
    version = published_version(world)
    before = version.snapshot["figures"]["register"]["stages"]["K"]
    # Five more pupils on SEN support after publishing: the live draft changes, governors'
    # version does not.
    senco = world.user(Role.SENCO)
    for pupil in pupils["N"][:5]:
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"], effective_on=DURING,
            reason="Test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    version.refresh_from_db()
    assert version.snapshot["figures"]["register"]["stages"]["K"] == before
    client.force_login(world.user(Role.GOVERNOR))
    html = client.get(reverse("reports:termly_published")).content.decode()
    assert 'class="fig">12<' not in html  # the 12 now on SEN support
    client.force_login(senco)
    draft = client.get(reverse("reports:termly_edit", args=TERM)).content.decode()
    assert 'class="fig">12<' in draft


@pytest.mark.django_db
def test_republishing_keeps_the_earlier_version(client, world):
    build_school(world)
    first = published_version(world)
    report = first.report
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    response = client.post(
        reverse("reports:termly_edit", args=TERM), {"register": "A second look.", "save": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == TermlyReport.Status.DRAFT
    response = client.post(reverse("reports:termly_publish", args=TERM))
    second = TermlyReportVersion.objects.get(report=report, number=2)
    assert response["Location"] == second.get_absolute_url()
    assert first.snapshot["commentary"] == {"register": "The register grew a little this term."}
    assert second.snapshot["commentary"] == {"register": "A second look."}
    assert second.published_by == senco
    assert report.history.count() >= 3  # created, edited, published: each audited
    client.force_login(world.user(Role.GOVERNOR))
    html = client.get(reverse("reports:termly_published")).content.decode()
    assert "A second look." in html and "version 1" in html


@pytest.mark.django_db
def test_governor_cannot_open_a_draft(client, world):
    build_school(world)
    client.force_login(world.user(Role.GOVERNOR))
    assert client.get(reverse("reports:termly_edit", args=TERM)).status_code == 403
    html = client.get(reverse("reports:termly_published")).content.decode()
    assert "No termly SEND report has been published yet" in html


@pytest.mark.django_db
def test_commentary_is_checked_per_field_and_nothing_is_half_saved(client, world):
    client.force_login(world.user(Role.SENCO))
    response = client.post(
        reverse("reports:termly_edit", args=TERM),
        {"register": "Fine.", "trend": "x" * 2001, "save": ""},
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not TermlyReport.objects.exists()


def test_terms_follow_the_school_term_dates(world):
    term = Term.of(world.school, 2026, "spring")
    assert (term.first.isoformat(), term.last.isoformat()) == ("2027-01-01", "2027-03-31")
    assert term.label == "Spring term 2027" and term.school_year == "2026/27"
    assert Term.holding(world.school, DURING).name == "autumn"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.SENCO, lambda v: reverse("reports:termly_edit", args=TERM)),
        (Role.SENCO, lambda v: reverse("reports:termly_reports")),
        (Role.SENIOR_LEADER, lambda v: reverse("reports:termly_publish", args=TERM)),
        (Role.GOVERNOR, lambda v: reverse("reports:termly_published")),
        (Role.GOVERNOR, lambda v: reverse("reports:termly_version", args=[v.pk])),
        (Role.GOVERNOR, lambda v: reverse("reports:home")),
        (Role.TRUST_LEAD, lambda v: reverse("reports:termly_published")),
    ],
)
def test_query_count_is_flat_in_the_number_of_pupils(client, world, role, url):
    pupils = build_school(world)
    add_progress(pupils)
    version = published_version(world)
    client.force_login(world.user(role))
    small = count_queries(client, url(version), warm=True)
    more = [PupilFactory(school=world.school, first_name=f"More{n}") for n in range(25)]
    add_progress({"N": more[:20], "K": more[20:]})
    senco = world.user(Role.SENCO)
    for pupil in pupils["N"][:6]:
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["MLD"], effective_on=DURING,
            reason="Test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    assert count_queries(client, url(version), warm=True) == small
