"""What each role's home page shows. Each function returns a template context."""

from datetime import date

from django.db.models import Count, Q

from provision.today import sessions_due
from pupils import codes
from pupils.models import Pupil, TeachingGroup
from reports.anonymise import SECONDARY, breakdown, percent_of
from reports.models import InformationReport
from reports.trust.views import rollup_context
from reviews.tiles import plan_tiles
from sendhub.models import NationalComparison


def senco_dashboard(request):
    """The SENCO's and senior leaders' home; triage tiles only for those who triage."""
    user = request.user
    school_pupils = Pupil.objects.visible_to(user).on_roll()
    national = NationalComparison.objects.comparators_for(user.school)
    context = {
        "register": school_pupils.register_summary(),
        "national": national,
        # Each publication once, in the order the tiles use it.
        "national_sources": list(dict.fromkeys(c["figures"] for c in national.values())),
        "parents_not_informed": school_pupils.without_parent_informed().count(),
        **parent_meetings_tile(school_pupils, user.school),
        **plan_tiles(user),
    }
    # A senior leader cannot open the triage queue or tick off tasks (sendhub/roles.py).
    if user.has_perm("pupils.triage_concerns"):
        context |= concerns_tile(user) | tasks_tile(user)
    if user.has_perm("reports.view_informationreport"):
        context |= information_report_tile(user.school)
    return context


def information_report_tile(school):
    """When the SEN information report was last published, and whether it is due an update."""
    latest = InformationReport.objects.for_school(school).latest_published()
    return {
        "information_report_latest": latest,
        "information_report_due": latest is None or latest.is_due_for_update(),
    }


def concerns_tile(user, *, shown=5):
    """Concerns to triage: counts by status in one query, and the oldest few."""
    from pupils.models import Concern

    waiting = Concern.objects.visible_to(user).needing_triage()
    counts = waiting.aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=Q(status=status))
            for status in ["new", "in_progress", "awaiting_evidence", "decided"]
        },
    )
    return {
        "concern_counts": counts,
        "oldest_concerns": waiting.for_queue()[:shown],
    }


def tasks_tile(user, *, shown=3):
    """My open follow-up tasks: counts in one query, and the oldest few."""
    from pupils.models import Task

    mine = Task.objects.for_user(user).visible_to(user)
    return {
        "task_counts": mine.counts(),
        "oldest_tasks": mine.open().order_by("created_at", "due_on", "pk")[:shown],
    }


def parent_meetings_tile(school_pupils, school, *, on=None, shown=5):
    """
    Pupils on SEN support behind on, or due, a meeting with parents (CoP 6.65).

    Judged term by term with the school's term dates: behind = fewer meetings this school
    year than terms already ended; due = on track so far but still needing this term's
    meeting before the term ends.
    """
    on = on or date.today()
    expected = codes.parent_meetings_expected(on, school.term_end_days())
    short = school_pupils.parents_met_fewer_than(expected.by_end_of_term, on)
    counts = short.aggregate(
        behind=Count("pk", filter=Q(parent_meetings_this_year__lt=expected.by_now)),
        due=Count("pk", filter=Q(parent_meetings_this_year__gte=expected.by_now)),
    )
    return {
        "meetings_expected": expected,
        "parents_behind_count": counts["behind"],
        "parents_due_count": counts["due"],
        "parents_to_meet": short.order_by("parent_meetings_this_year", "last_name", "first_name")[
            :shown
        ],
    }


def teacher_home(request):
    user = request.user
    groups = (
        TeachingGroup.objects.filter(school=user.school)
        .taught_by(user)
        .with_pupil_counts()
        .order_by("kind", "year_group", "name")
    )
    sen_pupils = Pupil.objects.visible_to(user).on_register().for_register()
    return {"groups": groups, "sen_pupils": sen_pupils}


def ta_home(request):
    """Today's sessions to log first (provision/today.py), then the pupils they support.

    Pupils on the SEN register come first; the others are only named, never marked "No SEN".
    """
    pupils = list(Pupil.objects.visible_to(request.user).for_support_list(request.user))
    return {
        "due": sessions_due(request.user),
        "today": date.today(),
        "sen_pupils": [pupil for pupil in pupils if pupil.is_on_register],
        "other_pupils": [pupil for pupil in pupils if not pupil.is_on_register],
    }


def parent_home(request):

    return {"children": Pupil.objects.visible_to(request.user).for_portal()}


def anonymised_school_summary(school):
    """
    Roll, SEN support and EHC plans, anonymised like the termly report (reports/anonymise.py):
    the roll and the year-group tables there give "no SEN" away, so K, E and no SEN are one
    breakdown of the roll and a lone hidden figure takes a second with it.
    """
    counts = Pupil.objects.filter(school=school).on_roll().register_counts()
    table = breakdown(
        {
            "K": counts["sen_support"],
            "E": counts["ehcp"],
            "N": counts["roll"] - counts["sen_support"] - counts["ehcp"],
        },
        counts["roll"],
    )
    k, e = table["cells"]["K"], table["cells"]["E"]
    return {
        "school": school,
        "roll": counts["roll"],
        "sen_support": k["n"],
        "ehcp": e["n"],
        "sen_support_hidden": k.get("why") == SECONDARY,
        "ehcp_hidden": e.get("why") == SECONDARY,
        "sen_support_percent": percent_of(k, table["total"]),
        "ehcp_percent": percent_of(e, table["total"]),
    }


def governor_home(request):
    from reports.termly.models import TermlyReportVersion

    latest = (
        TermlyReportVersion.objects.visible_to(request.user).latest_per_term().for_list().first()
    )
    return {"summary": anonymised_school_summary(request.user.school), "latest_report": latest}


def trust_home(request):
    """Every school of the trust side by side, in a fixed number of queries (reports/trust/)."""
    return rollup_context(request)


def admin_home(request):
    pupils = Pupil.objects.visible_to(request.user)
    return {"on_roll": pupils.on_roll().count(), "archived": pupils.archived().count()}
