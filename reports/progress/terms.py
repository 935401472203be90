"""
School terms: an academic year (the year it starts, so 2025 is 2025/26) and autumn,
spring or summer. A term's census day (the DfE school census: autumn the first Thursday
in October, spring the third Thursday in January, summer the third Thursday in May) is
the day its register facts are taken from.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models

from pupils.codes import census_days
from sendhub.text import is_digits


class TermName(models.IntegerChoices):
    AUTUMN = 1, "Autumn"
    SPRING = 2, "Spring"
    SUMMER = 3, "Summer"


SLUG_NAMES = {"autumn": TermName.AUTUMN, "spring": TermName.SPRING, "summer": TermName.SUMMER}


@dataclass(frozen=True, order=True)
class Term:
    """One term of one school year; terms sort in time order."""

    year: int  # the calendar year the school year starts in
    term: int  # TermName

    @classmethod
    def from_slug(cls, slug):
        """'2025-autumn' -> Term(2025, 1); ValueError for anything else."""
        year, _, name = str(slug).partition("-")
        if not is_digits(year) or name not in SLUG_NAMES:
            raise ValueError(f"“{slug}” is not a term such as 2025-autumn.")
        return cls(int(year), SLUG_NAMES[name].value)

    @classmethod
    def from_index(cls, index):
        return cls(index // 3, index % 3 + 1)

    @property
    def index(self):
        """Terms counted from year 0: consecutive terms differ by one."""
        return self.year * 3 + self.term - 1

    @property
    def name(self):
        return TermName(self.term).label

    @property
    def school_year(self):
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self):
        return f"{self.name} {self.school_year}"

    @property
    def slug(self):
        return f"{self.year}-{self.name.lower()}"

    @property
    def first_day(self):
        return {1: date(self.year, 9, 1), 2: date(self.year + 1, 1, 1)}.get(
            self.term, date(self.year + 1, 4, 1)
        )

    @property
    def last_day(self):
        return {1: date(self.year, 12, 31), 2: date(self.year + 1, 3, 31)}.get(
            self.term, date(self.year + 1, 8, 31)
        )

    @property
    def census_day(self):
        if self.term == TermName.AUTUMN:
            return census_days(self.year)["autumn"]
        name = "spring" if self.term == TermName.SPRING else "summer"
        return census_days(self.year + 1)[name]

    def shifted(self, terms):
        return Term.from_index(self.index + terms)

    @property
    def year_ago(self):
        return Term(self.year - 1, self.term)

    def __str__(self):
        return self.label


def term_on(school, day):
    """The term holding `day`, using the school's own last days of term."""
    year = day.year if day.month >= 9 else day.year - 1
    for number, name in enumerate(("autumn", "spring", "summer"), 1):
        month, last = school.term_end_days()[name]
        end = date(year if month >= 9 else year + 1, month, last)
        if day <= end:
            return Term(year, number)
    return Term(year, TermName.SUMMER)


def terms_up_to(term, count):
    """The `count` terms ending with `term`, oldest first."""
    return [term.shifted(-back) for back in range(count - 1, -1, -1)]


def term_choices(latest, count=9):
    """(slug, label) for a form's term menu: the latest first."""
    return [(t.slug, t.label) for t in reversed(terms_up_to(latest, count))]
