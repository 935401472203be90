"""
The preview of an MIS import: what applying the file would do, row by row, built from
the checks in pupils.mis_import.rows. Nothing is written here.

A row with any error is left out whole. Optional columns add classes (each pupil's
teaching groups, synced to the file) and parent contacts (linked by email, never
removed).
"""

from dataclasses import dataclass, field
from datetime import date

from pupils import codes
from pupils.mis_import.reading import (
    CONTACTS,
    FIELDS_BY_KEY,
    KEEP_WHEN_BLANK,
    PUPIL_FIELDS,
    REGISTER_FIELDS,
    ImportFileError,
    clean_mapping,
    missing_required,
)
from pupils.mis_import.rows import FileLookups, check_row
from pupils.models import Pupil

SHOWN_LIMIT = 200  # rows listed per table on the preview page


@dataclass
class ImportPreview:
    """What applying a file would do; nothing has been written."""

    school: object
    mapping: dict
    full_roll: bool
    include_register: bool
    row_count: int = 0
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    leaving: list = field(default_factory=list)
    new_forms: list = field(default_factory=list)
    new_classes: list = field(default_factory=list)  # [(name, year group)]
    links_kept: list = field(default_factory=list)  # [(planned, ParentLink)] not in the file
    links_not_restored: list = field(default_factory=list)  # [(planned, email)] removed by hand
    warnings: list = field(default_factory=list)

    @property
    def rejected_rows(self):
        return sorted({error.row for error in self.errors})

    @property
    def maps_classes(self):
        return "classes" in self.mapping

    @property
    def maps_contacts(self):
        return any(f"contact{n}_email" in self.mapping for n in CONTACTS)

    @property
    def applied_rows(self):
        return self.new + self.changed

    @property
    def register_changes(self):
        return sum(1 for p in self.new + self.changed if p.register is not None)

    def counts(self):
        return {
            "rows": self.row_count,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected_rows),
            "leaving": len(self.leaving),
            "register_changes": self.register_changes,
            **self._link_counts(),
        }

    def _link_counts(self):
        """Class and parent contact counts, only when the file has those columns."""
        counts = {}
        rows = self.applied_rows
        if self.maps_classes:
            counts |= {
                "classes_created": len(self.new_classes),
                "class_joins": sum(len(p.classes_added) for p in rows),
                "class_leaves": sum(len(p.classes_removed) for p in rows),
            }
        if self.maps_contacts:
            contacts = [c for p in rows for c in p.contacts]
            counts |= {
                "parents_linked": len(contacts),
                "parent_accounts": len({c.email for c in contacts if c.user is None}),
                "parent_links_kept": len(self.links_kept),
            }
        return counts


def build_preview(
    sheet, *, school, pupils, mapping, full_roll=False, include_register=True, today=None
):
    """
    Check every row of the sheet against the school's pupils and work out what would change.

    pupils is the caller's scoped queryset (Pupil.objects.visible_to(user) in views).
    Raises ImportFileError when a required column is not mapped.
    """
    today = today or date.today()
    mapping = clean_mapping(mapping, sheet.headers)
    missing = missing_required(mapping)
    if missing:
        raise ImportFileError(
            "The file has no column for "
            + ", ".join(missing)
            + ". Add it to your MIS export, or choose which column holds it."
        )
    preview = ImportPreview(
        school=school, mapping=mapping, full_roll=full_roll, include_register=True
    )
    if not include_register and REGISTER_FIELDS & set(mapping):
        preview.warnings.append(
            "SEN status and need columns are not imported: only someone who may change the SEN "
            "register (the SENCO) can import them."
        )
        mapping = {k: v for k, v in mapping.items() if k not in REGISTER_FIELDS}
        preview.include_register = False
    known = FileLookups.load(sheet, preview, pupils, mapping, today)
    preview.row_count = len(sheet.rows)
    new_forms, new_classes = {}, {}
    for number, cells in sheet.rows:
        planned, errors, current_needs = check_row(number, cells, known)
        if errors:
            preview.errors.extend(errors)
            continue
        _note_new_groups(planned, known.groups, new_forms, new_classes)
        _describe_changes(planned, planned.pupil, current_needs, full_roll, today)
        _describe_links(planned, planned.pupil, known.groups, preview, known.people)
        if planned.pupil is None:
            preview.new.append(planned)
        elif planned.changes or planned.extra:
            preview.changed.append(planned)
        else:
            preview.unchanged.append(planned)
    preview.new_forms = sorted(new_forms.values())
    preview.new_classes = sorted(new_classes.values())
    _warn_about_links(preview, known.people)
    if full_roll:
        _mark_leavers(preview, known.existing, set(known.upn_rows), today)
    return preview


def _note_new_groups(planned, groups, new_forms, new_classes):
    """Add the row's forms and classes that SENDhub does not have yet, each name once."""
    year = planned.values.get("year_group")
    if planned.form_name and planned.form_name.casefold() not in groups:
        new_forms.setdefault(planned.form_name.casefold(), (planned.form_name, year))
    for name in planned.class_names or []:
        if name.casefold() not in groups:
            new_classes.setdefault(name.casefold(), (name, year))


def _describe_changes(planned, pupil, current_needs, full_roll, today):
    """The changes to an existing pupil's fields, form and SEN register, in words."""
    values = planned.values
    if pupil is None:
        return
    for key in PUPIL_FIELDS:
        if key in values and getattr(pupil, key) != values[key]:
            if key in KEEP_WHEN_BLANK and values[key] is None:
                continue  # a blank admission date or attendance leaves ours alone
            planned.changes.append(
                (
                    FIELDS_BY_KEY[key].label,
                    _display(key, getattr(pupil, key)),
                    _display(key, values[key]),
                )
            )
    if full_roll and "left_on" not in values and pupil.left_on and pupil.left_on < today:
        values["left_on"] = None
        planned.changes.append(("Leaving date", _display("left_on", pupil.left_on), "back on roll"))
    if planned.form_name is not None:
        before = pupil.form.name if pupil.form else ""
        if before.casefold() != planned.form_name.casefold():
            planned.changes.append(
                ("Form", _display("form", before), _display("form", planned.form_name))
            )
    if planned.register is not None:
        stage, needs = planned.register
        planned.changes.append(
            ("SEN status and needs", _register_display(pupil.sen_stage, current_needs),
             _register_display(stage, needs))
        )  # fmt: skip


def _register_display(stage, needs):
    """'SEN support (K): SPLD, SLCN' or 'No SEN (N)'."""
    code = codes.census_code_for_stage(stage)
    return f"{code.label} ({code.value})" + (f": {', '.join(needs)}" if needs else "")


def _display(key, value):
    """A value as the preview shows it: dates day/month/year, blanks as (blank)."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if key == "gender":
        return Pupil.Gender(value).label
    if key == "attendance_percent":
        return f"{value}%"
    return str(value)


def _describe_links(planned, pupil, groups, preview, people):
    """What happens to the pupil's classes and parent links, in words for the preview."""
    if planned.class_names is not None:
        current = {g.name.casefold(): g.name for g in pupil.import_classes} if pupil else {}
        wanted = {name.casefold(): name for name in planned.class_names}
        planned.classes_added = [
            (name, key not in groups) for key, name in wanted.items() if key not in current
        ]
        planned.classes_removed = [name for key, name in current.items() if key not in wanted]
        words = []
        if planned.classes_added:
            words.append(
                "joins "
                + ", ".join(f"{n} (new class)" if new else n for n, new in planned.classes_added)
            )
        if planned.classes_removed:
            words.append("leaves " + ", ".join(planned.classes_removed))
        if words:
            planned.extra.append(("Classes", "; ".join(words)))
    if people is None:
        return
    current = [link for link in pupil.parent_links.all() if link.ended_on is None] if pupil else []
    linked = {link.parent_id for link in current}
    emails = {c.email for c in planned.contacts}
    to_link = []
    for contact in planned.contacts:
        user = contact.user
        if user is not None and user.pk in linked:
            continue
        if user is not None and pupil is not None and (pupil.pk, user.pk) in people.removed:
            preview.links_not_restored.append((planned, contact.email))
            continue
        to_link.append(contact)
        planned.extra.append(("Parent contact", contact.describe()))
    planned.contacts = to_link
    if pupil is not None:
        preview.links_kept += [
            (planned, link) for link in current if link.parent.email.lower() not in emails
        ]


def _warn_about_links(preview, people):
    """Warn when the classes column looks wrong or contacts have no email."""
    if preview.maps_classes and not any(
        p.class_names for p in preview.applied_rows + preview.unchanged
    ):
        leaving = sum(1 for p in preview.applied_rows if p.classes_removed)
        if leaving:
            preview.warnings.append(
                f"The classes column is empty on every row, so applying takes {leaving} "
                f"pupil{'s' if leaving != 1 else ''} out of all their classes. Is it the right "
                "column?"
            )
    if people is not None and people.without_email:
        preview.warnings.append(
            f"{people.without_email} parent contact{'s have' if people.without_email != 1 else ' has'} "
            "no email address, so no SENDhub account can be linked for them. Add emails in your "
            "MIS to give parents access."
        )


def _mark_leavers(preview, existing, in_file, today):
    """On a whole-roll import, pupils on roll who are not in the file are to leave."""
    preview.leaving = [
        p
        for upn, p in sorted(existing.items())
        if upn not in in_file and (p.left_on is None or p.left_on >= today)
    ]
    on_roll = sum(1 for p in existing.values() if p.left_on is None or p.left_on >= today)
    if on_roll and len(preview.leaving) > on_roll / 2:
        preview.warnings.append(
            f"{len(preview.leaving)} of {on_roll} pupils on roll are not in this file and would "
            "be marked as left. Is it really the whole school's roll?"
        )
