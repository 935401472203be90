"""The census extract reproduces the register as it stood on a past date."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import Pupil
from pupils.register.census import census_rows, movement
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.reviews.ehc_plan_data import cease_plan, issue_plan

pytestmark = pytest.mark.django_db


def decide(world, pupil, stage, needs, on, **extra):
    senco = world.user(Role.SENCO)
    return record_register_change(
        pupil=pupil, stage=stage, needs=needs, effective_on=on, reason="Test",
        decided_by=senco, recorded_by=senco, **extra,
    )  # fmt: skip


@pytest.fixture
def history(world):
    """
    Kit: K (SPLD) from 1 Mar 2024, assessment requested 10 Mar 2025, E from 10 Jun 2025.
    Lee: K (SEMH, SLCN) from 5 Sep 2024, off the register 2 Jun 2025.
    Mo: K wrongly recorded as MLD on 1 Oct 2024, corrected to ASD.
    Nia: K from 1 Sep 2024, left the school 20 Jul 2025.
    Ola: joined the school 1 Jan 2026.
    """
    kit = PupilFactory(school=world.school, first_name="Kit", joined_on=date(2023, 9, 1))
    lee = PupilFactory(school=world.school, first_name="Lee", joined_on=date(2023, 9, 1))
    mo = PupilFactory(school=world.school, first_name="Mo", joined_on=date(2023, 9, 1))
    nia = PupilFactory(school=world.school, first_name="Nia", joined_on=date(2023, 9, 1),
                       left_on=date(2025, 7, 20))  # fmt: skip
    ola = PupilFactory(school=world.school, first_name="Ola", joined_on=date(2026, 1, 1))
    decide(world, kit, SenStage.SEN_SUPPORT, ["SPLD"], date(2024, 3, 1))
    decide(world, kit, SenStage.ASSESSMENT_REQUESTED, ["SPLD"], date(2025, 3, 10))
    issue_plan(kit, world.user(Role.SENCO), on=date(2025, 6, 10), needs=["SPLD", "SEMH"])
    decide(world, lee, SenStage.SEN_SUPPORT, ["SEMH", "SLCN"], date(2024, 9, 5))
    decide(world, lee, SenStage.NONE, [], date(2025, 6, 2))
    wrong = decide(world, mo, SenStage.SEN_SUPPORT, ["MLD"], date(2024, 10, 1))
    decide(world, mo, SenStage.SEN_SUPPORT, ["ASD"], date(2024, 10, 1), corrects=wrong)
    decide(world, nia, SenStage.SEN_SUPPORT, ["HI"], date(2024, 9, 1))
    return {"kit": kit, "lee": lee, "mo": mo, "nia": nia, "ola": ola}


def extract(world, when):
    rows = census_rows(Pupil.objects.filter(school=world.school), when)
    return {row["Forename"]: (row["SEN provision"], row["SEN type rank 1"], row["SEN type rank 2"])
            for row in rows if row["Forename"] in {"Kit", "Lee", "Mo", "Nia", "Ola"}}  # fmt: skip


def test_spring_2024_census(world, history):
    assert extract(world, date(2024, 1, 18)) == {
        "Kit": ("N", "", ""), "Lee": ("N", "", ""), "Mo": ("N", "", ""), "Nia": ("N", "", ""),
    }  # fmt: skip


def test_autumn_2024_census(world, history):
    assert extract(world, date(2024, 10, 3)) == {
        "Kit": ("K", "SPLD", ""),
        "Lee": ("K", "SEMH", "SLCN"),
        "Mo": ("K", "ASD", ""),  # the correction applies to every date
        "Nia": ("K", "HI", ""),
    }


def test_summer_2025_census(world, history):
    """Kit's assessment request is still K; Lee is off the register."""
    assert extract(world, date(2025, 5, 15)) == {
        "Kit": ("K", "SPLD", ""), "Lee": ("K", "SEMH", "SLCN"), "Mo": ("K", "ASD", ""),
        "Nia": ("K", "HI", ""),
    }  # fmt: skip
    assert extract(world, date(2025, 6, 10))["Kit"] == ("E", "SPLD", "SEMH")
    assert extract(world, date(2025, 6, 10))["Lee"] == ("N", "", "")


def test_autumn_2025_census_excludes_leavers_and_includes_only_pupils_on_roll(world, history):
    on_day = extract(world, date(2025, 10, 2))
    assert "Nia" not in on_day
    assert "Ola" not in on_day
    assert "Ola" in extract(world, date(2026, 1, 15))


def test_later_changes_do_not_alter_a_past_census(world, history):
    before = extract(world, date(2025, 10, 2))
    decide(world, history["lee"], SenStage.SEN_SUPPORT, ["SEMH"], date(2025, 11, 5))
    cease_plan(history["kit"], world.user(Role.SENCO), on=date(2026, 2, 1), stage=SenStage.NONE)
    assert extract(world, date(2025, 10, 2)) == before


def test_census_query_count_is_fixed(world, history, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(census_rows(Pupil.objects.filter(school=world.school), date(2025, 10, 2)))


def test_export_census_command(world, history, tmp_path, capsys):
    out = tmp_path / "census.csv"
    call_command("export_census", school=world.school.urn, date="2024-10-03", output=str(out))
    rows = {r["UPN"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    kit = rows[history["kit"].upn]
    assert (kit["SEN provision"], kit["SEN type rank 1"]) == ("K", "SPLD")
    assert (
        len(rows) == Pupil.objects.filter(school=world.school).on_roll(on=date(2024, 10, 3)).count()
    )


def test_export_census_command_refuses_bad_input(world):
    with pytest.raises(CommandError, match="No school has the URN"):
        call_command("export_census", school="999999", date="2024-10-03")
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_census", school=world.school.urn, date="03/10/2024")


def test_census_page_and_download(client, world, history):
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:census"), {"date": "2024-10-03"})
    assert page.context["summary"]["counts"]["K"] == 4
    response = client.get(reverse("pupils:census_export", args=["csv"]), {"date": "2024-10-03"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["SEN provision"] for r in rows if r["UPN"] == history["kit"].upn} == {"K"}


def test_census_page_explains_a_future_or_bad_date(client, world):
    client.force_login(world.user(Role.SENCO))
    assert "passed" in client.get(reverse("pupils:census"), {"date": "2999-01-01"}).context["error"]
    assert "calendar date" in client.get(reverse("pupils:census"), {"date": "x"}).context["error"]


def test_movement_per_term(world, history):
    rows = {r["label"]: r for r in movement(Pupil.objects.filter(school=world.school),
                                            school_years=[2023, 2024])}  # fmt: skip
    assert rows["Spring 2024"]["joined_k"] == 1  # Kit, 1 Mar 2024
    autumn = rows["Autumn 2024"]
    assert (autumn["joined_k"], autumn["joined_e"], autumn["left"]) == (3, 0, 0)  # Lee, Mo, Nia
    summer = rows["Summer 2025"]
    assert summer["to_ehcp"] == 1  # Kit: assessment requested (K) to EHC plan
    assert summer["left"] == 1  # Lee came off the register
    assert summer["left_school"] == 1  # Nia left while on SEN support


def test_movement_page(client, world, history):
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:movement"))
    assert response.status_code == 200
    assert "Movement on and off the register" in response.content.decode()


def on_register(world, when):
    """{forename: (stage, needs)} for pupils on roll and on the register on a date."""
    pupils = Pupil.objects.filter(school=world.school).on_register_on(when)
    return {p.first_name: (p.stage_on, p.needs_on) for p in pupils}


def test_who_was_on_the_register_on_each_date(world, history):
    """Worked dates over Kit's, Lee's, Mo's and Nia's histories."""
    cease_plan(
        history["kit"], world.user(Role.SENCO), on=date(2026, 2, 1), stage=SenStage.NONE
    )  # plan ceased
    assert on_register(world, date(2024, 2, 29)) == {}
    assert on_register(world, date(2024, 3, 1)) == {"Kit": ("sen_support", ["SPLD"])}
    assert on_register(world, date(2024, 10, 1)) == {
        "Kit": ("sen_support", ["SPLD"]),
        "Lee": ("sen_support", ["SEMH", "SLCN"]),
        "Mo": ("sen_support", ["ASD"]),  # the correction, never the wrong MLD entry
        "Nia": ("sen_support", ["HI"]),
    }
    assert on_register(world, date(2025, 6, 9))["Kit"] == ("assessment_requested", ["SPLD"])
    on_10_june = on_register(world, date(2025, 6, 10))
    assert on_10_june["Kit"] == ("ehcp", ["SPLD", "SEMH"])
    assert "Lee" not in on_10_june  # off the register from 2 June 2025
    assert "Nia" in on_register(world, date(2025, 7, 20))  # her last day on roll
    assert set(on_register(world, date(2025, 7, 21))) == {"Kit", "Mo"}  # Nia has left
    assert set(on_register(world, date(2026, 2, 1))) == {"Mo"}  # Kit's plan ceased


def test_register_on_a_date_is_one_query(world, history, django_assert_num_queries):
    with django_assert_num_queries(1):
        state = on_register(world, date(2025, 6, 10))
    assert set(state) == {"Kit", "Mo", "Nia"}


def test_a_correction_with_a_different_date_replaces_the_wrong_entry(world):
    """Entered as starting 1 Feb, corrected to 1 Mar: February shows no SEN."""
    pupil = PupilFactory(school=world.school, first_name="Pip", joined_on=date(2023, 9, 1))
    wrong = decide(world, pupil, SenStage.SEN_SUPPORT, ["MLD"], date(2025, 2, 1))
    decide(world, pupil, SenStage.SEN_SUPPORT, ["SPLD"], date(2025, 3, 1), corrects=wrong)
    assert on_register(world, date(2025, 2, 14)) == {}
    assert on_register(world, date(2025, 3, 1)) == {"Pip": ("sen_support", ["SPLD"])}


def test_the_extract_for_a_past_date_is_the_register_as_it_stood(client, world, history, capsys):
    """Later changes leave the extract for a past census day alone."""
    census_day = date(2025, 10, 2)
    as_it_stood = {
        history["kit"].upn: ("E", "SPLD", "SEMH"),
        history["lee"].upn: ("N", "", ""),
        history["mo"].upn: ("K", "ASD", ""),
    }
    # After the census day: Lee rejoins, Kit's plan ends, Mo leaves, a new pupil joins on K.
    decide(world, history["lee"], SenStage.SEN_SUPPORT, ["SEMH"], date(2025, 11, 5))
    cease_plan(history["kit"], world.user(Role.SENCO), on=date(2026, 2, 1), stage=SenStage.NONE)
    Pupil.objects.filter(pk=history["mo"].pk).update(left_on=date(2026, 3, 31))
    newcomer = PupilFactory(school=world.school, joined_on=date(2025, 10, 3))
    decide(world, newcomer, SenStage.SEN_SUPPORT, ["SLCN"], date(2025, 10, 3))

    def ours(rows):
        return {
            r["UPN"]: (r["SEN provision"], r["SEN type rank 1"], r["SEN type rank 2"])
            for r in rows
            if r["UPN"] in as_it_stood or r["UPN"] == newcomer.upn
        }

    call_command("export_census", school=world.school.urn, date=census_day.isoformat())
    command_rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert ours(command_rows) == as_it_stood
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:census_export", args=["csv"]), {"date": "2025-10-02"})
    page_rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ours(page_rows) == as_it_stood
    assert page_rows == command_rows
    # Today's register has moved on.
    history["lee"].refresh_from_db()
    assert history["lee"].census_code == "K"


def test_year_group_is_the_one_on_the_census_date(world):
    """In Year 9 now (autumn 2026) means Year 8 on the autumn 2025 census day."""
    now = date(2026, 11, 23)
    stays = PupilFactory(school=world.school, year_group=9, joined_on=date(2023, 9, 1))
    # Left in July 2026 from Year 11: the record keeps Year 11, from the 2025/26 school year.
    leaver = PupilFactory(school=world.school, year_group=11, joined_on=date(2021, 9, 1),
                          left_on=date(2026, 7, 22))  # fmt: skip
    both = Pupil.objects.filter(pk__in=[stays.pk, leaver.pk])

    def years(when):
        return {r["UPN"]: r["Year"] for r in census_rows(both, when, today=now)}

    assert years(date(2025, 10, 2)) == {stays.upn: 8, leaver.upn: 11}
    assert years(date(2024, 10, 3)) == {stays.upn: 7, leaver.upn: 10}
    spring = census_rows(Pupil.objects.filter(pk=stays.pk), date(2026, 1, 15), today=now)
    assert next(spring)["Year"] == 8
    autumn = census_rows(Pupil.objects.filter(pk=stays.pk), date(2026, 10, 1), today=now)
    assert next(autumn)["Year"] == 9


def test_export_census_writes_to_standard_output(world, history):
    out = io.StringIO()
    call_command("export_census", school=world.school.urn, date="2024-10-03", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["UPN", "Surname", "Forename", "Date of birth", "Year",
                             "SEN provision", "SEN type rank 1", "SEN type rank 2"]  # fmt: skip
    assert {r["UPN"]: r["SEN provision"] for r in rows}[history["lee"].upn] == "K"


def test_export_census_refuses_a_future_date(world):
    with pytest.raises(CommandError, match="has not come yet"):
        call_command("export_census", school=world.school.urn, date="2999-01-21")


def test_export_census_exits_non_zero_on_bad_input(world, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["manage.py", "export_census", "--school", "999999", "--date", "2024-10-03"]
        )
    assert exited.value.code == 1
    assert "No school has the URN 999999" in capsys.readouterr().err


def test_census_page_offers_census_days(client, world):
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:census"))
    today = date.today()
    from pupils import codes

    assert response.context["when"] == codes.latest_census_day(today)  # prefilled
    assert response.context["next_census_day"] == codes.next_census_day(today)
    assert response.context["census_days"][-1]["day"] == codes.latest_census_day(today)


def test_movement_counts_a_pupil_once_per_term(world):
    pupil = PupilFactory(school=world.school, joined_on=date(2023, 9, 1))
    decide(world, pupil, SenStage.SEN_SUPPORT, ["SLCN"], date(2024, 9, 10))
    decide(world, pupil, SenStage.NONE, [], date(2024, 10, 10))
    decide(world, pupil, SenStage.SEN_SUPPORT, ["SLCN"], date(2024, 11, 10))
    rows = {r["label"]: r for r in movement(Pupil.objects.filter(pk=pupil.pk), school_years=[2024])}
    assert (rows["Autumn 2024"]["joined_k"], rows["Autumn 2024"]["left"]) == (1, 1)


def test_left_school_while_on_register_uses_the_register_on_the_leaving_day(world):
    """Closing the record after a pupil left does not hide that they left on SEN support."""
    pupil = PupilFactory(school=world.school, joined_on=date(2023, 9, 1), left_on=date(2025, 2, 14))
    off_first = PupilFactory(school=world.school, joined_on=date(2023, 9, 1),
                             left_on=date(2025, 2, 14))  # fmt: skip
    decide(world, pupil, SenStage.SEN_SUPPORT, ["MLD"], date(2024, 9, 10))
    decide(world, pupil, SenStage.NONE, [], date(2025, 4, 1))  # record closed later
    decide(world, off_first, SenStage.SEN_SUPPORT, ["MLD"], date(2024, 9, 10))
    decide(world, off_first, SenStage.NONE, [], date(2025, 1, 20))
    rows = {r["label"]: r for r in movement(Pupil.objects.filter(school=world.school),
                                            school_years=[2024])}  # fmt: skip
    assert rows["Spring 2025"]["left_school"] == 1
    assert rows["Spring 2025"]["left"] == 1  # off_first came off before leaving


def test_movement_links_open_exactly_those_joiners(client, world, history):
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:movement")).content.decode()
    assert "joined_as=K&amp;added_from=2024-09-01&amp;added_to=2024-12-31" in page
    params = {"status": "all", "include_left": "on", "joined_as": "K",
              "added_from": "2024-09-01", "added_to": "2024-12-31"}  # fmt: skip
    shown = client.get(reverse("pupils:register"), params).context["page"]
    assert {p.first_name for p in shown} == {"Lee", "Mo", "Nia"}
    params["joined_as"] = "E"
    assert not client.get(reverse("pupils:register"), params).context["page"]
    moved = client.get(reverse("pupils:register"), {**params, "added_from": "2024-01-01",
                                                    "joined_as": "K"}).context["page"]  # fmt: skip
    assert {p.first_name for p in moved} == {"Kit", "Lee", "Mo", "Nia"}


def test_movement_covers_the_last_three_school_years(client, world):
    import time_machine

    client.force_login(world.user(Role.SENCO))
    with time_machine.travel(date(2026, 11, 23)):
        labels = [r["label"] for r in client.get(reverse("pupils:movement")).context["rows"]]
    assert labels == ["Autumn 2024", "Spring 2025", "Summer 2025", "Autumn 2025",
                      "Spring 2026", "Summer 2026", "Autumn 2026"]  # fmt: skip
