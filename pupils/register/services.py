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
    """
    needs = list(dict.fromkeys(needs))
    errors = {}
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
