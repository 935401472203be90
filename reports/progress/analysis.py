"""
How pupils with SEN attend, achieve and progress against their peers, term by term.

Every function aggregates in SQL (one or two queries, whatever the size of the roll) and
returns plain dicts and lists. Each figure carries its raw counts next to its percentage
so a report can suppress small numbers (reports/anonymise.py) before showing it. Groups
are the term's snapshot (PupilTerm): SEN status N (no SEN), K (SEN support) or E (EHC
plan) as it was that term. The functions are listed in docs/progress-data.md.
"""

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.lookups import LessThan

from reports.progress.models import Assessment, PupilTerm, Subject
from reports.progress.scales import Band, Progress
from reports.progress.terms import terms_up_to

SEN_STATUSES = ("N", "K", "E")
SEN_LABELS = {"N": "No SEN", "K": "SEN support", "E": "EHC plan"}
# What a breakdown may be by: the snapshot fields of PupilTerm.
BREAKDOWNS = {
    "year_group": "Year group",
    "primary_area": "Primary area of need",
    "gender": "Sex",
    "disadvantaged": "Free school meals",
    "summer_born": "Summer-born",
}
PERSISTENT_ABSENCE_BELOW = 90  # per cent of possible sessions (DfE persistent absence)


def percent(part, whole):
    """part as a percentage of whole to one decimal; None when whole is 0 or missing."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def _check_by(by):
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"Break down by one of {', '.join(BREAKDOWNS)}, not {by!r}.")


def _attendance_aggregates():
    counted = Q(sessions_possible__gt=0, sessions_attended__isnull=False)
    absent = LessThan(
        F("sessions_attended") * 100, F("sessions_possible") * PERSISTENT_ABSENCE_BELOW
    )
    return {
        "pupils": Count("pk"),
        "with_attendance": Count("pk", filter=counted),
        "possible": Sum("sessions_possible", filter=counted),
        "attended": Sum("sessions_attended", filter=counted),
        "persistently_absent": Count("pk", filter=counted & Q(absent)),
        "suspended_pupils": Count("pk", filter=Q(suspensions__gt=0)),
        "suspension_count": Sum("suspensions"),
        "days_suspended": Sum("suspension_days"),
        "permanent_exclusions": Count("pk", filter=Q(permanently_excluded=True)),
    }


def _attendance_figures(row):
    pupils = row["pupils"]
    return {
        "pupils": pupils,
        "with_attendance": row["with_attendance"],
        "sessions_possible": row["possible"] or 0,
        "sessions_attended": row["attended"] or 0,
        "attendance_percent": percent(row["attended"], row["possible"]),
        "persistently_absent": row["persistently_absent"],
        "persistently_absent_percent": percent(row["persistently_absent"], row["with_attendance"]),
        "suspended_pupils": row["suspended_pupils"],
        "suspensions": row["suspension_count"] or 0,
        "suspension_days": float(row["days_suspended"] or 0),
        "suspensions_per_100": percent(row["suspension_count"] or 0, pupils),
        "suspended_pupils_percent": percent(row["suspended_pupils"], pupils),
        "permanent_exclusions": row["permanent_exclusions"],
        "permanent_exclusions_per_100": percent(row["permanent_exclusions"], pupils),
    }


def attendance_by_group(school, term, *, by=None):
    """
    Attendance, suspensions and permanent exclusions of one term, by SEN status.

    One dict per group: {"sen_status", by (if given), "pupils", "with_attendance",
    "sessions_possible", "sessions_attended", "attendance_percent" (attended ÷ possible,
    all sessions of the group), "persistently_absent" (pupils under 90%),
    "persistently_absent_percent", "suspended_pupils", "suspensions", "suspension_days",
    "suspensions_per_100" (pupils), "suspended_pupils_percent", "permanent_exclusions",
    "permanent_exclusions_per_100"}. One query.
    """
    _check_by(by)
    keys = ["sen_status", *([by] if by else [])]
    rows = (
        PupilTerm.objects.for_term(school, term)
        .values(*keys)
        .annotate(**_attendance_aggregates())
        .order_by(*keys)
    )
    return [{**{key: row[key] for key in keys}, **_attendance_figures(row)} for row in rows]


def _attainment_aggregates():
    return {
        "assessed": Count("pk"),
        "below": Count("pk", filter=Q(band=Band.BELOW)),
        "at": Count("pk", filter=Q(band=Band.AT)),
        "above": Count("pk", filter=Q(band=Band.ABOVE)),
        "average": Avg("score"),
        "progress_recorded": Count("pk", filter=~Q(progress="")),
        "progress_below": Count("pk", filter=Q(progress=Progress.BELOW)),
        "progress_expected": Count("pk", filter=Q(progress=Progress.EXPECTED)),
        "progress_above": Count("pk", filter=Q(progress=Progress.ABOVE)),
    }


def _attainment_figures(row):
    at_or_above = row["at"] + row["above"]
    expected_or_above = row["progress_expected"] + row["progress_above"]
    return {
        "assessed": row["assessed"],
        "below": row["below"],
        "at": row["at"],
        "above": row["above"],
        "at_or_above": at_or_above,
        "at_or_above_percent": percent(at_or_above, row["assessed"]),
        "average_score": round(float(row["average"]), 1) if row["average"] is not None else None,
        "progress_recorded": row["progress_recorded"],
        "progress_below": row["progress_below"],
        "progress_expected_or_above": expected_or_above,
        "progress_expected_or_above_percent": percent(expected_or_above, row["progress_recorded"]),
        "progress_above": row["progress_above"],
    }


def attainment_by_group(school, term, *, by=None, subject=None):
    """
    Attainment and progress of one term, by subject and SEN status.

    One dict per subject and group: {"subject", "sen_status", by (if given), "assessed",
    "below", "at", "above", "at_or_above", "at_or_above_percent", "average_score" (the
    normalised score, 100 = expected standard), "progress_recorded", "progress_below",
    "progress_expected_or_above", "progress_expected_or_above_percent",
    "progress_above"}. One query.
    """
    _check_by(by)
    keys = {"subject": "subject", "sen_status": "pupil_term__sen_status"}
    if by:
        keys[by] = f"pupil_term__{by}"
    assessments = Assessment.objects.for_term(school, term)
    if subject:
        assessments = assessments.filter(subject=subject)
    rows = (
        assessments.values(*keys.values())
        .annotate(**_attainment_aggregates())
        .order_by(*keys.values())
    )
    return [
        {**{name: row[path] for name, path in keys.items()}, **_attainment_figures(row)}
        for row in rows
    ]


def _by_term_and_status(rows, year_key, term_key, status_key):
    found = {}
    for row in rows:
        found[(row[year_key], row[term_key], row[status_key], row.get("subject"))] = row
    return found


def _gaps(groups, value):
    """Each SEN group's figure minus the no-SEN figure (percentage points)."""
    base = groups.get("N", {}).get(value)
    return {
        status: (
            round(groups[status][value] - base, 1)
            if base is not None and groups.get(status, {}).get(value) is not None
            else None
        )
        for status in ("K", "E")
    }


def gaps_over_time(school, terms, *, subject=None):
    """
    For each term (oldest first): each group's figures and its gap to no-SEN peers.

    [{"term": Term, "attendance": {"groups": {"N": {...}, "K": {...}, "E": {...}},
      "gaps": {"K": points, "E": points}},  # attendance_percent gap
      "attainment": {subject: {"groups": {...}, "gaps": {...}}}}]  # at_or_above_percent gap
    Groups carry the same counts as attendance_by_group and attainment_by_group; a
    negative gap means the group is behind. Two queries, whatever the number of terms.
    """
    terms = sorted(terms)
    if not terms:
        return []
    attendance_rows = (
        PupilTerm.objects.for_terms(school, terms)
        .values("academic_year", "term", "sen_status")
        .annotate(**_attendance_aggregates())
        .order_by()
    )
    assessments = Assessment.objects.filter(
        pupil_term__in=PupilTerm.objects.for_terms(school, terms)
    )
    if subject:
        assessments = assessments.filter(subject=subject)
    attainment_rows = (
        assessments.values(
            "pupil_term__academic_year", "pupil_term__term", "pupil_term__sen_status", "subject"
        )
        .annotate(**_attainment_aggregates())
        .order_by()
    )
    attendance = {}
    for row in attendance_rows:
        attendance.setdefault((row["academic_year"], row["term"]), {})[row["sen_status"]] = (
            _attendance_figures(row)
        )
    attainment = {}
    for row in attainment_rows:
        key = (row["pupil_term__academic_year"], row["pupil_term__term"])
        subjects = attainment.setdefault(key, {})
        subjects.setdefault(row["subject"], {})[row["pupil_term__sen_status"]] = (
            _attainment_figures(row)
        )
    result = []
    for term in terms:
        key = (term.year, term.term)
        groups = attendance.get(key, {})
        result.append(
            {
                "term": term,
                "attendance": {"groups": groups, "gaps": _gaps(groups, "attendance_percent")},
                "attainment": {
                    name: {"groups": by_status, "gaps": _gaps(by_status, "at_or_above_percent")}
                    for name, by_status in sorted(
                        attainment.get(key, {}).items(), key=lambda item: _subject_order(item[0])
                    )
                },
            }
        )
    return result


def _subject_order(subject):
    return Subject.values.index(subject) if subject in Subject.values else len(Subject.values)


def gap_trend(school, term):
    """
    Is each gap to no-SEN peers closing? This term's gap against the same term a year ago.

    [{"measure": "attendance" or a subject, "sen_status": "K" or "E", "gap_now",
      "gap_year_ago", "change" (points; positive means narrower), "closing": True, False
      or None when either term has no figure}]. Two queries.
    """
    then, now = gaps_over_time(school, [term.year_ago, term])
    measures = [("attendance", now["attendance"]["gaps"], then["attendance"]["gaps"])]
    for name, figures in now["attainment"].items():
        earlier = then["attainment"].get(name, {"gaps": {}})["gaps"]
        measures.append((name, figures["gaps"], earlier))
    trend = []
    for measure, gaps_now, gaps_then in measures:
        for status in ("K", "E"):
            gap_now, gap_then = gaps_now.get(status), gaps_then.get(status)
            change = (
                round(abs(gap_then) - abs(gap_now), 1)
                if gap_now is not None and gap_then is not None
                else None
            )
            trend.append(
                {
                    "measure": measure,
                    "sen_status": status,
                    "gap_now": gap_now,
                    "gap_year_ago": gap_then,
                    "change": change,
                    "closing": None if change is None else change > 0,
                }
            )
    return trend


def three_year_terms(term):
    """The nine terms ending with `term` (three school years), oldest first."""
    return terms_up_to(term, 9)
