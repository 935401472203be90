"""The statutory EHC plan clock: due dates for assessments, reviews, amendments and transfers.

Pure date arithmetic, no database. The rules and their legal sources are written out in
docs/ehcp-clock.md. Conventions used throughout:

* "Weeks" and "months" are calendar weeks and months, as the SEND Regulations 2014 count
  them. Working days appear only in add_working_days(), for local school or LA rules.
* "Within N weeks of X" is due on X + N weeks. "At least 15 days, beginning with the day
  on which [the plan] was served" counts the day of service as day 1, so it ends on
  served + 14 days.
* Adding months keeps the day of the month, or the month's last day when it is shorter
  (29 February + 12 months is 28 February).
* A due date is never moved off a weekend or bank holiday, because the law does not move
  it. Every due date is a Due, a date that carries a plain-English note when it falls on
  a non-working day, so a page can say so.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

# Year groups are numbered as on Pupil.year_group: 0 is Reception, -1 and -2 nursery,
# 1 to 11 compulsory school, 12 and 13 sixth form.
YEAR_11 = 11

# Year groups whose pupils leave this school's phase at the end of the year: Year 6
# (primary to secondary) and Year 11 (secondary to post-16). Other schools pass their own:
# an infant school {2}, a primary school with a nursery class {-1, 6}, a first school {4}.
DEFAULT_TRANSFER_YEARS = frozenset({6, 11})


@lru_cache(maxsize=64)
def _bank_holidays(year):
    """England and Wales bank holidays in a calendar year, date -> name."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday(day):
    """The bank holiday's name if day is an England and Wales bank holiday, else None."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day):
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and bank_holiday(day) is None


def non_working_note(day):
    """A short note for a weekend or bank holiday ("Saturday", "Christmas Day (bank holiday)")."""
    name = bank_holiday(day)
    if day.weekday() >= 5:
        weekday = calendar.day_name[day.weekday()]
        return f"{weekday}, {name}" if name else weekday
    if name is None:
        return None
    if name.endswith(" (observed)"):
        return f"{name.removesuffix(' (observed)')} (substitute bank holiday)"
    if "bank holiday" in name.lower():  # "Spring Bank Holiday" says so already
        return name
    return f"{name} (bank holiday)"


class Due(date):
    """A due date that knows whether it falls on a weekend or bank holiday.

    It is a date (it compares, sorts, formats and saves like one) with a `note` that is
    None on a working day.
    """

    __slots__ = ()

    @classmethod
    def on(cls, day):
        return cls(day.year, day.month, day.day)

    @property
    def note(self):
        return non_working_note(self)


def add_months(start, months):
    """start moved by whole calendar months, clamped to the end of a shorter month."""
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_working_days(start, n):
    """The nth England and Wales working day after start (before it when n is negative).

    start itself is never counted, so n=1 is the next working day; n=0 returns start.
    """
    step = timedelta(days=1 if n >= 0 else -1)
    day = start
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


# EHC needs assessment and the draft plan ------------------------------------------


@dataclass(frozen=True)
class NeedsAssessment:
    decide_to_assess_by: Due  # SEND Regulations 2014 reg 5(1)
    decide_to_issue_by: Due  # reg 10(1)
    final_plan_by: Due  # reg 13(2)


def ehc_needs_assessment(request):
    """The LA's deadlines, counted from the day it received the request for an assessment."""
    return NeedsAssessment(
        decide_to_assess_by=Due.on(request + timedelta(weeks=6)),
        decide_to_issue_by=Due.on(request + timedelta(weeks=16)),
        final_plan_by=Due.on(request + timedelta(weeks=20)),
    )


def draft_comments_by(draft_sent):
    """Last day of the 15 days to comment on a draft plan, day 1 being the day it was served.

    SEND Regulations 2014 reg 13(1)(a).
    """
    return Due.on(draft_sent + timedelta(days=14))


# Annual review --------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualReview:
    review_complete_by: Due  # Children and Families Act 2014 s44(1); Code of Practice 9.169
    meeting_latest: Due  # leaves the LA its 4 weeks (reg 20(10); Code of Practice 9.169)
    invitations_and_advice_by: Due  # reg 20(3) and 20(4)


def annual_review(start):
    """Deadlines for the next review, from the plan's issue date or the last review meeting.

    The review must be complete, LA decision included, within 12 months; so the meeting is
    held at least 4 weeks before that, and invitations and advice go out 2 weeks before the
    meeting.
    """
    complete_by = add_months(start, 12)
    meeting = complete_by - timedelta(weeks=4)
    return AnnualReview(
        review_complete_by=Due.on(complete_by),
        meeting_latest=Due.on(meeting),
        invitations_and_advice_by=invitations_and_advice_by(meeting),
    )


def invitations_and_advice_by(meeting):
    """When invitations and circulated advice are due for a meeting on a chosen day.

    At least 2 weeks before the meeting (SEND Regulations 2014 reg 20(3) and 20(4)); the
    meeting may be held earlier than annual_review()'s meeting_latest.
    """
    return Due.on(meeting - timedelta(weeks=2))


@dataclass(frozen=True)
class AfterMeeting:
    report_by: Due  # SEND Regulations 2014 reg 20(7)
    la_decision_by: Due  # reg 20(10)
    next_review_by: Due  # Children and Families Act 2014 s44(1); Code of Practice 9.169


def after_meeting(meeting):
    """Deadlines that run from the day of a review meeting."""
    return AfterMeeting(
        report_by=Due.on(meeting + timedelta(weeks=2)),
        la_decision_by=Due.on(meeting + timedelta(weeks=4)),
        next_review_by=Due.on(add_months(meeting, 12)),
    )


@dataclass(frozen=True)
class Amendment:
    parent_response_by: Due  # SEND Regulations 2014 reg 22(2)(c)
    final_amended_plan_by: Due  # reg 22(3)


def amendment(proposed_sent):
    """Deadlines after the LA sends a plan with proposed amendments following a review.

    The parent or young person has 15 days beginning with the day the proposals were
    served; the final amended plan is due 8 weeks after they were sent.
    """
    return Amendment(
        parent_response_by=Due.on(proposed_sent + timedelta(days=14)),
        final_amended_plan_by=Due.on(proposed_sent + timedelta(weeks=8)),
    )


# Phase transfer -------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseTransfer:
    amended_plan_by: Due  # SEND Regulations 2014 reg 18(1); Code of Practice 9.179
    recommended_meeting_by: Due  # 4 weeks for the decision + 8 weeks to amend
    invitations_and_advice_by: Due  # reg 20(3) and 20(4)


def _start_year(academic_year_start):
    """The calendar year an academic year starts in, from that year (2026) or any date in it."""
    if isinstance(academic_year_start, date):
        day = academic_year_start
        return day.year if day.month >= 9 else day.year - 1
    if isinstance(academic_year_start, int) and not isinstance(academic_year_start, bool):
        return academic_year_start
    raise TypeError(f"Expected a year or a date, not {academic_year_start!r}.")


def phase_transfer(year_group, academic_year_start, transfer_years=DEFAULT_TRANSFER_YEARS):
    """Phase-transfer deadlines for a pupil in year_group during an academic year.

    academic_year_start is the year the academic year starts (2026 for 2026/27) or any
    date inside it. The pupil moves on the following September, so the plan must be
    amended by 15 February of that calendar year, or 31 March when leaving Year 11 for
    post-16. Returns None when the school's transfer_years do not include year_group.
    """
    too_old = sorted(year for year in transfer_years if year > YEAR_11)
    if too_old:
        raise ValueError(
            f"Year {too_old[0]} cannot be a phase transfer year: a move between post-16 "
            "institutions is due five months before the move (SEND Regulations 2014 "
            "reg 18(2)), not on a fixed date."
        )
    if year_group not in transfer_years:
        return None
    transfer_year = _start_year(academic_year_start) + 1
    to_post16 = year_group == YEAR_11
    amended_by = date(transfer_year, 3, 31) if to_post16 else date(transfer_year, 2, 15)
    # After the meeting the LA has 4 weeks to decide and send proposed amendments
    # (reg 20(10)) and 8 more to issue the amended plan (reg 22(3)).
    meeting = amended_by - timedelta(weeks=12)
    return PhaseTransfer(
        amended_plan_by=Due.on(amended_by),
        recommended_meeting_by=Due.on(meeting),
        invitations_and_advice_by=Due.on(meeting - timedelta(weeks=2)),
    )


# School census and the young person -----------------------------------------------


def _nth_weekday(year, month, weekday, n):
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=n - 1)


def census_days(academic_year_start):
    """The school census days (autumn, spring, summer) of an academic year.

    Autumn is the 1st Thursday in October; spring the 3rd Thursday in January; summer the
    3rd Thursday in May. academic_year_start is a year (2026 for 2026/27) or a date in it.
    """
    start = _start_year(academic_year_start)
    return (
        _nth_weekday(start, 10, calendar.THURSDAY, 1),
        _nth_weekday(start + 1, 1, calendar.THURSDAY, 3),
        _nth_weekday(start + 1, 5, calendar.THURSDAY, 3),
    )


def _last_friday_in_june(year):
    june_30 = date(year, 6, 30)
    return june_30 - timedelta(days=(june_30.weekday() - calendar.FRIDAY) % 7)


def young_person_from(date_of_birth, autumn_term_starts=None):
    """The first day a pupil is a young person who makes their own SEND decisions.

    That is the day after the last Friday in June of the school year in which they turn 16,
    when they pass compulsory school age (Children and Families Act 2014 s83; Education Act
    1996 s8(3); Code of Practice 8.13 to 8.15). A school year runs 1 September to 31 August,
    so a child born on 31 August is a year ahead of one born on 1 September.

    The Education Act counts a 16th birthday in the summer holiday, before the autumn term
    starts, with the school year just ending. Pass autumn_term_starts (the first day of the
    autumn term in the calendar year of the 16th birthday) to apply that to a child born in
    early September; without it the school year is taken to start on 1 September.
    """
    sixteenth = add_months(date_of_birth, 16 * 12)
    if autumn_term_starts is None:
        autumn_term_starts = date(sixteenth.year, 9, 1)
    elif autumn_term_starts.year != sixteenth.year:
        raise ValueError(
            f"autumn_term_starts must fall in {sixteenth.year}, the year of the 16th birthday."
        )
    leaving_year = sixteenth.year if sixteenth < autumn_term_starts else sixteenth.year + 1
    return _last_friday_in_june(leaving_year) + timedelta(days=1)


# Progress -------------------------------------------------------------------------


class Status(StrEnum):
    DONE = "done"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()


def status(due, today, soon_days=14, done=None):
    """Where a step stands: done, on time, due soon (due within soon_days) or overdue.

    done is the date the step was done (or True); anything done counts as done, late or not.
    A step due today is due soon, not overdue.
    """
    if done:
        return Status.DONE
    if today > due:
        return Status.OVERDUE
    if (due - today).days <= soon_days:
        return Status.DUE_SOON
    return Status.ON_TIME
