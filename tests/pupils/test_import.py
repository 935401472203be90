"""
MIS import: files from SIMS, Arbor and Bromcom, checked row by row and
applied keyed on UPN. UPN check letters and census codes: docs/register.md.
"""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.codes import SenStage
from pupils.mis_import.cells import CellError, parse_need, parse_status, parse_uk_date
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import FIELDS, MAX_UPLOAD_BYTES, read_sheet, suggest_mapping
from pupils.models import ImportBatch, ImportMapping, Pupil, PupilNeed, RegisterEntry, TeachingGroup
from sendhub.roles import Role
from tests.factories import PupilFactory, SchoolFactory, valid_upn
from tests.pupils.import_files import SIMS_HEADER, csv_bytes, make_batch, sims_row, small_roll

pytestmark = pytest.mark.django_db


def run(tmp_path, content, school, *args, name="roll.csv"):
    """Run manage.py import_pupils; return (exit code, stdout)."""
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_pupils", str(path), "--school", school.urn, *args, stdout=out,
                     stderr=io.StringIO())  # fmt: skip
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def snapshot(school):
    """Everything an import may write, to prove that nothing was."""
    pupils = Pupil.objects.filter(school=school)
    return {
        "pupils": sorted(
            pupils.values_list("upn", "year_group", "form_id", "left_on", "sen_stage")
        ),
        "history": Pupil.history.filter(school=school).count(),
        "entries": RegisterEntry.objects.filter(pupil__school=school).count(),
        "needs": PupilNeed.objects.filter(pupil__school=school).count(),
        "groups": TeachingGroup.objects.filter(school=school).count(),
        "members": TeachingGroup.pupils.through.objects.filter(pupil__school=school).count(),
    }


@pytest.fixture
def school():
    return SchoolFactory(urn="123456")


# Reading cells -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("03/09/2014", date(2014, 9, 3)),
        ("3/9/14", date(2014, 9, 3)),
        ("2014-09-03", date(2014, 9, 3)),
        ("03-Sep-2014", date(2014, 9, 3)),
        ("3 September 2014", date(2014, 9, 3)),
        ("03.09.2014", date(2014, 9, 3)),
        ("03/09/2014 00:00:00", date(2014, 9, 3)),
        ("2014-09-03T00:00:00", date(2014, 9, 3)),
        (41885, date(2014, 9, 3)),  # Excel serial: 1 Jan 1900 is day 1
        ("41885", date(2014, 9, 3)),
        (41885.0, date(2014, 9, 3)),
        (datetime(2014, 9, 3, 0, 0), date(2014, 9, 3)),
        (" 03/09/2014 ", date(2014, 9, 3)),
    ],
)
def test_uk_dates_in_every_common_form_are_read(cell, expected):
    assert parse_uk_date(cell) == expected


@pytest.mark.parametrize("cell", ["09/31/2014", "next Tuesday", "2014", "31/02/2015"])
def test_impossible_or_american_dates_are_refused_with_a_hint(cell):
    with pytest.raises(CellError, match="day/month/year"):
        parse_uk_date(cell)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("K", "K"), ("k", "K"), ("SEN Support", "K"), ("K - SEN Support", "K"), ("E", "E"),
     ("EHC Plan", "E"), ("S", "E"), ("N", "N"), ("", "N"), ("No SEN", "N")],
)  # fmt: skip
def test_sen_status_reads_census_codes_and_words(cell, code):
    assert parse_status(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("SPLD", "SPLD"), ("SpLD", "SPLD"), ("Specific learning difficulty", "SPLD"),
     ("ASC", "ASD"), ("semh ", "SEMH"), ("SLCN - Speech, language and communication", "SLCN")],
)  # fmt: skip
def test_need_reads_census_codes_and_labels(cell, code):
    assert parse_need(cell) == code


def test_headers_of_each_mis_are_suggested():
    arbor = ["UPN", "Last Name", "First Name", "Preferred First Name", "Date of Birth", "Sex",
             "Year Group", "Registration Group", "SEN Provision", "SEN Need Type 1",
             "SEN Need Type 2", "Date of Admission", "Pupil Premium", "Leaving Date"]  # fmt: skip
    mapping = suggest_mapping(arbor)
    assert mapping == {
        "upn": "UPN", "last_name": "Last Name", "first_name": "First Name",
        "preferred_name": "Preferred First Name", "date_of_birth": "Date of Birth",
        "gender": "Sex", "year_group": "Year Group", "form": "Registration Group",
        "sen_status": "SEN Provision", "primary_need": "SEN Need Type 1",
        "secondary_need": "SEN Need Type 2", "joined_on": "Date of Admission",
        "pupil_premium": "Pupil Premium", "left_on": "Leaving Date",
    }  # fmt: skip
    sims = suggest_mapping(["Surname", "Legal Surname", "Forename", "Year", "Form"])
    assert sims["last_name"] == "Legal Surname"  # the legal name wins over the display name
    assert sims["year_group"] == "Year"


# Applying files through the command -----------------------------------------------


def test_clean_file_adds_pupils_forms_and_register_entries(tmp_path, school):
    code, out = run(tmp_path, small_roll(), school)

    assert code == 0, out
    assert "3 new, 0 changed, 0 unchanged" in out
    zara, oliver, mia = Pupil.objects.filter(school=school).order_by("last_name")
    assert (zara.first_name, zara.date_of_birth, zara.year_group) == ("Zara", date(2012, 9, 3), 8)
    assert zara.joined_on == date(2023, 9, 1) and zara.gender == "F"
    assert zara.form.name == "8A" and zara.form.kind == TeachingGroup.Kind.FORM
    # Tutors reach their form's pupils through the group's members.
    assert set(zara.form.pupils.all()) == {zara, oliver}
    assert zara.sen_stage == SenStage.NONE and not zara.register_entries.exists()
    assert oliver.sen_stage == SenStage.SEN_SUPPORT
    assert [n.code for n in oliver.needs.all()] == ["SPLD"]
    assert mia.sen_stage == SenStage.EHCP and [n.code for n in mia.needs.all()] == ["ASD", "SLCN"]
    entry = oliver.register_entries.get()
    assert entry.source == RegisterEntry.Source.IMPORT and entry.effective_on == date.today()
    assert "MIS import of roll.csv" in entry.reason
    assert zara.history.first().history_change_reason == "MIS import of roll.csv"


def test_bom_excel_dates_trailing_spaces_and_mixed_case_are_understood(tmp_path, school):
    header = [" upn ", "LEGAL SURNAME", "legal forename", "dob ", "Gender", "nc year",
              "Reg Group ", "sen status", "primary need"]  # fmt: skip
    upn = valid_upn(7)
    rows = [
        [f" {upn[:5].lower()} {upn[5:]} ", "O'Neill  ", " Siobhán", "41885", "female ", " 8 ",
         " 8a ", " k ", " spld "],
        [valid_upn(8), "Patel", "Arjun", "03-Sep-2013", "M", "Year 7", "7C", "n", ""],
        [valid_upn(9), "Nowak", "Ola", "2012-09-03 00:00:00", "F", "R", "RA", "sen support", "Slcn"],
    ]  # fmt: skip
    code, out = run(tmp_path, csv_bytes(rows, header, bom=True), school)

    assert code == 0, out
    pupil = Pupil.objects.get(school=school, upn=upn)
    assert (pupil.last_name, pupil.first_name) == ("O'Neill", "Siobhán")
    assert pupil.date_of_birth == date(2014, 9, 3) and pupil.gender == "F"
    assert pupil.form.name == "8a" and pupil.sen_stage == SenStage.SEN_SUPPORT
    assert Pupil.objects.get(upn=valid_upn(8)).date_of_birth == date(2013, 9, 3)
    nowak = Pupil.objects.get(upn=valid_upn(9))
    assert nowak.year_group == 0 and [n.code for n in nowak.needs.all()] == ["SLCN"]


def test_bad_upns_are_rejected_row_by_row_and_the_rest_applied(tmp_path, school):
    good = valid_upn(1)
    wrong_letter = ("A" if valid_upn(2)[0] != "A" else "B") + valid_upn(2)[1:]
    rows = [
        sims_row(1, "Good", "Gita", upn=good),
        sims_row(2, "Wrong", "Letter", upn=wrong_letter),
        sims_row(3, "Too", "Short", upn="A38340121"),
        sims_row(4, "Temporary", "Tomasz", upn=_temporary_upn()),
    ]
    code, out = run(tmp_path, csv_bytes(rows), school)

    assert code == 1
    assert f"Row 3, column “UPN”: The check letter of “{wrong_letter}” is wrong" in out
    assert "Row 4, column “UPN”: A UPN has 13 characters; “A38340121” has 9." in out
    # Each rejected row names its pupil, as far as the row does, even with a bad UPN.
    lines = {line.split(",")[0]: line for line in out.splitlines() if line.startswith("Row ")}
    assert lines["Row 3"].endswith(f"[Pupil: Letter Wrong, UPN {wrong_letter}]")
    assert lines["Row 4"].endswith("[Pupil: Short Too, UPN A38340121]")
    assert sorted(Pupil.objects.filter(school=school).values_list("last_name", flat=True)) == [
        "Good",
        "Temporary",
    ]
    assert Pupil.objects.get(last_name="Temporary").upn_is_temporary


def _temporary_upn():
    from stdnum.gb import upn as stdnum_upn

    body = "38340121400A"
    return stdnum_upn.calc_check_digit(body) + body


def test_duplicate_upns_within_the_file_reject_every_copy(tmp_path, school):
    rows = [
        sims_row(1, "First", "Copy"),
        sims_row(2, "Only", "Once"),
        sims_row(1, "Second", "Copy"),
    ]
    code, out = run(tmp_path, csv_bytes(rows), school)

    assert code == 1
    assert f"Row 2, column “UPN”: UPN {valid_upn(1)} is also on row 4." in out
    assert f"Row 4, column “UPN”: UPN {valid_upn(1)} is also on row 2." in out
    assert list(Pupil.objects.filter(school=school).values_list("last_name", flat=True)) == ["Only"]


def test_missing_required_column_writes_nothing_and_exits_2(tmp_path, school):
    header = [h for h in SIMS_HEADER if h != "DOB"]
    rows = [r[:4] + r[5:] for r in [sims_row(1, "Ahmed", "Zara")]]
    before = snapshot(school)

    code, out = run(tmp_path, csv_bytes(rows, header), school)

    assert code == 2
    assert "The file has no column for Date of birth" in out
    assert snapshot(school) == before


def test_unknown_codes_missing_values_and_bad_dates_are_explained(tmp_path, school):
    rows = [
        sims_row(1, "Bad", "Status", status="Q"),
        sims_row(2, "Bad", "Need", status="K", primary="Dyslexia"),
        sims_row(3, "No", "Need", status="K"),
        sims_row(4, "", "Nosurname"),
        sims_row(5, "Bad", "Date", dob="31/02/2012"),
        sims_row(6, "Future", "Born", dob=(date.today() + timedelta(days=3)).strftime("%d/%m/%Y")),
        sims_row(7, "Bad", "Year", year="Year 15"),
    ]
    code, out = run(tmp_path, csv_bytes(rows), school)

    assert code == 1
    assert "Row 2, column “SEN Status”: “Q” is not an SEN provision code. Use N" in out
    assert "Row 3, column “Primary Need”: “Dyslexia” is not a census type-of-need code" in out
    assert "Row 4, column “Primary Need”: SEN status K needs a primary type of need" in out
    assert "Row 5, column “Legal Surname”: Surname is empty." in out
    surname_line = next(line for line in out.splitlines() if line.startswith("Row 5,"))
    assert surname_line.endswith(f"[Pupil: Nosurname, UPN {valid_upn(4)}]")
    assert "Row 6, column “DOB”: “31/02/2012” is not a date we recognise." in out
    assert "Row 7, column “DOB”: The date of birth is in the future." in out
    assert "Row 8, column “NC Year”: “Year 15” is not a year group." in out
    assert not Pupil.objects.filter(school=school).exists()
    assert not TeachingGroup.objects.filter(school=school).exists()


def test_dates_that_would_break_the_record_are_rejected(tmp_path, school):
    header = [*SIMS_HEADER, "Leaving Date"]
    long_name = "N" * 101
    rows = [
        sims_row(1, "Left", "Before", admitted="01/09/2023") + ["31/08/2023"],
        sims_row(2, "New", "Leaver", admitted="") + ["01/01/2020"],
        sims_row(3, long_name, "Long") + [""],
        sims_row(4, "Fine", "Leaver", admitted="01/09/2023") + ["20/12/2024"],
    ]
    code, out = run(tmp_path, csv_bytes(rows, header), school)

    assert code == 1
    assert (
        "Row 2, column “Leaving Date”: The leaving date 31/08/2023 is before the admission "
        "date 01/09/2023. Check both dates in your MIS." in out
    )
    assert "before the admission date" in out and "(today, as the file gives none)" in out
    assert "Row 4, column “Legal Surname”: Surname is longer than 100 characters." in out
    assert Pupil.objects.get(school=school).left_on == date(2024, 12, 20)


def test_reimporting_the_same_file_changes_nothing(tmp_path, school):
    run(tmp_path, small_roll(), school)
    before = snapshot(school)

    code, out = run(tmp_path, small_roll(), school)

    assert code == 0
    assert "0 new, 0 changed, 3 unchanged, 0 marked as left, 0 register changes" in out
    assert snapshot(school) == before  # no new pupils, history rows, entries or needs


def test_monitoring_pupil_stays_monitoring_when_the_mis_says_n(tmp_path, school, world):
    """Monitoring is internal and still N in the census."""
    from pupils.register.services import record_register_change

    pupil = PupilFactory(school=school, upn=valid_upn(1), last_name="Ahmed", first_name="Zara")
    record_register_change(pupil=pupil, stage=SenStage.MONITORING, needs=[],
                           effective_on=date.today(), reason="Concern", decided_by=None,
                           recorded_by=None)  # fmt: skip
    run(tmp_path, small_roll(), school)

    pupil.refresh_from_db()
    assert pupil.sen_stage == SenStage.MONITORING
    assert pupil.register_entries.count() == 1


def test_changes_are_listed_by_field_and_applied_with_history(tmp_path, school):
    run(tmp_path, small_roll(), school)
    rows = [
        sims_row(1, "Ahmed", "Zara", year="9", form="9B"),
        sims_row(2, "Brown", "Oliver", gender="M", status="N"),
        sims_row(
            3, "Clarke", "Mia", year="9", form="9B", status="E", primary="ASD", secondary="SLCN"
        ),  # fmt: skip
    ]
    sheet = read_sheet(csv_bytes(rows), "roll.csv")
    preview = build_preview(
        sheet, school=school, pupils=Pupil.objects.all(),
        mapping=suggest_mapping(sheet.headers),
    )  # fmt: skip
    assert [(p.upn, p.changed_labels) for p in preview.changed] == [
        (valid_upn(1), ["Year group", "Form"]),
        (valid_upn(2), ["SEN status and needs"]),
    ]
    assert preview.changed[1].changes == [
        ("SEN status and needs", "SEN support (K): SPLD", "No SEN (N)")
    ]

    code, _out = run(tmp_path, csv_bytes(rows), school)

    assert code == 0
    zara = Pupil.objects.get(upn=valid_upn(1))
    assert (zara.year_group, zara.form.name) == (9, "9B")
    assert zara not in TeachingGroup.objects.get(name="8A").pupils.all()
    assert zara in TeachingGroup.objects.get(name="9B").pupils.all()
    assert zara.history.first().history_change_reason == "MIS import of roll.csv"
    oliver = Pupil.objects.get(upn=valid_upn(2))
    assert oliver.sen_stage == SenStage.NONE and not oliver.needs.exists()
    assert oliver.register_entries.count() == 2  # joined, then left: both kept


def test_a_blank_sex_keeps_ours_and_a_new_pupil_is_recorded_as_not_stated(tmp_path, school):
    """Some MIS exports leave the cell empty; that is not a reason to refuse the row, nor
    to overwrite what the school already holds."""
    run(tmp_path, csv_bytes([sims_row(1, "Ahmed", "Zara")]), school)
    rows = [sims_row(1, "Ahmed", "Zara", gender=""), sims_row(2, "Brown", "Oliver", gender="")]

    code, out = run(tmp_path, csv_bytes(rows), school)

    assert code == 0, out
    assert "1 new, 0 changed, 1 unchanged" in out
    genders = dict(Pupil.objects.filter(school=school).values_list("last_name", "gender"))
    assert genders == {"Ahmed": "F", "Brown": Pupil.Gender.OTHER}


def test_full_roll_archives_pupils_missing_from_it_and_never_deletes(tmp_path, school):
    run(tmp_path, small_roll(), school)
    rows = [sims_row(1, "Ahmed", "Zara"), sims_row(3, "Clarke", "Mia", year="9", form="9B",
            status="E", primary="ASD", secondary="SLCN")]  # fmt: skip

    code, out = run(tmp_path, csv_bytes(rows), school)  # not a full roll: nobody leaves
    assert code == 0 and "0 marked as left" in out
    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")

    assert code == 0 and "1 marked as left" in out
    oliver = Pupil.objects.get(school=school, upn=valid_upn(2))
    assert oliver.left_on == date.today() - timedelta(days=1)
    assert oliver not in Pupil.objects.on_roll() and oliver in Pupil.objects.archived()
    assert oliver.register_entries.count() == 1  # his SEN record is kept
    assert Pupil.objects.filter(school=school).count() == 3
    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")
    assert "0 marked as left" in out  # already archived


def test_rejected_row_of_a_full_roll_does_not_mark_its_pupil_as_left(tmp_path, school):
    run(tmp_path, small_roll(), school)
    rows = [sims_row(1, "Ahmed", "Zara"), sims_row(2, "Brown", "Oliver", dob="soon"),
            sims_row(3, "Clarke", "Mia", year="9", status="E", primary="ASD")]  # fmt: skip

    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")

    assert code == 1 and "0 marked as left" in out
    assert Pupil.objects.get(upn=valid_upn(2)).left_on is None


def test_dry_run_writes_nothing(tmp_path, school):
    before = snapshot(school)

    code, out = run(tmp_path, small_roll(), school, "--dry-run", "--full-roll")

    assert code == 0
    assert "Would import roll.csv" in out and "3 new" in out and "Dry run" in out
    assert snapshot(school) == before


def test_xlsx_with_real_dates_and_a_title_row_is_imported(tmp_path, school):
    import pandas as pd

    rows = [
        [valid_upn(1), "Ahmed", "Zara", datetime(2012, 9, 3), 8, "8A", "K", "SEMH"],
        [valid_upn(2), "Brown", "Oliver", datetime(2011, 1, 31), 9.0, "9B", None, None],
    ]
    header = ["UPN", "Surname", "Forename", "Date of Birth", "Year", "Form", "SEN Status",
              "SEN Need Type 1"]  # fmt: skip
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame([["Pupil list: Oakfield Academy"]]).to_excel(writer, index=False, header=False)
        pd.DataFrame(rows, columns=header).to_excel(writer, index=False, startrow=2)

    code, out = run(tmp_path, buffer.getvalue(), school, name="roll.xlsx")

    assert code == 0, out
    zara = Pupil.objects.get(upn=valid_upn(1))
    assert zara.date_of_birth == date(2012, 9, 3) and zara.sen_stage == SenStage.SEN_SUPPORT
    assert Pupil.objects.get(upn=valid_upn(2)).year_group == 9


def test_xlsx_row_numbers_match_the_spreadsheet(tmp_path, school):
    import pandas as pd

    buffer = io.BytesIO()
    frame = pd.DataFrame([sims_row(1, "A", "B"), sims_row(2, "C", "D", dob="never")],
                         columns=SIMS_HEADER)  # fmt: skip
    frame.to_excel(buffer, index=False)
    code, out = run(tmp_path, buffer.getvalue(), school, name="roll.xlsx")
    assert code == 1 and "Row 3, column “DOB”" in out


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "roll.csv", "The file is empty."),
        (b"not a zip", "roll.xlsx", "not an Excel .xlsx file"),
        (b"%PDF-1.4", "roll.pdf", "Upload a CSV (.csv) or Excel (.xlsx) file"),
        (b"UPN,Surname\n", "roll.csv", "The file has no column for Forename, Date of birth"),
    ],
)
def test_unusable_files_exit_2(tmp_path, school, content, name, message):
    code, out = run(tmp_path, content, school, name=name)
    assert code == 2 and message in out
    assert not Pupil.objects.exists()


def test_unknown_school_and_missing_file_exit_2(tmp_path, school):
    path = tmp_path / "roll.csv"
    path.write_bytes(small_roll())
    with pytest.raises(CommandError, match="No school has URN 999999") as exc:
        call_command("import_pupils", str(path), "--school", "999999")
    assert exc.value.returncode == 2
    with pytest.raises(CommandError, match="Cannot read") as exc:
        call_command("import_pupils", str(tmp_path / "nope.csv"), "--school", school.urn)
    assert exc.value.returncode == 2


def test_command_can_use_the_mapping_the_school_chose(tmp_path, school):
    header = ["Pupil ref", "Family", "Given", "Born", "Yr"]
    rows = [[valid_upn(1), "Ahmed", "Zara", "03/09/2012", "8"]]
    ImportMapping.objects.create(
        school=school,
        columns={"upn": "Pupil ref", "last_name": "Family", "first_name": "Given",
                 "date_of_birth": "Born", "year_group": "Yr"},
    )  # fmt: skip
    assert run(tmp_path, csv_bytes(rows, header), school)[0] == 2  # common names only
    code, out = run(tmp_path, csv_bytes(rows, header), school, "--mapping-from-school")
    assert code == 0, out
    assert Pupil.objects.get(upn=valid_upn(1)).last_name == "Ahmed"


@pytest.mark.slow
def test_a_2500_pupil_file_imports_and_reimports_unchanged(tmp_path, school):
    """Its time budget (30 s each way) is kept in docs/speed-budgets.md, not asserted here."""
    statuses = ["N"] * 8 + ["K", "E"]
    rows = [
        sims_row(
            n,
            f"Surname{n}",
            f"Forename{n}",
            year=str(7 + n % 5),
            form=f"{7 + n % 5}{'ABCDEFG'[n % 7]}",
            status=statuses[n % 10],
            primary="SEMH" if statuses[n % 10] != "N" else "",
            upn=valid_upn(n, year=10 + n // 1000),
        )  # fmt: skip
        for n in range(2500)
    ]
    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")

    assert code == 0, out
    assert Pupil.objects.filter(school=school).count() == 2500
    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")
    assert "2500 unchanged" in out


# The screens ----------------------------------------------------------------------


def upload(client, content, name="roll.csv", full_roll=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, content)}
    if full_roll:
        data["full_roll"] = "on"
    return client.post(reverse("pupils:import"), data)


def test_upload_check_and_apply_through_the_screens(world, senco_client):
    rows = [sims_row(1, "Ahmed", "Zara"), sims_row(2, "Brown", "Oliver", upn="X12")]
    response = upload(senco_client, csv_bytes(rows))
    batch = ImportBatch.objects.get()
    assert response.url == reverse("pupils:import_preview", args=[batch.pk])

    response = senco_client.get(response.url)
    assert response.status_code == 200
    assert response.context["counts"] == {"rows": 2, "new": 1, "changed": 0, "unchanged": 0,
                                          "rejected": 1, "leaving": 0, "register_changes": 0}  # fmt: skip
    html = response.content.decode()
    assert "A UPN has 13 characters; “X12” has 3." in html
    assert '<th scope="col">Pupil</th>' in html
    assert "Oliver Brown" in html and "UPN X12" in html
    assert not Pupil.objects.filter(school=world.school, upn=valid_upn(1)).exists()

    response = senco_client.post(reverse("pupils:import_apply", args=[batch.pk]))
    assert response.url == reverse("pupils:import_result", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.is_applied and batch.sheet == {}
    assert batch.result["errors"][0]["row"] == 3
    zara = Pupil.objects.get(school=world.school, upn=valid_upn(1))
    assert zara.history.first().history_user == world.user(Role.SENCO)
    page = senco_client.get(response.url).content.decode()
    assert "1 row was not imported" in page and "X12" in page
    assert "Oliver Brown" in page  # stored with the result, so it stays after the file goes
    assert batch.result["errors"][0]["name"] == "Oliver Brown"
    # Applying twice does nothing more.
    senco_client.post(reverse("pupils:import_apply", args=[batch.pk]))
    assert Pupil.history.filter(upn=valid_upn(1)).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roll.xls", b"\xd0\xcf\x11\xe0", "Older Excel files (.xls) must be saved as .xlsx"),
        ("roll.csv", b"", "The submitted file is empty."),
        ("roll.xlsx", b"PK\x03\x04 broken", "is not an Excel workbook"),
        ("roll.csv", b"UPN,Surname\r\n", "The file has a header row but no pupils under it."),
    ],
)
def test_upload_refuses_unusable_files_with_a_reason(world, senco_client, name, content, message):
    response = upload(senco_client, content, name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_upload_refuses_files_over_the_size_limit(world, senco_client, settings):
    content = small_roll() + b" " * MAX_UPLOAD_BYTES
    response = upload(senco_client, content)
    assert "the largest we accept is 5 MB" in str(response.context["form"].errors["file"])


def test_changed_columns_are_remembered_for_the_school(world, senco_client):
    header = ["Pupil ref", "Surname", "Forename", "DOB", "Year"]
    content = csv_bytes([[valid_upn(1), "Ahmed", "Zara", "03/09/2012", "8"]], header)
    upload(senco_client, content)
    batch = ImportBatch.objects.get()
    response = senco_client.get(reverse("pupils:import_preview", args=[batch.pk]))
    assert "The file has no column for UPN" in response.content.decode()

    mapping = {f.key: "" for f in FIELDS} | {
        "upn": "Pupil ref", "last_name": "Surname", "first_name": "Forename",
        "date_of_birth": "DOB", "year_group": "Year",
    }  # fmt: skip
    senco_client.post(reverse("pupils:import_preview", args=[batch.pk]), mapping)

    assert ImportMapping.objects.get(school=world.school).columns["upn"] == "Pupil ref"
    upload(senco_client, content)
    assert ImportBatch.objects.order_by("-pk").first().columns["upn"] == "Pupil ref"


def test_a_column_chosen_twice_is_refused(world, senco_client):
    batch = make_batch(world)
    mapping = dict(batch.columns) | {"preferred_name": "Legal Surname"}
    response = senco_client.post(reverse("pupils:import_preview", args=[batch.pk]), mapping)
    assert "“Legal Surname” is already chosen for Surname" in response.content.decode()


def test_school_admin_imports_the_roll_but_not_sen_data(world, login):
    client = login(world.user(Role.ADMIN))
    batch = make_batch(world)
    response = client.get(reverse("pupils:import_preview", args=[batch.pk]))
    assert "only someone who may change the SEN register" in response.content.decode()

    client.post(reverse("pupils:import_apply", args=[batch.pk]))

    assert Pupil.objects.filter(school=world.school).count() == 5
    assert not RegisterEntry.objects.exists()


def test_another_schools_batch_is_not_found(world, login):
    batch = make_batch(world)
    batch.school = world.other_school
    batch.save()
    client = login(world.user(Role.SENCO))
    for name in ("pupils:import_preview", "pupils:import_result"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("pupils:import_apply", args=[batch.pk])).status_code == 404
    assert not Pupil.objects.filter(school=world.other_school, upn=valid_upn(1)).exists()


def test_roles_without_the_import_permission_are_refused(world, login):
    batch = make_batch(world)
    for role in (Role.SENIOR_LEADER, Role.TEACHER, Role.PARENT, Role.GOVERNOR):
        client = login(world.user(role))
        assert client.get(reverse("pupils:import")).status_code == 403
        assert client.post(reverse("pupils:import_apply", args=[batch.pk])).status_code == 403
    assert not Pupil.objects.filter(upn=valid_upn(1)).exists()


def _many_rows(count):
    return csv_bytes(
        [sims_row(n + 1, f"Surname{n}", f"Forename{n}", form=f"8{'ABC'[n % 3]}",
                  status="K" if n % 2 else "N", primary="MLD" if n % 2 else "")
         for n in range(count)]
    )  # fmt: skip


@pytest.mark.parametrize("page", ["pupils:import", "pupils:import_preview", "pupils:import_result"])
def test_import_pages_run_a_fixed_number_of_queries(
    world, senco_client, django_assert_num_queries, page
):
    """One row and one pupil, then six of each: the same number of queries."""

    def url_for(size):
        for n in range(size):
            PupilFactory(school=world.school, upn=valid_upn(500 + 10 * size + n))
        batch = make_batch(world, content=_many_rows(size), applied=page == "pupils:import_result")
        return reverse(page) if page == "pupils:import" else reverse(page, args=[batch.pk])

    url = url_for(1)
    with CaptureQueriesContext(connection) as baseline:
        assert senco_client.get(url).status_code == 200
    url = url_for(6)
    with django_assert_num_queries(len(baseline)):
        assert senco_client.get(url).status_code == 200


# Parsed once, within limits ---------------------------------------------------------


def test_apply_uses_the_rows_the_preview_read_not_the_file_again(world, senco_client):
    upload(senco_client, csv_bytes([sims_row(1, "Ahmed", "Zara")]))
    batch = ImportBatch.objects.get()
    assert senco_client.get(reverse("pupils:import_preview", args=[batch.pk])).status_code == 200
    # No file is kept to read again: the previewed rows are what is applied.
    senco_client.post(reverse("pupils:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.is_applied and batch.sheet == {}
    assert Pupil.objects.get(school=world.school, upn=valid_upn(1)).first_name == "Zara"


def test_only_the_rows_as_read_are_kept_with_an_upload(world, senco_client):
    upload(senco_client, csv_bytes([sims_row(1, "Ahmed", "Zara")]))
    batch = ImportBatch.objects.get()
    assert "content" not in {field.name for field in ImportBatch._meta.get_fields()}
    assert batch.sheet["headers"][:3] == SIMS_HEADER[:3]
    assert [row[0] for row in batch.sheet["rows"]] == [2]


def test_xlsx_dates_survive_being_kept_between_preview_and_apply(world, senco_client):
    import pandas as pd

    buffer = io.BytesIO()
    row = sims_row(1, "Ahmed", "Zara")
    frame = pd.DataFrame([row], columns=SIMS_HEADER)
    frame[SIMS_HEADER[SIMS_HEADER.index("DOB")]] = pd.to_datetime(["2012-09-03"])
    frame.to_excel(buffer, index=False)
    upload(senco_client, buffer.getvalue(), "roll.xlsx")
    batch = ImportBatch.objects.get()
    senco_client.post(reverse("pupils:import_apply", args=[batch.pk]))
    assert Pupil.objects.get(upn=valid_upn(1)).date_of_birth.isoformat() == "2012-09-03"


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda: csv_bytes([sims_row(1, "A", "B")] * 10_020), "roll.csv", "more than 10,000 rows"),
        (
            lambda: ",".join(f"c{i}" for i in range(201)).encode() + b"\n1\n",
            "roll.csv",
            "201 columns; the most we read is 200",
        ),
        (lambda: csv_bytes([sims_row(1, "A" * 1001, "B")]), "roll.csv", "1,001 characters"),
        (lambda: "UPN,Name\nA1,Zoë\x00\n".encode(), "roll.csv", "does not look like a CSV"),
    ],
)
def test_files_over_a_limit_are_refused_and_nothing_is_saved(
    world, senco_client, make, name, message
):
    response = upload(senco_client, make(), name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists() and not Pupil.objects.filter(upn=valid_upn(1)).exists()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(world, senco_client):
    from tests.upload_files import CONTENT_TYPES, zipped

    bomb = zipped({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<w/>",
                   "xl/worksheets/sheet1.xml": b" " * (120 * 1024 * 1024)})  # fmt: skip
    response = upload(senco_client, bomb, "roll.xlsx")
    assert "unpacks to" in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_an_upload_with_no_rows_kept_is_asked_for_again_not_shown_empty(world, senco_client):
    """An upload from before files were read at upload, which could not be read since."""
    batch = make_batch(world)
    ImportBatch.objects.filter(pk=batch.pk).update(sheet={})
    for response in (
        senco_client.get(reverse("pupils:import_preview", args=[batch.pk]), follow=True),
        senco_client.post(reverse("pupils:import_apply", args=[batch.pk]), follow=True),
    ):
        assert "was uploaded before an upgrade" in response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("pupils:import")
    batch.refresh_from_db()
    assert not batch.is_applied
