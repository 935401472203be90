"""
Recording what the local authority decided about a pupil's EHC plan.

These are the only writers of stage E on the register (Children and Families Act 2014
s37, s45; docs/register.md): each register entry they write has the EHC plan source.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from pupils import codes
from pupils.codes import NeedType, SenStage
from pupils.models import Pupil, RegisterEntry
from pupils.register.services import record_register_change
from reviews.models import EHCPlan

# After a plan ceases the pupil is on SEN support or has no SEN: the SENCO decides which.
STAGES_AFTER_CESSATION = (SenStage.SEN_SUPPORT, SenStage.NONE)


def _latest_entry_date(pupil):
    return (
        pupil.register_entries.in_force()
        .order_by("-effective_on", "-pk")
        .values_list("effective_on", flat=True)
        .first()
    )


def _date_errors(field, when, pupil, today):
    if when > today:
        return {field: "This date is in the future: record the decision once the LA has made it."}
    latest = _latest_entry_date(pupil)
    if latest and when < latest:
        return {
            field: f"The register already has an entry from {latest:%d/%m/%Y}. Record the "
            "plan from that date or later, or correct the later entry first."
        }
    return {}


@transaction.atomic
def record_plan_issued(
    *,
    pupil: Pupil,
    issued_on: date,
    local_authority: str,
    by,
    needs: list[str] | None = None,
    notes: str = "",
    today: date | None = None,
) -> EHCPlan:
    """
    Record that the local authority issued an EHC plan (s37): the pupil goes onto E.

    The register entry keeps the pupil's current ranked needs unless `needs` (the ranking
    the plan's section B gives) is passed.
    """
    today = today or date.today()
    # Lock the pupil's row so two clerks cannot record two plans at once.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    needs = needs or [need.code for need in pupil.needs.order_by("rank")]
    needs = [code for code in needs if code != NeedType.NSA]
    errors = {}
    in_force = pupil.ehc_plans.in_force().first()
    if in_force is not None:
        errors["__all__"] = (
            f"{pupil.full_name} already has an EHC plan in force, issued "
            f"{in_force.issued_on:%d/%m/%Y}. Record that plan ceased first."
        )
    if not local_authority.strip():
        errors["local_authority"] = "Name the local authority that issued the plan."
    if not needs:
        errors["primary_need"] = (
            "Choose the primary need the plan names (section B): a pupil on E needs one."
        )
    errors |= _date_errors("issued_on", issued_on, pupil, today)
    if errors:
        raise ValidationError(errors)

    entry = record_register_change(
        pupil=pupil,
        stage=SenStage.EHCP,
        needs=needs,
        effective_on=issued_on,
        reason=f"EHC plan issued by {local_authority} on {issued_on:%d/%m/%Y} "
        "(Children and Families Act 2014 s37).",
        decided_by=None,
        recorded_by=by,
        source=RegisterEntry.Source.EHC_PLAN,
    )
    plan = EHCPlan(
        pupil=pupil,
        local_authority=local_authority.strip(),
        issued_on=issued_on,
        notes=notes,
        recorded_by=by,
        issue_entry=entry,
    )
    plan._change_reason = "EHC plan issued"
    plan.save()
    return plan


@transaction.atomic
def record_plan_ceased(
    *,
    plan: EHCPlan,
    ceased_on: date,
    reason: str,
    by,
    stage: str = SenStage.SEN_SUPPORT,
    today: date | None = None,
) -> EHCPlan:
    """
    Record that the local authority ceased to maintain the plan (s45): the pupil leaves E.

    `stage` is where the SENCO records the pupil next: SEN support (keeping the ranked
    needs) or no SEN.
    """
    today = today or date.today()
    plan = EHCPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    pupil = plan.pupil
    errors = {}
    if not plan.is_in_force:
        errors["__all__"] = (
            f"This plan was already recorded as ceased on {plan.ceased_on:%d/%m/%Y}."
        )
    if stage not in STAGES_AFTER_CESSATION:
        errors["stage"] = "Choose SEN support or no SEN for the pupil after the plan ceases."
    if not reason.strip():
        errors["reason"] = "Say why the local authority ceased the plan, from its decision."
    if ceased_on < plan.issued_on:
        errors["ceased_on"] = (
            f"The plan was issued on {plan.issued_on:%d/%m/%Y}: it cannot cease before that."
        )
    else:
        errors |= _date_errors("ceased_on", ceased_on, pupil, today)
    if errors:
        raise ValidationError(errors)

    needs = [need.code for need in pupil.needs.order_by("rank")]
    entry = record_register_change(
        pupil=pupil,
        stage=stage,
        needs=(needs or [NeedType.NSA]) if stage in codes.REGISTER_STAGES else [],
        effective_on=ceased_on,
        reason=f"EHC plan ceased by {plan.local_authority} on {ceased_on:%d/%m/%Y} "
        f"(Children and Families Act 2014 s45): {reason.strip()}",
        decided_by=None,
        recorded_by=by,
        source=RegisterEntry.Source.EHC_PLAN,
    )
    plan.ceased_on = ceased_on
    plan.cease_reason = reason.strip()
    plan.ceased_recorded_by = by
    plan.cease_entry = entry
    plan._change_reason = "EHC plan ceased"
    plan.save()
    return plan


MIS_AUTHORITY = "Not yet recorded (from the MIS import)"


def record_plan_from_mis(*, pupil, needs, on, by, source_note):
    """A plan the school's MIS already shows: recorded as in force from `on`, for the
    SENCO to complete (the local authority and the real issue date) on the plan page."""
    return record_plan_issued(
        pupil=pupil,
        issued_on=on,
        local_authority=MIS_AUTHORITY,
        by=by,
        needs=needs,
        notes=f"{source_note} Check the issuing local authority and the plan's issue date.",
        today=on,
    )
