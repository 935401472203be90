"""
Impact measures for provision (Code of Practice 6.76: entry and exit on the same measure).

Pure functions returning Decimals rounded with ROUND_HALF_UP, or None where a measure
cannot be worked out (nothing elapsed, nothing planned). The ratio gain bands are Greg
Brooks's, from "What works for children and young people with literacy difficulties".
docs/provision-impact.md explains each measure with worked examples.
"""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from provision.costing import PENNY, to_decimal

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")

# A pupil making typical progress gains a month of reading or spelling age each month.
TYPICAL_RATIO_GAIN = Decimal("1.0")

# (lowest ratio gain in the band, band), highest first; below 1.4 is "modest".
RATIO_GAIN_BANDS = (
    (Decimal("3.0"), "remarkable"),
    (Decimal("2.0"), "substantial"),
    (Decimal("1.4"), "useful"),
)

RATIO_GAIN_LABELS = {
    "modest": "Modest impact: under 1.4 months' progress a month",
    "useful": "Useful impact: 1.4 to 2 months' progress a month",
    "substantial": "Substantial impact: 2 to 3 months' progress a month",
    "remarkable": "Remarkable impact: 3 or more months' progress a month",
}

# Standardised scores have a mean of 100 and a standard deviation of 15.
STANDARDISED_SD = 15

# 365.25 days ÷ 12: the average length of a month, for the days beyond whole months.
DAYS_PER_MONTH = Decimal("30.44")


def months_between(start_date, end_date):
    """
    Months elapsed between two test dates, to one decimal place.

    Whole calendar months are counted as a SENCO counts them: 12 September to 12
    February is 5.0 months, whatever the lengths of the months between. A month that
    has no such day (31 January to 28 February) ends on its last day. Days beyond the
    whole months count as days ÷ 30.44. An end date before the start gives a negative
    number.
    """
    if end_date < start_date:
        return -months_between(end_date, start_date)
    months = (end_date.year - start_date.year) * 12 + end_date.month - start_date.month
    if _months_later(start_date, months) > end_date:
        months -= 1
    spare_days = (end_date - _months_later(start_date, months)).days
    elapsed = months + Decimal(spare_days) / DAYS_PER_MONTH
    return elapsed.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _months_later(day, months):
    """The same day of the month, months later; the month's last day if it is shorter."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ratio_gain(entry_months, exit_months, elapsed_months):
    """
    Months gained in reading or spelling age ÷ months elapsed, to one decimal place.

    None when no time has elapsed (or the dates are the wrong way round, or unknown).
    A fall in age-equivalent gives a negative ratio gain.
    """
    elapsed = None if elapsed_months is None else to_decimal(elapsed_months)
    if elapsed is None or elapsed <= 0:
        return None
    gain = to_decimal(exit_months) - to_decimal(entry_months)
    return (gain / elapsed).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def ratio_gain_band(ratio):
    """Brooks's band for a ratio gain: modest, useful, substantial or remarkable."""
    if ratio is None:
        return None
    ratio = to_decimal(ratio)
    for lowest, band in RATIO_GAIN_BANDS:
        if ratio >= lowest:
            return band
    return "modest"


def ratio_gain_label(ratio, labels=RATIO_GAIN_LABELS):
    """The plain-English label of a ratio gain's band, for display."""
    band = ratio_gain_band(ratio)
    return None if band is None else labels[band]


def standardised_change(entry_score, exit_score):
    """
    (exit − entry, the change in standard deviations to two places) for standardised scores.

    A score that holds steady means typical progress for age; a rise means catching up.
    """
    change = int(exit_score) - int(entry_score)
    effect_sd = (Decimal(change) / STANDARDISED_SD).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return change, effect_sd


def _percentage(part, whole):
    if not whole or to_decimal(whole) <= 0:
        return None
    return (to_decimal(part) * 100 / to_decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def fidelity(delivered, planned):
    """Sessions (or hours) delivered as a percentage of those planned; None if none planned."""
    return _percentage(delivered, planned)


def target_attainment(met, total):
    """Targets met as a percentage of targets set; None if none were set."""
    return _percentage(met, total)


def cost_per_success(total_cost, pupils_reaching_exit):
    """Value for money: cost ÷ pupils who reached the exit criterion; None if nobody did."""
    if not pupils_reaching_exit or pupils_reaching_exit <= 0:
        return None
    return (to_decimal(total_cost) / pupils_reaching_exit).quantize(PENNY, rounding=ROUND_HALF_UP)
