"""The evidence under each heading of the SEND self-evaluation, from the school's records.

Everything here is a whole-school figure for the school year so far, counted in SQL from
querysets scoped to the leader asking (Pupil.objects.visible_to and its kin). The result is
plain JSON, so a finalised self-evaluation keeps it exactly as it stood.
"""

from datetime import date, timedelta
from statistics import median

from django.db.models import Count, F, Q

from provision.models import GroupMember, Intervention, ProvisionGroup, Session
from pupils.codes import school_year_bounds
from pupils.models import Concern, Pupil
from reports.dashboards import parent_meetings_tile
from reports.progress.analysis import SEN_LABELS, gaps_over_time
from reports.progress.models import PupilTerm, Subject
from reports.progress.terms import Term as ProgressTerm
from reviews import deadlines
from reviews.models import AnnualReview, PlanAgreement, PlanReview, ReviewView, SupportPlan
from sendhub.models import NationalComparison

# A concern should reach a decision within about half a term.
DECISION_WITHIN_DAYS = 42

NO_PROGRESS_DATA = "No progress data imported yet."


def _row(label, value, note=""):
    return {"label": label, "value": value, "note": note}


def _percent(part, whole):
    return f"{round(100 * part / whole)}%" if whole else "none yet"


def _of(part, whole):
    return f"{part} of {whole} ({_percent(part, whole)})" if whole else "none yet"


def _latest_progress_term(school):
    """The latest term the school has imported or entered progress data for, or None."""
    found = (
        PupilTerm.objects.filter(school=school)
        .order_by("-academic_year", "-term")
        .values_list("academic_year", "term")
        .first()
    )
    return ProgressTerm(*found) if found else None


def _points(gap):
    return f"{gap:+.1f} points"


def _gap_note(status, now, then, year_ago_label):
    """A sentence on a group's gap to no-SEN peers now and a year before."""
    gap_now, gap_then = now["gaps"].get(status), then["gaps"].get(status)
    if gap_now is None:
        return "no pupils with no SEN to compare with"
    sentence = f"gap to no SEN {_points(gap_now)}"
    if gap_then is None:
        return f"{sentence}; no figure for {year_ago_label} to compare"
    change = round(abs(gap_then) - abs(gap_now), 1)
    if change > 0:
        trend = f"closing, {change:.1f} points narrower than"
    elif change < 0:
        trend = f"not closing, {-change:.1f} points wider than"
    else:
        trend = "not closing, the same as"
    return f"{sentence}; {trend} in {year_ago_label} ({_points(gap_then)})"


def _percent_text(value):
    return "—" if value is None else f"{value}%"


def _progress_rows(school, term):
    """Attendance and attainment of SEN support and EHC plan against no SEN in a term."""
    then, now = gaps_over_time(school, [term.year_ago, term])
    year_ago = term.year_ago.label
    rows = []
    groups = now["attendance"]["groups"]
    base = groups.get("N", {})
    for status in ("K", "E"):
        group = groups.get(status)
        if not group:
            continue
        label = SEN_LABELS[status]
        rows.append(
            _row(
                f"Attendance, {label}",
                f"{_percent_text(group['attendance_percent'])} of {group['pupils']} pupils",
                f"no SEN {_percent_text(base.get('attendance_percent'))}; "
                + _gap_note(status, now["attendance"], then["attendance"], year_ago),
            )
        )
        rows.append(
            _row(
                f"Persistently absent (under 90%), {label}",
                _of(group["persistently_absent"], group["with_attendance"]),
                f"no SEN {_of(base.get('persistently_absent', 0), base.get('with_attendance', 0))}",
            )
        )
        rows.append(
            _row(
                f"Suspensions per 100 pupils, {label}",
                group["suspensions_per_100"],
                f"no SEN {base.get('suspensions_per_100', '—')}; permanent exclusions: "
                f"{group['permanent_exclusions']}",
            )
        )
    for subject, figures in now["attainment"].items():
        base = figures["groups"].get("N", {})
        earlier = then["attainment"].get(subject, {"gaps": {}})
        for status in ("K", "E"):
            group = figures["groups"].get(status)
            if not group:
                continue
            rows.append(
                _row(
                    f"{Subject(subject).label} at or above expected, {SEN_LABELS[status]}",
                    _of(group["at_or_above"], group["assessed"]),
                    f"no SEN {_percent_text(base.get('at_or_above_percent'))}; "
                    + _gap_note(status, figures, earlier, year_ago),
                )
            )
    return rows


def achievement(user, first, last):
    """
    Attendance and attainment of pupils on SEN support and with an EHC plan against pupils
    with no SEN, in the latest term with progress data, and whether each gap is closing
    against the same term a year before (reports/progress/analysis.py: three queries);
    the register beside the national figures for context.
    """
    school = user.school
    summary = Pupil.objects.visible_to(user).on_roll().register_summary()
    national = NationalComparison.objects.comparators_for(school)
    rows = []
    for measure, label, percent in [
        ("sen_support", "Pupils on SEN support", summary["sen_support_percent"]),
        ("ehcp", "Pupils with an EHC plan", summary["ehcp_percent"]),
    ]:
        compared = national.get(measure)
        note = f"national ({compared['who']}): {compared['percent']}%" if compared else ""
        rows.append(_row(label, f"{percent}% of roll" if percent is not None else "—", note))
    term = _latest_progress_term(school)
    if term is None:
        return {"rows": rows, "missing": NO_PROGRESS_DATA}
    progress = _progress_rows(school, term)
    return {
        "rows": rows + progress,
        "term": term.label,
        "missing": "" if progress else NO_PROGRESS_DATA,
        "source": f"Attendance and attainment from {term.label}, the latest term with data.",
    }


def provision(user, first, last):
    school = user.school
    groups = ProvisionGroup.objects.visible_to(user).running_between(first, last)
    sessions = Session.objects.filter(
        group__in=groups, date__gte=first, date__lte=min(last, date.today())
    ).aggregate(
        logged=Count("pk"), delivered=Count("pk", filter=Q(status=Session.Status.DELIVERED))
    )
    finished = (
        GroupMember.objects.visible_to(user)
        .filter(exit_on__gte=first, exit_on__lte=last, entry_score__isnull=False)
        .filter(exit_score__isnull=False)
        .aggregate(
            total=Count("pk"),
            improved=Count("pk", filter=Q(exit_score__gt=F("entry_score"))),
            reached=Count("pk", filter=Q(reached_exit=True)),
        )
    )
    return {
        "rows": [
            _row(
                "Interventions on offer",
                Intervention.objects.for_school(school).active().count(),
            ),
            _row("Intervention groups running this year", groups.count()),
            _row(
                "Sessions delivered as planned",
                _of(sessions["delivered"], sessions["logged"]),
                "of the sessions logged this year",
            ),
            _row(
                "Pupils whose exit score rose",
                _of(finished["improved"], finished["total"]),
                "of pupils with entry and exit scores this year",
            ),
            _row("Pupils who met the exit criteria", _of(finished["reached"], finished["total"])),
        ]
    }


def identification(user, first, last, today):
    concerns = Concern.objects.visible_to(user)
    decided = list(
        concerns.filter(decided_at__date__gte=first, decided_at__date__lte=last).values_list(
            "raised_at", "decided_at"
        )
    )
    days = [(decided_at - raised_at).days for raised_at, decided_at in decided]
    on_time = sum(1 for n in days if n <= DECISION_WITHIN_DAYS)
    waiting = (
        concerns.open().filter(raised_at__date__lt=today - timedelta(DECISION_WITHIN_DAYS)).count()
    )
    return {
        "rows": [
            _row("Concerns decided this year", len(days)),
            _row(
                "Typical time from concern to decision",
                f"{round(median(days))} days" if days else "none yet",
                "the median",
            ),
            _row(
                f"Decided within {DECISION_WITHIN_DAYS // 7} weeks",
                _of(on_time, len(days)),
            ),
            _row(f"Open for more than {DECISION_WITHIN_DAYS // 7} weeks now", waiting),
        ]
    }


def views(user, first, last, today):
    plans = SupportPlan.objects.visible_to(user)
    parent = PlanAgreement.objects.filter(
        plan__in=plans, party=PlanAgreement.Party.PARENT, agreed_on__gte=first, agreed_on__lte=last
    ).aggregate(
        total=Count("pk"),
        agreed=Count("pk", filter=Q(response=PlanAgreement.Response.AGREE)),
        disagreed=Count("pk", filter=Q(response=PlanAgreement.Response.DISAGREE)),
    )
    given = ReviewView.objects.filter(
        plan__in=plans, received_on__gte=first, received_on__lte=last
    ).aggregate(
        pupil=Count("pk", filter=Q(party=ReviewView.Party.PUPIL)),
        parent=Count("pk", filter=Q(party=ReviewView.Party.PARENT)),
    )
    meetings = parent_meetings_tile(
        Pupil.objects.visible_to(user).on_roll(today), user.school, on=today
    )
    return {
        "rows": [
            _row("Parents' responses to plans this year", parent["total"]),
            _row("…of which agreed", _of(parent["agreed"], parent["total"])),
            _row("…of which disagreed", parent["disagreed"], "each with its reason recorded"),
            _row("Pupils' views given for reviews", given["pupil"]),
            _row("Parents' views given for reviews", given["parent"]),
            _row(
                "Pupils on SEN support behind on parent meetings",
                meetings["parents_behind_count"],
                "three a year, term by term (Code of Practice 6.65)",
            ),
        ]
    }


def leadership(user, first, last, today):
    plans = SupportPlan.objects.visible_to(user)
    reviews = PlanReview.objects.filter(
        plan__in=plans, held_on__gte=first, held_on__lte=last
    ).aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(held_on__lte=F("plan__review_due_on")))
    )
    overdue = plans.of_pupils_on_roll(today).overdue(today).count()
    annual = list(
        AnnualReview.objects.visible_to(user)
        .filter(meeting_on__gte=first, meeting_on__lte=last)
        .values_list("starts_from", "meeting_on", "report_sent_on")
    )
    meetings_on_time = sum(
        1
        for starts_from, meeting_on, _ in annual
        if meeting_on <= deadlines.add_months(starts_from, 12)
    )
    reports_on_time = sum(
        1
        for _, meeting_on, sent_on in annual
        if sent_on and sent_on <= deadlines.after_meeting(meeting_on).report_by
    )
    return {
        "rows": [
            _row(
                "Support plan reviews held by their review date",
                _of(reviews["on_time"], reviews["total"]),
                "reviews held this year",
            ),
            _row("Support plans overdue for review now", overdue),
            _row(
                "EHC plan annual review meetings held within 12 months",
                _of(meetings_on_time, len(annual)),
                "of the plan's issue or the last review (Children and Families Act 2014 s44)",
            ),
            _row(
                "Annual review reports sent within 2 weeks",
                _of(reports_on_time, len(annual)),
                "SEND Regulations 2014 reg 20(7)",
            ),
        ]
    }


def gather(user, today=None):
    """{heading key: {"rows": [...], ...}} for the school year holding today."""
    today = today or date.today()
    first, last = school_year_bounds(today)
    return {
        "as_of": today.isoformat(),
        "achievement": achievement(user, first, last),
        "provision": provision(user, first, last),
        "identification": identification(user, first, last, today),
        "views": views(user, first, last, today),
        "leadership": leadership(user, first, last, today),
    }
