"""
SEN register codes and rules (docs/register.md).

Everything here is data with tests (tests/pupils/test_codes.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import upn as stdnum_upn


class BroadArea(models.TextChoices):
    """The four broad areas of need (Code of Practice 6.28-6.35)."""

    COMMUNICATION = "CI", "Communication and interaction"
    COGNITION = "CL", "Cognition and learning"
    SEMH = "SEMH", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "SP", "Sensory and/or physical"
    OTHER = "OTH", "Other"


class NeedType(models.TextChoices):
    """DfE school census type-of-need codes."""

    SLCN = "SLCN", "Speech, language and communication needs"
    ASD = "ASD", "Autistic spectrum disorder"
    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"


NEED_AREAS = {
    NeedType.SLCN: BroadArea.COMMUNICATION,
    NeedType.ASD: BroadArea.COMMUNICATION,
    NeedType.SPLD: BroadArea.COGNITION,
    NeedType.MLD: BroadArea.COGNITION,
    NeedType.SLD: BroadArea.COGNITION,
    NeedType.PMLD: BroadArea.COGNITION,
    NeedType.SEMH: BroadArea.SEMH,
    NeedType.HI: BroadArea.SENSORY_PHYSICAL,
    NeedType.VI: BroadArea.SENSORY_PHYSICAL,
    NeedType.MSI: BroadArea.SENSORY_PHYSICAL,
    NeedType.PD: BroadArea.SENSORY_PHYSICAL,
    NeedType.OTH: BroadArea.OTHER,
    NeedType.NSA: BroadArea.OTHER,
}


def needs_in_area(area):
    return [need for need, need_area in NEED_AREAS.items() if need_area == area]


class SenStage(models.TextChoices):
    """Where a pupil stands; the census code follows from it (census_code_for_stage)."""

    NONE = "none", "No SEN"
    MONITORING = "monitoring", "Concern raised: monitoring"
    SEN_SUPPORT = "sen_support", "SEN support"
    ASSESSMENT_REQUESTED = "assessment_requested", "EHC needs assessment requested"
    EHCP = "ehcp", "EHC plan"


class CensusCode(models.TextChoices):
    """DfE school census "SEN provision" code."""

    N = "N", "No SEN"
    K = "K", "SEN support"
    E = "E", "Education, Health and Care plan"


# Monitoring is not on the register; an assessment request stays K until the local
# authority issues a plan (Children and Families Act 2014 s37; docs/register.md).
_STAGE_CODES = {
    SenStage.NONE: CensusCode.N,
    SenStage.MONITORING: CensusCode.N,
    SenStage.SEN_SUPPORT: CensusCode.K,
    SenStage.ASSESSMENT_REQUESTED: CensusCode.K,
    SenStage.EHCP: CensusCode.E,
}

REGISTER_STAGES = [s for s, c in _STAGE_CODES.items() if c != CensusCode.N]


def census_code_for_stage(stage):
    return _STAGE_CODES[SenStage(stage)]


def stages_for_census_code(code):
    return [s for s, c in _STAGE_CODES.items() if c == CensusCode(code)]


# NSA: "SEN support but no specialist assessment of type of need" is a census code
# for pupils on SEN support only (K), and only as the sole need: once a need is
# known, NSA goes (DfE school census guidance; docs/register.md).
NSA_ONLY_WITH_K = (
    "NSA (no specialist assessment yet) is only for pupils on SEN support (K), "
    "not for {stage}: {advice}"
)
NSA_WITH_OTHER_NEEDS = (
    "NSA (no specialist assessment yet) must be the only need. Remove NSA now that the "
    "need is known ({others}), or remove the other needs if no specialist has assessed them."
)


def need_errors(stage, needs):
    """
    Plain-English reasons these needs cannot go with this stage; empty when they can.

    The one home of the NSA rule: every way onto the register checks it here.
    """
    needs = [code for code in needs if code]
    if NeedType.NSA not in needs:
        return []
    errors = []
    if census_code_for_stage(stage) != CensusCode.K:
        advice = (
            "an EHC plan follows an assessment, so choose the assessed need."
            if census_code_for_stage(stage) == CensusCode.E
            else "clear the needs of a pupil who is not on the register."
        )
        errors.append(NSA_ONLY_WITH_K.format(stage=SenStage(stage).label, advice=advice))
    others = [code for code in needs if code != NeedType.NSA]
    if others:
        errors.append(NSA_WITH_OTHER_NEEDS.format(others=", ".join(others)))
    return errors


# Summer-born: born 1 April to 31 August inclusive (the DfE definition; docs/register.md).
SUMMER_BORN_MONTHS = (4, 5, 6, 7, 8)


def is_summer_born(date_of_birth):
    return date_of_birth.month in SUMMER_BORN_MONTHS


# Unique Pupil Numbers ------------------------------------------------------------


class InvalidUPN(ValueError):
    pass


def normalise_upn(value):
    return "".join(str(value).split()).upper()


def upn_is_temporary(upn):
    """A temporary UPN ends in a letter (DfE UPN guidance)."""
    return bool(upn) and upn[-1].isalpha()


def validate_upn(value):
    """
    Return the normalised UPN or raise InvalidUPN with a plain-English reason.

    The check letter uses the DfE algorithm (weights 2-13, sum mod 23) as
    implemented by python-stdnum's stdnum.gb.upn, local-authority codes included.
    """
    upn = normalise_upn(value)
    if len(upn) != 13:
        raise InvalidUPN(f"A UPN has 13 characters; “{upn}” has {len(upn)}.")
    try:
        stdnum_upn.validate(upn)
    except StdnumValidationError as exc:
        name = type(exc).__name__
        if name == "InvalidChecksum":
            expected = stdnum_upn.calc_check_digit(upn[1:])
            raise InvalidUPN(
                f"The check letter of “{upn}” is wrong (it should be {expected}): "
                "check the UPN was copied correctly."
            ) from None
        if name == "InvalidComponent":
            raise InvalidUPN(
                f"“{upn}” does not start with a known local-authority number."
            ) from None
        raise InvalidUPN(
            f"“{upn}” is not in UPN form (a letter, 11 digits, then a digit or a letter)."
        ) from None
    return upn


def upn_validator(value):
    """Model-field validator: the same check as validate_upn, as a ValidationError."""
    from django.core.exceptions import ValidationError

    try:
        validate_upn(value)
    except InvalidUPN as exc:
        raise ValidationError(str(exc), code="invalid_upn") from None


# Census days (DfE school census) -----------------------------------------------


def _nth_thursday(year, month, n):
    first = date(year, month, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(weeks=n - 1)


def census_days(year):
    """Census days in a calendar year: spring (3rd Thu Jan), summer (3rd Thu May), autumn (1st Thu Oct)."""
    return {
        "spring": _nth_thursday(year, 1, 3),
        "summer": _nth_thursday(year, 5, 3),
        "autumn": _nth_thursday(year, 10, 1),
    }


# Parent meetings and passports (docs/graduated-approach.md) ----------------------

# Code of Practice 6.65: for pupils on SEN support, schools should meet parents at
# least three times each year.
PARENT_MEETINGS_PER_YEAR = 3

# A passport not confirmed with the pupil for this many days is flagged as stale
# (a school setting, School.passport_stale_days, with this default).
PASSPORT_STALE_DAYS = 120


def school_year_bounds(day):
    """The school year holding day: 1 September to 31 August."""
    start_year = day.year if day.month >= 9 else day.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


# The last day of each term as (month, day): England's defaults. Each school sets its
# own on the school settings page (School.term_end_days()).
DEFAULT_TERM_ENDS = {"autumn": (12, 31), "spring": (3, 31), "summer": (8, 31)}


def term_ends(start_year, term_end_days=None):
    """[(term, last day)] for the school year that starts on 1 September start_year."""
    result = []
    for term, (month, day) in (term_end_days or DEFAULT_TERM_ENDS).items():
        year = start_year if month >= 9 else start_year + 1
        result.append((term, date(year, month, day)))
    return result


@dataclass(frozen=True)
class MeetingsExpected:
    """How many parent meetings this school year a pupil on SEN support should have had."""

    by_now: int  # one for each term that has ended
    by_end_of_term: int  # and one more by the end of the term we are in
    term: str | None  # the term we are in; None after the summer term has ended
    term_ends_on: date | None


def parent_meetings_expected(on, term_end_days=None):
    """
    Meetings expected by the terms ended so far, and by the end of the current term.

    Code of Practice 6.65: at least three meetings a year, judged one a term. A term
    has ended the day after its last day, so on its last day a meeting still counts
    for it. Worked examples (default terms): 2 December 0 and 1 (autumn); 20 March 1
    and 2 (spring); 15 July 2 and 3 (summer).
    """
    start, _ = school_year_bounds(on)
    ends = term_ends(start.year, term_end_days)
    per_term = PARENT_MEETINGS_PER_YEAR // len(ends)
    ended = sum(1 for _, last_day in ends if last_day < on)
    current = ends[ended] if ended < len(ends) else (None, None)
    return MeetingsExpected(
        by_now=ended * per_term,
        by_end_of_term=min(ended + 1, len(ends)) * per_term,
        term=current[0],
        term_ends_on=current[1],
    )


# Census days and terms for register reporting -----------------------------------


def latest_census_day(on):
    """The most recent census day on or before a date."""
    days = [d for year in (on.year - 1, on.year) for d in census_days(year).values() if d <= on]
    return max(days)


def next_census_day(on):
    """The first census day after a date."""
    days = [d for year in (on.year, on.year + 1) for d in census_days(year).values() if d > on]
    return min(days)


# Terms used for register movement tables; a school whose terms differ changes these
# (month, day) bounds. Autumn runs from 1 September to 31 December, spring from
# 1 January to 31 March, summer from 1 April to 31 August.
TERMS = [
    ("Autumn", (9, 1), (12, 31)),
    ("Spring", (1, 1), (3, 31)),
    ("Summer", (4, 1), (8, 31)),
]


def terms_of_school_year(start_year):
    """[(label, first day, last day)] for the school year starting 1 September start_year."""
    result = []
    for name, (m1, d1), (m2, d2) in TERMS:
        year = start_year if m1 >= 9 else start_year + 1
        result.append((f"{name} {year}", date(year, m1, d1), date(year, m2, d2)))
    return result
