"""
The termly report's figures, section by section (docs/anonymised-reports.md).

Every count is made in SQL (conditional Count; one query per section or per term of the
trend, however many pupils a school has) and leaves this module already anonymised by
reports/anonymise.py: no section returns a raw count from 1 to 4 or a figure that a shown
total would give back. The result is plain JSON, so publishing can freeze it as it is.
"""

from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)

from provision import costing, impact
from provision.maps import ACADEMIC, Period, school_costs
from provision.models import GroupMember, ProvisionGroup
from pupils import codes
from pupils.codes import BroadArea, SenStage
from pupils.models import Concern, ParentMeeting, Pupil, PupilNeed, RegisterEntry
from pupils.register.census import left_school_while_on_register
from reports.anonymise import SECONDARY, breakdown, figure, grid, hidden_cells, percent_of
from reports.progress.analysis import gaps_over_time
from reports.progress.models import Subject
from reports.progress.terms import SLUG_NAMES
from reports.progress.terms import Term as ProgressTerm
from reviews import deadlines
from reviews.models import AnnualReview, PlanReview, SupportPlan
from sendhub.models import NationalComparison

K_STAGES = codes.stages_for_census_code("K")
E_STAGES = codes.stages_for_census_code("E")
STAGES = {"K": "SEN support", "E": "EHC plan", "N": "No SEN"}
TREND_TERMS = 6
# Identification: concerns decided within 4 weeks, within 8 weeks, or later.
DECIDED_WITHIN_WEEKS = (4, 8)

# Sections in the order the report reads; the commentary box of each is keyed the same.
SECTIONS = {
    "register": "The SEN register",
    "trend": "How the register has changed over recent terms",
    "movement": "Pupils joining and leaving the register this term",
    "identification": "How quickly concerns were decided",
    "plan_reviews": "SEN support plan reviews",
    "parent_meetings": "Meetings with parents",
    "provision": "Provision: interventions, cost and impact",
    "annual_reviews": "EHC plan annual reviews",
    "national": "How we compare with schools nationally",
    "attendance": "Attendance and exclusions",
    "progress": "Progress and attainment",
}
# Filled in from imported attendance and assessment data when a school has it.
IMPORTED_SECTIONS = ("attendance", "progress")


def term_figures(school, term, today, *, pupils):
    """
    Every section's anonymised figures for a school's term, as JSON-ready dicts.

    pupils: the school's pupils as the person asking may see them
    (Pupil.objects.visible_to(user) for the SEN team; school_pupils(school) where no one
    asks, as when the demo is seeded).
    """
    as_of = term.as_of(today)
    pupils = pupils.filter(school=school)
    register = register_section(pupils, as_of)
    imported = imported_figures(school, term)
    return {
        "school": school.name,
        "phase": school.get_phase_display(),
        "term": {"year": term.year, "name": term.name, "label": term.label},
        "school_year": term.school_year,
        "as_of": as_of.isoformat(),
        "register": register,
        "trend": trend_section(school, pupils, term, today),
        "movement": movement_section(pupils, term, as_of),
        "identification": identification_section(pupils, term, as_of),
        "plan_reviews": plan_review_section(pupils, term, as_of),
        "parent_meetings": parent_meetings_section(
            pupils, term, as_of, on_support=register["stages"]["K"]
        ),
        "provision": provision_section(school, term, as_of),
        "annual_reviews": annual_review_section(pupils, term, as_of),
        "national": national_section(school, register),
        "attendance": attendance_section(imported, register),
        "progress": progress_section(imported, register),
    }


def imported_figures(school, term):
    """
    This term's and the same term a year before's imported attendance and attainment, by
    SEN status (reports/progress/analysis.py gaps_over_time): two queries for both sections.
    """
    now = ProgressTerm(term.year, SLUG_NAMES[term.name].value)
    then, this = gaps_over_time(school, [now.year_ago, now])
    return {"now": this, "then": then}


def _groups_shown(groups, *, hide=()):
    """
    The pupils of each SEN status as a breakdown of the term's pupils (figures), hidden by
    both rules; hide: statuses whose count the register section hides (the same pupils).
    """
    values = {("cell", s): groups.get(s, {}).get("pupils", 0) for s in STAGES}
    values[("total",)] = sum(values.values())
    hidden = hidden_cells(
        values, [(("total",), [("cell", s) for s in STAGES])], hide=[("cell", s) for s in hide]
    )
    return {s: figure(values[("cell", s)], hidden.get(("cell", s))) for s in STAGES}


def _part_of(part, whole, whole_figure):
    """
    A count and the rest of its whole as one breakdown (part, rest; total whole), so
    neither can be worked back from a percentage; the whole is hidden where whole_figure is.
    Returns (part figure, whole figure, percent or None).
    """
    table = breakdown(
        {"part": part, "rest": whole - part}, whole, total_hidden=whole_figure["n"] is None
    )
    part_figure, total = table["cells"]["part"], table["total"]
    return part_figure, total, percent_of(part_figure, total)


def _shown_groups(term_data, hide=()):
    """{status: pupils figure} for a term's attendance groups (none without data)."""
    return _groups_shown(term_data["attendance"]["groups"], hide=hide)


def _gap(value, base):
    return None if value is None or base is None else round(value - base, 1)


def _closing(now, then):
    """(change in points, narrower or not), from two shown gaps only."""
    if now is None or then is None:
        return None, None
    change = round(abs(then) - abs(now), 1)
    return change, change > 0


def _attendance_rows(term_data, shown):
    """Each group's shown attendance figures for one term: {status: {...}}."""
    rows = {}
    for status in STAGES:
        group = term_data["attendance"]["groups"].get(status)
        if group is None:
            rows[status] = None
            continue
        pupils = shown[status]
        counted = figure(group["with_attendance"], None if pupils["n"] is not None else SECONDARY)
        absent, counted, absent_percent = _part_of(
            group["persistently_absent"], group["with_attendance"], counted
        )
        suspensions = figure(group["suspensions"])
        exclusions = figure(group["permanent_exclusions"])
        rows[status] = {
            "label": STAGES[status],
            "pupils": pupils,
            # An average over too few pupils (or hidden ones) would describe them: not shown.
            "attendance_percent": group["attendance_percent"] if counted["n"] else None,
            "persistently_absent": absent,
            "persistently_absent_percent": absent_percent,
            "suspensions": suspensions,
            "suspensions_per_100": percent_of(suspensions, pupils),
            "permanent_exclusions": exclusions,
            "permanent_exclusions_per_100": percent_of(exclusions, pupils),
        }
    return rows


def attendance_section(imported, register):
    """
    Attendance, suspensions and permanent exclusions of pupils on SEN support, with an EHC
    plan and with no SEN this term, and each group's attendance gap now and a year ago.

    imported: imported_figures(); register: the register section, whose hidden K, E and no
    SEN counts stay hidden here (the same pupils). {"available": False} without data.
    """
    now, then = imported["now"], imported["then"]
    if not now["attendance"]["groups"]:
        return {"available": False}
    hide = [s for s in STAGES if register["stages"][s]["n"] is None]
    rows_now = _attendance_rows(now, _shown_groups(now, hide))
    rows_then = _attendance_rows(then, _shown_groups(then))
    gaps = []
    for status in ("K", "E"):
        gap_now = _gap(
            (rows_now[status] or {}).get("attendance_percent"),
            (rows_now["N"] or {}).get("attendance_percent"),
        )
        gap_then = _gap(
            (rows_then[status] or {}).get("attendance_percent"),
            (rows_then["N"] or {}).get("attendance_percent"),
        )
        change, closing = _closing(gap_now, gap_then)
        gaps.append(
            {
                "label": STAGES[status],
                "now": gap_now,
                "year_ago": gap_then,
                "change": change,
                "closing": closing,
            }
        )
    return {
        "available": True,
        "year_ago_label": then["term"].label,
        "groups": [
            {"status": s, **rows_now[s]} for s in ("K", "E", "N") if rows_now[s] is not None
        ],
        "gaps": gaps,
    }


def _attainment_cell(group, pupils):
    """% of a group at or above the expected standard in one subject, or None if hidden."""
    if group is None:
        return None
    assessed = figure(group["assessed"], None if pupils["n"] is not None else SECONDARY)
    at_or_above, assessed, percent = _part_of(group["at_or_above"], group["assessed"], assessed)
    return {"assessed": assessed, "at_or_above": at_or_above, "percent": percent}


def _attainment_table(term_data, shown):
    """{subject: {status: cell}} for one term."""
    return {
        subject: {s: _attainment_cell(groups["groups"].get(s), shown[s]) for s in STAGES}
        for subject, groups in term_data["attainment"].items()
    }


def _percent_in(cell):
    return None if cell is None else cell["percent"]


def progress_section(imported, register):
    """
    Attainment (% at or above the expected standard) in each subject assessed this term, for
    pupils on SEN support, with an EHC plan and with no SEN, and each group's gap to no-SEN
    peers now and in the same term a year before: closing or not.

    The same suppression as attendance_section. {"available": False} without data.
    """
    now, then = imported["now"], imported["then"]
    if not now["attainment"]:
        return {"available": False}
    hide = [s for s in STAGES if register["stages"][s]["n"] is None]
    table_now = _attainment_table(now, _shown_groups(now, hide))
    table_then = _attainment_table(then, _shown_groups(then))
    subjects, gaps = [], []
    labels = dict(Subject.choices)
    for subject, cells in table_now.items():
        label = labels.get(subject, subject)
        subjects.append(
            {"subject": subject, "label": label, "groups": [cells[s] for s in ("K", "E", "N")]}
        )
        earlier = table_then.get(subject, {})
        for status in ("K", "E"):
            gap_now = _gap(_percent_in(cells[status]), _percent_in(cells["N"]))
            gap_then = _gap(_percent_in(earlier.get(status)), _percent_in(earlier.get("N")))
            change, closing = _closing(gap_now, gap_then)
            gaps.append(
                {
                    "subject": label,
                    "label": STAGES[status],
                    "now": gap_now,
                    "year_ago": gap_then,
                    "change": change,
                    "closing": closing,
                }
            )
    return {
        "available": True,
        "year_ago_label": then["term"].label,
        "group_labels": [STAGES[s] for s in ("K", "E", "N")],
        "subjects": subjects,
        "gaps": gaps,
    }


def _stage_counts(stage_field):
    return {
        "K": Count("pk", filter=Q(**{f"{stage_field}__in": K_STAGES})),
        "E": Count("pk", filter=Q(**{f"{stage_field}__in": E_STAGES})),
        "N": Count("pk", filter=~Q(**{f"{stage_field}__in": K_STAGES + E_STAGES})),
    }


def _year_label(year_group):
    return "Reception" if year_group == 0 else f"Year {year_group}"


def _grid_rows(table, rows, columns, labels):
    """A suppressed grid as rows for the page: label, cells in column order, row total."""
    return [
        {
            "label": labels[row],
            "cells": [table["cells"][(row, column)] for column in columns],
            "total": table["row_totals"][row],
        }
        for row in rows
    ]


def register_section(pupils, as_of):
    """The register on a day: K and E against the roll, by primary area and by year group."""
    on_roll = pupils.on_roll(as_of)
    by_year = {
        row["year_group"]: row
        for row in on_roll.order_by().values("year_group").annotate(**_stage_counts("sen_stage"))
    }
    years = sorted(by_year)
    year_table = grid(
        {(y, stage): by_year[y][stage] for y in years for stage in STAGES}, years, list(STAGES)
    )
    roll = year_table["total"]
    totals = year_table["column_totals"]
    on_register = combined(totals["K"], totals["E"])

    need_rows = (
        PupilNeed.objects.filter(rank=1, pupil__in=on_roll.on_register())
        .order_by()
        .values("code")
        .annotate(**_stage_counts("pupil__sen_stage"))
    )
    by_area = {}
    for row in need_rows:  # one row per census need code, never per pupil
        area = codes.NEED_AREAS[row["code"]]
        for stage in ("K", "E"):
            by_area[(area, stage)] = by_area.get((area, stage), 0) + row[stage]
    areas = [
        area
        for area in BroadArea
        if area != BroadArea.OTHER or (area, "K") in by_area or (area, "E") in by_area
    ]
    # The same pupils as the year table's K and E totals: hidden there, hidden here.
    area_table = grid(
        by_area, areas, ["K", "E"], hidden_columns=[c for c in "KE" if totals[c]["n"] is None]
    )
    return {
        "roll": roll,
        "stages": totals,
        "on_register": on_register,
        "percent": {
            "K": percent_of(totals["K"], roll),
            "E": percent_of(totals["E"], roll),
            "register": percent_of(on_register, roll),
        },
        "by_year": _grid_rows(year_table, years, list(STAGES), {y: _year_label(y) for y in years}),
        "by_area": _grid_rows(area_table, areas, ["K", "E"], {a: a.label for a in areas}),
        "by_area_totals": {**area_table["column_totals"], "total": area_table["total"]},
    }


def combined(k, e):
    """K + E as a figure: hidden when either part is hidden (it would give the other back)."""
    if k["n"] is None or e["n"] is None:
        return figure(None, SECONDARY)
    return figure(k["n"] + e["n"])


def trend_section(school, pupils, term, today):
    """K and E, and each as a % of the roll, at the end of each recent term (one query each)."""
    rows = []
    for each in term.recent(school, TREND_TERMS):
        day = each.as_of(today)
        counts = (
            pupils.on_roll(day).with_register_state_on(day).aggregate(**_stage_counts("stage_on"))
        )
        table = breakdown(counts)
        rows.append(
            {
                "label": each.label,
                "as_of": day.isoformat(),
                "K": table["cells"]["K"],
                "E": table["cells"]["E"],
                "roll": table["total"],
                "K_percent": percent_of(table["cells"]["K"], table["total"]),
                "E_percent": percent_of(table["cells"]["E"], table["total"]),
            }
        )
    return {"terms": rows}


def movement_section(pupils, term, as_of):
    """Pupils joining and leaving the register between the term's first day and as_of."""
    window = Q(effective_on__range=(term.first, as_of))
    entries = RegisterEntry.objects.filter(pupil__in=pupils)
    joins = (
        entries.joining_register()
        .filter(window)
        .aggregate(
            joined_k=Count("pupil_id", distinct=True, filter=Q(stage__in=K_STAGES)),
            joined_e=Count("pupil_id", distinct=True, filter=Q(stage__in=E_STAGES)),
        )
    )
    moves = (
        entries.in_force()
        .with_previous_stage()
        .filter(window)
        .aggregate(
            to_ehcp=Count(
                "pupil_id",
                distinct=True,
                filter=Q(stage=SenStage.EHCP, previous_stage__in=K_STAGES),
            ),
        )
    )
    left = entries.leaving_register().filter(window).aggregate(n=Count("pupil_id", distinct=True))
    left_school = (
        left_school_while_on_register(pupils)
        .filter(left_on__range=(term.first, as_of))
        .aggregate(n=Count("pk"))
    )
    values = {
        "joined_k": joins["joined_k"],
        "joined_e": joins["joined_e"],
        "left": left["n"],
        "left_school": left_school["n"],
        "to_ehcp": moves["to_ehcp"],
        # Derivable from the trend (the register at the start and end of the term): so
        # the flows that make it up are a breakdown with a shown total.
        "net": 0,
    }
    hidden = hidden_cells(
        values, [("net", ["joined_k", "joined_e", "left", "left_school"])], shown=["net"]
    )
    return {key: figure(values[key], hidden.get(key)) for key in values if key != "net"}


def identification_section(pupils, term, as_of):
    """Concerns decided this term: how long from raised to decided, and what was decided."""
    taken = ExpressionWrapper(F("decided_at") - F("raised_at"), output_field=DurationField())
    short, long = (timedelta(weeks=w) for w in DECIDED_WITHIN_WEEKS)
    decided = (
        Concern.objects.filter(pupil__in=pupils, decided_at__date__range=(term.first, as_of))
        .annotate(taken=taken)
        .aggregate(
            total=Count("pk"),
            quick=Count("pk", filter=Q(taken__lte=short)),
            medium=Count("pk", filter=Q(taken__gt=short, taken__lte=long)),
            slow=Count("pk", filter=Q(taken__gt=long)),
            average=Avg("taken"),
            **{
                decision.value: Count("pk", filter=Q(decision=decision))
                for decision in Concern.Decision
            },
        )
    )
    timing = breakdown({key: decided[key] for key in ("quick", "medium", "slow")}, decided["total"])
    outcomes = breakdown(
        {decision.value: decided[decision.value] for decision in Concern.Decision},
        decided["total"],
    )
    average = decided["average"]
    waiting = Concern.objects.filter(pupil__in=pupils, raised_at__date__lte=as_of - long).filter(
        Q(decided_at__isnull=True) | Q(decided_at__date__gt=as_of)
    )
    return {
        "decided": timing["total"],
        "timing": timing["cells"],
        "outcomes": [
            {"label": decision.label, "figure": outcomes["cells"][decision.value]}
            for decision in Concern.Decision
        ],
        # An average over fewer than 5 concerns is not shown: it describes too few pupils.
        "average_days": (
            round(average.total_seconds() / 86400)
            if average is not None and timing["total"]["n"]
            else None
        ),
        "waiting_long": figure(waiting.count()),
    }


def plan_review_section(pupils, term, as_of):
    """SEN support plans whose review fell due this term: reviewed on time, late or not yet."""
    held = PlanReview.objects.filter(plan_id=OuterRef("pk"), held_on__lte=as_of)
    on_time = PlanReview.objects.filter(
        plan_id=OuterRef("pk"), held_on__lte=OuterRef("review_due_on")
    )
    counts = (
        SupportPlan.objects.filter(pupil__in=pupils, review_due_on__range=(term.first, as_of))
        .exclude(status__in=[SupportPlan.Status.DRAFT, SupportPlan.Status.SUPERSEDED])
        .annotate(was_held=Exists(held), held_in_time=Exists(on_time))
        .aggregate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(held_in_time=True)),
            late=Count("pk", filter=Q(was_held=True, held_in_time=False)),
            not_yet=Count("pk", filter=Q(was_held=False)),
        )
    )
    table = breakdown({key: counts[key] for key in ("on_time", "late", "not_yet")}, counts["total"])
    return {"due": table["total"], **table["cells"]}


def parent_meetings_section(pupils, term, as_of, *, on_support):
    """
    Pupils on SEN support whose parents were met this term (Code of Practice 6.65).

    on_support: the register section's figure for the same pupils; when that is hidden,
    this section's total is hidden too, or it would give it back.
    """
    met = ParentMeeting.objects.filter(pupil_id=OuterRef("pk"), held_on__range=(term.first, as_of))
    counts = (
        pupils.on_roll(as_of)
        .with_census_code("K")
        .annotate(was_met=Exists(met))
        .aggregate(
            total=Count("pk"),
            met=Count("pk", filter=Q(was_met=True)),
            not_met=Count("pk", filter=Q(was_met=False)),
        )
    )
    meetings = ParentMeeting.objects.filter(
        pupil__in=pupils, held_on__range=(term.first, as_of)
    ).count()
    table = breakdown(
        {"met": counts["met"], "not_met": counts["not_met"]},
        counts["total"],
        total_hidden=on_support["n"] is None,
    )
    return {
        "pupils": table["total"],
        "met": table["cells"]["met"],
        "not_met": table["cells"]["not_met"],
        "met_percent": percent_of(table["cells"]["met"], table["total"]),
        "meetings": figure(meetings),
    }


def provision_section(school, term, as_of):
    """
    Interventions running this term, the hours delivered and what they cost (provision/
    maps.py school_costs, costing.py), and their impact: places finished this term whose
    pupil reached the exit criterion, and the cost of each success (impact.py).
    """
    period = Period(ACADEMIC, term.first, as_of)
    costs = school_costs(school, period)
    groups = (
        ProvisionGroup.objects.filter(school=school)
        .running_between(term.first, as_of)
        .aggregate(groups=Count("pk"), interventions=Count("intervention_id", distinct=True))
    )
    places = (
        GroupMember.objects.filter(group__school=school)
        .during(term.first, as_of)
        .aggregate(
            places=Count("pk"),
            pupils=Count("pupil_id", distinct=True),
            finished=Count(
                "pk",
                filter=Q(
                    exit_on__range=(term.first, as_of),
                    entry_score__isnull=False,
                    exit_score__isnull=False,
                ),
            ),
            reached=Count("pk", filter=Q(exit_on__range=(term.first, as_of), reached_exit=True)),
        )
    )
    total_cost = costing.to_decimal(costs.total)
    hours = sum(costs.group_hours.values(), costing.to_decimal(0))
    finished = breakdown(
        {"reached": places["reached"], "not_reached": places["finished"] - places["reached"]},
        places["finished"],
    )
    reached = finished["cells"]["reached"]
    per_success = (
        impact.cost_per_success(total_cost, reached["n"]) if reached["n"] is not None else None
    )
    return {
        "interventions": figure(groups["interventions"]),
        "groups": figure(groups["groups"]),
        "places": figure(places["places"]),
        "pupils": figure(places["pupils"]),
        "hours": str(hours.quantize(costing.to_decimal("0.1"))),
        "cost": str(total_cost),
        "finished": finished["total"],
        "reached": reached,
        "not_reached": finished["cells"]["not_reached"],
        "reached_percent": percent_of(reached, finished["total"]),
        # Cost ÷ a hidden count would give the count back: not shown then.
        "cost_per_success": None if per_success is None else str(per_success),
    }


def annual_review_section(pupils, term, as_of):
    """
    EHC plan reviews whose 12-month deadline fell this term (Children and Families Act 2014
    s44; SEND Regulations 2014 reg 20): completed, LA decision included, on time, late, or
    not yet. One query finds the start dates involved, one counts against each deadline.
    """
    first = deadlines.add_months(term.first, -12)
    last = deadlines.add_months(as_of, -12)
    reviews = AnnualReview.objects.filter(plan__pupil__in=pupils, starts_from__range=(first, last))
    starts = sorted(set(reviews.order_by().values_list("starts_from", flat=True).distinct()))
    # A review completes with the LA's decision; the meeting comes at least 4 weeks before.
    in_time, meeting_in_time = Q(pk__in=[]), Q(pk__in=[])
    for start in starts:  # at most one per day of the term, never per pupil
        due = deadlines.annual_review(start)
        in_time |= Q(starts_from=start, la_decision_on__lte=due.review_complete_by)
        meeting_in_time |= Q(starts_from=start, meeting_on__lte=due.meeting_latest)
    done = Q(la_decision_on__lte=as_of)
    counts = reviews.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=in_time & done),
        late=Count("pk", filter=done & ~in_time),
        not_yet=Count("pk", filter=~done),
        meetings_on_time=Count("pk", filter=meeting_in_time & Q(meeting_on__lte=as_of)),
    )
    table = breakdown({key: counts[key] for key in ("on_time", "late", "not_yet")}, counts["total"])
    return {
        "due": table["total"],
        **table["cells"],
        "meetings_on_time": figure(counts["meetings_on_time"]),
        "on_time_percent": percent_of(table["cells"]["on_time"], table["total"]),
    }


def national_section(school, register):
    """The school's % on SEN support and with an EHC plan beside the national figures."""
    national = NationalComparison.objects.comparators_for(school)
    rows = []
    for measure, stage, label in [
        ("sen_support", "K", "SEN support"),
        ("ehcp", "E", "EHC plan"),
    ]:
        comparator = national.get(measure)
        rows.append(
            {
                "label": label,
                "school": register["percent"][stage],
                "national": float(comparator["percent"]) if comparator else None,
                "who": comparator["who"] if comparator else "",
                "source": comparator["figures"].source if comparator else "",
                "year": comparator["figures"].year_label if comparator else "",
            }
        )
    return {"rows": rows}


def school_pupils(school):
    """Every pupil of a school, for figures worked out with no person asking (the demo seed)."""
    return Pupil.objects.filter(school=school)
