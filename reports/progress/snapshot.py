"""
The grouping facts of a pupil's term, and writing a term's rows.

SEN status and primary need are the register as it stood on the term's census day
(census code N, K or E); year group is counted back from the pupil's year group now;
sex, free school meals and summer-born (born 1 April to 31 August) are the pupil's own.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from pupils import codes
from reports.progress.models import Assessment, PupilTerm
from reports.progress.terms import term_on


def _school_year(day):
    return day.year if day.month >= 9 else day.year - 1


def snapshots(pupils, term, *, today=None):
    """{pupil id: snapshot fields} for these pupils in this term: one query."""
    today = today or date.today()
    years_back = _school_year(today) - term.year
    rows = pupils.with_register_state_on(term.census_day).values(
        "pk", "stage_on", "needs_on", "year_group", "gender", "free_school_meals",
        "date_of_birth",
    )  # fmt: skip
    found = {}
    for row in rows:
        need = (row["needs_on"] or [""])[0]
        found[row["pk"]] = {
            "sen_status": codes.census_code_for_stage(row["stage_on"]).value,
            "primary_need": need,
            "primary_area": codes.NEED_AREAS[need].value if need in codes.NEED_AREAS else "",
            "year_group": row["year_group"] - years_back,
            "gender": row["gender"],
            "disadvantaged": row["free_school_meals"],
            "summer_born": codes.is_summer_born(row["date_of_birth"]),
        }
    return found


def build_rows(school, term, planned, facts, *, user=None, source=""):
    """Unsaved PupilTerm and Assessment rows for planned {pupil id: (values, [assessment])}."""
    now = timezone.now()
    terms, assessments = [], []
    for pupil_id, (values, points) in planned.items():
        row = PupilTerm(
            school=school,
            pupil_id=pupil_id,
            academic_year=term.year,
            term=term.term,
            recorded_at=now,
            recorded_by=user,
            source=source[:255],
            **facts[pupil_id],
            **values,
        )
        terms.append(row)
        assessments.append([Assessment(**point) for point in points])
    return terms, assessments


@transaction.atomic
def replace_term(school, term, planned, facts, *, user=None, source="", only_pupils=None):
    """
    Replace the school's rows for this term with `planned`, atomically; other terms stay.

    only_pupils limits what is replaced to those pupils (hand entry of one pupil). Leavers'
    rows are never replaced: their files are archived and read-only.
    Returns the number of rows replaced.
    """
    old = PupilTerm.objects.for_term(school, term).not_archived()
    if only_pupils is not None:
        old = old.filter(pupil_id__in=only_pupils)
    replaced = old.count()
    Assessment.objects.filter(pupil_term__in=old).delete()
    old.delete()
    terms, assessments = build_rows(school, term, planned, facts, user=user, source=source)
    PupilTerm.objects.bulk_create(terms, batch_size=500)
    points = []
    for row, its_points in zip(terms, assessments, strict=True):
        for point in its_points:
            point.pupil_term = row
            points.append(point)
    Assessment.objects.bulk_create(points, batch_size=1000)
    return replaced


def current_term(school, today=None):
    return term_on(school, today or date.today())
