"""The progress analysis on a small school whose figures were worked out by hand."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.progress import analysis
from reports.progress.terms import Term
from tests.factories import PupilFactory
from tests.reports.progress_data import AUTUMN, make_term

YEAR_AGO = Term(2024, 1)


def maths(band, score, progress=""):
    return [("maths", band, score, progress)]


@pytest.fixture
def school(world):
    """Three pupils with no SEN, two on SEN support and one with an EHC plan, two autumns."""
    s = world.school
    n1, n2, n3, k1, k2, e1 = (PupilFactory(school=s) for _ in range(6))
    make_term(n1, AUTUMN, possible=100, attended=98, results=maths("at", 100, "expected"))
    make_term(n2, AUTUMN, possible=100, attended=95, gender="M", disadvantaged=True,
              results=maths("above", 110, "above"))  # fmt: skip
    make_term(n3, AUTUMN, possible=100, attended=85, summer_born=True,
              results=maths("below", 90, "below"))  # fmt: skip
    make_term(k1, AUTUMN, sen_status="K", area="CL", possible=100, attended=88, suspensions=2,
              days=Decimal("3.0"), gender="M", results=maths("below", 90, "expected"))  # fmt: skip
    make_term(k2, AUTUMN, sen_status="K", area="SEMH", possible=100, attended=92,
              disadvantaged=True, results=maths("at", 100))  # fmt: skip
    make_term(e1, AUTUMN, sen_status="E", area="CI", possible=100, attended=80, suspensions=1,
              days=Decimal("5.0"), excluded=True, gender="M", year_group=9,
              results=maths("below", 80, "below"))  # fmt: skip
    for pupil in (n1, n2, n3):
        make_term(pupil, YEAR_AGO, year_group=7, possible=100, attended=95,
                  results=maths("at", 100))  # fmt: skip
    make_term(k1, YEAR_AGO, sen_status="K", year_group=7, possible=100, attended=88,
              results=maths("below", 90))  # fmt: skip
    make_term(k2, YEAR_AGO, sen_status="K", year_group=7, possible=100, attended=90,
              results=maths("below", 90))  # fmt: skip
    make_term(e1, YEAR_AGO, sen_status="E", year_group=8, possible=100, attended=85,
              results=maths("below", 80))  # fmt: skip
    return s


def by_status(rows):
    return {row["sen_status"]: row for row in rows}


def test_attendance_suspensions_and_exclusions_by_sen_status(school):
    rows = by_status(analysis.attendance_by_group(school, AUTUMN))

    assert rows["N"] == {
        "sen_status": "N", "pupils": 3, "with_attendance": 3, "sessions_possible": 300,
        "sessions_attended": 278, "attendance_percent": 92.7, "persistently_absent": 1,
        "persistently_absent_percent": 33.3, "suspended_pupils": 0, "suspensions": 0,
        "suspension_days": 0.0, "suspensions_per_100": 0.0, "suspended_pupils_percent": 0.0,
        "permanent_exclusions": 0, "permanent_exclusions_per_100": 0.0,
    }  # fmt: skip
    assert rows["K"]["attendance_percent"] == 90.0
    assert rows["K"]["persistently_absent"] == 1  # 88%; 92% is not
    assert rows["K"]["suspensions"] == 2
    assert rows["K"]["suspensions_per_100"] == 100.0
    assert rows["K"]["suspended_pupils_percent"] == 50.0
    assert rows["K"]["suspension_days"] == 3.0
    assert rows["E"]["attendance_percent"] == 80.0
    assert rows["E"]["permanent_exclusions"] == 1
    assert rows["E"]["permanent_exclusions_per_100"] == 100.0


def test_attainment_and_progress_by_sen_status(school):
    rows = by_status(analysis.attainment_by_group(school, AUTUMN, subject="maths"))

    assert rows["N"] == {
        "subject": "maths", "sen_status": "N", "assessed": 3, "below": 1, "at": 1, "above": 1,
        "at_or_above": 2, "at_or_above_percent": 66.7, "average_score": 100.0,
        "progress_recorded": 3, "progress_below": 1, "progress_expected_or_above": 2,
        "progress_expected_or_above_percent": 66.7, "progress_above": 1,
    }  # fmt: skip
    assert (rows["K"]["at_or_above_percent"], rows["K"]["average_score"]) == (50.0, 95.0)
    assert rows["K"]["progress_recorded"] == 1  # k2 has no progress judgement
    assert rows["K"]["progress_expected_or_above_percent"] == 100.0
    assert (rows["E"]["at_or_above"], rows["E"]["at_or_above_percent"]) == (0, 0.0)


def test_breakdowns_pair_sen_status_with_the_snapshot_fact(school):
    by_area = {
        (row["sen_status"], row["primary_area"]): row
        for row in analysis.attendance_by_group(school, AUTUMN, by="primary_area")
    }
    assert set(by_area) == {("N", ""), ("K", "CL"), ("K", "SEMH"), ("E", "CI")}
    assert by_area[("K", "CL")]["attendance_percent"] == 88.0
    assert by_area[("K", "SEMH")]["attendance_percent"] == 92.0

    fsm = {
        (row["sen_status"], row["disadvantaged"]): row["at_or_above_percent"]
        for row in analysis.attainment_by_group(school, AUTUMN, by="disadvantaged")
    }
    assert fsm == {("N", False): 50.0, ("N", True): 100.0, ("K", False): 0.0,
                   ("K", True): 100.0, ("E", False): 0.0}  # fmt: skip
    summer = analysis.attendance_by_group(school, AUTUMN, by="summer_born")
    assert [(r["sen_status"], r["summer_born"], r["pupils"]) for r in summer] == [
        ("E", False, 1), ("K", False, 2), ("N", False, 2), ("N", True, 1),
    ]  # fmt: skip
    years = analysis.attendance_by_group(school, AUTUMN, by="year_group")
    assert {(r["sen_status"], r["year_group"]) for r in years} == {("N", 8), ("K", 8), ("E", 9)}
    with pytest.raises(ValueError):
        analysis.attendance_by_group(school, AUTUMN, by="surname")


def test_gaps_to_no_sen_peers_over_time(school):
    then, now = analysis.gaps_over_time(school, [AUTUMN, YEAR_AGO])

    assert (then["term"], now["term"]) == (YEAR_AGO, AUTUMN)
    assert now["attendance"]["gaps"] == {"K": -2.7, "E": -12.7}
    assert then["attendance"]["gaps"] == {"K": -6.0, "E": -10.0}
    assert now["attainment"]["maths"]["gaps"] == {"K": -16.7, "E": -66.7}
    assert then["attainment"]["maths"]["gaps"] == {"K": -100.0, "E": -100.0}
    assert now["attainment"]["maths"]["groups"]["K"]["assessed"] == 2


def test_gap_trend_says_which_gaps_are_closing(school):
    trend = {(t["measure"], t["sen_status"]): t for t in analysis.gap_trend(school, AUTUMN)}

    assert trend[("maths", "K")] == {
        "measure": "maths", "sen_status": "K", "gap_now": -16.7, "gap_year_ago": -100.0,
        "change": 83.3, "closing": True,
    }  # fmt: skip
    assert trend[("attendance", "K")]["closing"] is True
    assert trend[("attendance", "E")]["change"] == -2.7
    assert trend[("attendance", "E")]["closing"] is False


def test_a_term_without_data_has_no_gaps(school):
    (empty,) = analysis.gaps_over_time(school, [Term(2020, 2)])
    assert empty["attendance"] == {"groups": {}, "gaps": {"K": None, "E": None}}
    assert empty["attainment"] == {}


def test_other_schools_are_not_counted(school, world):
    make_term(PupilFactory(school=world.other_school), AUTUMN, possible=100, attended=10)
    assert by_status(analysis.attendance_by_group(school, AUTUMN))["N"]["pupils"] == 3


def _queries(school):
    with CaptureQueriesContext(connection) as captured:
        analysis.attendance_by_group(school, AUTUMN, by="gender")
        analysis.attainment_by_group(school, AUTUMN, by="year_group")
        analysis.gaps_over_time(school, analysis.three_year_terms(AUTUMN))
        analysis.gap_trend(school, AUTUMN)
    return len(captured)


def test_query_count_does_not_grow_with_the_roll(school):
    small = _queries(school)
    for index in range(30):
        pupil = PupilFactory(school=school)
        make_term(pupil, AUTUMN, sen_status="NKE"[index % 3], possible=100, attended=90 + index % 10,
                  results=maths("at", 100, "expected"))  # fmt: skip
        make_term(pupil, YEAR_AGO, sen_status="NKE"[index % 3], results=maths("below", 90))
    assert _queries(school) == small == 6
