"""
Costing a provision map (Code of Practice 6.76: provision is shown costed).

Pure functions on Decimal money, rounded to the penny with ROUND_HALF_UP, the way a
school's costing sheet rounds. docs/provision-impact.md explains each rule with examples.
"""

from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from pupils.codes import school_year_bounds

PENNY = Decimal("0.01")

# The notional SEN budget pays the first £6,000 of additional provision for each pupil
# (element 2); the local authority's top-up (element 3) pays for anything above it.
ELEMENT_2_THRESHOLD = Decimal("6000")


def to_decimal(value):
    """A number as an exact Decimal; a float goes through its text, so 1.4 stays 1.4."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def staff_hourly_cost(hourly_rate, on_cost_percent):
    """What an hour of one adult costs the school: pay plus on-costs (employer NI, pension)."""
    rate = to_decimal(hourly_rate) * (1 + to_decimal(on_cost_percent) / 100)
    return rate.quantize(PENNY, rounding=ROUND_HALF_UP)


def hourly_rate_from_salary(annual_salary, paid_hours_per_year):
    """The hourly rate of pay behind an annual salary, for staff paid by salary (teachers)."""
    rate = to_decimal(annual_salary) / to_decimal(paid_hours_per_year)
    return rate.quantize(PENNY, rounding=ROUND_HALF_UP)


def group_cost(hours_delivered, adult_hourly_costs, resources=0):
    """Hours delivered × the hourly cost of each adult in the group, plus resources."""
    staffing = to_decimal(hours_delivered) * sum(map(to_decimal, adult_hourly_costs), Decimal(0))
    return (staffing + to_decimal(resources)).quantize(PENNY, rounding=ROUND_HALF_UP)


def pupil_shares(group_cost, attendance_days):
    """
    Each pupil's share of a group's cost, pro rata to the days (or sessions) they attended.

    attendance_days maps a pupil key to their days in the group. Every share is first
    rounded down to the penny; the pennies left over go one each to the pupils whose
    exact shares lost the most in that rounding, ties going to the earlier key. The
    shares therefore add up exactly to the group cost and no pupil moves by more than
    a penny. If nobody attended at all, the cost is split equally.
    """
    pennies = int(to_decimal(group_cost).quantize(PENNY, rounding=ROUND_HALF_UP) * 100)
    weights = {key: to_decimal(days) for key, days in attendance_days.items()}
    if pennies < 0 or any(weight < 0 for weight in weights.values()):
        raise ValueError("A group's cost and the days attended cannot be negative.")
    if not weights:
        return {}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, Decimal(1))
    total_weight = sum(weights.values())

    exact = {key: pennies * weight / total_weight for key, weight in weights.items()}
    shares = {
        key: int(value.to_integral_value(rounding=ROUND_FLOOR)) for key, value in exact.items()
    }
    left_over = pennies - sum(shares.values())
    # sorted() is stable, so among equal losses the earlier key comes first.
    by_loss = sorted(shares, key=lambda key: exact[key] - shares[key], reverse=True)
    for key in by_loss[:left_over]:
        shares[key] += 1
    return {key: Decimal(share) * PENNY for key, share in shares.items()}


def over_element_2(annual_cost, threshold=ELEMENT_2_THRESHOLD):
    """True when a pupil's provision for a year costs more than the school's element 2 share."""
    return to_decimal(annual_cost) > to_decimal(threshold)


def financial_year(d):
    """The financial year holding d: 1 April to 31 March (a maintained school's budget year)."""
    start_year = d.year if d.month >= 4 else d.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def academic_year(d):
    """The academic year holding d: 1 September to 31 August (an academy's budget year too)."""
    return school_year_bounds(d)
