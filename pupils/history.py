"""
A pupil's change history (django-simple-history) read as who/when/what.

Every model that keeps history and leads to a pupil is registered here with the
lookup from it to the pupil, by its own app's AppConfig.ready(): pupils registers
its models, and apps further along (reviews) register theirs, so pupils never
imports them (sendhub <- pupils <- provision <- reviews <- reports).

Restricted-tier records (tier 3 in docs/access.md: medical and specialist
reports) are left out for anyone without "pupils.view_restricted", the same
permission that gates them on the profile and referral pages.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date

RESTRICTED_PERMISSION = "pupils.view_restricted"


@dataclass(frozen=True)
class Audited:
    model: type
    pupil_path: str  # lookup from the historical row to the pupil's id, e.g. "plan__pupil"
    restricted: bool = False  # the whole record is tier 3
    restricted_fields: frozenset = field(default_factory=frozenset)
    name_field: str = ""  # a field that names the record on the page, e.g. a target's text
    # Labels for fields that store codes without model choices, e.g. a JSON list of codes.
    value_choices: dict = field(default_factory=dict)


_registry = {}


def register(
    model,
    pupil_path="pupil",
    *,
    restricted=False,
    restricted_fields=(),
    name_field="",
    value_choices=None,
):
    """Show `model`'s history on the history page of the pupil reached by `pupil_path`.

    `value_choices` maps a field name to (code, label) choices for a field that stores
    codes but declares no choices (such as a JSON list of codes), so people read labels.
    """
    if not hasattr(model, "history"):
        raise ValueError(f"{model.__name__} keeps no history (add HistoricalRecords).")
    _registry[model] = Audited(
        model,
        pupil_path,
        restricted,
        frozenset(restricted_fields),
        name_field,
        {name: dict(choices) for name, choices in (value_choices or {}).items()},
    )


def registered():
    return list(_registry.values())


def change_history(pupil, *, user, limit=200):
    """Every recorded change to the pupil and their audited records, newest first."""
    from pupils.models.pupil import sees_whole_restricted_tier

    may_see_restricted = user.has_perm(RESTRICTED_PERMISSION) and sees_whole_restricted_tier(user)
    audited = [entry for entry in registered() if may_see_restricted or not entry.restricted]
    # One query per registered model, however many rows (style guide §10).
    records = sorted(
        chain.from_iterable(
            entry.model.history.filter(**{entry.pupil_path: pupil.pk}).select_related(
                "history_user"
            )
            for entry in audited
        ),
        key=lambda record: (record.history_date, record.history_id),
    )
    previous_by_object = {}
    pairs = []
    for record in records:
        key = (record.instance_type, record.instance.pk)
        pairs.append((record, previous_by_object.get(key)))
        previous_by_object[key] = record
    pairs.reverse()
    pairs = pairs[:limit]

    described = [
        _describe(record, previous, _registry[record.instance_type], may_see_restricted)
        for record, previous in pairs
    ]
    _label_foreign_keys(described)
    return described


def _describe(record, previous, entry, may_see_restricted):
    meta = record.instance._meta
    changes = []
    restricted_hidden = False
    if record.history_type == "~" and previous is not None:
        for change in record.diff_against(previous).changes:
            if not may_see_restricted and change.field in entry.restricted_fields:
                restricted_hidden = True
                continue
            model_field = meta.get_field(change.field)
            labels = entry.value_choices.get(change.field)
            changes.append(
                {
                    "field": model_field.verbose_name,
                    "old": _Value(model_field, change.old, labels),
                    "new": _Value(model_field, change.new, labels),
                }
            )
    name = None
    if entry.name_field:
        name_field = meta.get_field(entry.name_field)
        raw = getattr(record, name_field.attname)
        name = _Value(name_field, raw) if raw not in (None, "") else None
    return {
        "when": record.history_date,
        "who": record.history_user,
        "what": meta.verbose_name,
        "name": name,
        "action": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
        "reason": record.history_change_reason or "",
        "fields": changes,
        "restricted_hidden": restricted_hidden,
    }


class _Value:
    """A stored value and the field it came from; str() is the label people read."""

    def __init__(self, model_field, raw, labels=None):
        self.field = model_field
        self.raw = raw
        self.labels = labels  # {code: label} for a field storing codes without choices
        self.label = None

    def __str__(self):
        if self.label is not None:
            return self.label
        return display(self.field, self.raw, labels=self.labels)


def display(model_field, value, *, labels=None):
    """A stored value as a person reads it: choice labels, Yes/No, UK dates."""
    if value is None or value == "" or value == []:
        return "—"
    if labels:
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(str(item), item)) for item in items)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if model_field.flatchoices:
        labels = {str(key): label for key, label in model_field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime):
        return format_date(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return format_date(value, "j M Y")
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _label_foreign_keys(described):
    """Name the records foreign keys point at: one query per related model, not per row."""
    wanted = {}
    for change in described:
        values = [change["name"]] + [v for f in change["fields"] for v in (f["old"], f["new"])]
        for value in values:
            if value is not None and value.field.is_relation and value.raw is not None:
                wanted.setdefault(value.field.related_model, []).append(value)
    for related_model, values in wanted.items():
        # select_related() follows every required foreign key, so __str__ reads no more rows.
        found = related_model._base_manager.select_related().in_bulk({v.raw for v in values})
        for value in values:
            target = found.get(value.raw)
            value.label = str(target) if target is not None else "a removed record"
