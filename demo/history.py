"""Date and sign the demo's change history as if the school had kept it all along.

The seed writes years of records in a few seconds, so every history row would say "now" and
name nobody. This pass runs last: each row gets the day the record says it happened (a plan
the day it was written, a review the day it was held, a pupil the week before they joined)
and the person who would have done it (the SENCO, the teacher who raised a concern, the TA
who logged a session, the data manager who added a pupil from the MIS). Nothing is dated
after now, and a later change to a record stays after its earlier ones.
"""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.utils import timezone

from pupils import codes
from pupils.models import ParentLink, Pupil
from reviews.models import PlanReview, SupportPlan
from sendhub.roles import Role

APPS = ("pupils", "reviews", "provision")


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _has_date(historical):
    return "history_date" in {field.name for field in historical._meta.fields}


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def backdate_history(people, *, today=None):
    """Give every history row of the demo a plausible date and the person who acted."""
    now = timezone.now()
    today = today or timezone.localdate()
    senco = people.named[Role.SENCO].pk
    admin = people.named[Role.ADMIN].pk
    year_start, _ = codes.school_year_bounds(today)
    joined = dict(Pupil.objects.values_list("pk", "joined_on"))
    plans = {
        pk: (_day(created), by)
        for pk, created, by in SupportPlan.objects.values_list("pk", "created_at", "created_by")
    }
    reviews = {
        pk: (held, by)
        for pk, held, by in PlanReview.objects.values_list("pk", "held_on", "recorded_by")
    }
    parents = dict(ParentLink.objects.values_list("pupil_id", "parent_id"))
    model = apps.get_model

    versions = dict(model("pupils", "PassportVersion").objects.values_list("pk", "captured_on"))
    version_by = dict(model("pupils", "PassportVersion").objects.values_list("pk", "recorded_by"))
    first_version = {}
    for pk, passport in (
        model("pupils", "PassportVersion")
        .objects.values_list("pk", "passport_id")
        .order_by("captured_on", "pk")
    ):
        first_version.setdefault(passport, pk)
    concerns = {
        pk: (_day(raised), by)
        for pk, raised, by in model("pupils", "Concern").objects.values_list(
            "pk", "raised_at", "raised_by"
        )
    }
    requests = {
        pk: (concern, teacher)
        for pk, concern, teacher in model("pupils", "RoundRobinRequest").objects.values_list(
            "pk", "concern_id", "teacher_id"
        )
    }
    sessions = {
        pk: (day, by)
        for pk, day, by in model("provision", "Session").objects.values_list(
            "pk", "date", "logged_by"
        )
    }
    groups = dict(model("provision", "ProvisionGroup").objects.values_list("pk", "start_on"))
    ehc_issued = dict(model("reviews", "EHCPlan").objects.values_list("pk", "issued_on"))
    first_group = min(groups.values(), default=year_start)

    def pupil_row(h):
        if h.history_type == "+":
            return joined[h.id] - timedelta(days=7), admin
        if h.left_on and h.left_on <= today:
            return h.left_on, admin
        return h.sen_since or h.joined_on, senco

    def passport(h):
        version = h.current_id or first_version.get(h.id)
        if version is None:
            return joined[h.pupil_id], senco
        return versions[version], version_by[version]

    def meeting(h):
        # A meeting booked ahead was put in the diary three weeks before.
        return (
            h.held_on if h.held_on <= today else h.held_on - timedelta(days=21)
        ), h.recorded_by_id

    rules = {
        "Pupil": pupil_row,
        "Concern": lambda h: (
            _day(h.decided_at) if h.history_type == "~" and h.decided_at else concerns[h.id][0],
            h.decided_by_id if h.history_type == "~" and h.decided_by_id else h.raised_by_id,
        ),
        "ConcernEvidence": lambda h: (
            concerns[h.concern_id][0] + timedelta(days=3),
            h.updated_by_id or senco,
        ),
        "RoundRobinResponse": lambda h: (
            concerns[requests[h.request_id][0]][0] + timedelta(days=4),
            requests[h.request_id][1],
        ),
        "ObservationNote": lambda h: (h.observed_on, h.observed_by_id),
        "ConcernView": lambda h: (h.gathered_on, h.recorded_by_id),
        "AssessmentResult": lambda h: (h.taken_on, h.recorded_by_id),
        "Referral": lambda h: (
            h.report_received_on or h.seen_on or h.requested_on
            if h.history_type == "~"
            else h.requested_on,
            h.requested_by_id or senco,
        ),
        "Passport": passport,
        "PassportVersion": lambda h: (h.captured_on, h.recorded_by_id),
        "OnePageProfile": lambda h: (h.updated_on, h.updated_by_id or senco),
        "ParentMeeting": meeting,
        "ParentInformed": lambda h: (h.informed_on, h.informed_by_id or senco),
        "MedicalCondition": lambda h: (joined[h.pupil_id], senco),
        "SupportAssignment": lambda h: (h.starts_on or joined[h.pupil_id], senco),
        "ParentLink": lambda h: (joined[h.pupil_id] - timedelta(days=7), admin),
        "Task": lambda h: (_day(h.created_at), senco),
        "EHCPlan": lambda h: (
            h.ceased_on if h.history_type == "~" and h.ceased_on else h.issued_on,
            h.recorded_by_id or senco,
        ),
        "EHCPlanNeed": lambda h: (ehc_issued[h.plan_id] + timedelta(days=3), senco),
        "EHCPlanOutcome": lambda h: (ehc_issued[h.plan_id] + timedelta(days=3), senco),
        "EHCPlanProvision": lambda h: (ehc_issued[h.plan_id] + timedelta(days=3), senco),
        "NeedsAssessmentRequest": lambda h: (h.sent_on, h.requested_by_user_id or senco),
        "NeedsAssessmentEvent": lambda h: (h.on, h.recorded_by_id or senco),
        "SupportPlan": lambda h: plans[h.id],
        "PlanTarget": lambda h: plans[h.plan_id],
        "PlanStrategy": lambda h: plans[h.plan_id],
        "PlanAgreement": lambda h: (h.agreed_on or plans[h.plan_id][0], h.agreed_by_id or senco),
        "PlanReview": lambda h: (h.held_on, h.recorded_by_id),
        "TargetProgress": lambda h: reviews[h.review_id],
        "Intervention": lambda h: (first_group - timedelta(days=14), senco),
        "ProvisionGroup": lambda h: (h.start_on - timedelta(days=7), senco),
        "GroupMember": lambda h: (h.joined_on, h.history_user_id or senco),
        "Session": lambda h: (h.date, h.logged_by_id),
        "SessionAttendance": lambda h: sessions[h.session_id],
    }
    for historical in apps.get_models():
        if not historical.__name__.startswith("Historical"):
            continue
        if historical._meta.app_label not in APPS or not _has_date(historical):
            continue  # many-to-many history rows hang off their parent's row
        name = historical.instance_type.__name__
        rule = rules.get(name, lambda h: (year_start, admin))
        rows = list(historical.objects.order_by("history_id"))
        if name == "ReviewView":
            plan_pupils = dict(SupportPlan.objects.values_list("pk", "pupil_id"))
            rule = _review_view_rule(plan_pupils, parents, senco)
        last, created, stamps = {}, {}, []
        for row in rows:
            day, user = rule(row)
            when = _at(day)
            key = row.id
            if key in last and when <= last[key]:
                when = last[key] + timedelta(minutes=1)
            when = min(when, now - timedelta(minutes=1))
            last[key] = when
            if row.history_type == "+":
                created[key] = when
            stamps.append((row.history_id, when, user or senco))
        _set_columns(historical, ["history_date", "history_user"], stamps)
        _backdate_recorded_at(historical.instance_type, created)


def _backdate_recorded_at(model, created):
    """A record's own "recorded at" stamp says the same as its history: when it was made."""
    if "recorded_at" not in {field.name for field in model._meta.fields}:
        return
    existing = set(model.objects.filter(pk__in=created).values_list("pk", flat=True))
    _set_columns(
        model, ["recorded_at"], [(pk, when) for pk, when in created.items() if pk in existing]
    )


def _set_columns(model, names, rows, *, batch=500):
    """
    Set `names` on many rows, given as (pk, value, ...), one UPDATE ... FROM (VALUES ...) per
    batch. bulk_update() writes the same values but builds a CASE WHEN per row and field,
    which made this pass most of the seed's time. SQLite (3.33+) and PostgreSQL both name
    the VALUES columns column1, column2, ...
    """
    fields = [model._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sets = ", ".join(
        f"{connection.ops.quote_name(field.column)} = v.column{n}"
        for n, field in enumerate(fields, 2)
    )
    row_sql = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), batch):
            chunk = rows[first : first + batch]
            params = []
            for key, *values in chunk:
                params.append(key)
                params += [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, values, strict=True)
                ]
            # Table and column names come from the models; every value is a parameter.
            listed = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {listed}) AS v "  # noqa: S608  # nosec B608
                f"WHERE {table}.{pk} = v.column1",
                params,
            )


def _review_view_rule(plan_pupils, parents, senco):
    def rule(h):
        day = h.received_on or h.asked_on
        if h.party == "parent" and h.method == "Parent portal":
            return day, parents.get(plan_pupils[h.plan_id], senco)
        return day, h.given_by_id or senco

    return rule
