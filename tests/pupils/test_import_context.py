"""
MIS import of the context flags (docs/register.md):
previously looked-after, attendance % and the number of suspensions and exclusions.
"""

from decimal import Decimal

import pytest

from pupils.mis_import.cells import CellError, parse_attendance, parse_count
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import read_sheet, suggest_mapping
from pupils.models import Pupil
from tests.factories import SchoolFactory, valid_upn
from tests.pupils.import_files import SIMS_HEADER, csv_bytes, sims_row
from tests.pupils.test_import import run

pytestmark = pytest.mark.django_db

HEADER = [*SIMS_HEADER, "Previously Looked After", "Attendance %", "Number of Exclusions"]


def row(serial, surname, *, plac="N", attendance="95.2", exclusions="0"):
    return [*sims_row(serial, surname, "Sam"), plac, attendance, exclusions]


@pytest.fixture
def school():
    return SchoolFactory(urn="654321")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("95.2", Decimal("95.2")),
        ("95.2%", Decimal("95.2")),
        (" 95.2 % ", Decimal("95.2")),
        (95.24, Decimal("95.2")),
        ("95.25", Decimal("95.3")),
        (100, Decimal("100.0")),
        ("0", Decimal("0.0")),
        ("0.5%", Decimal("0.5")),
    ],
)
def test_attendance_is_read_as_a_percentage_with_one_decimal(cell, expected):
    assert parse_attendance(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("0.952", "looks like a fraction"),
        ("100.1", "outside 0 to 100%"),
        ("-3", "outside 0 to 100%"),
        ("high", "not an attendance figure"),
        ("NaN", "not an attendance figure"),
    ],
)
def test_attendance_out_of_range_or_ambiguous_is_refused(cell, message):
    with pytest.raises(CellError, match=message):
        parse_attendance(cell)


@pytest.mark.parametrize(("cell", "expected"), [("0", 0), ("3", 3), (2.0, 2), (" 12 ", 12)])
def test_exclusions_are_a_whole_number(cell, expected):
    assert parse_count(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [("-1", "below 0"), ("1.5", "whole number"), ("two", "whole number"), ("1000", "more than")],
)
def test_bad_exclusion_counts_are_refused(cell, message):
    with pytest.raises(CellError, match=message):
        parse_count(cell)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (  # SIMS
            ["Previously Looked After", "Attendance %", "Number of Exclusions"],
            ["Previously Looked After", "Attendance %", "Number of Exclusions"],
        ),
        (  # Arbor
            ["Post LAC", "Attendance Percentage", "Number of Suspensions"],
            ["Post LAC", "Attendance Percentage", "Number of Suspensions"],
        ),
        (  # Bromcom
            ["Adopted From Care", "% Attendance", "Fixed Term Exclusions"],
            ["Adopted From Care", "% Attendance", "Fixed Term Exclusions"],
        ),
    ],
)
def test_typical_mis_headers_are_suggested(headers, expected):
    mapping = suggest_mapping(["Looked After", *headers])
    assert mapping["looked_after"] == "Looked After"
    keys = ["previously_looked_after", "attendance_percent", "exclusions_count"]
    assert [mapping[key] for key in keys] == expected


def test_flags_are_applied_with_history_and_reimport_changes_nothing(tmp_path, school):
    content = csv_bytes(
        [row(1, "Ahmed", plac="Y", attendance="91.5%", exclusions="2"), row(2, "Brown")],
        HEADER,
    )
    code, out = run(tmp_path, content, school)
    assert code == 0, out
    ahmed = Pupil.objects.get(upn=valid_upn(1))
    assert ahmed.previously_looked_after is True
    assert ahmed.attendance_percent == Decimal("91.5")
    assert ahmed.exclusions_count == 2
    brown = Pupil.objects.get(upn=valid_upn(2))
    assert (brown.previously_looked_after, brown.attendance_percent) == (False, Decimal("95.2"))

    code, out = run(tmp_path, content, school)
    assert code == 0 and "0 new, 0 changed, 2 unchanged" in out

    changed = csv_bytes(
        [row(1, "Ahmed", plac="Y", attendance="88", exclusions="3"), row(2, "Brown")], HEADER
    )
    sheet = read_sheet(changed, "roll.csv")
    preview = build_preview(
        sheet, school=school, pupils=Pupil.objects.all(),
        mapping=suggest_mapping(sheet.headers),
    )  # fmt: skip
    assert preview.changed[0].changes == [
        ("Attendance %", "91.5%", "88.0%"),
        ("Suspensions and exclusions", "2", "3"),
    ]
    assert run(tmp_path, changed, school)[0] == 0
    ahmed.refresh_from_db()
    assert (ahmed.attendance_percent, ahmed.exclusions_count) == (Decimal("88.0"), 3)
    latest = ahmed.history.first()
    assert latest.history_change_reason == "MIS import of roll.csv"
    assert latest.prev_record.attendance_percent == Decimal("91.5")


def test_blank_attendance_keeps_ours_and_blank_exclusions_mean_none(tmp_path, school):
    run(tmp_path, csv_bytes([row(1, "Ahmed", attendance="97", exclusions="1")], HEADER), school)
    code, out = run(
        tmp_path, csv_bytes([row(1, "Ahmed", attendance="", exclusions="")], HEADER), school
    )
    assert code == 0, out
    ahmed = Pupil.objects.get(upn=valid_upn(1))
    assert ahmed.attendance_percent == Decimal("97.0")
    assert ahmed.exclusions_count == 0


def test_bad_cells_reject_their_row_with_a_plain_message(tmp_path, school):
    rows = [
        row(1, "Good"),
        row(2, "Fraction", attendance="0.952"),
        row(3, "Over", attendance="101"),
        row(4, "Negative", exclusions="-2"),
        row(5, "Flag", plac="maybe"),
    ]
    code, out = run(tmp_path, csv_bytes(rows, HEADER), school)

    assert code == 1
    assert "Row 3, column “Attendance %”: “0.952” looks like a fraction" in out
    assert "Row 4, column “Attendance %”: Attendance of “101” is outside 0 to 100%" in out
    assert "Row 5, column “Number of Exclusions”: “-2” is below 0." in out
    assert "Row 6, column “Previously Looked After”: “maybe” is not yes or no." in out
    assert list(Pupil.objects.filter(school=school).values_list("last_name", flat=True)) == ["Good"]
