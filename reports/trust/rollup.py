"""
The trust SEND lead's roll-up: every school of a trust side by side, anonymised.

Each figure family is ONE grouped query over all the trust's schools (GROUP BY school),
never a query per school, so the page costs the same for 3 schools as for 100. Counts of
pupils from 1 to 4 are suppressed (reports/anonymise.py, docs/trust-rollup.md).
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from provision import costing
from provision.models import CostSettings, GroupMember, ProvisionGroup, Session
from pupils import codes
from pupils.codes import BroadArea
from pupils.models import Pupil, PupilNeed
from reports.anonymise import SECONDARY, breakdown, percent_of, suppress, suppressed_percent
from reports.termly.terms import TERM_NAMES
from reviews.deadlines import add_months
from reviews.models import AnnualReview, EHCPlan, SupportPlan

AREAS = [area for area in BroadArea]
HIDDEN = format_html('<span class="text-nowrap">{}</span>', "fewer than 5")
NOT_SHOWN = format_html('<span class="text-nowrap">{}</span>', "not shown")


def pupil_on_roll(today, via="pupil__"):
    """Pupil.objects.on_roll() as a condition on the joined pupil: one scan of the pupils,
    where `pupil__in=Pupil.objects.on_roll()` scans them a second time."""
    return Q(**{f"{via}joined_on__lte": today}) & (
        Q(**{f"{via}left_on__isnull": True}) | Q(**{f"{via}left_on__gte": today})
    )


def register_by_school(school_ids, today):
    """Roll, SEN support (K) and EHC plans (E) per school.

    One row per school and stage, summed here: a plain count per group read from the
    pupil_school_stage_roll index, where a filtered count per school had to test every
    pupil's stage (about half the time of the query over a 75,000-pupil trust)."""
    stages_k = set(codes.stages_for_census_code("K"))
    stages_e = set(codes.stages_for_census_code("E"))
    rows = (
        Pupil.objects.filter(school_id__in=school_ids)
        .on_roll(today)
        .values("school_id", "sen_stage")
        .annotate(n=Count("*"))
        .order_by()
    )
    out = defaultdict(lambda: {"roll": 0, "sen_support": 0, "ehcp": 0})
    for row in rows:
        counts = out[row["school_id"]]
        counts["roll"] += row["n"]
        if row["sen_stage"] in stages_k:
            counts["sen_support"] += row["n"]
        elif row["sen_stage"] in stages_e:
            counts["ehcp"] += row["n"]
    return dict(out)


def needs_by_school(school_ids, today):
    """Pupils on the register by the broad area of their primary (rank 1) need, per school."""
    rows = (
        PupilNeed.objects.filter(
            pupil_on_roll(today),
            rank=1,
            pupil__school_id__in=school_ids,
            pupil__sen_stage__in=codes.REGISTER_STAGES,
        )
        .values("pupil__school_id", "code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_school = defaultdict(lambda: dict.fromkeys(AREAS, 0))
    for row in rows:
        by_school[row["pupil__school_id"]][codes.NEED_AREAS[row["code"]]] += row["n"]
    return by_school


def plan_reviews_by_school(school_ids, today):
    """Support plans in force, and those past their review date (reviewed at least termly,
    Code of Practice 6.54-6.56), per school."""
    rows = (
        SupportPlan.objects.current()
        .filter(pupil_on_roll(today), pupil__school_id__in=school_ids)
        .values(school_id=F("pupil__school_id"))
        .annotate(in_force=Count("pk"), overdue=Count("pk", filter=Q(review_due_on__lt=today)))
        .order_by()
    )
    return {row.pop("school_id"): row for row in rows}


def annual_reviews_by_school(school_ids, today):
    """
    EHC plans in force, and those overdue an annual review, per school.

    A plan is reviewed within 12 months of being made and then within 12 months of each
    review (Children and Families Act 2014 s44(1)): overdue = issued over 12 months ago with no
    review meeting held in the last 12 months.
    """
    year_ago = add_months(today, -12)
    recent_meeting = AnnualReview.objects.filter(plan=OuterRef("pk"), meeting_on__gte=year_ago)
    rows = (
        EHCPlan.objects.in_force()
        .filter(pupil_on_roll(today), pupil__school_id__in=school_ids)
        .values(school_id=F("pupil__school_id"))
        .annotate(
            in_force=Count("pk"),
            overdue=Count("pk", filter=Q(issued_on__lt=year_ago) & ~Exists(recent_meeting)),
        )
        .order_by()
    )
    return {row.pop("school_id"): row for row in rows}


def provision_by_school(school_ids, today):
    """Groups running, pupils in them, hours delivered this school year and their cost."""
    first, last = costing.academic_year(today)
    groups = (
        ProvisionGroup.objects.filter(school_id__in=school_ids)
        .values("school_id")
        .annotate(
            running=Count("pk", filter=Q(start_on__lte=today) & (Q(end_on__isnull=True)
                                                                | Q(end_on__gte=today))),
            resources=Sum("intervention__resource_cost", filter=Q(start_on__range=(first, last))),
        )
        .order_by()
    )  # fmt: skip
    pupils = (
        GroupMember.objects.current_on(today)
        .filter(group__in=ProvisionGroup.objects.running_on(today), group__school_id__in=school_ids)
        .values(school_id=F("group__school_id"))
        .annotate(pupils=Count("pupil", distinct=True))
        .order_by()
    )
    minutes = (
        Session.objects.filter(
            group__school_id__in=school_ids,
            status=Session.Status.DELIVERED,
            date__range=(first, min(today, last)),
        )
        .values(school_id=F("group__school_id"), staff_role=F("group__intervention__staff_role"))
        .annotate(minutes=Sum("group__intervention__minutes_per_session"))
        .order_by()
    )
    rates = {s.school_id: s for s in CostSettings.objects.filter(school_id__in=school_ids)}
    out = defaultdict(lambda: {"running": 0, "pupils": 0, "hours": Decimal(0), "cost": Decimal(0)})
    for row in groups:
        out[row["school_id"]]["running"] = row["running"]
        out[row["school_id"]]["cost"] += row["resources"] or 0
    for row in pupils:
        out[row["school_id"]]["pupils"] = row["pupils"]
    for row in minutes:
        hours = Decimal(row["minutes"] or 0) / 60
        settings = rates.get(row["school_id"]) or CostSettings()
        out[row["school_id"]]["hours"] += hours
        out[row["school_id"]]["cost"] += hours * settings.hourly_cost(row["staff_role"])
    return out


def as_text(figure):
    """
    A suppressed figure with its table text, made once here rather than by a template filter
    per cell (the filter chain over a 100-school table cost more than all its queries):
    "fewer than 5" for 1-4, "not shown" for one hidden so another cannot be worked back
    (it may be any size), else "12" or "12 (3.4%)".
    """
    n, percent = figure["n"], figure["percent"]
    if n is None:
        text = NOT_SHOWN if figure.get("why") == SECONDARY else HIDDEN
    elif percent is None:
        text = int(n)
    else:
        # Numbers only (int() and float() refuse anything else), so nothing needs escaping:
        # format_html's escaping per cell cost as much as the filter chain it replaces.
        text = mark_safe(  # noqa: S308  # nosec B308, B703
            f'{int(n)} <span class="text-body-secondary text-nowrap">({float(percent)}%)</span>'
        )
    figure["text"] = text
    return figure


def _count(n, total=None):
    """A suppressed count (None for 1-4) and its percentage of total, if one is asked for."""
    return as_text(
        {
            "n": suppress(n),
            "percent": suppressed_percent(n, total) if total is not None else None,
        }
    )


def school_rows(schools, *, today=None, versions=None):
    """
    One anonymised row per school, from five grouped queries (and the cost settings), each
    with its latest published termly report from one more when versions (the published
    versions the reader may read) are given.
    """
    today = today or date.today()
    ids = [school.pk for school in schools]
    reports = latest_reports(versions, ids) if versions is not None else {}
    register = register_by_school(ids, today)
    needs = needs_by_school(ids, today)
    plans = plan_reviews_by_school(ids, today)
    ehcps = annual_reviews_by_school(ids, today)
    provision = provision_by_school(ids, today)
    rows = []
    for school in schools:
        counts = register.get(school.pk, {"roll": 0, "sen_support": 0, "ehcp": 0})
        roll = counts["roll"]
        on_register = counts["sen_support"] + counts["ehcp"]
        plan = plans.get(school.pk, {"in_force": 0, "overdue": 0})
        ehcp = ehcps.get(school.pk, {"in_force": 0, "overdue": 0})
        money = provision[school.pk]
        # K, E and no SEN are one breakdown of the roll, and the areas of need one of the
        # register, with secondary suppression as in the termly report: with the roll shown,
        # a lone hidden figure could be worked back from the others (docs/anonymised-reports.md).
        register_table = breakdown(
            {
                "K": counts["sen_support"],
                "E": counts["ehcp"],
                "N": roll - on_register,
            },
            roll,
        )
        k, e = register_table["cells"]["K"], register_table["cells"]["E"]
        need_table = breakdown(
            {area: needs[school.pk][area] for area in AREAS},
            on_register,
            total_hidden=k["n"] is None or e["n"] is None,
        )
        rows.append(
            {
                "school": school,
                "roll": roll,
                "sen_support": as_text({**k, "percent": percent_of(k, register_table["total"])}),
                "ehcp": as_text({**e, "percent": percent_of(e, register_table["total"])}),
                "needs": [
                    as_text(
                        {
                            "area": area,
                            **need_table["cells"][area],
                            "percent": percent_of(need_table["cells"][area], need_table["total"]),
                        }
                    )
                    for area in AREAS
                ],
                "plans_in_force": _count(plan["in_force"]),
                "plans_overdue": _count(plan["overdue"], plan["in_force"]),
                "ehcps_in_force": _count(ehcp["in_force"]),
                "reviews_overdue": _count(ehcp["overdue"], ehcp["in_force"]),
                "groups_running": money["running"],
                "pupils_in_provision": _count(money["pupils"]),
                "hours": money["hours"].quantize(Decimal("1")),
                "cost": money["cost"].quantize(Decimal("1")),
                "latest_report": reports.get(school.pk),
                "latest_report_label": (
                    report_label(reports[school.pk]) if school.pk in reports else ""
                ),
            }
        )
    return rows


def latest_reports(versions, school_ids):
    """
    {school id: the newest version of its latest published termly report}, from one query
    over the versions the trust lead may read (TermlyReportVersion.objects.visible_to),
    without their frozen figures: a row per term published, never per pupil.
    """
    found = {}
    newest_first = (
        versions.filter(report__school_id__in=school_ids)
        .latest_per_term()
        .for_list()
        .select_related(None)
        .select_related("report")
        .defer("snapshot", "report__commentary")
    )
    for version in newest_first:
        found.setdefault(version.report.school_id, version)
    return found


def report_label(version):
    """A published version's term and number, such as "Autumn 2026/27, version 2"."""
    report = version.report
    return (
        f"{TERM_NAMES[report.term]} {report.year}/{str(report.year + 1)[-2:]}, "
        f"version {version.number}"
    )


def _sortable(value):
    """Sort key for a figure: a suppressed count sorts as one value, so the order of the
    schools never tells a hidden 1 from a hidden 4."""
    if isinstance(value, dict):
        value = value["percent"] if value["percent"] is not None else value["n"]
    return (0, 0) if value is None else (1, value)


SORTS = {
    "name": lambda row: (0, row["school"].name.lower()),
    "roll": lambda row: (1, row["roll"]),
    "sen_support": lambda row: _sortable(row["sen_support"]),
    "ehcp": lambda row: _sortable(row["ehcp"]),
    "plans_overdue": lambda row: _sortable(row["plans_overdue"]),
    "reviews_overdue": lambda row: _sortable(row["reviews_overdue"]),
    "groups_running": lambda row: (1, row["groups_running"]),
    "cost": lambda row: (1, row["cost"]),
}


def sorted_rows(rows, sort, descending):
    """Rows by one column (school name for an unknown one), ties by school name."""
    key = SORTS.get(sort, SORTS["name"])
    rows = sorted(rows, key=lambda row: row["school"].name.lower())
    return sorted(rows, key=key, reverse=descending)
