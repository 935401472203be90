"""
The termly MIS import of attendance, suspensions and assessments: which column holds
what, checking each row, the preview and applying it. Reading the file and the cell
helpers are the pupil import's (pupils/mis_import). One row per pupil, matched by UPN
within the school; a row with any problem is refused whole, with its reasons.
Applying replaces the school's rows for that term only, in one transaction.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pupils import codes
from pupils.mis_import.cells import CellError, cell_text, parse_bool, parse_count
from pupils.mis_import.reading import ImportFileError, is_blank, normalise_header
from pupils.mis_import.rows import RowError
from reports.progress.models import MAX_SUSPENSION_DAYS, MAX_TERM_SESSIONS, PupilTerm, Subject
from reports.progress.scales import age_in_months, read_assessment, read_progress
from reports.progress.snapshot import replace_term, snapshots

MAX_ROWS = 5000
MAX_COLUMNS = 60

COLUMNS = {
    "upn": ("upn", "unique pupil number", "pupil upn"),
    "sessions_possible": ("sessions possible", "possible sessions", "possible", "possible marks"),
    "sessions_attended": (
        "sessions attended", "attended sessions", "attended", "attendances", "present",
    ),
    "suspensions": (
        "suspensions", "number of suspensions", "fixed term exclusions", "fixed term exclusion",
    ),
    "suspension_days": (
        "suspension days", "days suspended", "days lost to suspension",
        "fixed term exclusion days", "days excluded",
    ),
    "permanently_excluded": ("permanently excluded", "permanent exclusion", "pex"),
}  # fmt: skip
SUBJECT_HEADERS = {
    Subject.READING: ("reading",),
    Subject.WRITING: ("writing",),
    Subject.MATHS: ("maths", "mathematics", "math"),
    Subject.ENGLISH: ("english",),
    Subject.SCIENCE: ("science",),
    Subject.READING_AGE: ("reading age",),
}
LABELS = {
    "upn": "UPN",
    "sessions_possible": "Sessions possible",
    "sessions_attended": "Sessions attended",
    "suspensions": "Suspensions",
    "suspension_days": "Suspension days",
    "permanently_excluded": "Permanently excluded",
}


def find_columns(headers):
    """{key: column position}: keys are COLUMNS keys, subjects, and (subject, 'progress')."""
    wanted = {name: key for key, names in COLUMNS.items() for name in names}
    for subject, names in SUBJECT_HEADERS.items():
        for name in names:
            wanted[name] = subject
            wanted[f"{name} progress"] = (subject, "progress")
    found, ignored = {}, []
    for position, header in enumerate(headers):
        key = wanted.get(normalise_header(header))
        if key is None or key in found:
            ignored.append(header)
        else:
            found[key] = position
    return found, ignored


def column_label(key):
    if isinstance(key, tuple):
        return f"{Subject(key[0]).label} progress"
    return LABELS.get(key) or Subject(key).label


@dataclass
class ProgressPreview:
    school: object
    term: object
    headers: list
    columns: dict
    ignored: list
    planned: dict = field(default_factory=dict)  # pupil id -> (values, [assessment dicts])
    rows: list = field(default_factory=list)  # (row number, pupil, values, points) to show
    errors: list = field(default_factory=list)
    replacing: int = 0
    dropping: int = 0  # pupils with data for the term who are not ready in this file
    row_count: int = 0

    def counts(self):
        rejected = len({error.row for error in self.errors})
        return {
            "rows": self.row_count,
            "ready": len(self.planned),
            "rejected": rejected,
            "replacing": self.replacing,
            "dropping": self.dropping,
            "assessments": sum(len(points) for _, points in self.planned.values()),
        }

    @property
    def subjects(self):
        return [key for key in self.columns if key in Subject.values]


def _decimal_days(value):
    text = cell_text(value)
    try:
        days = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}” is not a number of days, e.g. 1.5.") from None
    if not days.is_finite() or days < 0 or days * 2 != int(days * 2):
        raise CellError(f"“{text}” is not a number of days in halves, e.g. 1.5.")
    if days > MAX_SUSPENSION_DAYS:
        raise CellError(
            f"{text} days is more than {MAX_SUSPENSION_DAYS}: suspensions total at most "
            f"{MAX_SUSPENSION_DAYS} school days in a school year."
        )
    return days


def _sessions(value):
    count = parse_count(value)
    if count > MAX_TERM_SESSIONS:
        raise CellError(
            f"{count} sessions is more than a term holds (at most {MAX_TERM_SESSIONS}: two a day)."
        )
    return count


READERS = {
    "sessions_possible": _sessions,
    "sessions_attended": _sessions,
    "suspensions": parse_count,
    "suspension_days": _decimal_days,
    "permanently_excluded": parse_bool,
}


def check_values(cells, columns, *, pupil, term):
    """({field: value}, [assessment dicts], [(column key, message)]) for one pupil's term."""
    values, points, problems = {}, {}, []
    age = age_in_months(pupil.date_of_birth, term.census_day) if pupil else None
    for key, position in columns.items():
        if key == "upn":
            continue
        raw = cells[position] if position < len(cells) else None
        if is_blank(raw):
            continue
        try:
            if isinstance(key, tuple):
                points.setdefault(key[0], {})["progress"] = read_progress(raw)
            elif key in READERS:
                values[key] = READERS[key](raw)
            else:
                scale, text, score, band = read_assessment(raw, age_months=age)
                points.setdefault(key, {}).update(
                    scale=scale, raw_value=text, score=score, band=band
                )
        except CellError as exc:
            problems.append((key, str(exc)))
    possible, attended = values.get("sessions_possible"), values.get("sessions_attended")
    if (possible is None) != (attended is None) and not problems:
        missing = "sessions_attended" if attended is None else "sessions_possible"
        problems.append((missing, "Give both sessions possible and sessions attended, or neither."))
    if possible is not None and attended is not None and attended > possible:
        problems.append(
            (
                "sessions_attended",
                f"{attended} sessions attended is more than the {possible} possible.",
            )
        )
    if values.get("suspension_days") and not values.get("suspensions"):
        problems.append(("suspensions", "Suspension days are given but no suspensions."))
    for subject, point in points.items():
        if "scale" not in point and not problems:
            problems.append(
                (
                    (subject, "progress"),
                    f"Progress is given but no {Subject(subject).label} result.",
                )
            )
    assessments = [{"subject": s, **p} for s, p in points.items() if "scale" in p]
    return values, assessments, problems


def build_preview(sheet, *, school, term, pupils):
    """Check every row against the school's pupils (a scoped queryset); nothing is written."""
    if len(sheet.headers) > MAX_COLUMNS:
        raise ImportFileError(
            f"The file has {len(sheet.headers)} columns; the most we read is {MAX_COLUMNS}. "
            "Export only the columns you need."
        )
    if len(sheet.rows) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(sheet.rows)} rows; the most we read is {MAX_ROWS}, one per pupil."
        )
    columns, ignored = find_columns(sheet.headers)
    if "upn" not in columns:
        raise ImportFileError("The file has no UPN column. Add the pupils' UPNs.")
    if len(columns) == 1:
        raise ImportFileError(
            "The file has no attendance, suspension or assessment columns we recognise."
        )
    preview = ProgressPreview(school, term, sheet.headers, columns, ignored)
    preview.row_count = len(sheet.rows)
    upns = {}
    for number, cells in sheet.rows:
        raw = cells[columns["upn"]] if columns["upn"] < len(cells) else None
        upns[number] = "" if is_blank(raw) else codes.normalise_upn(cell_text(raw))
    known = {
        p.upn: p
        for p in pupils.filter(school=school, upn__in=set(upns.values())).only(
            "pk", "upn", "first_name", "last_name", "preferred_name", "date_of_birth",
            "joined_on", "left_on",
        )
    }  # fmt: skip
    first_row = {}
    for number, cells in sheet.rows:
        upn = upns[number]
        pupil = known.get(upn)
        problems = []
        if not upn:
            problems.append(("upn", "The UPN is blank."))
        elif pupil is None:
            problems.append(("upn", _unknown_upn(upn, school)))
        elif upn in first_row:
            problems.append(
                ("upn", f"UPN {upn} is also on row {first_row[upn]}: give one row per pupil.")
            )
        elif pupil.joined_on > term.last_day or (pupil.left_on and pupil.left_on < term.first_day):
            problems.append(("upn", f"{pupil} was not on roll in the {term.label} term."))
        elif pupil.has_left:
            problems.append(("upn", f"{pupil} has left: their file is archived and read-only."))
        first_row.setdefault(upn, number)
        values, points, cell_problems = check_values(cells, columns, pupil=pupil, term=term)
        problems += cell_problems
        if problems:
            name = pupil.full_name if pupil else ""
            preview.errors += [
                RowError(number, _header(sheet, columns, key), message, upn=upn, name=name)
                for key, message in problems
            ]
            continue
        preview.planned[pupil.pk] = (values, points)
        preview.rows.append((number, pupil, values, points))
    held = set(
        PupilTerm.objects.for_term(school, term).not_archived().values_list("pupil_id", flat=True)
    )
    preview.replacing, preview.dropping = len(held), len(held - set(preview.planned))
    return preview


def _unknown_upn(upn, school):
    try:
        codes.validate_upn(upn)
    except codes.InvalidUPN as exc:
        return str(exc)
    return f"No pupil at {school.name} has UPN {upn}. Import the pupil first."


def _header(sheet, columns, key):
    position = columns.get(key)
    return sheet.headers[position] if position is not None else column_label(key)


def apply_preview(preview, *, pupils, user=None, source=""):
    """Replace the term's rows with the preview's ready rows, atomically: the counts applied."""
    facts = snapshots(pupils.filter(pk__in=preview.planned), preview.term)
    replace_term(preview.school, preview.term, preview.planned, facts, user=user, source=source)
    return {"counts": preview.counts(), "errors": [error.as_dict() for error in preview.errors]}
