"""Identification workflows: raise, gather evidence, decide."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pupils import codes
from pupils.codes import SenStage
from pupils.models import (
    Concern,
    ParentInformed,
    Referral,
    RegisterEntry,
    RoundRobinRequest,
    Task,
    TeachingGroup,
)
from pupils.register.services import record_register_change
from sendhub.models import Membership
from sendhub.notifications.services import notify
from sendhub.roles import Role

# Days allowed for each follow-up task.
PLAN_DRAFT_DAYS = 14
TELL_STAFF_DAYS = 5
TELL_PARENTS_DAYS = 5
EHC_REQUEST_DAYS = 14
INTERIM_REVIEW_DAYS = 14
SEND_REFERRAL_DAYS = 5

# The decisions that put a pupil on the register, and the stage each one sets.
REGISTER_DECISIONS = {
    Concern.Decision.SEN_SUPPORT: SenStage.SEN_SUPPORT,
    Concern.Decision.EHC_REQUEST: SenStage.ASSESSMENT_REQUESTED,
}


def sencos_of(school):
    memberships = (
        Membership.objects.current().filter(school=school, role=Role.SENCO).select_related("user")
    )
    return [membership.user for membership in memberships]


def notify_sencos(concern, *, request=None):
    """Tell the school's SENCO(s) a concern arrived; the title never names the pupil."""
    # A parent's name would identify the child, so the notification says only "a parent".
    raiser = "A parent" if concern.raised_by_parent else concern.raised_by
    return notify(
        sencos_of(concern.pupil.school),
        title=f"{raiser} raised a concern about a pupil in year {concern.pupil.year_group}",
        url=reverse("pupils:concern_detail", args=[concern.pk]),
        school=concern.pupil.school,
    )


def teachers_of(pupil):
    """{teacher: [what they teach the pupil]} across the pupil's classes and form."""
    subjects = {}
    groups = (
        TeachingGroup.objects.filter(pupils=pupil, school_id=pupil.school_id)
        .prefetch_related("teachers")
        .order_by("name")
    )
    for group in groups:
        for teacher in group.teachers.all():
            subjects.setdefault(teacher, []).append(group.subject or group.name)
    return subjects


@transaction.atomic
def send_round_robin(*, concern, sent_by):
    """Ask every teacher of the pupil the same questions (once each); returns the new requests."""
    already = set(concern.round_robin.values_list("teacher_id", flat=True))
    created = [
        RoundRobinRequest.objects.create(
            concern=concern, teacher=teacher, subjects=", ".join(subjects)[:200], sent_by=sent_by
        )
        for teacher, subjects in teachers_of(concern.pupil).items()
        if teacher.pk not in already
    ]
    for request in created:
        notify(
            [request.teacher],
            title="A question about a pupil you teach is waiting for your answer",
            url=reverse("pupils:round_robin_answer", args=[request.pk]),
            school=concern.pupil.school,
        )
    if concern.status == Concern.Status.NEW:
        concern.status = Concern.Status.AWAITING_EVIDENCE
        concern.save(update_fields=["status"])
    return created


def pupil_needs_or_unassessed(pupil):
    """The pupil's current need codes, or NSA: SEN support without a specialist assessment."""
    return [need.code for need in pupil.needs.order_by("rank")] or ["NSA"]


@transaction.atomic
def decide_concern(
    *,
    concern: Concern,
    decision: str,
    rationale: str,
    decided_by,
    look_again_on: date | None = None,
    needs: list[str] | None = None,
    parent_informed: dict | None = None,
    service=None,
    today: date | None = None,
) -> Concern:
    """
    Record the decision on a concern and everything that follows from it, all or nothing.

    SEN support and an EHC needs assessment request add a register entry (with how
    parents were told, Children and Families Act 2014 s68) and the follow-up tasks:
    draft a support plan, tell the pupil's teachers, tell parents if not yet told.
    Monitoring marks the pupil as monitored; a referral opens a Referral.

    needs is the whole ranking the SENCO chose; it may add needs or re-rank them but never
    drops one. A pupil with an EHC plan stays on E whatever the decision (Children and
    Families Act 2014 s37, s45): SEN support records only a changed ranking, and a request
    for assessment becomes a task to ask the local authority for an interim annual review.
    """
    today = today or date.today()
    errors = {}
    if decision not in Concern.Decision.values:
        errors["decision"] = "Choose a decision."
    if not rationale.strip():
        errors["rationale"] = "Write down why: the rationale is part of the record."
    if decision == Concern.Decision.MONITOR and (look_again_on is None or look_again_on <= today):
        errors["look_again_on"] = "Choose a date in the future to look at this again."
    if decision == Concern.Decision.REFER and service is None:
        errors["service"] = "Choose the service to refer to."
    if concern.status == Concern.Status.DECIDED and not concern.is_due_to_look_again:
        errors["decision"] = "This concern has already been decided."
    pupil = concern.pupil
    current = [need.code for need in pupil.needs.order_by("rank")]
    dropped = [c for c in current if c != "NSA" and needs is not None and c not in needs]
    if dropped and decision in REGISTER_DECISIONS:
        errors["primary_need"] = (
            f"A decision adds or re-ranks needs but never removes one (would drop "
            f"{', '.join(dropped)}). Remove a need on the register form, with the reason."
        )
    elif decision in REGISTER_DECISIONS:
        on_plan = pupil.sen_stage == SenStage.EHCP
        stage = SenStage.EHCP if on_plan else REGISTER_DECISIONS[decision]
        ranking = needs or (current if on_plan else pupil_needs_or_unassessed(pupil))
        if ranking and (problems := codes.need_errors(stage, ranking)):
            errors["primary_need"] = problems
    if errors:
        raise ValidationError(errors)

    has_plan = pupil.sen_stage == SenStage.EHCP
    concern.decision = decision
    concern.rationale = rationale
    concern.decided_by = decided_by
    concern.decided_at = timezone.now()
    concern.look_again_on = look_again_on if decision == Concern.Decision.MONITOR else None
    concern.status = Concern.Status.DECIDED
    concern._change_reason = f"Decision: {concern.get_decision_display()}"
    concern.save()

    def task(title, days, kind=Task.Kind.OTHER, url=""):
        return Task(
            school_id=pupil.school_id,
            pupil=pupil,
            concern=concern,
            assigned_to=decided_by,
            title=title,
            kind=kind,
            url=url,
            due_on=today + timedelta(days=days),
        )

    name = pupil.full_name
    tasks = []
    if decision in REGISTER_DECISIONS and has_plan:
        entry = None
        if needs and needs != current:
            entry = record_register_change(
                pupil=pupil,
                stage=SenStage.EHCP,
                needs=needs,
                effective_on=today,
                reason=rationale,
                evidence=f"Concern raised by {concern.raised_by} on {concern.raised_at:%d/%m/%Y}",
                decided_by=decided_by,
                recorded_by=decided_by,
                source=RegisterEntry.Source.CONCERN,
            )
        if parent_informed:  # what the SENCO entered is kept, with the entry if there is one
            ParentInformed.objects.create(pupil=pupil, entry=entry, **parent_informed)
        if decision == Concern.Decision.EHC_REQUEST:
            tasks.append(
                task(
                    f"Ask the local authority for an interim annual review of {name}'s EHC plan",
                    INTERIM_REVIEW_DAYS,
                )
            )
        else:
            tasks.append(
                task(
                    f"Tell {name}'s teachers about the support",
                    TELL_STAFF_DAYS,
                    Task.Kind.TELL_STAFF,
                    reverse("pupils:passport", args=[pupil.pk]),
                )
            )
    elif decision in REGISTER_DECISIONS:
        record_register_change(
            pupil=pupil,
            stage=REGISTER_DECISIONS[decision],
            needs=needs or pupil_needs_or_unassessed(pupil),
            effective_on=today,
            reason=rationale,
            evidence=f"Concern raised by {concern.raised_by} on {concern.raised_at:%d/%m/%Y}",
            decided_by=decided_by,
            recorded_by=decided_by,
            source=RegisterEntry.Source.CONCERN,
            parent_informed=parent_informed,
        )
        tasks.append(
            task(
                f"Draft a support plan for {name}",
                PLAN_DRAFT_DAYS,
                Task.Kind.DRAFT_PLAN,
                # Looked up by name: plans belong to a higher app.
                reverse("reviews:plan_create", args=[pupil.pk]),
            )
        )
        tasks.append(
            task(
                f"Tell {name}'s teachers about the support",
                TELL_STAFF_DAYS,
                Task.Kind.TELL_STAFF,
                reverse("pupils:passport", args=[pupil.pk]),
            )
        )
        if not parent_informed:
            tasks.append(
                task(
                    f"Tell {name}'s parents and record how",
                    TELL_PARENTS_DAYS,
                    Task.Kind.TELL_PARENTS,
                    reverse("pupils:parent_informed", args=[pupil.pk]),
                )
            )
        if decision == Concern.Decision.EHC_REQUEST:
            tasks.append(
                task(
                    f"Send the EHC needs assessment request for {name}",
                    EHC_REQUEST_DAYS,
                    Task.Kind.EHC_REQUEST,
                )
            )
    elif decision == Concern.Decision.MONITOR and pupil.sen_stage == SenStage.NONE:
        record_register_change(
            pupil=pupil,
            stage=SenStage.MONITORING,
            needs=[],
            effective_on=today,
            reason=rationale,
            decided_by=decided_by,
            recorded_by=decided_by,
            source=RegisterEntry.Source.CONCERN,
        )
    elif decision == Concern.Decision.REFER:
        Referral.objects.create(
            pupil=pupil,
            service=service,
            concern=concern,
            requested_on=today,
            requested_by=decided_by,
        )
        tasks.append(
            task(
                f"Send the referral for {name} to {service}",
                SEND_REFERRAL_DAYS,
                Task.Kind.REFERRAL,
                reverse("pupils:referrals", args=[pupil.pk]),
            )
        )
    Task.objects.bulk_create(tasks)
    return concern
