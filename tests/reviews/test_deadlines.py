"""The statutory EHC plan clock, checked against dates worked out by hand."""

from datetime import date, timedelta

import pytest

from reviews.deadlines import (
    Due,
    Status,
    add_months,
    add_working_days,
    after_meeting,
    amendment,
    annual_review,
    census_days,
    draft_comments_by,
    ehc_needs_assessment,
    is_working_day,
    non_working_note,
    phase_transfer,
    status,
    young_person_from,
)

# Calendar months ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


# Weekends, bank holidays and working days -----------------------------------------


@pytest.mark.parametrize(
    ("day", "note"),
    [
        (date(2026, 12, 24), None),
        (date(2026, 12, 25), "Christmas Day (bank holiday)"),
        (date(2026, 12, 26), "Saturday, Boxing Day"),
        (date(2026, 12, 27), "Sunday"),
        (date(2026, 12, 28), "Boxing Day (substitute bank holiday)"),
        (date(2026, 12, 29), None),
        (date(2027, 12, 27), "Christmas Day (substitute bank holiday)"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        (date(2027, 3, 26), "Good Friday (bank holiday)"),
        (date(2026, 2, 15), "Sunday"),
        (date(2026, 2, 16), None),
    ],
)
def test_non_working_note_names_weekends_and_bank_holidays(day, note):
    assert non_working_note(day) == note
    assert is_working_day(day) is (note is None)


def test_due_is_a_date_that_carries_its_note():
    due = Due.on(date(2026, 12, 25))
    assert due == date(2026, 12, 25)
    assert due.note == "Christmas Day (bank holiday)"
    assert Due(2026, 12, 29).note is None
    assert (due + timedelta(days=1)).note == "Saturday, Boxing Day"


def test_working_days_skip_christmas_and_the_substitute_boxing_day():
    # Tue 22 Dec 2026: 23, 24, then Fri 25 (Christmas), Sat 26, Sun 27 and Mon 28
    # (Boxing Day substitute) are skipped, then 29, 30, 31.
    assert add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 31)


def test_working_days_skip_two_substitute_days_when_christmas_is_a_weekend():
    # Christmas 2027 is a Saturday: Mon 27 and Tue 28 Dec are the bank holidays.
    assert add_working_days(date(2027, 12, 23), 3) == date(2027, 12, 30)


def test_working_days_skip_easter():
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_working_days_skip_a_weekend():
    assert add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 12)


def test_working_days_from_a_holiday_start_counting_the_next_working_day():
    assert add_working_days(date(2026, 12, 25), 1) == date(2026, 12, 29)


def test_zero_working_days_is_the_start_itself():
    assert add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 26)


def test_negative_working_days_count_backwards_over_new_year():
    assert add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)


# EHC needs assessment -------------------------------------------------------------


def test_needs_assessment_runs_6_16_and_20_weeks_from_the_request():
    clock = ehc_needs_assessment(date(2026, 9, 14))
    assert clock.decide_to_assess_by == date(2026, 10, 26)
    assert clock.decide_to_issue_by == date(2027, 1, 4)
    assert clock.final_plan_by == date(2027, 2, 1)
    assert clock.decide_to_issue_by.note is None


def test_needs_assessment_deadline_on_christmas_day_is_kept_and_noted():
    clock = ehc_needs_assessment(date(2026, 11, 13))
    assert clock.decide_to_assess_by == date(2026, 12, 25)
    assert clock.decide_to_assess_by.note == "Christmas Day (bank holiday)"


def test_draft_comment_period_is_15_days_counting_the_day_served():
    # Served Mon 11 Jan: day 1 is 11 Jan, day 15 is 25 Jan.
    assert draft_comments_by(date(2027, 1, 11)) == date(2027, 1, 25)


# Annual review --------------------------------------------------------------------


def test_annual_review_leaves_four_weeks_for_the_decision_and_two_for_invitations():
    clock = annual_review(date(2026, 3, 10))
    assert clock.review_complete_by == date(2027, 3, 10)
    assert clock.meeting_latest == date(2027, 2, 10)
    assert clock.invitations_and_advice_by == date(2027, 1, 27)


def test_annual_review_from_29_february_ends_on_28_february():
    clock = annual_review(date(2024, 2, 29))
    assert clock.review_complete_by == date(2025, 2, 28)
    assert clock.meeting_latest == date(2025, 1, 31)
    assert clock.invitations_and_advice_by == date(2025, 1, 17)


def test_annual_review_counts_back_over_29_february_in_a_leap_year():
    clock = annual_review(date(2027, 3, 20))
    assert clock.review_complete_by == date(2028, 3, 20)
    assert clock.meeting_latest == date(2028, 2, 21)
    assert clock.invitations_and_advice_by == date(2028, 2, 7)


def test_annual_review_dates_on_a_saturday_are_noted():
    clock = annual_review(date(2026, 2, 13))
    assert clock.review_complete_by == date(2027, 2, 13)
    assert clock.meeting_latest == date(2027, 1, 16)
    assert clock.invitations_and_advice_by == date(2027, 1, 2)
    assert clock.review_complete_by.note == "Saturday"
    assert clock.meeting_latest.note == "Saturday"
    assert clock.invitations_and_advice_by.note == "Saturday"


def test_after_meeting_report_decision_and_next_review():
    clock = after_meeting(date(2026, 11, 18))
    assert clock.report_by == date(2026, 12, 2)
    assert clock.la_decision_by == date(2026, 12, 16)
    assert clock.next_review_by == date(2027, 11, 18)


def test_after_meeting_on_29_february():
    clock = after_meeting(date(2028, 2, 29))
    assert clock.report_by == date(2028, 3, 14)
    assert clock.la_decision_by == date(2028, 3, 28)
    assert clock.next_review_by == date(2029, 2, 28)


def test_after_meeting_report_due_on_christmas_day_is_noted():
    clock = after_meeting(date(2026, 12, 11))
    assert clock.report_by == date(2026, 12, 25)
    assert clock.report_by.note == "Christmas Day (bank holiday)"
    assert clock.la_decision_by == date(2027, 1, 8)
    assert clock.la_decision_by.note is None


# Amendment ------------------------------------------------------------------------


def test_amendment_response_is_15_days_counting_the_day_served_and_plan_8_weeks():
    clock = amendment(date(2026, 12, 10))
    assert clock.parent_response_by == date(2026, 12, 24)
    assert clock.final_amended_plan_by == date(2027, 2, 4)


def test_amendment_response_due_on_the_substitute_boxing_day_is_noted():
    clock = amendment(date(2026, 12, 14))
    assert clock.parent_response_by == date(2026, 12, 28)
    assert clock.parent_response_by.note == "Boxing Day (substitute bank holiday)"
    assert clock.final_amended_plan_by == date(2027, 2, 8)


# Phase transfer -------------------------------------------------------------------


def test_year_6_plan_amended_by_15_february_of_the_transfer_year():
    clock = phase_transfer(6, 2026)
    assert clock.amended_plan_by == date(2027, 2, 15)
    assert clock.recommended_meeting_by == date(2026, 11, 23)
    assert clock.invitations_and_advice_by == date(2026, 11, 9)


def test_year_11_plan_amended_by_31_march_for_post_16():
    clock = phase_transfer(11, 2026)
    assert clock.amended_plan_by == date(2027, 3, 31)
    assert clock.recommended_meeting_by == date(2027, 1, 6)
    assert clock.invitations_and_advice_by == date(2026, 12, 23)


def test_year_11_meeting_counts_back_over_29_february():
    clock = phase_transfer(11, 2027)
    assert clock.amended_plan_by == date(2028, 3, 31)
    assert clock.recommended_meeting_by == date(2028, 1, 7)
    assert clock.invitations_and_advice_by == date(2027, 12, 24)


@pytest.mark.parametrize("when", [date(2026, 9, 1), date(2027, 3, 1), date(2027, 8, 31)])
def test_phase_transfer_takes_any_date_in_the_academic_year(when):
    assert phase_transfer(6, when).amended_plan_by == date(2027, 2, 15)


def test_phase_transfer_deadline_on_a_sunday_is_noted():
    clock = phase_transfer(6, date(2026, 8, 31))  # academic year 2025/26
    assert clock.amended_plan_by == date(2026, 2, 15)
    assert clock.amended_plan_by.note == "Sunday"


@pytest.mark.parametrize("year_group", [-1, 0, 2, 5, 7, 10, 12, 13])
def test_phase_transfer_is_none_for_a_year_that_does_not_transfer(year_group):
    assert phase_transfer(year_group, 2026) is None


def test_phase_transfer_years_are_configurable():
    infant = frozenset({2})
    assert phase_transfer(2, 2026, transfer_years=infant).amended_plan_by == date(2027, 2, 15)
    assert phase_transfer(6, 2026, transfer_years=infant) is None
    with_nursery = frozenset({-1, 6})
    assert phase_transfer(-1, 2026, transfer_years=with_nursery).amended_plan_by == date(
        2027, 2, 15
    )


def test_phase_transfer_refuses_a_post_16_year_group():
    with pytest.raises(ValueError, match="five months"):
        phase_transfer(6, 2026, transfer_years={6, 13})


def test_phase_transfer_refuses_a_year_given_as_text():
    with pytest.raises(TypeError):
        phase_transfer(6, "2026")


# Census days ----------------------------------------------------------------------


def test_census_days_2026_27():
    assert census_days(2026) == (date(2026, 10, 1), date(2027, 1, 21), date(2027, 5, 20))


def test_census_days_2025_26():
    assert census_days(2025) == (date(2025, 10, 2), date(2026, 1, 15), date(2026, 5, 21))


def test_census_days_take_any_date_in_the_academic_year():
    assert census_days(date(2027, 2, 1)) == census_days(2026)
    assert census_days(date(2026, 9, 1)) == census_days(2026)


# Young person ---------------------------------------------------------------------


def test_born_31_august_is_a_young_person_after_june_of_the_year_they_turn_16():
    # Turns 16 on Mon 31 Aug 2026, in school year 2025/26; last Friday in June is 26 June.
    assert young_person_from(date(2010, 8, 31)) == date(2026, 6, 27)


def test_born_1_september_is_a_young_person_a_year_later():
    # Turns 16 on 1 Sep 2026, in school year 2026/27; last Friday in June 2027 is 25 June.
    assert young_person_from(date(2010, 9, 1)) == date(2027, 6, 26)


def test_16th_birthday_before_the_autumn_term_starts_counts_with_the_year_ending():
    assert young_person_from(date(2010, 9, 1), autumn_term_starts=date(2026, 9, 3)) == date(
        2026, 6, 27
    )
    assert young_person_from(date(2010, 9, 3), autumn_term_starts=date(2026, 9, 3)) == date(
        2027, 6, 26
    )


def test_autumn_term_start_must_be_in_the_year_of_the_16th_birthday():
    with pytest.raises(ValueError, match="2026"):
        young_person_from(date(2010, 9, 1), autumn_term_starts=date(2027, 9, 2))


def test_16th_birthday_on_the_leaving_date_itself():
    assert young_person_from(date(2010, 6, 26)) == date(2026, 6, 27)


def test_young_person_from_rolls_into_july_when_30_june_is_a_friday():
    assert young_person_from(date(2006, 12, 10)) == date(2023, 7, 1)


def test_born_29_february():
    assert young_person_from(date(2012, 2, 29)) == date(2028, 7, 1)


# Status ---------------------------------------------------------------------------

DUE = date(2027, 1, 20)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 5), "on_time"),
        (date(2027, 1, 6), "due_soon"),
        (date(2027, 1, 20), "due_soon"),
        (date(2027, 1, 21), "overdue"),
    ],
)
def test_status_by_days_left(today, expected):
    assert status(DUE, today) == expected


def test_status_is_done_once_done_even_if_late():
    assert status(DUE, date(2027, 2, 1), done=date(2027, 1, 25)) == Status.DONE
    assert status(DUE, date(2027, 2, 1), done=True) == "done"
    assert status(DUE, date(2027, 2, 1), done=False) == "overdue"


def test_status_soon_days_is_configurable():
    assert status(DUE, date(2027, 1, 19), soon_days=0) == "on_time"
    assert status(DUE, date(2027, 1, 20), soon_days=0) == "due_soon"
    assert status(DUE, date(2026, 12, 21), soon_days=30) == "due_soon"


def test_status_accepts_a_due_and_has_a_label():
    result = status(Due(2027, 1, 20), date(2027, 1, 21))
    assert result is Status.OVERDUE
    assert result.label == "Overdue"
    assert Status.DUE_SOON.label == "Due soon"
    assert Status.ON_TIME.label == "On time"
