"""
Register exports as CSV (written by pandas) or XLSX (openpyxl, every text cell as text).

An export holds exactly the pupils the register shows with the same filters. Its
columns carry more than the on-screen table: the full identifiers and every context
flag used in analysis (looked after and previously looked after, attendance,
exclusions), so a filtered export can be analysed on its own.

Every bulk export of SEN data (special category data, UK GDPR Art. 9) is
written to the access log: who, when, which export, how many pupils and, in the
path, the filters or census date used.

Names and other text come from the MIS import, so every cell of every export
(CSV and XLSX, site and command line) goes through spreadsheet_text(): a value a
spreadsheet would run as a formula is written as plain text (OWASP "CSV injection").
"""

import io
from datetime import date

from django.http import HttpResponse

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice
# and Google Sheets: =HYPERLINK(...) can send the file's data elsewhere (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


CSV_LINE_END = "\r\n"


def spreadsheet_text(value):
    """A cell value no spreadsheet will run: text that would start a formula gets a ' first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_rows(rows):
    """Every row with each text cell made safe by spreadsheet_text()."""
    for row in rows:
        yield {column: spreadsheet_text(value) for column, value in row.items()}


def register_rows(pupils):
    for pupil in pupils:
        needs = [need.code for need in pupil.needs.all()]
        yield {
            "UPN": pupil.upn,
            "Surname": pupil.last_name,
            "Forename": pupil.first_name,
            "Preferred name": pupil.preferred_name,
            "Date of birth": pupil.date_of_birth.isoformat(),
            "Year": pupil.year_group,
            "Form": pupil.form.name if pupil.form else "",
            "SEN stage": pupil.get_sen_stage_display(),
            "SEN provision code": pupil.census_code,
            "Primary need": needs[0] if needs else "",
            "Secondary need": needs[1] if len(needs) > 1 else "",
            "Other needs": " ".join(needs[2:]),
            "On register since": pupil.sen_since.isoformat() if pupil.sen_since else "",
            "Disabled": "Y" if pupil.is_disabled else "N",
            "FSM": "Y" if pupil.free_school_meals else "N",
            "Pupil premium": "Y" if pupil.pupil_premium else "N",
            "EAL": "Y" if pupil.eal else "N",
            "Looked after": "Y" if pupil.looked_after else "N",
            "Previously looked after": "Y" if pupil.previously_looked_after else "N",
            "Attendance %": float(pupil.attendance_percent)
            if pupil.attendance_percent is not None
            else "",
            "Suspensions and exclusions": pupil.exclusions_count,
            "Left on": pupil.left_on.isoformat() if pupil.left_on else "",
        }


def dataframe_response(rows, columns, file_format, filename_stem):
    content_type, extension = FORMATS[file_format]
    rows = list(spreadsheet_rows(rows))
    if file_format == "csv":
        import pandas as pd

        # CRLF line ends (RFC 4180) make the writer quote a cell holding a bare CR, which
        # a spreadsheet would otherwise read as the start of a new row.
        frame = pd.DataFrame(rows, columns=columns)
        body = frame.to_csv(index=False, lineterminator=CSV_LINE_END).encode("utf-8-sig")
    else:
        body = xlsx_bytes(rows, columns, sheet_name=filename_stem[:31])
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_bytes(rows, columns, *, sheet_name):
    """A workbook whose text cells are stored as text, so none is ever a formula."""
    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REGISTER_COLUMNS = [
    "UPN", "Surname", "Forename", "Preferred name", "Date of birth", "Year", "Form",
    "SEN stage", "SEN provision code", "Primary need", "Secondary need", "Other needs",
    "On register since", "Disabled", "FSM", "Pupil premium", "EAL", "Looked after",
    "Previously looked after", "Attendance %", "Suspensions and exclusions", "Left on",
]  # fmt: skip


def register_response(pupils, file_format, *, school):
    """The register file and how many pupils it holds."""
    stem = f"sen-register-{school.urn}-{date.today():%Y-%m-%d}"
    rows = list(register_rows(pupils))
    return dataframe_response(rows, REGISTER_COLUMNS, file_format, stem), len(rows)


# AccessLog keeps a pupil id, not a foreign key. A bulk export is no one pupil's file,
# so it is logged against 0, which no pupil has; it never shows on a pupil's history.
BULK_EXPORT_PUPIL_ID = 0


def record_export(*, user, role, school, what, path):
    """Write one access-log row for a bulk export."""
    from sendhub.models import AccessLog

    return AccessLog.objects.create(
        user=user,
        role=role,
        school=school,
        pupil_id=BULK_EXPORT_PUPIL_ID,
        what=what[:100],
        path=path[:500],
    )


def record_download(request, *, what, rows):
    """Log a bulk export downloaded through the site, with its filters (in the URL)."""
    return record_export(
        user=request.user,
        role=request.user.role,
        school=request.user.school,
        what=f"{what}: {rows} pupil{'' if rows == 1 else 's'}",
        path=request.get_full_path(),
    )
