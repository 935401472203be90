"""School days for demo dates: weekdays outside the Christmas break (20 December to 3 January)."""

from datetime import timedelta


def is_school_day(day):
    christmas = (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3)
    return day.weekday() < 5 and not christmas


def on_or_after(day):
    """The first school day on or after `day`."""
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def on_or_before(day):
    """The last school day on or before `day`."""
    while not is_school_day(day):
        day -= timedelta(days=1)
    return day
