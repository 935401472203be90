"""Provision maps as spreadsheets (pandas and openpyxl only for writing the file)."""

import io

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def map_rows(sections, *, costed):
    """One row a place; names typed by staff stay text, numbers stay numbers."""
    for section in sections:
        for row in section.rows:
            place, pupil, intervention = row.place, row.place.pupil, row.place.group.intervention
            line = {
                "Section": section.name,
                "UPN": pupil.upn,
                "Surname": pupil.last_name,
                "Forename": pupil.first_name,
                "Year": pupil.year_group,
                "Form": pupil.form.name if pupil.form else "",
                "SEN stage": pupil.get_sen_stage_display(),
                "Provision": intervention.name,
                "Group": place.group.name,
                "Areas of need": ", ".join(intervention.area_labels),
                "Joined": place.joined_on.isoformat(),
                "Left": place.left_on.isoformat() if place.left_on else "",
                "Sessions planned": place.sessions_planned,
                "Sessions attended": place.sessions_attended,
                "Hours planned": float(row.planned_hours),
                "Hours attended": float(row.hours),
            }
            if costed:
                line["Cost (£)"] = float(row.cost)
                line["Pupil's total for the year (£)"] = float(row.pupil_total)
                line["Over element 2"] = "Y" if row.over_element_2 else "N"
            yield line


def xlsx_response(rows, *, filename_stem, sheet_name="Provision map"):
    """
    The rows as an XLSX file. Every text cell is written as text, so a name typed as
    "=…" is never read back as a formula.
    """
    import pandas as pd

    frame = pd.DataFrame(list(rows))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        for row in writer.sheets[sheet_name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
