"""Small MIS export files for the import tests, built the way SIMS and Arbor write them."""

import csv
import io

from pupils.models import ImportBatch
from sendhub.roles import Role
from tests.factories import valid_upn

SIMS_HEADER = ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "DOB", "Gender",
               "NC Year", "Reg Group", "SEN Status", "Primary Need", "Secondary Need",
               "Admission Date", "FSM Eligible", "EAL"]  # fmt: skip


def sims_row(serial, surname, forename, *, dob="03/09/2012", gender="F", year="8", form="8A",
             status="N", primary="", secondary="", admitted="01/09/2023", fsm="N", eal="N",
             upn=None, preferred=""):  # fmt: skip
    return [upn or valid_upn(serial), surname, forename, preferred, dob, gender, year, form,
            status, primary, secondary, admitted, fsm, eal]  # fmt: skip


def csv_bytes(rows, header=SIMS_HEADER, *, bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def small_roll():
    """Three pupils: one with no SEN, one on SEN support, one with an EHC plan."""
    return csv_bytes(
        [
            sims_row(1, "Ahmed", "Zara"),
            sims_row(2, "Brown", "Oliver", gender="M", status="K", primary="SPLD"),
            sims_row(
                3, "Clarke", "Mia", year="9", form="9B", status="E", primary="ASD", secondary="SLCN"
            ),  # fmt: skip
        ]
    )


def make_batch(world, *, applied=False, content=None):
    """An uploaded batch for the world's school, as the upload screen would store it."""
    from pupils.mis_import.reading import read_sheet, suggest_mapping

    content = small_roll() if content is None else content
    sheet = read_sheet(content, "roll.csv")
    return ImportBatch.objects.create(
        school=world.school,
        uploaded_by=world.user(Role.SENCO),
        filename="roll.csv",
        sheet={} if applied else sheet.to_json(),
        columns=suggest_mapping(sheet.headers),
        status=ImportBatch.Status.APPLIED if applied else ImportBatch.Status.PREVIEW,
        result={"counts": {"rows": 0, "new": 0, "changed": 0, "unchanged": 0, "rejected": 0,
                           "leaving": 0, "register_changes": 0}, "errors": []} if applied else {},
    )  # fmt: skip


def batch_kwargs(*, applied=False):
    def kwargs(world, role, in_scope):
        return {"pk": make_batch(world, applied=applied).pk}

    return kwargs
