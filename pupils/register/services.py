"""Cross-model register workflows; each runs in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from pupils import codes
from pupils.models import ParentInformed, Pupil, PupilNeed, RegisterEntry


@transaction.atomic
def record_register_change(
    *,
    pupil: Pupil,
    stage: str,
    needs: list[str],
    effective_on: date,
    reason: str,
    decided_by,
    recorded_by,
    evidence: str = "",
    source: str = RegisterEntry.Source.MANUAL,
    corrects: RegisterEntry | None = None,
    parent_informed: dict | None = None,
) -> RegisterEntry:
    """
    Add a dated decision to the register and bring the pupil's current state in line.

    parent_informed, when given, is {"informed_on", "method", "informed_by", "note"}
    and is saved with the entry (Children and Families Act 2014 s68).

    Stage E belongs to the local authority (Children and Families Act 2014 s37, s45;
    docs/register.md): only an entry whose source is the EHC plan record may put a pupil
    onto E or take them off it. Other entries may re-rank an E pupil's needs and keep E.
    """
    needs = list(dict.fromkeys(needs))
    errors = {}
    if source != RegisterEntry.Source.EHC_PLAN:
        errors |= _plan_stage_errors(pupil, stage, effective_on, corrects)
    if stage in codes.REGISTER_STAGES and not needs:
        errors["needs"] = (
            "A pupil on the register needs a primary type of need (NSA if not yet assessed)."
        )
    unknown = [code for code in needs if code not in codes.NeedType.values]
    if unknown:
        errors["needs"] = f"Unknown type-of-need code: {', '.join(unknown)}."
    elif need_problems := codes.need_errors(stage, needs):
        errors["needs"] = need_problems
    if effective_on > date.today():
        errors["effective_on"] = "A register decision cannot take effect in the future."
    if corrects is not None and corrects.pupil_id != pupil.pk:
        errors["corrects"] = "That entry belongs to another pupil."
    if corrects is not None and RegisterEntry.objects.filter(corrects=corrects).exists():
        errors["corrects"] = "That entry has already been corrected."
    if errors:
        raise ValidationError(errors)

    entry = RegisterEntry.objects.create(
        pupil=pupil,
        stage=stage,
        needs=needs,
        effective_on=effective_on,
        reason=reason,
        evidence=evidence,
        decided_by=decided_by,
        recorded_by=recorded_by,
        source=source,
        corrects=corrects,
    )
    if parent_informed:
        ParentInformed.objects.create(pupil=pupil, entry=entry, **parent_informed)
    refresh_register_state(pupil, reason=reason)
    return entry


PLAN_PAGE_HINT = "Record it on the pupil's EHC plan page."


def _plan_stage_errors(pupil, stage, effective_on, corrects):
    """Why an entry not written by the EHC plan record may not make this change, if it may not."""
    on_e_then = (
        pupil.register_entries.as_of(effective_on)
        .order_by("-effective_on", "-pk")
        .values_list("stage", flat=True)
        .first()
    ) == codes.SenStage.EHCP
    if corrects is not None and (corrects.stage == codes.SenStage.EHCP) != (
        stage == codes.SenStage.EHCP
    ):
        return {
            "corrects": "A correction cannot add or remove stage E: only the EHC plan record "
            f"does that. {PLAN_PAGE_HINT}"
        }
    if stage == codes.SenStage.EHCP and not on_e_then:
        return {
            "stage": "Only the local authority issues an EHC plan (Children and Families Act "
            f"2014 s37), so a pupil goes onto E when the plan is recorded as issued. {PLAN_PAGE_HINT}"
        }
    if stage != codes.SenStage.EHCP and on_e_then:
        return {
            "stage": f"{pupil.full_name} has an EHC plan (E). Only the local authority ceases a "
            "plan (Children and Families Act 2014 s45), so a school decision cannot move a pupil "
            "off E. When the LA ceases the plan, record it on the EHC plan page."
        }
    return {}


def refresh_register_state(pupil: Pupil, *, reason: str = "", today: date | None = None):
    """Set the pupil's stage, needs and 'since' from the entries in force today."""
    today = today or date.today()
    entries = list(pupil.register_entries.as_of(today).order_by("effective_on", "pk"))
    current = entries[-1] if entries else None
    stage = current.stage if current else codes.SenStage.NONE
    since = None
    if stage in codes.REGISTER_STAGES:
        for entry in reversed(entries):
            if entry.stage not in codes.REGISTER_STAGES:
                break
            since = entry.effective_on
    needs = current.needs if current else []

    pupil.sen_stage = stage
    pupil.sen_since = since
    pupil._change_reason = reason
    pupil.save(update_fields=["sen_stage", "sen_since"])
    if [n.code for n in pupil.needs.order_by("rank")] != needs:
        pupil.needs.all().delete()
        PupilNeed.objects.bulk_create(
            PupilNeed(pupil=pupil, code=code, rank=rank) for rank, code in enumerate(needs, 1)
        )


def rerank_needs(current: list[str], *, primary: str = "", added: str = "") -> list[str]:
    """
    The ranking after the SENCO adds a need or chooses the primary: nothing is dropped.

    The chosen primary moves to rank 1 (or joins there), an added need goes after the
    others, and NSA goes once any need is known (docs/register.md).
    """
    ranking = list(current)
    if added and added not in ranking:
        ranking.append(added)
    if primary:
        ranking = [primary] + [code for code in ranking if code != primary]
    known = [code for code in ranking if code != codes.NeedType.NSA]
    return known or ranking
