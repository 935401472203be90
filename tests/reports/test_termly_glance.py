"""The termly report's "at a glance" summary: attendance and attainment gaps in plain words."""

from datetime import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from reports.termly.figures import school_pupils, term_figures
from reports.termly.terms import Term
from sendhub.roles import Role
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
from tests.reports.test_termly import published_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _during_the_term():
    with time_machine.travel(datetime(2026, 12, 2, 12, 0), tick=False):
        yield


def glance(figures):
    html = render_to_string("reports/termly/_summary.html", {"figures": figures, "as_of": DURING})
    return " ".join(strip_tags(html).split())


def test_attendance_and_attainment_gaps_with_worked_figures(world):
    school = world.school
    for n in range(30):
        pupil = PupilFactory(school=school)
        status = "N" if n < 15 else "K" if n < 25 else "E"
        # Attendance out of 300 sessions: no SEN 285 (95%) both years; SEN support 255
        # (85%) now and 240 (80%) a year ago; EHC plan 270 (90%) now and 276 (92%) then.
        now, then = {"N": (285, 285), "K": (255, 240), "E": (270, 276)}[status]
        # Reading at the expected standard: no SEN 10 of 15 now (66.7%), 5 of 15 a year ago
        # (33.3%); SEN support 5 of 10 now (50%), none a year ago; EHC plan none of 5.
        at_now = (status == "N" and n < 10) or (status == "K" and n < 20)
        at_then = status == "N" and n < 5
        make_term(pupil, PROGRESS_TERM, sen_status=status, possible=300, attended=now,
                  results=[("reading", "at" if at_now else "below", 100, "")])  # fmt: skip
        make_term(pupil, PROGRESS_YEAR_AGO, sen_status=status, possible=300, attended=then,
                  results=[("reading", "at" if at_then else "below", 90, "")])  # fmt: skip
    figures = term_figures(school, Term.of(school, *TERM), DURING, pupils=school_pupils(school))

    text = glance(figures)

    assert (
        "Attendance this term: pupils on SEN support 85.0%, pupils with an EHC plan 90.0% "
        "and pupils with no SEN 95.0%." in text
    )
    # SEN support: 85 - 95 = 10 points below now, 80 - 95 = 15 a year ago: 5 narrower.
    assert (
        "Pupils on SEN support are 10 points below pupils with no SEN; the gap is closing: "
        "5 points narrower than in Autumn 2025/26." in text
    )
    # EHC plan: 90 - 95 = 5 below now, 92 - 95 = 3 below then: 2 points wider.
    assert (
        "Pupils with an EHC plan are 5 points below pupils with no SEN; the gap is not "
        "closing: 2 points wider than in Autumn 2025/26." in text
    )
    assert (
        "Reading: pupils at or above the expected standard this term: on SEN support 50.0%, "
        "with an EHC plan 0.0% and with no SEN 66.7%." in text
    )
    reading = text.split("Reading:")[1]
    # SEN support: 50 - 66.7 = 16.7 below now, 0 - 33.3 = 33.3 below a year ago.
    assert (
        "Pupils on SEN support are 16.7 points below pupils with no SEN; the gap is closing: "
        "16.6 points narrower than in Autumn 2025/26." in reading
    )
    # EHC plan: 0 - 66.7 = 66.7 below now, 0 - 33.3 = 33.3 below a year ago.
    assert (
        "Pupils with an EHC plan are 66.7 points below pupils with no SEN; the gap is not "
        "closing: 33.4 points wider than in Autumn 2025/26." in reading
    )


def test_the_new_lines_keep_small_groups_hidden(client, world):
    """3 pupils with an EHC plan and 7 on SEN support whose count is hidden (build_school):
    neither group's attendance nor attainment, nor any gap, is given in the summary."""
    add_progress(build_school(world))
    published_version(world)
    client.force_login(world.user(Role.GOVERNOR))
    html = client.get(reverse("reports:termly_published")).content.decode()
    summary = " ".join(
        strip_tags(html.split('id="summary-heading"')[1].split("</section>")[0]).split()
    )

    assert (
        "Attendance this term: pupils on SEN support not shown, pupils with an EHC plan not "
        "shown and pupils with no SEN 92.5%." in summary
    )
    assert "The gap for pupils on SEN support is not shown, to protect small numbers." in summary
    assert "The gap for pupils with an EHC plan is not shown, to protect small numbers." in summary
    assert (
        "Maths: pupils at or above the expected standard this term: on SEN support not shown, with an EHC plan not shown and with no SEN 58.3%."
        in summary
    )
    for withheld in ("86.7%", "80.0%", "14.3%", "points below", "points above"):
        assert withheld not in summary


def test_without_imported_data_the_summary_has_no_attendance_line(world):
    build_school(world)
    school = world.school
    figures = term_figures(school, Term.of(school, *TERM), DURING, pupils=school_pupils(school))
    text = glance(figures)
    assert "Attendance this term" not in text and "expected standard" not in text
    assert "Pupils at the school" in text
