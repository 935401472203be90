"""Costing provision (Code of Practice 6.76) and the element 2 threshold, with worked examples."""

from datetime import date
from decimal import Decimal

import pytest

from provision import costing


def test_ta_at_18_50_an_hour_with_25_percent_on_costs_costs_23_13():
    """18.50 × 1.25 = 23.125, which rounds half up to the penny."""
    assert str(costing.staff_hourly_cost(Decimal("18.50"), 25)) == "23.13"


@pytest.mark.parametrize(
    ("rate", "on_costs", "expected"),
    [
        ("18.50", 0, "18.50"),
        ("30.00", 30, "39.00"),
        (60, 0, "60.00"),
        ("12.60", "27.5", "16.07"),  # 12.60 × 1.275 = 16.065
    ],
)
def test_staff_hourly_cost(rate, on_costs, expected):
    assert str(costing.staff_hourly_cost(rate, on_costs)) == expected


@pytest.mark.parametrize(
    ("salary", "hours", "expected"),
    [
        (37950, 1265, "30.00"),
        (25000, 1265, "19.76"),  # 19.7628…
    ],
)
def test_hourly_rate_from_salary(salary, hours, expected):
    assert str(costing.hourly_rate_from_salary(salary, hours)) == expected


def test_group_with_a_ta_and_a_teacher():
    """
    20 sessions of 30 minutes = 10 hours; TA 23.13 + teacher 39.00 = 62.13 an hour;
    10 × 62.13 = 621.30, plus 45.00 of books = 666.30.
    """
    ta = costing.staff_hourly_cost(Decimal("18.50"), 25)
    teacher = costing.staff_hourly_cost(costing.hourly_rate_from_salary(37950, 1265), 30)
    assert costing.group_cost(10, [ta, teacher], Decimal("45.00")) == Decimal("666.30")


def test_group_cost_is_rounded_to_the_penny():
    """7.5 hours × 23.13 = 173.475."""
    assert str(costing.group_cost(Decimal("7.5"), [Decimal("23.13")])) == "173.48"


def test_group_cost_with_no_adults_is_its_resources():
    assert str(costing.group_cost(10, [], Decimal("45"))) == "45.00"


def test_a_pupil_who_left_mid_term_pays_for_the_sessions_they_attended():
    """
    666.30 over 70 pupil-sessions: each full attender 666.30 × 20/70 = 190.3714…,
    the leaver 666.30 × 10/70 = 95.1857…; rounded down that is 3 × 190.37 + 95.18 =
    666.29, and the spare penny goes to the leaver, whose share lost most (0.57p).
    """
    shares = costing.pupil_shares(
        Decimal("666.30"), {"asha": 20, "ben": 20, "cara": 20, "dev_left": 10}
    )
    assert shares == {
        "asha": Decimal("190.37"),
        "ben": Decimal("190.37"),
        "cara": Decimal("190.37"),
        "dev_left": Decimal("95.19"),
    }
    assert sum(shares.values()) == Decimal("666.30")
    assert list(shares) == ["asha", "ben", "cara", "dev_left"]


def test_equal_shares_give_the_spare_penny_to_the_first_pupil():
    """100.00 ÷ 3 = 33.333…: 33.33 each leaves a penny over."""
    shares = costing.pupil_shares(Decimal("100.00"), {"a": 3, "b": 3, "c": 3})
    assert shares == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


def test_no_pupil_takes_more_than_one_spare_penny():
    """200.00 ÷ 6 = 33.333…: six times 33.33 is 199.98, so two pupils take a penny each."""
    shares = costing.pupil_shares(Decimal("200.00"), dict.fromkeys("abcdef", 12))
    assert [str(share) for share in shares.values()] == [
        "33.34",
        "33.34",
        "33.33",
        "33.33",
        "33.33",
        "33.33",
    ]


def test_a_pupil_who_never_attended_pays_nothing():
    shares = costing.pupil_shares(Decimal("90.00"), {"a": 10, "b": 0, "c": 5})
    assert shares == {"a": Decimal("60.00"), "b": Decimal("0.00"), "c": Decimal("30.00")}


def test_if_nobody_attended_the_cost_is_split_equally():
    assert costing.pupil_shares(Decimal("90.00"), {"a": 0, "b": 0}) == {
        "a": Decimal("45.00"),
        "b": Decimal("45.00"),
    }


def test_a_group_with_no_pupils_has_no_shares():
    assert costing.pupil_shares(Decimal("90.00"), {}) == {}


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        costing.pupil_shares(Decimal("90.00"), {"a": 5, "b": -1})


def test_a_pupil_in_three_groups_costing_over_6000_needs_element_3_top_up():
    """
    1:1 reading with a TA: 95 hours × 23.13 = 2,197.35, all hers.
    Speech and language pair, TA and teacher: 38 × 62.13 + 120.00 = 2,480.94; half is 1,240.47.
    Specialist teacher bought in at 60.00 an hour: 45 × 60.00 = 2,700.00.
    Her year: 2,197.35 + 1,240.47 + 2,700.00 = 6,137.82, over 6,000.
    """
    ta = costing.staff_hourly_cost(Decimal("18.50"), 25)
    teacher = Decimal("39.00")
    reading = costing.pupil_shares(costing.group_cost(95, [ta]), {"amira": 190})
    speech = costing.pupil_shares(
        costing.group_cost(38, [ta, teacher], Decimal("120.00")), {"amira": 38, "ben": 38}
    )
    specialist = costing.pupil_shares(
        costing.group_cost(45, [costing.staff_hourly_cost(60, 0)]), {"amira": 15}
    )
    assert reading["amira"] == Decimal("2197.35")
    assert speech == {"amira": Decimal("1240.47"), "ben": Decimal("1240.47")}
    assert specialist["amira"] == Decimal("2700.00")

    amira_year = reading["amira"] + speech["amira"] + specialist["amira"]
    assert amira_year == Decimal("6137.82")
    assert costing.over_element_2(amira_year) is True
    assert costing.over_element_2(speech["ben"]) is False


@pytest.mark.parametrize(
    ("annual_cost", "over"),
    [
        (Decimal("5999.99"), False),
        (Decimal("6000.00"), False),  # element 2 pays the first 6,000 in full
        (Decimal("6000.01"), True),
        (0, False),
    ],
)
def test_element_2_threshold_is_6000(annual_cost, over):
    assert str(costing.ELEMENT_2_THRESHOLD) == "6000"
    assert costing.over_element_2(annual_cost) is over


def test_the_threshold_is_a_parameter():
    assert costing.over_element_2(Decimal("5000"), threshold=Decimal("4500")) is True
    assert costing.over_element_2(Decimal("6137.82"), threshold=Decimal("7000")) is False


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 4, 1), date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 3, 31), date(2025, 4, 1), date(2026, 3, 31)),
        (date(2026, 1, 15), date(2025, 4, 1), date(2026, 3, 31)),
        (date(2025, 12, 15), date(2025, 4, 1), date(2026, 3, 31)),
        (date(2024, 2, 29), date(2023, 4, 1), date(2024, 3, 31)),
    ],
)
def test_financial_year_runs_from_1_april_to_31_march(day, start, end):
    assert costing.financial_year(day) == (start, end)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2025, 9, 1), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2026, 4, 20), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2024, 2, 29), date(2023, 9, 1), date(2024, 8, 31)),
    ],
)
def test_academic_year_runs_from_1_september_to_31_august(day, start, end):
    assert costing.academic_year(day) == (start, end)
