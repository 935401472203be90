"""Register codes and rules (docs/register.md), with worked examples."""

from datetime import date

import pytest

from pupils import codes


@pytest.mark.parametrize("upn", ["B801200005001", "b801200005001", " B80120 0005001 "])
def test_valid_upn_is_normalised(upn):
    assert codes.validate_upn(upn) == "B801200005001"


def test_wrong_check_letter_names_the_right_one():
    with pytest.raises(codes.InvalidUPN, match="should be B"):
        codes.validate_upn("A801200005001")


def test_wrong_length_is_explained():
    with pytest.raises(codes.InvalidUPN, match="13 characters"):
        codes.validate_upn("B80120000500")


def test_unknown_local_authority_is_explained():
    with pytest.raises(codes.InvalidUPN, match="local-authority"):
        codes.validate_upn("E000200005001")


def test_temporary_upn_ends_in_a_letter_and_is_valid():
    body = "80120000501A"
    from stdnum.gb import upn

    temporary = upn.calc_check_digit(body) + body
    assert codes.validate_upn(temporary) == temporary
    assert codes.upn_is_temporary(temporary) is True
    assert codes.upn_is_temporary("B801200005001") is False


@pytest.mark.parametrize(
    ("year", "spring", "summer", "autumn"),
    [
        (2025, date(2025, 1, 16), date(2025, 5, 15), date(2025, 10, 2)),
        (2026, date(2026, 1, 15), date(2026, 5, 21), date(2026, 10, 1)),
        (2027, date(2027, 1, 21), date(2027, 5, 20), date(2027, 10, 7)),
    ],
)
def test_census_days(year, spring, summer, autumn):
    """Spring: 3rd Thursday of January; summer: 3rd Thursday of May; autumn: 1st Thursday of October."""
    assert codes.census_days(year) == {"spring": spring, "summer": summer, "autumn": autumn}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 22), date(2026, 10, 1)),
        (date(2026, 10, 1), date(2026, 10, 1)),
        (date(2026, 9, 30), date(2026, 5, 21)),
        (date(2026, 1, 10), date(2025, 10, 2)),
    ],
)
def test_latest_census_day(on, expected):
    assert codes.latest_census_day(on) == expected


@pytest.mark.parametrize(
    ("stage", "code"),
    [
        ("none", "N"),
        ("monitoring", "N"),  # a concern is not the register
        ("sen_support", "K"),
        ("assessment_requested", "K"),  # still K until a plan is issued
        ("ehcp", "E"),
    ],
)
def test_census_code_for_each_stage(stage, code):
    assert codes.census_code_for_stage(stage) == code


def test_every_need_belongs_to_a_broad_area():
    assert set(codes.NEED_AREAS) == set(codes.NeedType)
    assert codes.needs_in_area(codes.BroadArea.COMMUNICATION) == ["SLCN", "ASD"]
    assert codes.needs_in_area(codes.BroadArea.SENSORY_PHYSICAL) == ["HI", "VI", "MSI", "PD"]


def test_terms_of_a_school_year():
    assert codes.terms_of_school_year(2025) == [
        ("Autumn 2025", date(2025, 9, 1), date(2025, 12, 31)),
        ("Spring 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Summer 2026", date(2026, 4, 1), date(2026, 8, 31)),
    ]


@pytest.mark.django_db
def test_pupil_model_refuses_a_bad_upn():
    from django.core.exceptions import ValidationError

    from tests.factories import PupilFactory

    pupil = PupilFactory.build(upn="A801200005001")
    pupil.school.save()
    pupil.school_id = pupil.school.pk
    with pytest.raises(ValidationError) as caught:
        pupil.full_clean()
    assert "check letter" in str(caught.value.message_dict["upn"])


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 23), date(2027, 1, 21)),  # after autumn: next spring
        (date(2026, 10, 1), date(2027, 1, 21)),  # on a census day: the one after it
        (date(2026, 9, 30), date(2026, 10, 1)),
        (date(2026, 1, 14), date(2026, 1, 15)),
        (date(2026, 2, 1), date(2026, 5, 21)),
    ],
)
def test_next_census_day(on, expected):
    assert codes.next_census_day(on) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 23), [2024, 2025, 2026]),
        (date(2026, 9, 1), [2024, 2025, 2026]),  # a new school year starts on 1 September
        (date(2026, 8, 31), [2023, 2024, 2025]),
    ],
)
def test_movement_shows_the_last_three_school_years(today, expected):
    from pupils.register.census import recent_school_years

    assert recent_school_years(today) == expected


def test_terms_cover_the_school_year_without_gaps():
    """Every day from 1 September to 31 August falls in exactly one term."""
    from datetime import timedelta

    terms = codes.terms_of_school_year(2026)
    day, end = date(2026, 9, 1), date(2027, 8, 31)
    while day <= end:
        assert sum(start <= day <= last for _, start, last in terms) == 1, day
        day += timedelta(days=1)
