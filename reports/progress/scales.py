"""
Assessment scales and how each becomes a normalised score and an attainment band.

Schools record attainment on different scales, so every assessment point keeps its raw
value and also a normalised score on one scale where 100 is the expected standard for
the pupil's age and 10 points is roughly one step up or down, so a group's average can
be compared across subjects and key stages (docs/progress-data.md):

- teacher assessment: pre-key stage 80, working towards 90, expected 100, greater depth 110;
- GCSE grades 9-1: grade 4 (a standard pass) is 100, each grade 5 points (U is 80);
- KS2 scaled scores 80-120: the score itself (100 is the expected standard, 110 the
  high score);
- reading age in months: 100 plus 1.25 points per month ahead of the pupil's age
  (a year behind is 85, the edge of the average band of a standardised test).

The band is below, at or above the expected standard.
"""

import re
from decimal import Decimal

from django.db import models

from pupils.mis_import.cells import CellError, cell_text


class Scale(models.TextChoices):
    TEACHER = "teacher", "Teacher assessment (working towards, expected, greater depth)"
    GCSE = "gcse", "GCSE grade 9-1"
    SCALED = "scaled", "KS2 scaled score 80-120"
    READING_AGE = "reading_age", "Reading age"


class Band(models.TextChoices):
    BELOW = "below", "Below expected"
    AT = "at", "At expected"
    ABOVE = "above", "Above expected"


class Progress(models.TextChoices):
    BELOW = "below", "Below expected progress"
    EXPECTED = "expected", "Expected progress"
    ABOVE = "above", "Above expected progress"


TEACHER_WORDS = {
    "pks": (80, Band.BELOW), "pre key stage": (80, Band.BELOW), "blw": (80, Band.BELOW),
    "wts": (90, Band.BELOW), "wt": (90, Band.BELOW), "working towards": (90, Band.BELOW),
    "exs": (100, Band.AT), "ex": (100, Band.AT), "expected": (100, Band.AT),
    "gds": (110, Band.ABOVE), "gd": (110, Band.ABOVE), "greater depth": (110, Band.ABOVE),
}  # fmt: skip
PROGRESS_WORDS = {
    "below": Progress.BELOW, "b": Progress.BELOW, "less than expected": Progress.BELOW,
    "expected": Progress.EXPECTED, "e": Progress.EXPECTED, "on track": Progress.EXPECTED,
    "above": Progress.ABOVE, "a": Progress.ABOVE, "more than expected": Progress.ABOVE,
}  # fmt: skip
GCSE_STANDARD_PASS = 4
READING_AGE_BAND_MONTHS = 6  # more than this behind (or ahead of) the pupil's age


def _words(value):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", cell_text(value).casefold()).split())


def _reading_age_months(text):
    """'9y 4m', '9:04', '9-04', '112m' or '112 months' -> months; None if not a reading age."""
    match = re.fullmatch(r"(\d{1,2})\s*(?:y|yrs?|years?)\s*(\d{1,2})\s*(?:m|mths?|months?)?", text)
    match = match or re.fullmatch(r"(\d{1,2})[:\-](\d{1,2})", text)
    if match:
        years, months = int(match[1]), int(match[2])
        if months > 11:
            raise CellError(f"“{text}” has {months} months: a reading age's months run 0-11.")
        return years * 12 + months
    match = re.fullmatch(r"(\d{2,3})\s*(?:m|mths?|months?)", text)
    return int(match[1]) if match else None


def read_assessment(value, *, age_months=None):
    """
    (scale, raw value, normalised score, band) for one cell; CellError says how to fix it.

    age_months is the pupil's age on the term's census day, for a reading age.
    """
    raw = cell_text(value)
    words = _words(value)
    if words in TEACHER_WORDS:
        score, band = TEACHER_WORDS[words]
        return Scale.TEACHER, raw, Decimal(score), band
    text = raw.casefold()
    if text in {"u", "0"}:
        return Scale.GCSE, raw, Decimal(80), Band.BELOW
    if re.fullmatch(r"[1-9](\.0+)?", text):
        grade = int(float(text))
        band = Band.BELOW if grade < GCSE_STANDARD_PASS else Band.AT if grade < 7 else Band.ABOVE
        return Scale.GCSE, str(grade), Decimal(100 + (grade - GCSE_STANDARD_PASS) * 5), band
    if re.fullmatch(r"\d{2,3}(\.0+)?", text):
        scaled = int(float(text))
        if not 80 <= scaled <= 120:
            raise CellError(
                f"“{raw}” is not a KS2 scaled score (80 to 120) or a GCSE grade (9 to 1)."
            )
        band = Band.BELOW if scaled < 100 else Band.AT if scaled < 110 else Band.ABOVE
        return Scale.SCALED, str(scaled), Decimal(scaled), band
    months = _reading_age_months(text)
    if months is not None:
        if age_months is None:
            raise CellError("A reading age needs the pupil's date of birth.")
        ahead = months - age_months
        score = Decimal(max(40, min(160, 100 + ahead * 1.25))).quantize(Decimal("0.1"))
        band = (
            Band.BELOW
            if ahead < -READING_AGE_BAND_MONTHS
            else Band.ABOVE
            if ahead > READING_AGE_BAND_MONTHS
            else Band.AT
        )
        return Scale.READING_AGE, f"{months // 12}y {months % 12}m", score, band
    raise CellError(
        f"“{raw}” is not an assessment we recognise. Use WTS, EXS or GDS; a GCSE grade 9 "
        "to 1 (or U); a KS2 scaled score 80 to 120; or a reading age such as 9y 4m."
    )


def read_progress(value):
    words = _words(value)
    if words in PROGRESS_WORDS:
        return PROGRESS_WORDS[words]
    raise CellError(
        f"“{cell_text(value)}” is not a progress judgement. Use below, expected or above."
    )


def age_in_months(date_of_birth, on):
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    return months - 1 if on.day < date_of_birth.day else months
