"""
MIS import: read a pupil export from SIMS, Arbor or Bromcom (CSV or XLSX), map its
columns, check every row, then apply the valid rows keyed on UPN within the school.

The same code serves the upload screens (pupils/import_views.py) and
`manage.py import_pupils`. Rules come from SEND-reference.md §2: the UPN check
letter (temporary UPNs allowed), census SEN provision codes N/K/E and the census
type-of-need codes. Optional columns add classes (teaching groups, synced per pupil)
and parent contacts (linked by email, never removed), and the context flags:
previously looked-after, attendance % (0 to 100, '95.2' or '95.2%', rounded to one
decimal; a bare fraction such as '0.952' is refused, not guessed; a blank cell keeps
ours) and the number of suspensions and exclusions (a whole number; blank is 0).
pandas is imported inside functions only.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pupils import codes
from pupils.codes import CensusCode, NeedType, SenStage
from pupils.models import (
    ImportMapping,
    ParentLink,
    Pupil,
    PupilNeed,
    RegisterEntry,
    TeachingGroup,
)
from sendhub.models import Membership, User
from sendhub.roles import STAFF_ROLES, Role

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
HEADER_SEARCH_ROWS = 10  # SIMS reports can put a title above the header row
SHOWN_LIMIT = 200  # rows listed per table on the preview page


class ImportFileError(Exception):
    """The file cannot be used at all (unreadable, wrong type, missing a required column)."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    headers: tuple  # normalised MIS headers, the most specific first
    required: bool = False


FIELDS = [
    Field("upn", "UPN", ("upn", "unique pupil number", "pupil upn"), required=True),
    Field(
        "last_name",
        "Surname",
        ("legal surname", "surname", "last name", "legal last name", "family name"),
        required=True,
    ),
    Field(
        "first_name",
        "Forename",
        ("legal forename", "forename", "first name", "legal first name", "forenames"),
        required=True,
    ),
    Field(
        "preferred_name",
        "Preferred forename",
        ("preferred forename", "preferred first name", "preferred name", "known as"),
    ),
    Field(
        "date_of_birth",
        "Date of birth",
        ("dob", "date of birth", "birth date", "birthdate"),
        required=True,
    ),
    Field("gender", "Sex", ("gender", "sex", "legal sex")),
    Field(
        "year_group",
        "Year group",
        (
            "nc year",
            "year group",
            "year",
            "national curriculum year",
            "curriculum year",
            "nc year actual",
            "year taught in",
        ),
        required=True,
    ),  # fmt: skip
    Field(
        "form",
        "Form (registration group)",
        ("reg group", "registration group", "form", "tutor group", "form group", "reg form"),
    ),
    Field(
        "sen_status",
        "SEN status (N, K or E)",
        ("sen status", "sen provision", "sen provision code", "sen stage", "send status", "sen"),
    ),
    Field(
        "primary_need",
        "Primary need",
        (
            "primary need",
            "sen need type 1",
            "sen need type rank 1",
            "primary sen need",
            "sen primary need",
            "need type 1",
            "primary need type",
            "sen need 1",
        ),
    ),  # fmt: skip
    Field(
        "secondary_need",
        "Secondary need",
        (
            "secondary need",
            "sen need type 2",
            "sen need type rank 2",
            "secondary sen need",
            "sen secondary need",
            "need type 2",
            "secondary need type",
            "sen need 2",
        ),
    ),  # fmt: skip
    Field(
        "joined_on",
        "Admission date",
        (
            "admission date",
            "date of admission",
            "adm date",
            "entry date",
            "date of entry",
            "start date",
            "date joined",
        ),
    ),  # fmt: skip
    Field(
        "left_on", "Leaving date", ("leaving date", "date of leaving", "leave date", "date left")
    ),
    Field(
        "free_school_meals",
        "FSM",
        ("fsm eligible", "fsm", "free school meals", "fsm eligibility", "eligible for fsm"),
    ),
    Field(
        "pupil_premium",
        "Pupil premium",
        ("pupil premium", "pupil premium indicator", "pupil premium eligible", "pp", "pp eligible"),
    ),
    Field(
        "eal",
        "EAL",
        ("eal", "english as an additional language", "english additional language", "eal status"),
    ),
    Field(
        "looked_after",
        "Looked after (CLA)",
        ("looked after", "in care", "cla", "lac", "child looked after", "looked after child"),
    ),
    # Context flags for analysis (SEND-reference.md §2), as SIMS, Arbor and Bromcom head them.
    Field(
        "previously_looked_after",
        "Previously looked after",
        (
            "previously looked after",
            "previously looked after child",
            "plac",
            "post lac",
            "post looked after",
            "post looked after arrangements",
            "adopted from care",
            "previously in care",
        ),
    ),  # fmt: skip
    Field(
        "attendance_percent",
        "Attendance %",
        (
            "attendance",  # also "Attendance %", "% Attendance", "Attendance (%)"
            "attendance percentage",
            "attendance percent",
            "percentage attendance",
            "overall attendance",
            "overall attendance percentage",
            "attendance rate",
            "ytd attendance",
            "attendance ytd",
            "year to date attendance",
        ),
    ),  # fmt: skip
    Field(
        "exclusions_count",
        "Suspensions and exclusions",
        (
            "exclusions",
            "number of exclusions",
            "no of exclusions",
            "exclusion count",
            "exclusions count",
            "total exclusions",
            "suspensions",
            "number of suspensions",
            "no of suspensions",
            "suspension count",
            "suspensions and exclusions",
            "fixed term exclusions",
            "number of fixed term exclusions",
            "fixed term exclusion count",
        ),
    ),  # fmt: skip
    Field(
        "classes",
        "Classes (teaching groups)",
        (
            "classes",
            "teaching groups",
            "class list",
            "class memberships",
            "curriculum classes",
            "class groups",
            "teaching group",
            "timetable classes",
        ),
    ),  # fmt: skip
]


def _contact_fields(n, names):
    """Name, relationship and email of the nth parent contact, as each MIS labels them."""
    return [
        Field(
            f"contact{n}_name",
            f"Contact {n} name",
            tuple(f"{name} name" for name in names) + names,
        ),
        Field(
            f"contact{n}_relationship",
            f"Contact {n} relationship",
            tuple(f"{name} relationship" for name in names)
            + tuple(f"{name} relation" for name in names)
            + (
                ("relationship", "relationship to pupil", "parent relationship")
                if n == 1
                else ("relationship 2",)
            ),
        ),
        Field(
            f"contact{n}_email",
            f"Contact {n} email",
            tuple(f"{name} email" for name in names)
            + tuple(f"{name} email address" for name in names)
            + (("parent email", "parent email address", "parent carer email") if n == 1 else ()),
        ),
    ]


# SIMS writes "Priority 1 Contact", Arbor "Primary Guardian", Bromcom "Contact 1".
CONTACT_FIELDS = _contact_fields(
    1,
    ("contact 1", "primary contact", "priority 1 contact", "parent 1", "primary guardian",
     "main contact", "first contact", "parent carer 1", "parent"),
) + _contact_fields(
    2,
    ("contact 2", "secondary contact", "priority 2 contact", "parent 2", "secondary guardian",
     "second contact", "parent carer 2"),
)  # fmt: skip
FIELDS += CONTACT_FIELDS
CONTACTS = (1, 2)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = [f.key for f in FIELDS if f.required]
REGISTER_FIELDS = {"sen_status", "primary_need", "secondary_need"}
BOOLEAN_FIELDS = [
    "free_school_meals", "pupil_premium", "eal", "looked_after", "previously_looked_after",
]  # fmt: skip
# Fields copied onto Pupil as they are, in the order changes are listed.
PUPIL_FIELDS = [
    "first_name", "last_name", "preferred_name", "date_of_birth", "gender", "year_group",
    "joined_on", "left_on", *BOOLEAN_FIELDS, "attendance_percent", "exclusions_count",
]  # fmt: skip
# A blank cell in these columns leaves what SENDhub holds alone (a new pupil without an
# admission date joins today; attendance is often blank for pupils new this term).
KEEP_WHEN_BLANK = {"joined_on", "attendance_percent"}


def normalise_header(text):
    """'\\ufeffSEN Need Type 1 ' -> 'sen need type 1'."""
    text = str(text).replace("\ufeff", "").casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


# Reading the file ----------------------------------------------------------------


@dataclass
class Sheet:
    """A spreadsheet's header and data rows, each row with its number as the user sees it."""

    headers: list
    rows: list  # [(row number, [cell, ...])]


def _blank(value):
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from pandas
        return True
    return isinstance(value, str) and not value.strip()


def check_upload(name, size):
    """Raise ImportFileError unless the name and size are ones we can read."""
    if not str(name).lower().endswith(EXTENSIONS):
        raise ImportFileError(
            "Upload a CSV (.csv) or Excel (.xlsx) file. Older Excel files (.xls) must be "
            "saved as .xlsx first."
        )
    if size == 0:
        raise ImportFileError("The file is empty.")
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.1f} MB; the largest we accept is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Export only the columns you need."
        )


def _read_frame(content, filename):
    import pandas as pd

    if str(filename).lower().endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise ImportFileError("This is not an Excel .xlsx file. Save it from Excel as .xlsx.")
        try:
            return pd.read_excel(io.BytesIO(content), header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(f"We could not read this Excel file ({exc}).") from None
    if b"\x00" in content[:4096]:
        raise ImportFileError("This does not look like a CSV file. Export it from your MIS as CSV.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # older SIMS exports
    first_line = text.split("\n", 1)[0]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=sep,
        )
    except pd.errors.EmptyDataError:
        raise ImportFileError("The file has no rows.") from None
    except pd.errors.ParserError as exc:
        raise ImportFileError(
            f"We could not read this CSV file: {exc}. Check that no row has extra commas."
        ) from None


def read_sheet(content, filename):
    """Parse CSV or XLSX bytes into a Sheet, finding the header row."""
    check_upload(filename, len(content))
    frame = _read_frame(content, filename)
    raw = [[None if _blank(v) else v for v in row] for row in frame.itertuples(index=False)]
    known = {h for f in FIELDS for h in f.headers}
    header_index = 0
    for index, row in enumerate(raw[:HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if v is not None and normalise_header(v) in known) >= 2:
            header_index = index
            break
    if not raw:
        raise ImportFileError("The file has no rows.")
    headers, seen = [], {}
    for position, value in enumerate(raw[header_index], 1):
        header = " ".join(str(value).replace("\ufeff", "").split()) if value is not None else ""
        header = header or f"Column {position}"
        seen[header] = seen.get(header, 0) + 1
        headers.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    rows = [
        (number, row)
        for number, row in enumerate(raw[header_index + 1 :], header_index + 2)
        if any(v is not None for v in row)
    ]
    return Sheet(headers=headers, rows=rows)


def suggest_mapping(headers, saved=None):
    """{field key: header}: the school's saved choices where they still fit, then common names."""
    mapping, used = {}, set()
    for key, header in (saved or {}).items():
        if key in FIELDS_BY_KEY and header in headers and header not in used:
            mapping[key] = header
            used.add(header)
    by_name = {}
    for header in headers:
        by_name.setdefault(normalise_header(header), header)
    for f in FIELDS:
        if f.key in mapping:
            continue
        for name in f.headers:
            header = by_name.get(name)
            if header is not None and header not in used:
                mapping[f.key] = header
                used.add(header)
                break
    return mapping


def clean_mapping(mapping, headers):
    """Keep only known fields mapped to headers in this file, each header once."""
    cleaned, used = {}, set()
    for f in FIELDS:
        header = (mapping or {}).get(f.key)
        if header and header in headers and header not in used:
            cleaned[f.key] = header
            used.add(header)
    return cleaned


def missing_required(mapping):
    return [FIELDS_BY_KEY[key].label for key in REQUIRED if key not in mapping]


def save_mapping(school, mapping, user=None):
    ImportMapping.objects.update_or_create(
        school=school, defaults={"columns": mapping, "updated_by": user}
    )


# Cleaning one cell ---------------------------------------------------------------


class CellError(ValueError):
    """What is wrong with a cell and how to fix it, in plain English."""


EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = [
    "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y",
    "%d-%B-%Y", "%d.%m.%Y", "%d-%m-%Y", "%d-%m-%y", "%Y/%m/%d", "%d %b %y",
]  # fmt: skip


def parse_uk_date(value):
    """A date from a UK-style cell: 03/09/2014, 3/9/14, 2014-09-03, 03-Sep-2014, Excel serials."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(value)
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(float(text))
    # Drop a time part such as "03/09/2014 00:00:00" or "2014-09-03T00:00:00".
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f"“{value}” is not a date we recognise. Use day/month/year, e.g. 03/09/2014.")


def _excel_serial(number):
    if not 10000 <= number < 80000:  # 1927 to 2119
        raise CellError(f"“{number}” is not a date. Use day/month/year, e.g. 03/09/2014.")
    return EXCEL_EPOCH + timedelta(days=int(number))


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


YES = {"y", "yes", "true", "t", "1", "eligible", "x"}
NO = {"n", "no", "false", "f", "0", "not eligible", ""}


def parse_bool(value):
    text = _text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"“{value}” is not yes or no. Use Y or N.")


GENDERS = {
    "m": "M", "male": "M", "boy": "M",
    "f": "F", "female": "F", "girl": "F",
    "x": "X", "u": "X", "other": "X", "unknown": "X", "not known": "X", "not stated": "X",
}  # fmt: skip


def parse_gender(value):
    text = _text(value).casefold()
    if text in GENDERS:
        return GENDERS[text]
    raise CellError(f"“{value}” is not a sex we recognise. Use M, F or X (other or not stated).")


def parse_attendance(value):
    """
    Attendance as a percentage with one decimal: '95.2', '95.2%', '95.24' -> Decimal('95.2').

    A bare number between 0 and 1 ('0.952', a spreadsheet's percent cell) is refused
    rather than guessed: it could be 95.2% or 0.952%. Write '0.9%' for a real 0.9%.
    """
    text = _text(value)
    has_sign = text.endswith("%")
    number = text.rstrip("%").strip()
    try:
        percent = Decimal(number)
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite():
        raise CellError(
            f"“{value}” is not an attendance figure. Give a percentage from 0 to 100, e.g. 95.2."
        )
    if not has_sign and 0 < percent < 1:
        raise CellError(
            f"“{value}” looks like a fraction, not a percentage. Give attendance as a "
            "percentage, e.g. 95.2 (write 0.5% if it really is under 1%)."
        )
    if not 0 <= percent <= 100:
        raise CellError(
            f"Attendance of “{value}” is outside 0 to 100%. Check the figure in your MIS."
        )
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


MAX_EXCLUSIONS = 999


def parse_count(value):
    """A whole number of suspensions and exclusions, 0 or more ('2', 2.0)."""
    text = _text(value)
    if re.fullmatch(r"-\s*\d+", text):
        raise CellError(f"“{value}” is below 0. Give the number of suspensions and exclusions.")
    if not re.fullmatch(r"\d+", text):
        raise CellError(
            f"“{value}” is not a number of suspensions and exclusions. "
            "Use a whole number, 0 if none."
        )
    if int(text) > MAX_EXCLUSIONS:
        raise CellError(f"“{value}” is more than {MAX_EXCLUSIONS}. Check the number in your MIS.")
    return int(text)


YEAR_WORDS = {"r": 0, "reception": 0, "rec": 0, "n2": -1, "n1": -2, "nursery": -1}


def parse_year_group(value):
    text = _text(value).casefold()
    text = re.sub(r"^(year|yr|y|nc year)\s*", "", text)
    if text in YEAR_WORDS:
        return YEAR_WORDS[text]
    if re.fullmatch(r"-?\d{1,2}", text) and -2 <= int(text) <= 14:
        return int(text)
    raise CellError(
        f"“{value}” is not a year group. Use the National Curriculum year, e.g. 7, or R for Reception."
    )


STATUS_WORDS = {
    "n": CensusCode.N, "no sen": CensusCode.N, "none": CensusCode.N, "": CensusCode.N,
    "k": CensusCode.K, "sen support": CensusCode.K,
    "e": CensusCode.E, "ehc plan": CensusCode.E, "ehcp": CensusCode.E,
    "education health and care plan": CensusCode.E, "s": CensusCode.E, "statement": CensusCode.E,
}  # fmt: skip


def parse_status(value):
    """Census SEN provision code (SEND-reference.md §2); 'S' (statement) became E in 2014."""
    text = normalise_header(_text(value))
    # Arbor and SIMS often write "K - SEN Support"; the code comes first.
    code_first = re.match(r"^([nkes])\b\s", text + " ")
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    if code_first and code_first.group(1) in STATUS_WORDS:
        return STATUS_WORDS[code_first.group(1)]
    raise CellError(
        f"“{value}” is not an SEN provision code. Use N (no SEN), K (SEN support) or E (EHC plan)."
    )


NEED_WORDS = {normalise_header(code): code for code in NeedType.values}
NEED_WORDS |= {normalise_header(label): code for code, label in NeedType.choices}
NEED_WORDS |= {
    "asc": NeedType.ASD,
    "autism": NeedType.ASD,
    "autistic spectrum condition": NeedType.ASD,
}


def parse_need(value):
    text = normalise_header(_text(value))
    code_first = re.match(r"^([a-z]+)\b", text)
    if text in NEED_WORDS:
        return NEED_WORDS[text]
    if code_first and code_first.group(1) in NEED_WORDS:
        return NEED_WORDS[code_first.group(1)]
    raise CellError(
        f"“{value}” is not a census type-of-need code. Use one of {', '.join(NeedType.values)}."
    )


def parse_class_list(value):
    """'8 En1; 8 Ma2, 8 Sc1' -> ['8 En1', '8 Ma2', '8 Sc1'], each name once."""
    names = {}
    text = value if isinstance(value, str) else _text(value)
    for part in re.split(r"[;,\n]", text):
        name = " ".join(part.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def parse_email(value):
    text = _text(value).strip(" <>")
    if len(text) > User._meta.get_field("email").max_length:
        raise CellError(f"“{value}” is too long for an email address. Check it in your MIS.")
    if sum("@" in part for part in re.split(r"[;,\s]+", text)) > 1:
        raise CellError(f"“{value}” holds more than one email address. Give one per contact.")
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(
            f"“{value}” is not an email address. Correct it in your MIS, or leave the cell blank."
        ) from None
    return text.lower()


Relationship = ParentLink.Relationship
RELATIONSHIP_WORDS = {
    "mother": Relationship.MOTHER, "mum": Relationship.MOTHER, "mom": Relationship.MOTHER,
    "birth mother": Relationship.MOTHER, "natural mother": Relationship.MOTHER,
    "father": Relationship.FATHER, "dad": Relationship.FATHER,
    "birth father": Relationship.FATHER, "natural father": Relationship.FATHER,
    "carer": Relationship.CARER, "foster carer": Relationship.CARER,
    "foster mother": Relationship.CARER, "foster father": Relationship.CARER,
    "foster parent": Relationship.CARER, "kinship carer": Relationship.CARER,
    "guardian": Relationship.GUARDIAN, "legal guardian": Relationship.GUARDIAN,
    "special guardian": Relationship.GUARDIAN, "other": Relationship.OTHER,
}  # fmt: skip
# Family words that make a contact a parent or carer of another kind ("Other").
FAMILY_WORDS = {
    "parent", "step", "stepmother", "stepfather", "grandmother", "grandfather", "grandparent",
    "gran", "grandma", "grandad", "grandpa", "nan", "aunt", "auntie", "uncle", "sister",
    "brother", "sibling", "cousin", "relative", "family", "partner", "adoptive", "adopted",
}  # fmt: skip
# Contacts in MIS exports who are not parents or carers and must not see the child's record.
NOT_PARENT_WORDS = {
    "doctor", "gp", "social", "childminder", "minder", "friend", "neighbour", "neighbor",
    "school", "teacher", "solicitor", "police", "nurse", "professional", "agency", "worker",
}  # fmt: skip


def parse_relationship(value):
    """A ParentLink relationship from an MIS contact relationship; blank is Other."""
    text = normalise_header(_text(value))
    if not text:
        return Relationship.OTHER
    if text in RELATIONSHIP_WORDS:
        return RELATIONSHIP_WORDS[text]
    words = set(text.replace("step ", "step").split()) | set(text.split())
    if words & NOT_PARENT_WORDS:
        raise CellError(
            f"“{value}” is not a parent or carer, and a parent contact can see this pupil's "
            "SEN record. Leave this contact's email out of the export."
        )
    if words & FAMILY_WORDS or any(w.startswith(("grand", "step")) for w in words):
        return Relationship.OTHER
    raise CellError(
        f"“{value}” is not a relationship we recognise. Use Mother, Father, Carer, Guardian "
        "or a family relationship such as Grandmother."
    )


# Checking every row --------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedPupil:
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


@dataclass
class Plan:
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


def _display(key, value):
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


CLEANERS = {
    "upn": codes.validate_upn,
    "date_of_birth": parse_uk_date,
    "joined_on": parse_uk_date,
    "left_on": parse_uk_date,
    "gender": parse_gender,
    "year_group": parse_year_group,
    "sen_status": parse_status,
    "primary_need": parse_need,
    "secondary_need": parse_need,
    **dict.fromkeys(BOOLEAN_FIELDS, parse_bool),
    "attendance_percent": parse_attendance,
    "exclusions_count": parse_count,
    "classes": parse_class_list,
    **{f"contact{n}_email": parse_email for n in CONTACTS},
}
OPTIONAL_BLANK = {"preferred_name": "", "joined_on": None, "left_on": None, "form": ""}
OPTIONAL_BLANK |= {"classes": ()}
OPTIONAL_BLANK |= dict.fromkeys(BOOLEAN_FIELDS, False)
OPTIONAL_BLANK |= {"attendance_percent": None, "exclusions_count": 0}
OPTIONAL_BLANK |= {"sen_status": CensusCode.N, "primary_need": None, "secondary_need": None}
MAX_LENGTHS = {
    key: Pupil._meta.get_field(key).max_length
    for key in ("first_name", "last_name", "preferred_name")
} | {"form": TeachingGroup._meta.get_field("name").max_length}
MAX_LENGTHS |= {f"contact{n}_name": User._meta.get_field("last_name").max_length for n in CONTACTS}
CLASS_NAME_LENGTH = TeachingGroup._meta.get_field("name").max_length
STAGE_FOR_CODE = {CensusCode.N: SenStage.NONE, CensusCode.K: SenStage.SEN_SUPPORT,
                  CensusCode.E: SenStage.EHCP}  # fmt: skip


def _clean_row(cells, mapping, column_index, row_number, errors):
    """{field: cleaned value} for the mapped fields; problems go to errors."""
    values = {}
    for key, header in mapping.items():
        raw = cells[column_index[header]] if column_index[header] < len(cells) else None
        f = FIELDS_BY_KEY[key]
        if _blank(raw):
            if f.required:
                errors.append(
                    RowError(row_number, header, f"{f.label} is empty. Fill it in in your MIS.")
                )
            else:
                values[key] = OPTIONAL_BLANK.get(key, "")
            continue
        try:
            cleaner = CLEANERS.get(key, _text)
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


def _need_column(mapping):
    return next(
        mapping[k] for k in ("primary_need", "secondary_need", "sen_status") if k in mapping
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
    if new_stage == stage and needs == list(current_needs):
        return None
    return new_stage, needs


def build_plan(
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
    plan = Plan(school=school, mapping=mapping, full_roll=full_roll, include_register=True)
    if not include_register and REGISTER_FIELDS & set(mapping):
        plan.warnings.append(
            "SEN status and need columns are not imported: only someone who may change the SEN "
            "register (the SENCO) can import them."
        )
        mapping = {k: v for k, v in mapping.items() if k not in REGISTER_FIELDS}
        plan.include_register = False
    column_index = {header: i for i, header in enumerate(sheet.headers)}
    prefetches = [Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))]
    if plan.maps_classes:
        classes = TeachingGroup.objects.filter(kind=TeachingGroup.Kind.CLASS).order_by("name")
        prefetches.append(Prefetch("teaching_groups", queryset=classes, to_attr="import_classes"))
    if plan.maps_contacts:
        prefetches.append(
            Prefetch("parent_links", queryset=ParentLink.objects.select_related("parent"))
        )
    existing = {
        p.upn: p
        for p in pupils.filter(school=school).select_related("form").prefetch_related(*prefetches)
    }
    forms = {g.name.casefold(): g for g in TeachingGroup.objects.filter(school=school)}
    plan.row_count = len(sheet.rows)
    file_forms = (
        {_text(v).casefold() for v in _column(sheet, column_index, mapping["form"])}
        if plan.maps_classes and "form" in mapping
        else set()
    )
    people = _People.load(sheet, column_index, mapping, school) if plan.maps_contacts else None

    upn_rows = {}
    for number, cells in sheet.rows:
        raw = (
            cells[column_index[mapping["upn"]]]
            if column_index[mapping["upn"]] < len(cells)
            else None
        )
        if not _blank(raw):
            upn_rows.setdefault(codes.normalise_upn(raw), []).append(number)

    new_form_names, new_class_names = {}, {}
    for number, cells in sheet.rows:
        errors = []
        values = _clean_row(cells, mapping, column_index, number, errors)
        _check_dates(values, number, mapping, errors, today)
        upn = values.get("upn")
        if upn and len(upn_rows.get(upn, [])) > 1:
            others = [str(n) for n in upn_rows[upn] if n != number]
            errors.append(
                RowError(
                    number,
                    mapping["upn"],
                    f"UPN {upn} is also on row{'s' if len(others) > 1 else ''} "
                    f"{', '.join(others)}. Each pupil may appear once: remove the duplicate rows.",
                )
            )
        planned = PlannedPupil(row=number, upn=upn, values=values)
        if "form" in mapping and "form" in values:
            planned.form_name = values.pop("form")
            group = forms.get(planned.form_name.casefold())
            if group is not None and group.kind != TeachingGroup.Kind.FORM:
                errors.append(
                    RowError(
                        number,
                        mapping["form"],
                        f"“{planned.form_name}” is the name of a class in SENDhub, not a form. "
                        "Rename one of them.",
                    )
                )
            elif group is not None:
                planned.form_name = group.name
        pupil = existing.get(upn) if upn else None
        planned.pupil = pupil
        _check_stay(values, pupil, number, mapping, errors, today)
        _check_lengths({**values, "form": planned.form_name}, number, mapping, errors)
        if plan.maps_classes and "classes" in values:
            planned.class_names = _check_classes(
                values.pop("classes"), planned, forms, file_forms, mapping, errors
            )
        if people is not None:
            _check_contacts(values, planned, people, mapping, errors)
        current_needs = [n.code for n in pupil.needs.all()] if pupil else []
        if not errors:
            planned.register = _register_target(planned, pupil, mapping, current_needs, errors)
        if errors:
            plan.errors.extend(errors)
            continue
        if planned.form_name and planned.form_name.casefold() not in forms:
            new_form_names.setdefault(
                planned.form_name.casefold(), (planned.form_name, values.get("year_group"))
            )
        for name in planned.class_names or []:
            if name.casefold() not in forms:
                new_class_names.setdefault(name.casefold(), (name, values.get("year_group")))
        _describe_changes(planned, pupil, current_needs, full_roll, today)
        _describe_links(planned, pupil, forms, plan, people)
        if pupil is None:
            plan.new.append(planned)
        elif planned.changes or planned.extra:
            plan.changed.append(planned)
        else:
            plan.unchanged.append(planned)
    plan.new_forms = sorted(new_form_names.values())
    plan.new_classes = sorted(new_class_names.values())
    _warn_about_links(plan, people)

    if full_roll:
        in_file = set(upn_rows)
        plan.leaving = [
            p
            for upn, p in sorted(existing.items())
            if upn not in in_file and (p.left_on is None or p.left_on >= today)
        ]
        on_roll = sum(1 for p in existing.values() if p.left_on is None or p.left_on >= today)
        if on_roll and len(plan.leaving) > on_roll / 2:
            plan.warnings.append(
                f"{len(plan.leaving)} of {on_roll} pupils on roll are not in this file and would "
                "be marked as left. Is it really the whole school's roll?"
            )
    return plan


def _column(sheet, column_index, header):
    """The non-blank cells of one column."""
    index = column_index[header]
    return [
        cells[index] for _n, cells in sheet.rows if index < len(cells) and not _blank(cells[index])
    ]


def _chunks(items, size=500):
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class _People:
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
                emails |= {_text(v).strip(" <>").lower() for v in column}
        users = {}
        for chunk in _chunks(sorted(emails)):
            found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
            users |= {user.email_lower: user for user in found}
        staff = {email: "a SENDhub administrator" for email, u in users.items() if u.is_superuser}
        by_id = {user.pk: email for email, user in users.items()}
        for chunk in _chunks(by_id):
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

    A parent sees their own child's record (SEND-reference.md §1), so only an email that
    belongs to no member of staff here, given with a parent or carer relationship, is linked.
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


def _describe_links(planned, pupil, groups, plan, people):
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
            plan.links_not_restored.append((planned, contact.email))
            continue
        to_link.append(contact)
        planned.extra.append(("Parent contact", contact.describe()))
    planned.contacts = to_link
    if pupil is not None:
        plan.links_kept += [
            (planned, link) for link in current if link.parent.email.lower() not in emails
        ]


def _warn_about_links(plan, people):
    if plan.maps_classes and not any(p.class_names for p in plan.applied_rows + plan.unchanged):
        leaving = sum(1 for p in plan.applied_rows if p.classes_removed)
        if leaving:
            plan.warnings.append(
                f"The classes column is empty on every row, so applying takes {leaving} "
                f"pupil{'s' if leaving != 1 else ''} out of all their classes. Is it the right "
                "column?"
            )
    if people is not None and people.without_email:
        plan.warnings.append(
            f"{people.without_email} parent contact{'s have' if people.without_email != 1 else ' has'} "
            "no email address, so no SENDhub account can be linked for them. Add emails in your "
            "MIS to give parents access."
        )


def _describe_changes(planned, pupil, current_needs, full_roll, today):
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


# Applying ------------------------------------------------------------------------


@dataclass
class Result:
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
def apply_plan(plan, *, user=None, source="", today=None):
    """
    Write the plan's valid rows in one transaction: new pupils, changed fields, forms,
    classes, parent links, leavers (archived, never deleted) and register changes through
    record_register_change.
    """
    from pupils.register.services import record_register_change

    today = today or date.today()
    school = plan.school
    reason = f"MIS import{f' of {source}' if source else ''}"

    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.FORM, year_group=year)
            for name, year in plan.new_forms
        ]
    )
    forms = {
        g.name.casefold(): g
        for g in TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.FORM)
    }

    def form_for(planned):
        return forms[planned.form_name.casefold()] if planned.form_name else None

    created = []
    for planned in plan.new:
        values = {k: v for k, v in planned.values.items() if k in PUPIL_FIELDS and v is not None}
        values.setdefault("joined_on", today)
        pupil = Pupil(school=school, upn=planned.upn, **values)
        pupil.form = form_for(planned) if planned.form_name is not None else None
        created.append(pupil)
    bulk_create_with_history(
        created, Pupil, batch_size=500, default_user=user, default_change_reason=reason
    )
    new_by_upn = {
        p.upn: p for p in Pupil.objects.filter(school=school, upn__in=[p.upn for p in plan.new])
    }
    for planned in plan.new:
        planned.pupil = new_by_upn[planned.upn]

    updated, update_fields = [], set()
    for planned in plan.changed:
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
    leaving_on = today - timedelta(days=1)
    for pupil in plan.leaving:
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

    _sync_form_membership(plan)
    _sync_class_membership(plan)
    _link_parents(plan, user=user, reason=reason)

    for planned in plan.new + plan.changed:
        if planned.register is None:
            continue
        stage, needs = planned.register
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
        counts=plan.counts(),
        errors=plan.errors,
        forms_created=plan.new_forms,
        classes_created=plan.new_classes,
    )


def _sync_form_membership(plan):
    """Forms are teaching groups too: tutors see their form through TeachingGroup.pupils."""
    through = TeachingGroup.pupils.through
    moved = [p for p in plan.new if p.form_name]
    moved += [p for p in plan.changed if "Form" in p.changed_labels]
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


def _sync_class_membership(plan):
    """
    Put each pupil in exactly the classes the file lists for them.

    Membership rows carry no record of who added them, so every class membership of a
    pupil in the file is synced; forms, teachers and the classes themselves are untouched.
    """
    if not plan.maps_classes:
        return
    school = plan.school
    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.CLASS, year_group=year)
            for name, year in plan.new_classes
        ]
    )
    classes = TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.CLASS)
    group_ids = {name.casefold(): pk for name, pk in classes.values_list("name", "pk")}
    through = TeachingGroup.pupils.through
    leaving, joining = {}, []
    for planned in plan.applied_rows:
        pupil_id = planned.pupil.pk
        for name in planned.classes_removed:
            leaving.setdefault(group_ids[name.casefold()], []).append(pupil_id)
        joining += [
            through(teachinggroup_id=group_ids[name.casefold()], pupil_id=pupil_id)
            for name, _is_new in planned.classes_added
        ]
    for group_id, pupil_ids in leaving.items():
        for chunk in _chunks(pupil_ids):
            through.objects.filter(teachinggroup_id=group_id, pupil_id__in=chunk).delete()
    through.objects.bulk_create(joining, batch_size=1000, ignore_conflicts=True)


TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"}
# Who has parental responsibility is not in a pupil export; these relationships usually do.
USUALLY_RESPONSIBLE = {Relationship.MOTHER, Relationship.FATHER, Relationship.GUARDIAN}


def split_name(text):
    """'Mrs Jane Ahmed' or 'Ahmed, Jane' -> ('Jane', 'Ahmed')."""
    if "," in text:
        last, first = (part.strip() for part in text.split(",", 1))
    else:
        *first_words, last = text.split() or [""]
        first = " ".join(first_words)
    words = first.split()
    while words and words[0].casefold().rstrip(".") in TITLES:
        words.pop(0)
    limit = User._meta.get_field("first_name").max_length
    return " ".join(words)[:limit], last[:limit]


def _link_parents(plan, *, user, reason):
    """
    Link each new parent contact to their child, creating their account and parent role
    at the school when needed. New accounts have no usable password and get no email:
    the school invites them later. Existing links are never changed or removed.
    """
    contacts = [(planned, contact) for planned in plan.applied_rows for contact in planned.contacts]
    if not contacts:
        return
    school = plan.school
    users = {}
    for chunk in _chunks(sorted({contact.email for _planned, contact in contacts})):
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
    for chunk in _chunks(ids):
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
