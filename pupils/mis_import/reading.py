"""
Reading an MIS pupil export (SIMS, Arbor or Bromcom, CSV or XLSX): the upload checks,
finding the header row, and which column of the file holds each SENDhub field.

pandas is imported inside the functions that read a file, never at module level, so
the pages that do not read one never load it.
"""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from pupils.models import ImportMapping
from sendhub.uploads import UploadRefused, check_zip, decode_csv

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
HEADER_SEARCH_ROWS = 10  # SIMS reports can put a title above the header row
# Limits on what one file may hold: a whole secondary roll is a few thousand rows and a
# few dozen columns, so anything far beyond is a wrong file (or a hostile one).
MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_CELL_CHARACTERS = 1_000
# An upload kept from before files were read at upload, whose file could not be read since
# (pupils 0019, reports 0005): it has no rows to show, so it is asked for again.
UPLOAD_AGAIN = (
    "The file “{filename}” was uploaded before an upgrade and cannot be shown. "
    "Please upload it again to check and apply it."
)


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
    # Context flags for analysis, as SIMS, Arbor and Bromcom head them.
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
# admission date joins today; attendance is often blank for pupils new this term; a new
# pupil whose sex the MIS does not state is recorded as "other or not stated").
KEEP_WHEN_BLANK = {"joined_on", "attendance_percent", "gender"}


def normalise_header(text):
    """'\\ufeffSEN Need Type 1 ' -> 'sen need type 1'."""
    text = str(text).replace("\ufeff", "").casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass
class Sheet:
    """A spreadsheet's header and data rows, each row with its number as the user sees it."""

    headers: list
    rows: list  # [(row number, [cell, ...])]

    def to_json(self):
        """The sheet as read, for keeping with the upload so applying never rereads the file."""
        return {
            "headers": list(self.headers),
            "rows": [[number, [_cell_to_json(v) for v in row]] for number, row in self.rows],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            headers=list(data.get("headers", [])),
            rows=[
                (number, [_cell_from_json(v) for v in row]) for number, row in data.get("rows", [])
            ],
        )


def _cell_to_json(value):
    """Dates and times keep their type (Excel cells); everything else is JSON already."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if hasattr(value, "item"):  # a numpy number from pandas
        return value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _cell_from_json(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value


def is_blank(value):
    """True for an empty cell: None, NaN from pandas, or only spaces."""
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
        try:  # a sound ZIP with a workbook in it, and not a zip bomb
            check_zip(content, filename, "xlsx")
        except UploadRefused as refused:
            raise ImportFileError(" ".join(refused.messages)) from None
        try:
            return pd.read_excel(io.BytesIO(content), header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(f"We could not read this Excel file ({exc}).") from None
    if b"\x00" in content:
        raise ImportFileError("This does not look like a CSV file. Export it from your MIS as CSV.")
    try:  # UTF-8 (with BOM) or Windows-1252, as older SIMS exports are
        text = decode_csv(content, filename)
    except UploadRefused as refused:
        raise ImportFileError(" ".join(refused.messages)) from None
    if text.count("\n") > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
        raise _too_many_rows()
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


def _too_many_rows():
    return ImportFileError(
        f"The file has more than {MAX_ROWS:,} rows; the most we read at once is {MAX_ROWS:,}. "
        "Export one year group or key stage at a time."
    )


def _check_limits(frame):
    if len(frame.index) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows()
    if len(frame.columns) > MAX_COLUMNS:
        raise ImportFileError(
            f"The file has {len(frame.columns)} columns; the most we read is {MAX_COLUMNS}. "
            "Export only the columns you need."
        )
    for number, row in enumerate(frame.itertuples(index=False), 1):
        for value in row:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                raise ImportFileError(
                    f"Row {number} has a cell of {len(value):,} characters; the most we read "
                    f"is {MAX_CELL_CHARACTERS:,}. Check the export has one pupil per row."
                )


def read_sheet(content, filename):
    """Parse CSV or XLSX bytes into a Sheet, finding the header row."""
    check_upload(filename, len(content))
    frame = _read_frame(content, filename)
    _check_limits(frame)
    raw = [[None if is_blank(v) else v for v in row] for row in frame.itertuples(index=False)]
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
