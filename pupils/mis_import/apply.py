"""
Applying an import preview in one transaction: new pupils, changed fields, forms and
classes, parent links, leavers (archived, never deleted) and SEN register changes.

A class list in the file replaces the pupil's classes; parent contacts are only ever
added, never removed. Parents get an account without a usable password and are not
emailed: the school invites them later.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pupils import codes
from pupils.codes import SenStage
from pupils.mis_import.cells import split_name
from pupils.mis_import.reading import KEEP_WHEN_BLANK, PUPIL_FIELDS
from pupils.mis_import.rows import chunks
from pupils.models import ParentLink, Pupil, RegisterEntry, TeachingGroup
from pupils.signals import pupils_left
from sendhub.models import Membership, User
from sendhub.roles import Role

Relationship = ParentLink.Relationship


@dataclass
class Result:
    """What an import did, or would do in a dry run."""

    counts: dict
    errors: list
    dry_run: bool = False
    forms_created: list = field(default_factory=list)
    classes_created: list = field(default_factory=list)

    def as_dict(self):
        return {
            "counts": self.counts,
            "errors": [e.as_dict() for e in self.errors],
            "dry_run": self.dry_run,
            "forms_created": self.forms_created,
            "classes_created": self.classes_created,
        }


@transaction.atomic
def apply_preview(preview, *, user=None, source="", today=None):
    """
    Write the preview's valid rows in one transaction: new pupils, changed fields, forms,
    classes, parent links, leavers (archived, never deleted) and register changes through
    record_register_change.
    """
    from pupils.register.ehc_plans import record_plan_from_mis
    from pupils.register.services import record_register_change

    today = today or date.today()
    school = preview.school
    reason = f"MIS import{f' of {source}' if source else ''}"

    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.FORM, year_group=year)
            for name, year in preview.new_forms
        ]
    )
    forms = {
        g.name.casefold(): g
        for g in TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.FORM)
    }

    def form_for(planned):
        return forms[planned.form_name.casefold()] if planned.form_name else None

    created = []
    for planned in preview.new:
        values = {k: v for k, v in planned.values.items() if k in PUPIL_FIELDS and v is not None}
        values.setdefault("joined_on", today)
        pupil = Pupil(school=school, upn=planned.upn, **values)
        pupil.form = form_for(planned) if planned.form_name is not None else None
        created.append(pupil)
    bulk_create_with_history(
        created, Pupil, batch_size=500, default_user=user, default_change_reason=reason
    )
    new_by_upn = {
        p.upn: p for p in Pupil.objects.filter(school=school, upn__in=[p.upn for p in preview.new])
    }
    for planned in preview.new:
        planned.pupil = new_by_upn[planned.upn]

    updated, update_fields, leavers = [], set(), list(preview.leaving)
    for planned in preview.changed:
        pupil = planned.pupil
        before = {k: getattr(pupil, k) for k in PUPIL_FIELDS}
        for key in PUPIL_FIELDS:
            if key in planned.values and not (
                key in KEEP_WHEN_BLANK and planned.values[key] is None
            ):
                setattr(pupil, key, planned.values[key])
        changed = {k for k in PUPIL_FIELDS if getattr(pupil, k) != before[k]}
        if planned.form_name is not None:
            form = form_for(planned)
            if pupil.form_id != (form.pk if form else None):
                pupil.form = form
                changed.add("form")
        if changed:
            update_fields |= changed
            updated.append(pupil)
        if before.get("left_on") is None and pupil.left_on is not None:
            leavers.append(pupil)  # the file's leaving date
    leaving_on = today - timedelta(days=1)
    for pupil in preview.leaving:
        pupil.left_on = max(leaving_on, pupil.joined_on)
        update_fields.add("left_on")
        updated.append(pupil)
    if updated:
        bulk_update_with_history(
            updated,
            Pupil,
            sorted(update_fields),
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
    if leavers:
        pupils_left.send(sender=Pupil, pupils=leavers, user=user, reason=reason)

    _sync_form_membership(preview)
    _sync_class_membership(preview)
    _link_parents(preview, user=user, reason=reason)

    for planned in preview.new + preview.changed:
        if planned.register is None:
            continue
        stage, needs = planned.register
        if stage == SenStage.EHCP and planned.pupil.sen_stage != SenStage.EHCP:
            record_plan_from_mis(
                pupil=planned.pupil,
                needs=needs,
                on=today,
                by=user,
                source_note=f"The {reason} shows an EHC plan (SEN provision code E).",
            )
            continue
        record_register_change(
            pupil=planned.pupil,
            stage=stage,
            needs=needs,
            effective_on=today,
            reason=f"Recorded from the {reason}: SEN provision code "
            f"{codes.census_code_for_stage(stage)}{', ' + ' '.join(needs) if needs else ''}.",
            decided_by=None,
            recorded_by=user,
            source=RegisterEntry.Source.IMPORT,
        )
    return Result(
        counts=preview.counts(),
        errors=preview.errors,
        forms_created=preview.new_forms,
        classes_created=preview.new_classes,
    )


def _sync_form_membership(preview):
    """Forms are teaching groups too: tutors see their form through TeachingGroup.pupils."""
    through = TeachingGroup.pupils.through
    moved = [p for p in preview.new if p.form_name]
    moved += [p for p in preview.changed if "Form" in p.changed_labels]
    if not moved:
        return
    ids = [p.pupil.pk for p in moved]
    through.objects.filter(pupil_id__in=ids, teachinggroup__kind=TeachingGroup.Kind.FORM).delete()
    through.objects.bulk_create(
        [
            through(teachinggroup_id=p.pupil.form_id, pupil_id=p.pupil.pk)
            for p in moved
            if p.pupil.form_id
        ],
        batch_size=1000,
    )


def _sync_class_membership(preview):
    """
    Put each pupil in exactly the classes the file lists for them.

    Membership rows carry no record of who added them, so every class membership of a
    pupil in the file is synced; forms, teachers and the classes themselves are untouched.
    """
    if not preview.maps_classes:
        return
    school = preview.school
    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.CLASS, year_group=year)
            for name, year in preview.new_classes
        ]
    )
    classes = TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.CLASS)
    group_ids = {name.casefold(): pk for name, pk in classes.values_list("name", "pk")}
    through = TeachingGroup.pupils.through
    leaving, joining = {}, []
    for planned in preview.applied_rows:
        pupil_id = planned.pupil.pk
        for name in planned.classes_removed:
            leaving.setdefault(group_ids[name.casefold()], []).append(pupil_id)
        joining += [
            through(teachinggroup_id=group_ids[name.casefold()], pupil_id=pupil_id)
            for name, _is_new in planned.classes_added
        ]
    for group_id, pupil_ids in leaving.items():
        for chunk in chunks(pupil_ids):
            through.objects.filter(teachinggroup_id=group_id, pupil_id__in=chunk).delete()
    through.objects.bulk_create(joining, batch_size=1000, ignore_conflicts=True)


# Who has parental responsibility (Children Act 1989, s.3) is not in a pupil export; these
# relationships usually do.
USUALLY_RESPONSIBLE = {Relationship.MOTHER, Relationship.FATHER, Relationship.GUARDIAN}


def _link_parents(preview, *, user, reason):
    """
    Link each new parent contact to their child, creating their account and parent role
    at the school when needed. New accounts have no usable password and get no email:
    the school invites them later. Existing links are never changed or removed.
    """
    contacts = [
        (planned, contact) for planned in preview.applied_rows for contact in planned.contacts
    ]
    if not contacts:
        return
    school = preview.school
    users = {}
    for chunk in chunks(sorted({contact.email for _planned, contact in contacts})):
        found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        users |= {u.email_lower: u for u in found}
    new_users = []
    for _planned, contact in contacts:
        if contact.email not in users:
            first, last = split_name(contact.name)
            account = User(email=contact.email, first_name=first, last_name=last)
            account.set_unusable_password()
            users[contact.email] = account
            new_users.append(account)
    User.objects.bulk_create(new_users, batch_size=500)

    ids = {users[contact.email].pk for _planned, contact in contacts}
    has_role = set()
    for chunk in chunks(ids):
        has_role |= set(
            Membership.objects.filter(school=school, role=Role.PARENT, user_id__in=chunk)
            .values_list("user_id", flat=True)
        )  # fmt: skip
    Membership.objects.bulk_create(
        [Membership(user_id=pk, role=Role.PARENT, school=school) for pk in sorted(ids - has_role)]
    )
    links = [
        ParentLink(
            parent=users[contact.email],
            pupil=planned.pupil,
            relationship=contact.relationship,
            parental_responsibility=contact.relationship in USUALLY_RESPONSIBLE,
        )
        for planned, contact in contacts
    ]
    bulk_create_with_history(
        links, ParentLink, batch_size=500, default_user=user, default_change_reason=reason
    )
