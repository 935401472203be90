"""
Retention of a leaver's SEN file: kept until the pupil's date of birth plus the school's
retention years (31 by default, the IRMS toolkit for schools), then destroyed.

Only archived leavers are ever destroyed, never a pupil on roll. What is destroyed is
every record the subject access export holds (privacy/registry.py), its change history
and its uploaded files. The access log keeps a tombstone that names no one: the pupil's
id, when, which run, and how many records of each kind went.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from privacy.registry import history_model, sections
from pupils.models import Pupil
from sendhub.models import AccessLog

# Anyone born after this many years ago is too young for any school's setting (25 at least).
YOUNGEST_SETTING = 25


def destroy_from(date_of_birth, years):
    """The first day a leaver's SEN file may be destroyed: date of birth + years."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:  # born 29 February: kept until 1 March
        return date(date_of_birth.year + years, 3, 1)


def due(today, *, school=None):
    """[(pupil, destroy_from)]: archived leavers whose SEN file is past retention on `today`."""
    leavers = Pupil.objects.filter(left_on__isnull=False, left_on__lt=today).select_related(
        "school"
    )
    oldest = destroy_from(today, -YOUNGEST_SETTING)
    leavers = leavers.filter(date_of_birth__lte=oldest)
    if school is not None:
        leavers = leavers.filter(school=school)
    found = []
    for pupil in leavers.order_by("school_id", "date_of_birth", "pk"):
        when = destroy_from(pupil.date_of_birth, pupil.school.retention_years)
        if when <= today:
            found.append((pupil, when))
    return found


@dataclass
class Destroyed:
    pupil_id: int
    counts: dict = field(default_factory=dict)  # {"app.Model": rows}
    files: int = 0

    @property
    def records(self):
        return sum(self.counts.values())

    def summary(self):
        kinds = ", ".join(f"{label} {n}" for label, n in sorted(self.counts.items()) if n)
        return f"{self.records} records, {self.files} files: {kinds}"


def _files(objects):
    names = []
    for obj in objects:
        for model_field in obj._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                stored = getattr(obj, model_field.attname)
                if stored:
                    names.append((stored.storage, stored.name))
    return names


def _delete_all(pending):
    """Delete each queryset, children before parents; break PROTECT cycles by nulling links."""
    while pending:
        left = []
        for label, queryset in pending:
            try:
                with transaction.atomic():
                    queryset.delete()
            except ProtectedError:
                left.append((label, queryset))
        if len(left) == len(pending):
            for _label, queryset in left:
                nullable = {
                    f.name: None
                    for f in queryset.model._meta.concrete_fields
                    if f.is_relation and f.null and f.related_model is not Pupil
                }
                if nullable:
                    queryset.update(**nullable)
            if not any(
                f.is_relation and f.null
                for _label, queryset in left
                for f in queryset.model._meta.concrete_fields
            ):
                raise ProtectedError("Records still refer to this pupil's file.", set())
        pending = left


@transaction.atomic
def destroy(pupil, *, run):
    """Destroy the pupil's SEN file and leave a tombstone in the access log; see module doc."""
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if pupil.left_on is None or pupil.left_on >= date.today():
        raise ValueError(f"Pupil {pupil.pk} is on roll: only archived leavers are destroyed.")
    done = Destroyed(pupil_id=pupil.pk)
    files, pending, histories = [], [], []
    for section in reversed(sections()):
        model = section.model
        queryset = model._default_manager.filter(**{section.path: pupil.pk})
        objects = list(queryset)
        done.counts[section.label] = len(objects)
        files += _files(objects)
        pks = [obj.pk for obj in objects]
        pending.append((section.label, model._default_manager.filter(pk__in=pks)))
        historical = history_model(model)
        if historical is not None:
            pk_name = model._meta.pk.attname
            direct = "__" not in section.path and section.path != "pk"
            keep = models.Q(**{f"{pk_name}__in": pks})
            if direct:  # also history of rows deleted earlier
                keep |= models.Q(**{f"{section.path}_id": pupil.pk})
            histories.append(historical._default_manager.filter(keep))
    _delete_all(pending)
    for history in histories:  # after the rows: deleting them writes history rows too
        history.delete()
    done.files = len(files)
    AccessLog.objects.create(
        user=None,
        role="",
        school_id=pupil.school_id,
        pupil_id=done.pupil_id,
        what=f"SEN file destroyed (retention): {done.records} records",
        path=f"retention run {run}: {done.summary()}"[:500],
    )
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return done
