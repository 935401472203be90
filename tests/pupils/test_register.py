"""The register as a legal record: decisions, corrections, filters and exports."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import ParentInformed, Pupil, RegisterEntry
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.reviews.ehc_plan_data import issue_plan

pytestmark = pytest.mark.django_db


def decide(world, pupil, stage, needs, on, **extra):
    senco = world.user(Role.SENCO)
    return record_register_change(
        pupil=pupil,
        stage=stage,
        needs=needs,
        effective_on=on,
        reason=extra.pop("reason", "Test decision"),
        decided_by=senco,
        recorded_by=senco,
        **extra,
    )


def test_a_decision_sets_stage_needs_and_since(world):
    pupil = world.taught
    decide(world, pupil, SenStage.MONITORING, [], date(2025, 1, 10))
    decide(world, pupil, SenStage.SEN_SUPPORT, ["SPLD", "SLCN"], date(2025, 3, 3))
    decide(world, pupil, SenStage.ASSESSMENT_REQUESTED, ["SPLD", "SLCN"], date(2025, 9, 1))
    pupil.refresh_from_db()
    assert pupil.sen_stage == SenStage.ASSESSMENT_REQUESTED
    assert pupil.census_code == "K"
    assert pupil.sen_since == date(2025, 3, 3)  # the spell on the register began then
    assert [n.code for n in pupil.needs.all()] == ["SPLD", "SLCN"]
    assert pupil.register_entries.count() == 3


def test_leaving_and_rejoining_restarts_since(world):
    pupil = world.taught
    decide(world, pupil, SenStage.SEN_SUPPORT, ["MLD"], date(2024, 9, 5))
    decide(world, pupil, SenStage.NONE, [], date(2025, 2, 1))
    decide(world, pupil, SenStage.SEN_SUPPORT, ["SEMH"], date(2025, 11, 3))
    pupil.refresh_from_db()
    assert pupil.sen_since == date(2025, 11, 3)


def test_a_correction_replaces_the_entry_and_keeps_it_on_record(world):
    pupil = world.taught
    wrong = decide(world, pupil, SenStage.SEN_SUPPORT, ["MLD"], date(2025, 3, 3))
    decide(
        world,
        pupil,
        SenStage.SEN_SUPPORT,
        ["SLCN"],
        date(2025, 3, 3),
        corrects=wrong,
        reason="Correction: wrong need entered",
    )
    pupil.refresh_from_db()
    assert [n.code for n in pupil.needs.all()] == ["SLCN"]
    assert RegisterEntry.objects.filter(pk=wrong.pk).exists()
    assert list(pupil.register_entries.in_force()) != [wrong]
    with pytest.raises(ValidationError, match="already been corrected"):
        decide(world, pupil, SenStage.SEN_SUPPORT, ["ASD"], date(2025, 3, 3), corrects=wrong)


def test_entries_cannot_be_edited(world):
    entry = decide(world, world.taught, SenStage.SEN_SUPPORT, ["MLD"], date(2025, 3, 3))
    entry.reason = "Rewritten"
    with pytest.raises(ValueError, match="legal record"):
        entry.save()


def test_future_dates_and_missing_needs_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        decide(world, world.taught, SenStage.SEN_SUPPORT, [], date.today() + timedelta(days=1))
    assert "future" in str(caught.value)
    assert "primary type of need" in str(caught.value)
    assert world.taught.register_entries.count() == 0


def test_a_failed_parent_informed_record_leaves_no_entry(world):
    """The decision and the s68 record are saved together or not at all."""
    with pytest.raises(IntegrityError):
        decide(
            world,
            world.taught,
            SenStage.SEN_SUPPORT,
            ["MLD"],
            date(2025, 3, 3),
            parent_informed={
                "informed_on": date(2025, 3, 4),
                "method": "pigeon",  # fits the column; refused by the check constraint
                "informed_by": world.user(Role.SENCO),
            },
        )
    world.taught.refresh_from_db()
    assert world.taught.register_entries.count() == 0
    assert world.taught.sen_stage == SenStage.NONE
    assert ParentInformed.objects.count() == 0


def post_change(client, pupil, **data):
    payload = {
        "stage": "sen_support",
        "primary_need": "SLCN",
        "secondary_need": "",
        "effective_on": date.today().isoformat(),
        "reason": "Screening and observation",
        "evidence": "",
        "informed_on": "",
        "informed_method": "",
        **data,
    }
    return client.post(reverse("pupils:change_status", args=[pupil.pk]), payload)


def test_joining_without_parent_informed_asks_for_it(client, world):
    client.force_login(world.user(Role.SENCO))
    response = post_change(client, world.taught)
    assert response["Location"] == reverse("pupils:parent_informed", args=[world.taught.pk])
    page = client.get(response["Location"])
    assert "Children and Families Act 2014 s68" in page.content.decode()
    response = client.post(
        response["Location"],
        {"informed_on": date.today().isoformat(), "method": "phone", "note": ""},
    )
    assert response.status_code == 302
    record = ParentInformed.objects.get()
    assert record.entry == world.taught.register_entries.get()


def test_change_form_explains_each_bad_field_and_saves_nothing(client, world):
    client.force_login(world.user(Role.SENCO))
    response = post_change(
        client,
        world.taught,
        primary_need="",
        secondary_need="ASD",
        effective_on=(date.today() + timedelta(days=3)).isoformat(),
        reason="",
        informed_on=date.today().isoformat(),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "future" in errors["effective_on"][0]
    assert "primary need" in errors["secondary_need"][0]
    assert "required" in errors["reason"][0]
    assert "both the date and how" in errors["informed_method"][0]
    assert world.taught.register_entries.count() == 0


def build_register(world):
    """Four pupils with different stages, needs, flags and forms."""
    form = TeachingGroupFactory(school=world.school, kind="form", name="9C", year_group=9)
    alice = PupilFactory(school=world.school, first_name="Alice", last_name="Archer", year_group=9,
                         form=form, free_school_meals=True)  # fmt: skip
    ben = PupilFactory(school=world.school, first_name="Ben", last_name="Baker", year_group=7)
    cara = PupilFactory(school=world.school, first_name="Cara", last_name="Cole", year_group=9,
                        form=form, eal=True)  # fmt: skip
    dan = PupilFactory(school=world.school, first_name="Dan", last_name="Dale", year_group=10,
                       left_on=date(2025, 7, 20))  # fmt: skip
    decide(world, alice, SenStage.SEN_SUPPORT, ["SPLD", "SLCN"], date(2025, 3, 3),
           parent_informed={"informed_on": date(2025, 3, 4), "method": "phone",
                            "informed_by": world.user(Role.SENCO)})  # fmt: skip
    issue_plan(ben, world.user(Role.SENCO), on=date(2024, 9, 5), needs=["ASD"])
    decide(world, cara, SenStage.SEN_SUPPORT, ["SEMH"], date(2024, 10, 1))
    decide(world, cara, SenStage.NONE, [], date(2025, 6, 1))
    decide(world, dan, SenStage.SEN_SUPPORT, ["MLD"], date(2024, 9, 5))
    return {"alice": alice, "ben": ben, "cara": cara, "dan": dan, "form": form}


def shown(client, **params):
    response = client.get(reverse("pupils:register"), params)
    assert response.status_code == 200
    return {p.first_name for p in response.context["page"]}, response.context["headline"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Alice", "Ben"}),
        ({"status": "K"}, {"Alice"}),
        ({"status": "E"}, {"Ben"}),
        ({"status": "N"}, {"Cara", "Taught", "Untaught"}),
        ({"need": "SLCN"}, {"Alice"}),  # any rank
        ({"area": "CI"}, {"Ben"}),  # primary need's area only
        ({"year_group": "9"}, {"Alice"}),
        ({"flags": "fsm"}, {"Alice"}),
        ({"status": "all", "flags": "eal"}, {"Cara"}),
        ({"parents_informed": "no"}, set()),  # Ben has an EHC plan: s68 does not apply
        ({"parents_informed": "yes"}, {"Alice"}),
        ({"q": "arch"}, {"Alice"}),
        ({"status": "all", "removed_from": "2025-04-01", "removed_to": "2025-08-31"}, {"Cara"}),
        ({"added_from": "2025-01-01", "added_to": "2025-12-31"}, {"Alice"}),
        ({"include_left": "on"}, {"Alice", "Ben", "Dan"}),
    ],
)
def test_register_filters(client, world, params, expected):
    build_register(world)
    client.force_login(world.user(Role.SENCO))
    names, _ = shown(client, **params)
    assert names == expected


def test_filter_by_form_and_search_by_upn(client, world):
    data = build_register(world)
    client.force_login(world.user(Role.SENCO))
    assert shown(client, form=data["form"].pk)[0] == {"Alice"}
    assert shown(client, status="all", q=data["cara"].upn.lower())[0] == {"Cara"}


def test_headline_counts_follow_the_filters(client, world):
    build_register(world)
    client.force_login(world.user(Role.SENCO))
    _, everyone = shown(client)
    assert (everyone["sen_support"], everyone["ehcp"], everyone["roll"]) == (1, 1, 5)
    _, year9 = shown(client, year_group="9")
    assert (year9["sen_support"], year9["ehcp"], year9["shown"]) == (1, 0, 1)


def test_register_sorts(client, world):
    build_register(world)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register"), {"sort": "-name"})
    assert [p.first_name for p in response.context["page"]] == ["Ben", "Alice"]
    response = client.get(reverse("pupils:register"), {"sort": "year"})
    assert [p.first_name for p in response.context["page"]] == ["Ben", "Alice"]


def test_htmx_request_gets_only_the_results(client, world):
    build_register(world)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register"), {"need": "ASD"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "Baker" in html and "Archer" not in html


def test_csv_export_is_exactly_what_is_shown(client, world):
    data = build_register(world)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register_export", args=["csv"]), {"year_group": "9"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["UPN"] for row in rows] == [data["alice"].upn]
    assert rows[0]["Primary need"] == "SPLD" and rows[0]["Secondary need"] == "SLCN"
    assert rows[0]["SEN provision code"] == "K"


def test_xlsx_export_is_exactly_what_is_shown(client, world):
    from openpyxl import load_workbook

    build_register(world)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "UPN"
    assert sorted(row[2] for row in rows[1:]) == ["Alice", "Ben"]


def test_exports_carry_the_context_columns_the_screen_leaves_out(client, world):
    """Rows are what the register shows; columns add every context flag."""
    from openpyxl import load_workbook

    data = build_register(world)
    alice = data["alice"]
    alice.previously_looked_after = True
    alice.attendance_percent = Decimal("91.5")
    alice.exclusions_count = 2
    alice.save()
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register_export", args=["csv"]), {"flags": "pla"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["UPN"] for row in rows] == [alice.upn]
    assert rows[0]["Previously looked after"] == "Y" and rows[0]["Looked after"] == "N"
    assert rows[0]["Attendance %"] == "91.5"
    assert rows[0]["Suspensions and exclusions"] == "2"
    response = client.get(reverse("pupils:register_export", args=["xlsx"]))
    header, *body = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    by_name = {row[header.index("Forename")]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["Alice"]["Suspensions and exclusions"] == 2
    assert by_name["Ben"]["Previously looked after"] == "N"
    assert by_name["Ben"]["Suspensions and exclusions"] == 0


def test_unknown_export_format_is_not_found(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.get(reverse("pupils:register_export", args=["pdf"])).status_code == 404


def test_teacher_sees_the_summary_not_the_full_file(client, world):
    decide(world, world.taught, SenStage.SEN_SUPPORT, ["SLCN"], date(2025, 3, 3))
    client.force_login(world.user(Role.TEACHER))
    page = client.get(reverse("pupils:detail", args=[world.taught.pk])).content.decode()
    assert "Speech, language and communication needs" in page
    assert "Register history" not in page
    assert "Test decision" not in page  # the rationale belongs to the full file


def test_leavers_are_archived_not_deleted(world):
    dan = PupilFactory(school=world.school, left_on=date(2025, 7, 20))
    assert Pupil.objects.archived().filter(pk=dan.pk).exists()
    assert not Pupil.objects.on_roll().filter(pk=dan.pk).exists()


def test_a_decision_through_the_page_is_kept_with_who_and_why(client, world):
    """Entry, pupil state, s68 record and a history row naming the SENCO, in one go."""
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    response = post_change(
        client,
        world.taught,
        primary_need="SPLD",
        secondary_need="SLCN",
        reason="Dyslexia screener and teacher round robin",
        evidence="Screener 2 Oct",
        informed_on=date.today().isoformat(),
        informed_method="meeting",
    )
    assert response["Location"] == world.taught.get_absolute_url()  # no s68 prompt needed
    entry = world.taught.register_entries.get()
    assert (entry.stage, entry.needs, entry.decided_by, entry.recorded_by) == (
        "sen_support", ["SPLD", "SLCN"], senco, senco,
    )  # fmt: skip
    assert entry.evidence == "Screener 2 Oct"
    informed = ParentInformed.objects.get(pupil=world.taught)
    assert (informed.entry, informed.method, informed.informed_by) == (entry, "meeting", senco)
    world.taught.refresh_from_db()
    assert (world.taught.sen_stage, world.taught.sen_since) == ("sen_support", date.today())
    assert [n.code for n in world.taught.needs.all()] == ["SPLD", "SLCN"]
    change = world.taught.history.latest()
    assert change.history_user == senco
    assert change.history_change_reason == "Dyslexia screener and teacher round robin"
    assert change.prev_record.sen_stage == "none"


def test_a_correction_through_the_page_marks_the_wrong_entry(client, world):
    wrong = decide(world, world.taught, SenStage.SEN_SUPPORT, ["MLD"], date(2025, 3, 3))
    client.force_login(world.user(Role.SENCO))
    response = post_change(client, world.taught, primary_need="SPLD", effective_on="2025-03-03",
                           reason="Correction: MLD was entered by mistake",
                           corrects=wrong.pk)  # fmt: skip
    assert response.status_code == 302
    correction = RegisterEntry.objects.get(corrects=wrong)
    assert correction.needs == ["SPLD"]
    page = client.get(world.taught.get_absolute_url()).content.decode()
    assert "Correction: MLD was entered by mistake" in page
    timeline = {e.pk: e.is_corrected for e in world.taught.register_entries.for_timeline()}
    assert timeline == {wrong.pk: True, correction.pk: False}


def test_the_s68_record_is_saved_with_the_entry(world):
    senco = world.user(Role.SENCO)
    entry = decide(world, world.taught, SenStage.SEN_SUPPORT, ["MLD"], date(2025, 3, 3),
                   parent_informed={"informed_on": date(2025, 3, 4), "method": "letter",
                                    "informed_by": senco, "note": "Letter home"})  # fmt: skip
    informed = entry.parents_informed.get()
    assert (informed.pupil, informed.informed_on, informed.note) == (
        world.taught, date(2025, 3, 4), "Letter home",
    )  # fmt: skip
    assert not Pupil.objects.without_parent_informed().filter(pk=world.taught.pk).exists()


def test_an_unknown_need_code_is_refused(world):
    with pytest.raises(ValidationError, match="Unknown type-of-need code: XYZ"):
        decide(world, world.taught, SenStage.SEN_SUPPORT, ["XYZ"], date(2025, 3, 3))
    assert not world.taught.register_entries.exists()


def test_filter_by_how_pupils_joined(client, world):
    build_register(world)
    client.force_login(world.user(Role.SENCO))
    assert shown(client, status="all", include_left="on", joined_as="E")[0] == {"Ben"}
    assert shown(client, status="all", include_left="on", joined_as="K")[0] == {
        "Alice", "Cara", "Dan",
    }  # fmt: skip


def test_register_pages_keep_filters_and_swap_in_place(client, world):
    """Over 50 pupils: page links keep the filters and load the next page with htmx."""
    senco = world.user(Role.SENCO)
    for _ in range(51):
        pupil = PupilFactory(school=world.school)
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"],
            effective_on=date(2025, 9, 1), reason="Paging", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    client.force_login(senco)
    html = client.get(reverse("pupils:register"), {"need": "SLCN"}).content.decode()
    nav = html.split('aria-label="Register pages"', 1)[1].split("</nav>", 1)[0]
    assert 'href="?need=SLCN&amp;page=2"' in nav and 'hx-get="?need=SLCN&amp;page=2"' in nav
    assert nav.split(">", 1)[0] == ' hx-target="#results" hx-swap="outerHTML" hx-push-url="true"'


# Formula injection (OWASP "CSV injection") -----------------------------------------------

# Names as an MIS could send them: each would run as a formula in a spreadsheet.
FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def formula_pupils(world):
    for name in FORMULA_NAMES:
        pupil = PupilFactory(school=world.school, first_name=name, last_name=name,
                             joined_on=date(2020, 9, 1))  # fmt: skip
        decide(world, pupil, SenStage.SEN_SUPPORT, ["SPLD"], date(2024, 9, 5))
    return [f"'{name}" for name in FORMULA_NAMES]


def xlsx_cells(content):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("export", ["pupils:register_export", "pupils:census_export"])
def test_xlsx_exports_hold_no_formula_and_keep_the_text_visible(client, world, formula_pupils,
                                                                 export):  # fmt: skip
    client.force_login(world.user(Role.SENCO))
    params = {"status": "all"} if export == "pupils:register_export" else {}

    response = client.get(reverse(export, args=["xlsx"]), params)

    cells = xlsx_cells(response.content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    forenames = {c.value for c in cells if c.column_letter == "C"}
    # XML keeps a CR in a cell as a line break (LF): the text is the same to the reader.
    assert {name.replace("\r", "\n") for name in formula_pupils} <= forenames


@pytest.mark.parametrize("export", ["pupils:register_export", "pupils:census_export"])
def test_csv_exports_start_no_cell_with_a_formula(client, world, formula_pupils, export):
    client.force_login(world.user(Role.SENCO))
    params = {"status": "all"} if export == "pupils:register_export" else {}

    response = client.get(reverse(export, args=["csv"]), params)

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [value for row in rows for value in row.values()]
    assert not [v for v in cells if v and v[0] in "=+-@\t\r"]
    assert set(formula_pupils) <= {row["Forename"] for row in rows}


def test_census_command_starts_no_cell_with_a_formula(world, formula_pupils, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "census.csv"
    call_command("export_census", school=world.school.urn, date=date.today().isoformat(),
                 output=str(out))  # fmt: skip

    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    cells = [value for row in rows for value in row.values()]
    assert not [v for v in cells if v and v[0] in "=+-@\t\r"]
    assert set(formula_pupils) <= {row["Surname"] for row in rows}


def test_register_rows_link_to_each_pupils_profile(world, senco_client):
    PupilFactory.create_batch(3, school=world.school, sen_stage=SenStage.SEN_SUPPORT)
    response = senco_client.get(reverse("pupils:register"))
    shown = list(response.context["page"])
    assert len(shown) >= 3
    html = response.content.decode()
    for pupil in shown:
        assert f'<a href="{pupil.get_absolute_url()}" class="fw-semibold">' in html
