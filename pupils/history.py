"""A pupil's change history (django-simple-history) read as who/when/what."""

from itertools import chain


def change_history(pupil, *, limit=200):
    """Every recorded change to the pupil and their audited records, newest first."""
    querysets = [pupil.history.all()] + [
        model.history.filter(pupil_id=pupil.pk) for model in pupil.audited_related_models()
    ]
    records = sorted(
        chain.from_iterable(qs.select_related("history_user") for qs in querysets),
        key=lambda record: (record.history_date, record.history_id),
    )
    previous_by_object = {}
    described = []
    for record in records:
        key = (type(record.instance), record.instance.pk)
        previous = previous_by_object.get(key)
        described.append(_describe(record, previous))
        previous_by_object[key] = record
    described.reverse()
    return described[:limit]


def _describe(record, previous):
    meta = record.instance._meta
    fields = []
    if record.history_type == "~" and previous is not None:
        for change in record.diff_against(previous).changes:
            fields.append(
                {
                    "field": meta.get_field(change.field).verbose_name,
                    "old": _display(change.old),
                    "new": _display(change.new),
                }
            )
    return {
        "when": record.history_date,
        "who": record.history_user,
        "what": meta.verbose_name,
        "action": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
        "reason": record.history_change_reason or "",
        "fields": fields,
    }


def _display(value):
    if value is None or value == "":
        return "—"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return value
