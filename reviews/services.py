"""Support-plan workflows that change several rows; each runs in one transaction."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pupils.codes import SenStage
from pupils.models import RegisterEntry, Task, parents_of, staff_who_teach
from pupils.register.services import record_register_change
from reviews.models import (
    PlanAgreement,
    PlanReview,
    PlanStrategy,
    PlanTarget,
    ReviewView,
    SupportPlan,
    TargetProgress,
    default_review_date,
)
from sendhub.notifications.services import notify

Status = SupportPlan.Status
Decision = PlanReview.Decision
INTERIM_REVIEW_DAYS = 14


def _copy_plan(plan, *, by, cycle, version, review_due_on, targets, assess_summary=None):
    """A new draft holding plan's wording, the given targets and all its strategies."""
    copy = SupportPlan.objects.create(
        pupil=plan.pupil,
        cycle=cycle,
        version=version,
        status=Status.DRAFT,
        layer=plan.layer,
        assess_summary=plan.assess_summary if assess_summary is None else assess_summary,
        provision_notes=plan.provision_notes,
        home_targets=plan.home_targets,
        review_due_on=review_due_on,
        created_by=by,
        previous=plan,
    )
    for order, target in enumerate(targets, 1):
        copied = PlanTarget.objects.create(
            plan=copy,
            order=order,
            outcome=target.outcome,
            success_criteria=target.success_criteria,
            baseline=target.baseline,
            owner=target.owner,
            carried_from=target,
        )
        copied.groups.set(target.groups.all())
    for order, strategy in enumerate(plan.strategies.order_by("order", "pk"), 1):
        PlanStrategy.objects.create(
            plan=copy, order=order, text=strategy.text, strategy_id=strategy.strategy_id
        )
    return copy


def _refuse_second_draft(pupil):
    if SupportPlan.objects.drafts().filter(pupil=pupil).exists():
        raise ValidationError(
            f"{pupil.full_name} already has a draft plan. Finish or agree it first."
        )


@transaction.atomic
def revise_plan(*, plan: SupportPlan, by) -> SupportPlan:
    """Start a revision of a plan in force: a new draft version; the agreed one is kept as it was."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_current:
        raise ValidationError("Only an agreed or active plan can be revised.")
    _refuse_second_draft(plan.pupil)
    return _copy_plan(
        plan,
        by=by,
        cycle=plan.cycle,
        version=plan.version + 1,
        review_due_on=plan.review_due_on,
        targets=plan.targets.order_by("order", "pk"),
    )


@transaction.atomic
def record_agreement(
    *,
    plan: SupportPlan,
    party: str,
    by,
    method: str = "",
    on: date | None = None,
    response: str = PlanAgreement.Response.AGREE,
    text: str = "",
) -> PlanAgreement:
    """
    Record one party's response to a draft: agreed, disagreed (with the reason) or asked
    a question (Code of Practice 6.48). A parent or pupil may respond again until they
    agree; the earlier response is kept, withdrawn. When teacher, SENCO, parent and pupil
    have all agreed, the plan becomes agreed and replaces any earlier version still in force.
    """
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_draft:
        raise ValidationError("This plan is no longer a draft, so it cannot be agreed again.")
    agreement = PlanAgreement(
        plan=plan, party=party, agreed_by=by, method=method, agreed_on=on or date.today(),
        response=response, text=text.strip(),
    )  # fmt: skip
    agreement.clean()
    standing = plan.agreements.filter(party=party).first()
    if standing is not None:
        if standing.is_agreement:
            raise ValidationError(
                {"party": f"{PlanAgreement.Party(party).label} agreement is already recorded."}
            )
        standing.withdrawn_at = timezone.now()
        standing._change_reason = "They responded again"
        standing.save(update_fields=["withdrawn_at"])
    agreement.save()
    agreed = plan.agreements.filter(response=PlanAgreement.Response.AGREE).count()
    if agreed == len(PlanAgreement.Party):
        _replace_plan_in_force(plan)
        plan.status = Status.AGREED
        plan.save(update_fields=["status"])
    return agreement


def _replace_plan_in_force(plan):
    """The earlier version in force gives way to `plan`."""
    for old in SupportPlan.objects.current().filter(pupil_id=plan.pupil_id).exclude(pk=plan.pk):
        old.status = Status.SUPERSEDED
        old.save(update_fields=["status"])


@transaction.atomic
def answer_question(*, plan: SupportPlan, party: str, answer: str, by) -> PlanAgreement:
    """The SENCO answers the question a parent or pupil asked about the plan."""
    question = (
        plan.agreements.select_for_update()
        .filter(party=party, response=PlanAgreement.Response.QUESTION)
        .first()
    )
    if question is None:
        raise ValidationError(f"{PlanAgreement.Party(party).label} has no question to answer.")
    if not answer.strip():
        raise ValidationError({"answer": "Write the answer."})
    question.answer = answer.strip()
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    return question


def not_agreed_message(plan: SupportPlan) -> str:
    """Who did not agree, in words: "Parent or carer disagreed; Pupil gave no response"."""
    given = {agreement.party: agreement for agreement in plan.agreements.all()}
    parts = []
    for party in plan.parties_not_agreed():
        response = given.get(party)
        if response is None:
            parts.append(f"{party.label} gave no response")
        elif response.response == PlanAgreement.Response.DISAGREE:
            parts.append(f"{party.label} disagreed")
        else:
            parts.append(f"{party.label} asked a question that is not yet answered")
    return "; ".join(parts)


@transaction.atomic
def activate_plan(*, plan: SupportPlan, by=None, reason: str = "", on: date | None = None):
    """
    Put a plan in place after consulting the parent and the pupil. Their agreement is
    sought, not required (Children and Families Act 2014 s66; Code of Practice 6.48): if
    either did not agree, the reason for going ahead is recorded on the plan. The class
    teacher and the SENCO must have agreed it.
    """
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (Status.DRAFT, Status.AGREED):
        raise ValidationError("Only a draft or agreed plan can be put in place.")
    missing = [p.label for p in PlanAgreement.SCHOOL if p not in plan.agreed_parties()]
    if missing:
        raise ValidationError(
            f"Record the agreement of the {' and the '.join(missing)} before putting the "
            "plan in place."
        )
    reason = reason.strip()
    not_agreed = not_agreed_message(plan)
    if not_agreed and not reason:
        raise ValidationError(
            {"reason": f"Not everyone agreed this plan ({not_agreed}). Record why the school "
                       "is going ahead before putting it in place."}
        )  # fmt: skip
    _replace_plan_in_force(plan)
    plan.status = Status.ACTIVE
    plan.starts_on = on or date.today()
    plan.put_in_place_by = by
    plan.going_ahead_reason = reason if not_agreed else ""
    plan.save(update_fields=["status", "starts_on", "put_in_place_by", "going_ahead_reason"])
    notify(
        [person for person in staff_who_teach(plan.pupil) if person != by],
        title="The support plan of a pupil you teach has changed",
        url=plan.get_absolute_url(),
        school=plan.pupil.school,
    )
    return plan


@transaction.atomic
def ask_for_views(*, plan: SupportPlan, parties: list[str], on: date | None = None):
    """Record that views were asked for ahead of the review (once per party)."""
    on = on or date.today()
    for party in parties:
        view, created = ReviewView.objects.get_or_create(
            plan=plan, party=party, defaults={"asked_on": on}
        )
        if not created and view.asked_on is None:
            view.asked_on = on
            view.save(update_fields=["asked_on"])
    if ReviewView.Party.PARENT in parties:
        notify(
            parents_of(plan.pupil),
            title="The school would like your views before a support plan review",
            url=reverse("portal:plan_views", args=[plan.pk]),
            school=plan.pupil.school,
        )


def record_view(
    *, plan: SupportPlan, party: str, text: str, method: str, by, on: date | None = None
) -> ReviewView:
    """Record (or replace, keeping history) one party's views for the review."""
    if plan.status not in (Status.DRAFT, Status.AGREED, Status.ACTIVE):
        raise ValidationError("This plan has been reviewed; views can no longer be added.")
    view, _ = ReviewView.objects.get_or_create(plan=plan, party=party)
    view.text = text
    view.method = method
    view.given_by = by
    view.received_on = on or date.today()
    view.save()
    return view


@transaction.atomic
def close_review(
    *,
    plan: SupportPlan,
    held_on: date,
    decision: str,
    summary: str,
    progress: dict,
    recorded_by,
    today: date | None = None,
) -> SupportPlan | None:
    """
    Record a plan's review and start what follows (docs/graduated-approach.md).

    progress is {target id: (rating, evidence)} for every target. The plan becomes
    reviewed; "exit" takes the pupil off SEN support and "escalate" records that an EHC
    needs assessment is requested, both on the register. A pupil with an EHC plan stays
    on E (only the local authority ceases a plan, Children and Families Act 2014 s45):
    "exit" and "reduce" leave the register as it is, and "escalate" becomes a task to ask
    the local authority for an interim annual review. Unless the pupil exits, the
    next cycle opens as a draft pre-filled from this one: targets not met or partly met
    carry over and the strategies are copied. Returns the new draft (None on exit).
    """
    today = today or date.today()
    plan = SupportPlan.objects.select_for_update().select_related("pupil__school").get(pk=plan.pk)
    targets = list(plan.targets.order_by("order", "pk"))
    errors = {}
    if not plan.is_active:
        errors["__all__"] = "Only a plan that has been put in place can be reviewed."
    if held_on > today:
        errors["held_on"] = "A review is recorded once it has been held: choose today or earlier."
    missing = [t.outcome for t in targets if t.pk not in progress]
    if missing:
        errors["__all__"] = f"Record progress for every target (missing: {'; '.join(missing)})."
    has_draft = SupportPlan.objects.drafts().filter(pupil_id=plan.pupil_id).exists()
    if decision != Decision.EXIT and has_draft:
        errors["__all__"] = (
            "This pupil already has a draft revision. Agree or finish it before the review."
        )
    if errors:
        raise ValidationError(errors)

    review = PlanReview.objects.create(
        plan=plan, held_on=held_on, decision=decision, summary=summary, recorded_by=recorded_by
    )
    carried = []
    for target in targets:
        rating, evidence = progress[target.pk]
        row = TargetProgress.objects.create(
            review=review, target=target, rating=rating, evidence=evidence
        )
        if row.carries_over:
            carried.append(target)
    plan.status = Status.REVIEWED
    plan.save(update_fields=["status"])

    pupil = plan.pupil
    needs = [need.code for need in pupil.needs.order_by("rank")]
    reason = f"Support plan review on {held_on:%d/%m/%Y}: {review.get_decision_display()}."
    has_plan = pupil.sen_stage == SenStage.EHCP
    if decision == Decision.ESCALATE and has_plan:
        Task.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            assigned_to=recorded_by,
            title=f"Ask the local authority for an interim annual review of "
            f"{pupil.full_name}'s EHC plan",
            due_on=today + timedelta(days=INTERIM_REVIEW_DAYS),
        )
    if decision == Decision.EXIT and has_plan:
        return None
    if decision == Decision.EXIT:
        record_register_change(
            pupil=pupil, stage=SenStage.NONE, needs=[], effective_on=held_on, reason=reason,
            evidence=summary, decided_by=recorded_by, recorded_by=recorded_by,
            source=RegisterEntry.Source.REVIEW,
        )  # fmt: skip
        return None
    if (
        decision == Decision.ESCALATE
        and not has_plan
        and pupil.sen_stage != SenStage.ASSESSMENT_REQUESTED
    ):
        record_register_change(
            pupil=pupil, stage=SenStage.ASSESSMENT_REQUESTED, needs=needs, effective_on=held_on,
            reason=reason, evidence=summary, decided_by=recorded_by, recorded_by=recorded_by,
            source=RegisterEntry.Source.REVIEW,
        )  # fmt: skip
    return _copy_plan(
        plan,
        by=recorded_by,
        cycle=plan.cycle + 1,
        version=1,
        review_due_on=default_review_date(pupil.school, today),
        targets=carried,
        assess_summary=(
            f"Review of {held_on:%d %B %Y}: {summary}\n\n{plan.assess_summary}".strip()
        ),
    )


DRAFT_CHANGED = "The draft changed after it was agreed"


@transaction.atomic
def save_draft(*, plan_form, targets, by) -> list[str]:
    """
    Save a draft's wording and targets. A change withdraws the agreements given so far
    (everyone agrees one wording); returns the parties whose agreement was withdrawn.
    """
    from reviews.forms import save_plan

    plan = save_plan(plan_form, targets, pupil=plan_form.instance.pupil, by=by)
    if plan_form.has_changed() or targets.has_changed():
        return withdraw_agreements(plan=plan, reason=DRAFT_CHANGED)
    return []


@transaction.atomic
def save_draft_strategies(*, plan: SupportPlan, formset) -> list[str]:
    """Save the strategies chosen for a draft; a change withdraws agreements given so far."""
    formset.save()
    if formset.has_changed():
        return withdraw_agreements(plan=plan, reason=DRAFT_CHANGED)
    return []


@transaction.atomic
def add_draft_strategy(*, plan: SupportPlan, text: str, strategy=None) -> list[str]:
    """Add a strategy (from the library, or the school's own words) at the end of a draft."""
    PlanStrategy.objects.create(
        plan=plan, text=text, strategy=strategy, order=plan.strategies.count() + 1
    )
    return withdraw_agreements(plan=plan, reason=DRAFT_CHANGED)


def withdraw_agreements(*, plan: SupportPlan, reason: str) -> list[str]:
    """
    A draft changed after some parties responded: their responses no longer stand, so
    everyone responds to the same wording. The withdrawn rows stay on record.
    """
    withdrawn = []
    for agreement in plan.agreements.all():
        agreement.withdrawn_at = timezone.now()
        agreement._change_reason = reason
        agreement.save(update_fields=["withdrawn_at"])
        withdrawn.append(agreement.get_party_display())
    return withdrawn
