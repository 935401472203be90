"""Termly progress files and rows for the progress data tests."""

import csv
import io
from datetime import date

from django.utils import timezone

from reports.progress.models import Assessment, ProgressImport, PupilTerm
from reports.progress.terms import Term
from sendhub.roles import Role

AUTUMN = Term(2025, 1)
SPRING = Term(2025, 2)
HEADER = ["UPN", "Sessions possible", "Sessions attended", "Suspensions", "Suspension days",
          "Permanently excluded", "English", "English progress", "Maths", "Reading age"]  # fmt: skip


def progress_csv(rows, header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def row(upn, possible="140", attended="130", suspensions="0", days="0", pex="N", english="5",
        english_progress="expected", maths="4", reading_age=""):  # fmt: skip
    return [upn, possible, attended, suspensions, days, pex, english, english_progress, maths,
            reading_age]  # fmt: skip


def make_import(school, user, *, content=None, term=AUTUMN, applied=False):
    from pupils.mis_import.reading import read_sheet

    sheet = {} if applied or content is None else read_sheet(content, "autumn.csv").to_json()
    return ProgressImport.objects.create(
        school=school,
        academic_year=term.year,
        term=term.term,
        uploaded_by=user,
        filename="autumn.csv",
        sheet=sheet,
        status=ProgressImport.Status.APPLIED if applied else ProgressImport.Status.PREVIEW,
        result={"counts": {"rows": 0, "ready": 0, "rejected": 0, "replacing": 0,
                           "assessments": 0}, "errors": []} if applied else {},
    )  # fmt: skip


def progress_import_kwargs(*, applied=False):
    """A batch of the role's school; out of scope, one of another school."""

    def kwargs(world, role, in_scope):
        school = world.school if in_scope else world.other_school
        content = progress_csv([row(world.taught.upn)])
        return {"pk": make_import(school, world.user(Role.SENCO), content=content,
                                  applied=applied).pk}  # fmt: skip

    kwargs.__name__ = f"progress_import_kwargs_{'applied' if applied else 'preview'}"
    return kwargs


PREVIEW_KWARGS = progress_import_kwargs()
APPLIED_KWARGS = progress_import_kwargs(applied=True)


def make_term(pupil, term, *, sen_status="N", area="", year_group=8, gender="F",
              disadvantaged=False, summer_born=False, possible=None, attended=None,
              suspensions=0, days=0, excluded=False, results=()):  # fmt: skip
    """A PupilTerm with its snapshot as given, and results [(subject, band, score, progress)]."""
    record = PupilTerm.objects.create(
        school=pupil.school, pupil=pupil, academic_year=term.year, term=term.term,
        sen_status=sen_status, primary_area=area, year_group=year_group, gender=gender,
        disadvantaged=disadvantaged, summer_born=summer_born, sessions_possible=possible,
        sessions_attended=attended, suspensions=suspensions, suspension_days=days,
        permanently_excluded=excluded, recorded_at=timezone.now(),
    )  # fmt: skip
    Assessment.objects.bulk_create(
        Assessment(pupil_term=record, subject=subject, scale="teacher", raw_value=band,
                   score=score, band=band, progress=progress)
        for subject, band, score, progress in results
    )  # fmt: skip
    return record


def born(year, month):
    return date(year, month, 15)
