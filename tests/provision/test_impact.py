"""Impact measures (Code of Practice 6.76; Brooks's ratio gain bands), with worked examples."""

from datetime import date
from decimal import Decimal

import pytest

from provision import impact


def test_reading_age_7y2m_to_8y0m_in_5_months_is_a_substantial_ratio_gain():
    """86 → 96 months of reading age is 10 months gained; 10 ÷ 5 = 2.0."""
    ratio = impact.ratio_gain(86, 96, 5)
    assert ratio == Decimal("2.0")
    assert str(ratio) == "2.0"
    assert impact.ratio_gain_band(ratio) == "substantial"


def test_ratio_gain_from_the_two_test_dates():
    """Tested 12 September and 12 February: 5 whole months elapsed."""
    elapsed = impact.months_between(date(2025, 9, 12), date(2026, 2, 12))
    assert elapsed == Decimal("5.0")
    assert impact.ratio_gain(86, 96, elapsed) == Decimal("2.0")


@pytest.mark.parametrize(
    ("entry", "exit", "elapsed", "expected"),
    [
        (86, 93, 5, "1.4"),  # 7 ÷ 5
        (86, 90, 3, "1.3"),  # 4 ÷ 3 = 1.33
        (86, 96, 4, "2.5"),  # 10 ÷ 4
        (86, 87, 4, "0.3"),  # 1 ÷ 4 = 0.25, a half rounds up
        (86, 92, Decimal("5.5"), "1.1"),  # 6 ÷ 5.5 = 1.09
        (86, 86, 6, "0.0"),  # no gain at all
    ],
)
def test_ratio_gain_is_rounded_half_up_to_one_place(entry, exit, elapsed, expected):
    assert str(impact.ratio_gain(entry, exit, elapsed)) == expected


def test_a_fall_in_reading_age_is_a_negative_modest_ratio_gain():
    """96 → 94 months over 4 months: −2 ÷ 4 = −0.5."""
    ratio = impact.ratio_gain(96, 94, 4)
    assert ratio == Decimal("-0.5")
    assert impact.ratio_gain_band(ratio) == "modest"


@pytest.mark.parametrize("elapsed", [0, Decimal("0.0"), -3, None])
def test_ratio_gain_needs_time_to_have_elapsed(elapsed):
    assert impact.ratio_gain(86, 96, elapsed) is None


@pytest.mark.parametrize(
    ("ratio", "band"),
    [
        (Decimal("-0.5"), "modest"),
        (Decimal("1.0"), "modest"),  # typical progress
        (Decimal("1.39"), "modest"),
        (Decimal("1.4"), "useful"),
        (Decimal("1.99"), "useful"),
        (Decimal("2.0"), "substantial"),
        (Decimal("2.99"), "substantial"),
        (Decimal("3.0"), "remarkable"),
        (Decimal("7.2"), "remarkable"),
        (1.4, "useful"),  # a float 1.4 is not taken as 1.3999…
        (3, "remarkable"),
    ],
)
def test_ratio_gain_bands(ratio, band):
    assert impact.ratio_gain_band(ratio) == band


def test_an_unknown_ratio_gain_has_no_band_or_label():
    assert impact.ratio_gain_band(None) is None
    assert impact.ratio_gain_label(None) is None


def test_typical_progress_is_a_month_a_month_and_only_modest_impact():
    assert str(impact.TYPICAL_RATIO_GAIN) == "1.0"
    assert impact.ratio_gain(86, 92, 6) == impact.TYPICAL_RATIO_GAIN
    assert impact.ratio_gain_band(impact.TYPICAL_RATIO_GAIN) == "modest"


def test_each_band_has_a_plain_english_label():
    assert impact.ratio_gain_label(Decimal("1.2")) == (
        "Modest impact: under 1.4 months' progress a month"
    )
    assert impact.ratio_gain_label(Decimal("1.4")) == (
        "Useful impact: 1.4 to 2 months' progress a month"
    )
    assert impact.ratio_gain_label(Decimal("2.0")) == (
        "Substantial impact: 2 to 3 months' progress a month"
    )
    assert impact.ratio_gain_label(Decimal("3.0")) == (
        "Remarkable impact: 3 or more months' progress a month"
    )


def test_a_school_can_word_the_labels_its_own_way():
    labels = {**impact.RATIO_GAIN_LABELS, "substantial": "Big step forward"}
    assert impact.ratio_gain_label(Decimal("2.4"), labels=labels) == "Big step forward"


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 9, 12), date(2026, 2, 12), "5.0"),
        (date(2025, 9, 12), date(2026, 2, 26), "5.5"),  # 5 months and 14 days: 14 ÷ 30.44 = 0.46
        (date(2026, 2, 1), date(2026, 3, 1), "1.0"),  # a short February is still a whole month
        (date(2026, 1, 31), date(2026, 2, 28), "1.0"),  # no 31 February: its last day ends it
        (date(2026, 1, 31), date(2026, 2, 27), "0.9"),  # 27 days ÷ 30.44 = 0.89
        (date(2026, 3, 10), date(2026, 3, 24), "0.5"),  # a fortnight: 14 ÷ 30.44 = 0.46
        (date(2026, 1, 5), date(2026, 2, 16), "1.4"),  # six weeks: 1 month and 11 days
        (date(2025, 11, 3), date(2026, 11, 3), "12.0"),
        (date(2024, 2, 29), date(2025, 2, 28), "12.0"),  # from a leap day
        (date(2026, 5, 6), date(2026, 5, 6), "0.0"),
        (date(2026, 2, 12), date(2025, 9, 12), "-5.0"),  # dates the wrong way round
    ],
)
def test_months_between_counts_calendar_months_then_days(start, end, months):
    assert str(impact.months_between(start, end)) == months


def test_standardised_score_82_to_91_is_a_rise_of_0_6_sd():
    """91 − 82 = 9 points; 9 ÷ 15 = 0.60 of a standard deviation."""
    change, effect_sd = impact.standardised_change(82, 91)
    assert change == 9
    assert isinstance(change, int)
    assert str(effect_sd) == "0.60"
    assert impact.standardised_change(82, 91) == (9, Decimal("0.60"))


@pytest.mark.parametrize(
    ("entry", "exit", "change", "effect_sd"),
    [
        (100, 100, 0, "0.00"),  # holding steady is typical progress
        (95, 88, -7, "-0.47"),  # −7 ÷ 15 = −0.4667
        (70, 100, 30, "2.00"),
        (84, 85, 1, "0.07"),  # 1 ÷ 15 = 0.0667
    ],
)
def test_standardised_change(entry, exit, change, effect_sd):
    assert impact.standardised_change(entry, exit) == (change, Decimal(effect_sd))
    assert str(impact.standardised_change(entry, exit)[1]) == effect_sd


@pytest.mark.parametrize(
    ("delivered", "planned", "percent"),
    [
        (27, 30, "90.0"),
        (30, 30, "100.0"),
        (2, 3, "66.7"),
        (1, 16, "6.3"),  # 6.25 rounds half up
        (32, 30, "106.7"),  # more sessions than planned is shown as it is
        (0, 30, "0.0"),
    ],
)
def test_fidelity_is_sessions_delivered_as_a_percentage_of_planned(delivered, planned, percent):
    assert str(impact.fidelity(delivered, planned)) == percent


@pytest.mark.parametrize("planned", [0, None])
def test_fidelity_needs_planned_sessions(planned):
    assert impact.fidelity(5, planned) is None


@pytest.mark.parametrize(
    ("met", "total", "percent"),
    [(3, 4, "75.0"), (1, 3, "33.3"), (0, 5, "0.0"), (5, 5, "100.0")],
)
def test_target_attainment(met, total, percent):
    assert str(impact.target_attainment(met, total)) == percent


@pytest.mark.parametrize("total", [0, None])
def test_target_attainment_needs_targets(total):
    assert impact.target_attainment(0, total) is None


@pytest.mark.parametrize(
    ("total_cost", "pupils", "expected"),
    [
        (Decimal("666.30"), 3, "222.10"),
        (Decimal("1000"), 3, "333.33"),
        (Decimal("100.00"), 6, "16.67"),  # 16.666…
        ("2480.94", 1, "2480.94"),
    ],
)
def test_cost_per_pupil_reaching_the_exit_criterion(total_cost, pupils, expected):
    assert str(impact.cost_per_success(total_cost, pupils)) == expected


@pytest.mark.parametrize("pupils", [0, None])
def test_no_cost_per_success_when_nobody_reached_exit(pupils):
    assert impact.cost_per_success(Decimal("666.30"), pupils) is None
