"""School terms as the termly report names them: a school year and autumn, spring or summer."""

from dataclasses import dataclass
from datetime import date, timedelta

from pupils import codes

TERM_NAMES = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}


@dataclass(frozen=True)
class Term:
    """One term of a school's year, bounded by the school's own last days of term."""

    year: int  # the school year starts on 1 September of this year
    name: str  # "autumn", "spring" or "summer"
    first: date
    last: date

    @classmethod
    def of(cls, school, year, name):
        """The term, with the school's term dates (school settings); ValueError if unknown."""
        if name not in TERM_NAMES:
            raise ValueError(name)
        first = date(year, 9, 1)
        for term, last in codes.term_ends(year, school.term_end_days()):
            if term == name:
                return cls(year, name, first, last)
            first = last + timedelta(days=1)
        raise ValueError(name)

    @classmethod
    def holding(cls, school, day):
        """The term a day falls in (the summer term runs to the end of August)."""
        start, _ = codes.school_year_bounds(day)
        terms = [cls.of(school, start.year, name) for name in TERM_NAMES]
        for term in terms:
            if term.first <= day <= term.last:
                return term
        return terms[-1]

    @property
    def label(self):
        """The label, such as Autumn term 2026: the calendar year the term falls in."""
        return f"{TERM_NAMES[self.name]} term {self.first.year}"

    @property
    def school_year(self):
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    def previous(self, school):
        names = list(TERM_NAMES)
        index = names.index(self.name)
        if index == 0:
            return Term.of(school, self.year - 1, names[-1])
        return Term.of(school, self.year, names[index - 1])

    def recent(self, school, count):
        """This term and the count-1 before it, oldest first."""
        terms = [self]
        while len(terms) < count:
            terms.append(terms[-1].previous(school))
        return terms[::-1]

    def as_of(self, today):
        """The day the figures stand on: the term's last day, or today while it runs."""
        return min(self.last, today)


def term_choices(school, today, *, count=6):
    """The current term and the ones before it, newest first, for the editor's term picker."""
    return Term.holding(school, today).recent(school, count)[::-1]
