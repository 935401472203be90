"""A school for the termly report: a category of 3 pupils and one of 1, and more on roll."""

from datetime import date
from decimal import Decimal

from pupils.codes import SenStage
from pupils.models import ParentMeeting
from pupils.register.services import record_register_change
from reports.progress.terms import Term as ProgressTerm
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.reports.progress_data import make_term
from tests.reviews.ehc_plan_data import issue_plan

# The autumn term of the school year 2026/27 (England's default term dates).
TERM = (2026, "autumn")
DURING = date(2026, 12, 2)


def build_school(world, *, extra=0):
    """On roll: 3 pupils with an EHC plan (ASD), 1 on SEN support for hearing (HI), 6 on
    SEN support for SEMH and 12 + extra with no SEN, all in Year 8 but the HI pupil (Year 9).
    Every pupil's name, UPN and date of birth is distinctive, for the tests to look for."""
    senco = world.user(Role.SENCO)
    pupils = {"E": [], "K": [], "N": []}

    def pupil(tag, n, **kwargs):
        return PupilFactory(
            school=world.school,
            first_name=f"Zanzibar{tag}{n}",
            last_name=f"Quixote{tag}{n}",
            date_of_birth=date(2013, 1, 1 + n % 28),
            **kwargs,
        )

    for n in range(3):
        p = pupil("E", n)
        issue_plan(p, senco, on=date(2025, 9, 1), needs=["ASD"])
        pupils["E"].append(p)
    for n, (need, year) in enumerate([("HI", 9)] + [("SEMH", 8)] * 6):
        p = pupil("K", n, year_group=year)
        record_register_change(
            pupil=p, stage=SenStage.SEN_SUPPORT, needs=[need], effective_on=date(2026, 9, 15),
            reason="Test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
        pupils["K"].append(p)
    for n in range(12 + extra):
        pupils["N"].append(pupil("N", n))
    for p in pupils["K"][1:]:
        ParentMeeting.objects.create(
            pupil=p, held_on=date(2026, 10, 1), held_with="Parent", purpose="review",
            recorded_by=senco,
        )  # fmt: skip
    return pupils


# The report's term and the same term a year before, as the progress data names them.
PROGRESS_TERM = ProgressTerm(2026, 1)
PROGRESS_YEAR_AGO = ProgressTerm(2025, 1)


def add_progress(pupils):
    """
    Attendance, suspensions and maths for every pupil of build_school, this autumn and last.
    This autumn: the 3 with an EHC plan attend 80% and have one suspension each (3, "fewer
    than 5"); the 7 on SEN support attend 86.7%, 1 of them at or above expected in maths;
    of the no-SEN pupils, 5 are persistently absent and 5 below expected, the rest attend
    96.7% and are at the expected standard. Last autumn everyone attended 95%.
    """
    for status, group in pupils.items():
        for n, pupil in enumerate(group):
            if status == "E":
                attended, suspensions, band = 240, 1, "below"
            elif status == "K":
                attended, suspensions, band = 260, 0, "at" if n == 0 else "below"
            else:
                attended, suspensions, band = (260, 0, "below") if n < 5 else (290, 0, "at")
            score = 100 if band == "at" else 90
            make_term(pupil, PROGRESS_TERM, sen_status=status, possible=300, attended=attended,
                      suspensions=suspensions, days=Decimal("1.0") * suspensions,
                      results=[("maths", band, score, "")])  # fmt: skip
            make_term(pupil, PROGRESS_YEAR_AGO, sen_status=status, possible=300, attended=285,
                      results=[("maths", band, score, "")])  # fmt: skip
