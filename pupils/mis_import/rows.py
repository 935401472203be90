"""
Checking one row of an MIS export against the school's pupils: its cells, dates, UPN,
form, classes, parent contacts and the SEN register change it asks for. A row with any
error is left out of the import whole.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Prefetch
from django.db.models.functions import Lower

from pupils import codes
from pupils.codes import CensusCode, SenStage
from pupils.mis_import.cells import (
    CLEANERS,
    OPTIONAL_BLANK,
    CellError,
    cell_text,
    parse_relationship,
)
from pupils.mis_import.reading import CONTACTS, FIELDS_BY_KEY, REGISTER_FIELDS, is_blank
from pupils.models import ParentLink, Pupil, PupilNeed, TeachingGroup
from sendhub.models import Membership, User
from sendhub.roles import STAFF_ROLES, Role

Relationship = ParentLink.Relationship


@dataclass
class RowError:
    """A problem with one cell, by row number and header as the spreadsheet shows them."""

    row: int
    column: str
    message: str
    upn: str = ""  # the row's pupil, as far as the row says who it is
    name: str = ""

    def as_dict(self):
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "upn": self.upn,
            "name": self.name,
        }

    @property
    def pupil(self):
        """Who the row is about: "Ava Smith, UPN A123…", or "" when the row does not say."""
        return ", ".join(
            part for part in (self.name, f"UPN {self.upn}" if self.upn else "") if part
        )


def row_identity(cells, mapping, column_index):
    """(UPN, name) as the row's own cells give them, even when they fail their checks."""

    def raw(key):
        header = mapping.get(key)
        if header is None or column_index[header] >= len(cells):
            return ""
        value = cells[column_index[header]]
        return "" if is_blank(value) else cell_text(value)

    name = " ".join(part for part in (raw("first_name"), raw("last_name")) if part)
    return raw("upn").upper(), name


@dataclass
class PlannedPupil:
    """What applying one row would do; pupil is None for a pupil new to SENDhub."""

    row: int
    upn: str
    values: dict
    form_name: str | None = None  # None: form not in the file; "": no form
    pupil: Pupil | None = None
    changes: list = field(default_factory=list)  # [(label, before, after)]
    register: tuple | None = None  # (stage, needs) to record, or None
    class_names: list | None = None  # None: classes not in the file
    classes_added: list = field(default_factory=list)  # [(name, is new class)]
    classes_removed: list = field(default_factory=list)
    contacts: list = field(default_factory=list)  # [PlannedContact] to link
    extra: list = field(default_factory=list)  # [(label, what happens)] for classes and contacts

    @property
    def name(self):
        return f"{self.values.get('preferred_name') or self.values.get('first_name', '')} " + (
            self.values.get("last_name", "")
        )

    @property
    def changed_labels(self):
        return [label for label, _before, _after in self.changes]


@dataclass
class PlannedContact:
    """A parent contact to link to the pupil; user is None when a new account is needed."""

    email: str
    name: str
    relationship: str
    user: object | None = None
    as_written: str = ""  # the relationship as the file words it

    def describe(self):
        who = f"{self.name} ({self.email})" if self.name else self.email
        relationship = Relationship(self.relationship).label
        if self.relationship == Relationship.OTHER and self.as_written:
            relationship = f"{self.as_written} (recorded as Other)"
        account = (
            "new account, not emailed now: invite them later"
            if self.user is None
            else "existing account"
        )
        return f"links {who} as {relationship}: {account}"


MAX_LENGTHS = {
    key: Pupil._meta.get_field(key).max_length
    for key in ("first_name", "last_name", "preferred_name")
} | {"form": TeachingGroup._meta.get_field("name").max_length}
MAX_LENGTHS |= {f"contact{n}_name": User._meta.get_field("last_name").max_length for n in CONTACTS}
CLASS_NAME_LENGTH = TeachingGroup._meta.get_field("name").max_length
STAGE_FOR_CODE = {CensusCode.N: SenStage.NONE, CensusCode.K: SenStage.SEN_SUPPORT,
                  CensusCode.E: SenStage.EHCP}  # fmt: skip


@dataclass
class FileLookups:
    """What every row is checked against, looked up once per file."""

    mapping: dict  # without the register columns when they are not imported
    column_index: dict  # {header: position}
    existing: dict  # {UPN: the school's pupil}
    groups: dict  # {casefolded name: the school's form or class}
    file_forms: set  # casefolded form names in the file, when it has classes too
    people: "ContactAccounts | None"  # None when the file has no contact emails
    upn_rows: dict  # {UPN: [row numbers]}
    maps_classes: bool
    today: date

    @classmethod
    def load(cls, sheet, preview, pupils, mapping, today):
        """preview is the ImportPreview being built; pupils, the caller's scoped queryset."""
        school = preview.school
        column_index = {header: i for i, header in enumerate(sheet.headers)}
        existing = _existing_pupils(pupils, preview)
        groups = {g.name.casefold(): g for g in TeachingGroup.objects.filter(school=school)}
        file_forms = (
            {cell_text(v).casefold() for v in _column(sheet, column_index, mapping["form"])}
            if preview.maps_classes and "form" in mapping
            else set()
        )
        people = (
            ContactAccounts.load(sheet, column_index, mapping, school)
            if preview.maps_contacts
            else None
        )
        return cls(
            mapping=mapping,
            column_index=column_index,
            existing=existing,
            groups=groups,
            file_forms=file_forms,
            people=people,
            upn_rows=_rows_by_upn(sheet, column_index, mapping["upn"]),
            maps_classes=preview.maps_classes,
            today=today,
        )


def _existing_pupils(pupils, preview):
    """{UPN: pupil} of the school, with what the preview compares the file against."""
    prefetches = [Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))]
    if preview.maps_classes:
        classes = TeachingGroup.objects.filter(kind=TeachingGroup.Kind.CLASS).order_by("name")
        prefetches.append(Prefetch("teaching_groups", queryset=classes, to_attr="import_classes"))
    if preview.maps_contacts:
        prefetches.append(
            Prefetch("parent_links", queryset=ParentLink.objects.select_related("parent"))
        )
    return {
        p.upn: p
        for p in pupils.filter(school=preview.school)
        .select_related("form")
        .prefetch_related(*prefetches)
    }


def _rows_by_upn(sheet, column_index, upn_header):
    """{UPN: [row numbers]} for every row with a UPN, valid or not."""
    index = column_index[upn_header]
    upn_rows = {}
    for number, cells in sheet.rows:
        raw = cells[index] if index < len(cells) else None
        if not is_blank(raw):
            upn_rows.setdefault(codes.normalise_upn(raw), []).append(number)
    return upn_rows


def _column(sheet, column_index, header):
    """The non-blank cells of one column."""
    index = column_index[header]
    return [
        cells[index]
        for _n, cells in sheet.rows
        if index < len(cells) and not is_blank(cells[index])
    ]


def chunks(items, size=500):
    """Lists of at most size items, to keep each IN (...) query short."""
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class ContactAccounts:
    """Accounts that the file's contact emails already belong to, looked up once."""

    users: dict  # {lower-case email: User}
    staff: dict  # {lower-case email: what they are at the school}
    removed: set  # {(pupil id, parent id)} links someone removed and nobody restored
    without_email: int = 0

    @classmethod
    def load(cls, sheet, column_index, mapping, school):
        emails = set()
        for n in CONTACTS:
            if f"contact{n}_email" in mapping:
                column = _column(sheet, column_index, mapping[f"contact{n}_email"])
                emails |= {cell_text(v).strip(" <>").lower() for v in column}
        users = {}
        for chunk in chunks(sorted(emails)):
            found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
            users |= {user.email_lower: user for user in found}
        staff = {email: "a SENDhub administrator" for email, u in users.items() if u.is_superuser}
        by_id = {user.pk: email for email, user in users.items()}
        for chunk in chunks(by_id):
            memberships = Membership.objects.filter(
                school=school, role__in=STAFF_ROLES, user_id__in=chunk
            )
            for membership in memberships:
                label = Role(membership.role).label
                staff.setdefault(by_id[membership.user_id], f"a member of staff here ({label})")
        removed = set()
        if users:
            removed = set(
                ParentLink.history.filter(history_type="-", pupil__school=school).values_list(
                    "pupil_id", "parent_id"
                )
            )
            # A link the school ended (e.g. a court order) is never restored by an import.
            removed |= set(
                ParentLink.objects.ended()
                .filter(pupil__school=school)
                .values_list("pupil_id", "parent_id")
            )
        return cls(users=users, staff=staff, removed=removed)


def check_row(number, cells, known):
    """One row's checks, in order: (PlannedPupil, [RowError], the pupil's current needs)."""
    mapping, today, errors = known.mapping, known.today, []
    values = _clean_row(cells, mapping, known.column_index, number, errors)
    _check_dates(values, number, mapping, errors, today)
    upn = values.get("upn")
    _check_unique_upn(upn, number, known.upn_rows, mapping, errors)
    planned = PlannedPupil(row=number, upn=upn, values=values)
    if "form" in mapping and "form" in values:
        planned.form_name = _check_form(values.pop("form"), number, known.groups, mapping, errors)
    pupil = known.existing.get(upn) if upn else None
    planned.pupil = pupil
    _check_stay(values, pupil, number, mapping, errors, today)
    _check_lengths({**values, "form": planned.form_name}, number, mapping, errors)
    if known.maps_classes and "classes" in values:
        planned.class_names = _check_classes(
            values.pop("classes"), planned, known.groups, known.file_forms, mapping, errors
        )
    if known.people is not None:
        _check_contacts(values, planned, known.people, mapping, errors)
    current_needs = [n.code for n in pupil.needs.all()] if pupil else []
    if not errors:
        planned.register = _register_target(planned, pupil, mapping, current_needs, errors)
    if errors:
        upn, name = row_identity(cells, mapping, known.column_index)
        errors = [replace(error, upn=upn, name=name) for error in errors]
    return planned, errors, current_needs


def _clean_row(cells, mapping, column_index, row_number, errors):
    """{field: cleaned value} for the mapped fields; problems go to errors."""
    values = {}
    for key, header in mapping.items():
        raw = cells[column_index[header]] if column_index[header] < len(cells) else None
        f = FIELDS_BY_KEY[key]
        if is_blank(raw):
            if f.required:
                errors.append(
                    RowError(row_number, header, f"{f.label} is empty. Fill it in in your MIS.")
                )
            else:
                values[key] = OPTIONAL_BLANK.get(key, "")
            continue
        try:
            cleaner = CLEANERS.get(key, cell_text)
            values[key] = cleaner(raw)
        except (CellError, codes.InvalidUPN) as exc:
            errors.append(RowError(row_number, header, str(exc)))
    return values


def _check_dates(values, row_number, mapping, errors, today):
    born = values.get("date_of_birth")
    if born and born > today:
        errors.append(
            RowError(row_number, mapping["date_of_birth"], "The date of birth is in the future.")
        )
    elif born and born.year < today.year - 30:
        errors.append(
            RowError(
                row_number,
                mapping["date_of_birth"],
                f"A date of birth of {born:%d/%m/%Y} is too long ago for a pupil. Check it.",
            )
        )


def _check_unique_upn(upn, row_number, upn_rows, mapping, errors):
    if upn and len(upn_rows.get(upn, [])) > 1:
        others = [str(n) for n in upn_rows[upn] if n != row_number]
        errors.append(
            RowError(
                row_number,
                mapping["upn"],
                f"UPN {upn} is also on row{'s' if len(others) > 1 else ''} "
                f"{', '.join(others)}. Each pupil may appear once: remove the duplicate rows.",
            )
        )


def _check_form(name, row_number, groups, mapping, errors):
    """The form's name as SENDhub spells it; a class of the same name is an error."""
    group = groups.get(name.casefold())
    if group is not None and group.kind != TeachingGroup.Kind.FORM:
        errors.append(
            RowError(
                row_number,
                mapping["form"],
                f"“{name}” is the name of a class in SENDhub, not a form. Rename one of them.",
            )
        )
    elif group is not None:
        return group.name
    return name


def _check_stay(values, pupil, row_number, mapping, errors, today):
    """A pupil cannot leave before joining, whether the dates come from the file or from us."""
    joined = values.get("joined_on") or (pupil.joined_on if pupil else None)
    defaulted = joined is None  # a new pupil without an admission date joins today
    joined = joined or today
    left = values.get("left_on", pupil.left_on if pupil else None)
    if left and left < joined:
        column = mapping["left_on"] if "left_on" in values else mapping["joined_on"]
        errors.append(
            RowError(
                row_number,
                column,
                f"The leaving date {left:%d/%m/%Y} is before the admission date "
                f"{joined:%d/%m/%Y}{' (today, as the file gives none)' if defaulted else ''}. "
                "Check both dates in your MIS.",
            )
        )


def _check_lengths(values, row_number, mapping, errors):
    for key, limit in MAX_LENGTHS.items():
        if isinstance(values.get(key), str) and len(values[key]) > limit:
            errors.append(
                RowError(
                    row_number,
                    mapping[key],
                    f"{FIELDS_BY_KEY[key].label} is longer than {limit} characters. Shorten it.",
                )
            )


def _check_classes(names, planned, groups, file_forms, mapping, errors):
    """The classes to keep the pupil in; forms listed among the classes are errors."""
    pupil = planned.pupil
    own_form = planned.form_name
    if own_form is None:
        own_form = pupil.form.name if pupil and pupil.form else ""
    column = mapping["classes"]
    kept = []
    for name in names:
        key = name.casefold()
        group = groups.get(key)
        if key == own_form.casefold():
            continue  # MIS class lists often include the pupil's own form
        if len(name) > CLASS_NAME_LENGTH:
            message = (
                f"The class name “{name[:20]}…” is longer than {CLASS_NAME_LENGTH} characters. "
                "Shorten it."
            )
        elif group is not None and group.kind == TeachingGroup.Kind.FORM:
            message = (
                f"“{name}” is a form in SENDhub, not a class. Forms come from the form column: "
                "leave it out of the classes."
            )
        elif group is None and key in file_forms:
            message = (
                f"“{name}” is a form in this file, so it cannot be a class too. Rename one of "
                "them in your MIS."
            )
        else:
            kept.append(group.name if group is not None else name)
            continue
        errors.append(RowError(planned.row, column, message))
    return kept


def _check_contacts(values, planned, people, mapping, errors):
    """
    Work out which parent contacts to link; staff emails and non-parents are errors.

    A parent account can see their child's SEN record, so only an email that belongs to
    no member of staff here, given with a parent or carer relationship, is linked.
    """
    seen = set()
    for n in CONTACTS:
        email = values.pop(f"contact{n}_email", "")
        name = values.pop(f"contact{n}_name", "")
        relationship = values.pop(f"contact{n}_relationship", "")
        if not email:
            people.without_email += bool(name)
            continue
        if email in seen:
            continue
        seen.add(email)
        as_written = relationship
        try:
            relationship = parse_relationship(as_written)
        except CellError as exc:
            errors.append(RowError(planned.row, mapping[f"contact{n}_relationship"], str(exc)))
            continue
        if email in people.staff:
            errors.append(
                RowError(
                    planned.row,
                    mapping[f"contact{n}_email"],
                    f"{email} belongs to {people.staff[email]}. Staff are never linked as "
                    "parents by an import: check this contact's email in your MIS.",
                )
            )
            continue
        planned.contacts.append(
            PlannedContact(email, name, relationship, people.users.get(email), as_written)
        )


def _register_target(planned, pupil, mapping, current_needs, errors):
    """The (stage, needs) to record for this row, or None when the register is unchanged."""
    values = planned.values
    has_status = "sen_status" in mapping
    needs = [values.get(k) for k in ("primary_need", "secondary_need") if values.get(k)]
    needs = list(dict.fromkeys(needs))
    needs_mapped = bool((REGISTER_FIELDS - {"sen_status"}) & set(mapping))
    stage = pupil.sen_stage if pupil else SenStage.NONE
    if not has_status and not needs_mapped:
        return None
    code = values.get("sen_status") if has_status else codes.census_code_for_stage(stage)
    if code is None:  # the status cell itself was rejected
        return None
    if code == CensusCode.N:
        if not has_status and needs:
            errors.append(
                RowError(
                    planned.row,
                    _need_column(mapping),
                    "This pupil has a type of need but is not on the SEN register. Map the "
                    "SEN status column too, or leave the need blank.",
                )
            )
            return None
        needs = []
    elif not needs:
        if needs_mapped or not current_needs:
            errors.append(
                RowError(
                    planned.row,
                    _need_column(mapping),
                    f"SEN status {code} needs a primary type of need. Add it in your MIS "
                    "(NSA if the need has not been assessed yet).",
                )
            )
            return None
        needs = list(current_needs)
    new_stage = stage if codes.census_code_for_stage(stage) == code else STAGE_FOR_CODE[code]
    if stage == SenStage.EHCP and new_stage != SenStage.EHCP:
        # Only the local authority ceases a plan (Children and Families Act 2014 s45): the
        # pupil stays on E and only their needs follow the file.
        planned.extra.append(
            (
                "EHC plan",
                f"The file says {code}, but this pupil has an EHC plan in force: they stay "
                "on E until the plan is recorded as ceased on their EHC plan page.",
            )
        )
        new_stage, needs = SenStage.EHCP, needs or list(current_needs)
    problems = codes.need_errors(new_stage, needs)
    for problem in problems:
        errors.append(RowError(planned.row, _need_column(mapping), problem))
    if problems:
        return None
    if new_stage == stage and needs == list(current_needs):
        return None
    if new_stage == SenStage.EHCP and stage != SenStage.EHCP:
        planned.extra.append(
            (
                "EHC plan",
                "Recorded as in force from today, from the file: complete the local "
                "authority and the plan's issue date on the pupil's EHC plan page.",
            )
        )
    return new_stage, needs


def _need_column(mapping):
    return next(
        mapping[k] for k in ("primary_need", "secondary_need", "sen_status") if k in mapping
    )
