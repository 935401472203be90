"""Each assessment scale's normalised score and band, and school terms."""

from datetime import date
from decimal import Decimal

import pytest

from pupils.mis_import.cells import CellError
from reports.progress.scales import age_in_months, read_assessment, read_progress
from reports.progress.terms import Term, term_on
from tests.factories import SchoolFactory


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("WTS", ("teacher", "WTS", 90, "below")),
        ("exs", ("teacher", "exs", 100, "at")),
        ("Greater depth", ("teacher", "Greater depth", 110, "above")),
        ("4", ("gcse", "4", 100, "at")),
        (7.0, ("gcse", "7", 115, "above")),
        ("U", ("gcse", "U", 80, "below")),
        ("99", ("scaled", "99", 99, "below")),
        ("110", ("scaled", "110", 110, "above")),
    ],
)
def test_scales_normalise_to_100_at_the_expected_standard(cell, expected):
    assert read_assessment(cell) == expected


def test_reading_age_is_scored_against_the_pupils_age():
    # 120 months old: a reading age of 9y 0m is a year behind (85), 10:04 is at expected.
    assert read_assessment("9y 0m", age_months=120)[2:] == (Decimal("85.0"), "below")
    assert read_assessment("10:04", age_months=120)[1:] == ("10y 4m", Decimal("105.0"), "at")
    assert read_assessment("130 months", age_months=120)[3] == "above"


@pytest.mark.parametrize("cell", ["130", "Excellent", "9y 14m", "10"])
def test_values_outside_every_scale_are_refused(cell):
    with pytest.raises(CellError):
        read_assessment(cell, age_months=120)


def test_progress_words():
    assert read_progress("On track") == "expected"
    with pytest.raises(CellError):
        read_progress("good")


def test_terms_follow_the_schools_term_dates():
    school = SchoolFactory.build(spring_term_end_day=4, spring_term_end_month=4)
    assert term_on(school, date(2026, 4, 3)) == Term(2025, 2)
    assert term_on(school, date(2026, 4, 5)) == Term(2025, 3)
    assert term_on(school, date(2025, 9, 1)) == Term(2025, 1)
    assert Term(2025, 1).census_day == date(2025, 10, 2)
    assert Term(2025, 2).census_day == date(2026, 1, 15)
    assert Term.from_slug("2024-summer").label == "Summer 2024/25"
    assert Term(2025, 1).shifted(-1) == Term(2024, 3)
    assert age_in_months(date(2013, 3, 14), date(2025, 10, 2)) == 150
