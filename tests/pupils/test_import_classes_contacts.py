"""
MIS import of teaching groups (classes) and parent contacts.

Parents see only their own children (docs/access.md), so an import links a parent
only through an email it can check, never links staff, and never removes a link.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.mis_import.cells import CellError, parse_class_list, parse_relationship, split_name
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import read_sheet, suggest_mapping
from pupils.models import ImportBatch, ParentLink, Pupil, TeachingGroup
from sendhub.models import Membership, User
from sendhub.roles import Role
from tests.factories import (
    ParentLinkFactory,
    PupilFactory,
    SchoolFactory,
    TeachingGroupFactory,
    UserFactory,
    valid_upn,
)
from tests.pupils.import_files import SIMS_HEADER, csv_bytes, make_batch, sims_row
from tests.pupils.test_import import run, snapshot, upload

pytestmark = pytest.mark.django_db

HEADER = [*SIMS_HEADER, "Classes", "Contact 1 Name", "Contact 1 Relationship",
          "Contact 1 Email", "Contact 2 Name", "Contact 2 Relationship", "Contact 2 Email"]  # fmt: skip
NO_CONTACT = ("", "", "")


def row(serial, surname, forename, *, classes="", c1=NO_CONTACT, c2=NO_CONTACT, **fields):
    return [*sims_row(serial, surname, forename, **fields), classes, *c1, *c2]


def roll(*rows):
    return csv_bytes(list(rows), HEADER)


def three_pupils(changes=None):
    """Zara and Oliver in 8A share 8 En1; Mia is in 9B. Each has one parent contact."""
    rows = {
        1: row(1, "Ahmed", "Zara", classes="8 En1; 8 Ma1",
               c1=("Mrs Amina Ahmed", "Mother", "Amina.Ahmed@Example.test")),
        2: row(2, "Brown", "Oliver", gender="M", classes="8 En1, 8 Ma2",
               c1=("Brown, Paul", "Father", "paul.brown@example.test"),
               c2=("Sue Brown", "Grandmother", "sue.brown@example.test")),
        3: row(3, "Clarke", "Mia", year="9", form="9B", classes="9 En1",
               c1=("Kim Clarke", "Foster carer", "kim.clarke@example.test")),
    }  # fmt: skip
    rows.update(changes or {})
    return roll(*rows.values())


def everything(school):
    """All an import may write, classes and parents included."""
    links = ParentLink.objects.filter(pupil__school=school)
    return snapshot(school) | {
        "class_members": sorted(
            TeachingGroup.pupils.through.objects.filter(pupil__school=school).values_list(
                "teachinggroup__name", "pupil__upn"
            )
        ),
        "users": User.objects.count(),
        "memberships": sorted(Membership.objects.values_list("user__email", "role", "school_id")),
        "links": sorted(links.values_list("parent__email", "pupil__upn", "relationship")),
        "link_history": ParentLink.history.count(),
    }


def preview_for(content, school, pupils=None):
    sheet = read_sheet(content, "roll.csv")
    return build_preview(
        sheet,
        school=school,
        pupils=pupils if pupils is not None else Pupil.objects.all(),
        mapping=suggest_mapping(sheet.headers),
    )


@pytest.fixture
def school():
    return SchoolFactory(urn="123456")


# Columns ----------------------------------------------------------------------


def test_class_and_contact_headers_of_each_mis_are_suggested():
    bromcom = ["UPN", "Surname", "Forename", "DOB", "Year", "Classes", "Contact 1 Name",
               "Contact 1 Relationship", "Contact 1 Email", "Contact 2 Name",
               "Contact 2 Relationship", "Contact 2 Email"]  # fmt: skip
    assert suggest_mapping(bromcom) == {
        "upn": "UPN", "last_name": "Surname", "first_name": "Forename", "date_of_birth": "DOB",
        "year_group": "Year", "classes": "Classes", "contact1_name": "Contact 1 Name",
        "contact1_relationship": "Contact 1 Relationship", "contact1_email": "Contact 1 Email",
        "contact2_name": "Contact 2 Name", "contact2_relationship": "Contact 2 Relationship",
        "contact2_email": "Contact 2 Email",
    }  # fmt: skip
    arbor = suggest_mapping(
        ["Teaching Groups", "Primary Guardian Name", "Primary Guardian Relationship",
         "Primary Guardian Email", "Secondary Guardian Email"]
    )  # fmt: skip
    assert arbor == {
        "classes": "Teaching Groups", "contact1_name": "Primary Guardian Name",
        "contact1_relationship": "Primary Guardian Relationship",
        "contact1_email": "Primary Guardian Email", "contact2_email": "Secondary Guardian Email",
    }  # fmt: skip
    sims = suggest_mapping(["Class List", "Primary Contact", "Priority 1 Contact Email"])
    assert sims == {
        "classes": "Class List",
        "contact1_name": "Primary Contact",
        "contact1_email": "Priority 1 Contact Email",
    }
    assert suggest_mapping(["Parent Email"]) == {"contact1_email": "Parent Email"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Mother", "mother"), ("mum", "mother"), ("Father", "father"), ("Foster Carer", "carer"),
     ("Legal guardian", "guardian"), ("Step-Father", "other"), ("Grandmother", "other"),
     ("Parent", "other"), ("Other Relative", "other"), ("", "other")],
)  # fmt: skip
def test_relationships_read_as_parent_link_relationships(cell, expected):
    assert parse_relationship(cell) == expected


@pytest.mark.parametrize("cell", ["Social Worker", "Doctor", "Family Friend", "Childminder"])
def test_contacts_who_are_not_parents_or_carers_are_refused(cell):
    with pytest.raises(CellError, match="is not a parent or carer"):
        parse_relationship(cell)


def test_class_lists_split_on_semicolons_and_commas():
    assert parse_class_list(" 8 En1;8 Ma2 , 8 sc1;; 8 EN1 ") == ["8 En1", "8 Ma2", "8 sc1"]
    assert split_name("Mrs Amina Ahmed") == ("Amina", "Ahmed")
    assert split_name("Brown, Dr. Paul") == ("Paul", "Brown")
    assert split_name("") == ("", "")


# Classes ------------------------------------------------------------------------


def test_classes_are_created_and_each_pupils_membership_synced(tmp_path, school):
    teacher = UserFactory()
    maths = TeachingGroupFactory(school=school, name="8 Ma1", kind=TeachingGroup.Kind.CLASS)
    maths.teachers.add(teacher)

    code, out = run(tmp_path, three_pupils(), school)

    assert code == 0, out
    assert "Classes: 3 new, 5 joined, 0 left." in out
    zara, oliver, mia = Pupil.objects.filter(school=school).order_by("last_name")
    english = TeachingGroup.objects.get(school=school, name="8 En1")
    assert english.kind == TeachingGroup.Kind.CLASS and english.year_group == 8
    assert set(english.pupils.all()) == {zara, oliver}
    assert set(maths.pupils.all()) == {zara}  # the existing class, matched by name
    assert set(zara.teaching_groups.values_list("name", flat=True)) == {"8A", "8 En1", "8 Ma1"}
    assert mia.teaching_groups.get(kind="class").name == "9 En1"

    # Next export: Zara moves maths set and Oliver drops English.
    content = three_pupils(
        {1: row(1, "Ahmed", "Zara", classes="8 En1; 8 Ma2"),
           2: row(2, "Brown", "Oliver", gender="M", classes="8 Ma2")}
    )  # fmt: skip
    preview = preview_for(content, school)
    assert [(p.upn, p.extra) for p in preview.changed] == [
        (zara.upn, [("Classes", "joins 8 Ma2; leaves 8 Ma1")]),
        (oliver.upn, [("Classes", "leaves 8 En1")]),
    ]
    code, out = run(tmp_path, content, school)

    assert code == 0, out
    assert "Classes: 0 new, 1 joined, 2 left." in out
    assert set(zara.teaching_groups.values_list("name", flat=True)) == {"8A", "8 En1", "8 Ma2"}
    assert set(oliver.teaching_groups.values_list("name", flat=True)) == {"8A", "8 Ma2"}
    # Classes are never deleted, their teachers stay, and forms are left to the form column.
    assert not maths.pupils.exists() and list(maths.teachers.all()) == [teacher]
    assert TeachingGroup.objects.filter(school=school).count() == 6
    assert zara in TeachingGroup.objects.get(school=school, name="8A").pupils.all()


def test_a_pupils_own_form_in_the_class_list_is_ignored_and_other_forms_refused(tmp_path, school):
    TeachingGroupFactory(school=school, name="9B", kind=TeachingGroup.Kind.FORM)
    content = roll(
        row(1, "Ahmed", "Zara", classes="8A; 8 En1"),
        row(2, "Brown", "Oliver", classes="9B; 8 En1"),
        row(3, "Clarke", "Mia", form="8C", classes="8 En1"),
        row(4, "Dube", "Tariro", classes="8C"),
    )
    code, out = run(tmp_path, content, school)

    assert code == 1
    assert "Row 3, column “Classes”: “9B” is a form in SENDhub, not a class." in out
    assert "Row 5, column “Classes”: “8C” is a form in this file, so it cannot be a class" in out
    zara = Pupil.objects.get(upn=valid_upn(1))
    assert set(zara.teaching_groups.values_list("name", "kind")) == {
        ("8A", "form"),
        ("8 En1", "class"),
    }
    assert not Pupil.objects.filter(upn__in=[valid_upn(2), valid_upn(4)]).exists()


def test_emptying_the_classes_column_warns_before_taking_pupils_out(tmp_path, school):
    run(tmp_path, three_pupils(), school)
    content = roll(row(1, "Ahmed", "Zara"), row(2, "Brown", "Oliver", gender="M"))

    preview = preview_for(content, school)

    assert (
        "The classes column is empty on every row, so applying takes 2 pupils"
        in (preview.warnings[0])
    )


# Parent contacts ----------------------------------------------------------------


def test_parents_get_accounts_a_parent_role_and_a_link_without_any_email(
    tmp_path, school, mailoutbox
):
    existing = UserFactory(email="paul.brown@example.test", first_name="Paul")
    oliver = preview_for(three_pupils(), school).new[1]
    assert oliver.extra[1:] == [
        ("Parent contact", "links Brown, Paul (paul.brown@example.test) as Father: existing account"),
        ("Parent contact", "links Sue Brown (sue.brown@example.test) as Grandmother (recorded as "
         "Other): new account, not emailed now: invite them later"),
    ]  # fmt: skip

    code, out = run(tmp_path, three_pupils(), school)

    assert code == 0, out
    assert "Parent contacts: 4 linked, 3 new accounts (not emailed), 0 existing" in out
    assert mailoutbox == []
    amina = User.objects.get(email="amina.ahmed@example.test")  # stored lower case
    assert (amina.first_name, amina.last_name) == ("Amina", "Ahmed")
    assert not amina.has_usable_password()
    assert amina.memberships.get().role == Role.PARENT
    link = ParentLink.objects.get(parent=amina)
    assert (link.pupil.first_name, link.relationship, link.parental_responsibility) == (
        "Zara", "mother", True,
    )  # fmt: skip
    assert link.history.get().history_change_reason == "MIS import of roll.csv"
    # The existing account is found, not copied, and keeps its password.
    assert existing.children_links.get().pupil.first_name == "Oliver"
    assert existing.memberships.get(school=school).role == Role.PARENT
    assert User.objects.get(pk=existing.pk).has_usable_password()
    sue = ParentLink.objects.get(parent__email="sue.brown@example.test")
    assert (sue.relationship, sue.parental_responsibility) == ("other", False)
    assert ParentLink.objects.get(parent__email="kim.clarke@example.test").relationship == "carer"


def test_siblings_share_one_parent_account(tmp_path, school):
    mum = ("Jo Patel", "Mother", "jo.patel@example.test")
    content = roll(row(1, "Patel", "Arjun", c1=mum), row(2, "Patel", "Riya", year="9", c1=mum))

    code, out = run(tmp_path, content, school)

    assert code == 0, out
    jo = User.objects.get(email="jo.patel@example.test")
    assert jo.children_links.count() == 2 and jo.memberships.count() == 1


def test_reimporting_classes_and_contacts_changes_nothing(tmp_path, school):
    run(tmp_path, three_pupils(), school)
    before = everything(school)

    code, out = run(tmp_path, three_pupils(), school)

    assert code == 0
    assert "0 new, 0 changed, 3 unchanged" in out
    assert "Classes: 0 new, 0 joined, 0 left." in out
    assert "Parent contacts: 0 linked, 0 new accounts (not emailed), 0 existing" in out
    assert everything(school) == before  # no new rows of any kind, history included


def test_bad_email_rejects_the_row_and_writes_nothing_for_it(tmp_path, school):
    run(tmp_path, three_pupils(), school)
    before = everything(school)
    content = three_pupils(
        {1: row(1, "Ahmed", "Zara", year="9", classes="8 Ma3",
                  c1=("Amina Ahmed", "Mother", "amina.ahmed@")),
           3: row(3, "Clarke", "Mia", year="9", form="9B", classes="9 En1",
                  c1=("Kim Clarke", "Foster carer", "kim@example.test; kc@example.test")),
           4: row(4, "Dube", "Tariro", classes="8 Dr1",
                  c1=("T Dube", "Mother", "not an email"))}
    )  # fmt: skip

    code, out = run(tmp_path, content, school)

    assert code == 1
    assert (
        "Row 2, column “Contact 1 Email”: “amina.ahmed@” is not an email address. Correct it "
        "in your MIS, or leave the cell blank." in out
    )
    assert "Row 4, column “Contact 1 Email”: “kim@example.test; kc@example.test” holds more" in out
    assert "Row 5, column “Contact 1 Email”: “not an email” is not an email address." in out
    assert everything(school) == before  # no pupil, class, account, role or link changed


def test_staff_email_is_refused_and_no_one_else_is_linked_for_that_row(tmp_path, world):
    teacher = world.user(Role.TEACHER)
    content = roll(
        row(1, "Ahmed", "Zara", c1=("A Teacher", "Mother", teacher.email.upper())),
        row(2, "Brown", "Oliver", c1=("B Brown", "Father", "b.brown@example.test"),
            c2=("C Brown", "Social Worker", "social@example.test")),
        row(3, "Clarke", "Mia", c1=("C Clarke", "Father", "c.clarke@example.test")),
    )  # fmt: skip
    code, out = run(tmp_path, content, world.school)

    assert code == 1
    assert (
        f"Row 2, column “Contact 1 Email”: {teacher.email} belongs to a member of staff here "
        "(Teacher). Staff are never linked as parents by an import" in out
    )
    assert "Row 3, column “Contact 2 Relationship”: “Social Worker” is not a parent or carer" in out
    assert not teacher.children_links.exists()
    assert not teacher.memberships.filter(role=Role.PARENT).exists()
    assert not User.objects.filter(email="b.brown@example.test").exists()
    assert ParentLink.objects.filter(pupil__upn=valid_upn(3)).count() == 1


def test_an_existing_parent_link_is_kept_when_the_file_leaves_it_out(world, senco_client):
    pupil = world.taught
    parent = world.user(Role.PARENT)
    content = roll(
        row(0, pupil.last_name, pupil.first_name, upn=pupil.upn, dob="14/03/2013",
            admitted="01/09/2024", form="", classes="8 En1",
            c1=("Dana Pupil", "Mother", "dana@example.test"))
    )  # fmt: skip
    upload(senco_client, content)
    batch = ImportBatch.objects.get()
    page = senco_client.get(reverse("pupils:import_preview", args=[batch.pk]))
    html = page.content.decode()
    assert page.context["counts"]["parent_links_kept"] == 1
    assert f"{parent} (Mother), not in file, kept" in html
    assert "links Dana Pupil (dana@example.test) as Mother: new account" in html

    senco_client.post(reverse("pupils:import_apply", args=[batch.pk]))

    assert set(pupil.parent_links.values_list("parent__email", flat=True)) == {
        parent.email,
        "dana@example.test",
    }
    result = senco_client.get(reverse("pupils:import_result", args=[batch.pk])).content.decode()
    assert "Parent links kept (not in file)" in result and "has not been emailed" in result


def test_a_link_removed_in_sendhub_is_not_restored_by_an_import(tmp_path, school):
    pupil = PupilFactory(school=school, upn=valid_upn(1), first_name="Zara", last_name="Ahmed")
    ParentLinkFactory(parent=UserFactory(email="amina.ahmed@example.test"), pupil=pupil).delete()

    preview = preview_for(three_pupils(), school)
    code, _out = run(tmp_path, three_pupils(), school)

    assert [email for _p, email in preview.links_not_restored] == ["amina.ahmed@example.test"]
    assert code == 0 and not pupil.parent_links.exists()


def test_dry_run_with_classes_and_contacts_writes_nothing(tmp_path, world):
    before = everything(world.school)

    code, out = run(tmp_path, three_pupils(), world.school, "--dry-run")

    assert code == 0
    assert "Would import roll.csv" in out and "Parent contacts: 4 linked, 4 new accounts" in out
    assert everything(world.school) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (three_pupils, 0),
        (lambda: three_pupils({2: row(2, "Brown", "Oliver", c1=("", "Vicar", "v@x.test"))}), 1),
        (lambda: csv_bytes([["8 En1", "a@b.test"]], ["Classes", "Contact 1 Email"]), 2),
    ],
)
def test_command_exit_codes_hold_with_the_new_columns(tmp_path, school, content, expected):
    code, out = run(tmp_path, content(), school)
    assert code == expected, out


# Screens and scale --------------------------------------------------------------


def _rows_with_links(count, start=0, la=383):
    return [
        row(n, f"Surname{n}", f"Forename{n}", year=str(7 + n % 5), form=f"{7 + n % 5}{'ABCDEFG'[n % 7]}",
            classes="; ".join(f"{7 + n % 5} {s}{1 + n % 6}" for s in ("En", "Ma", "Sc", "Hi", "Fr")),
            c1=(f"Parent {n}", "Mother", f"mother{n}@example.test"),
            c2=(f"Carer {n}", "Father", f"father{n // 2}@example.test"),
            upn=valid_upn(n, la=la, year=10 + n // 1000))
        for n in range(start, start + count)
    ]  # fmt: skip


@pytest.mark.slow
def test_a_2500_pupil_file_with_classes_and_contacts_imports(tmp_path, school):
    """Its time budget (30 s each way) is kept in docs/speed-budgets.md, not asserted here."""
    content = roll(*_rows_with_links(2500))
    code, out = run(tmp_path, content, school, "--full-roll")

    assert code == 0, out
    assert "Parent contacts: 5000 linked, 3750 new accounts" in out
    assert TeachingGroup.pupils.through.objects.filter(teachinggroup__kind="class").count() == 12500
    code, out = run(tmp_path, content, school, "--full-roll")
    assert "2500 unchanged" in out


def test_preview_runs_a_fixed_number_of_queries_with_classes_and_contacts(
    world, senco_client, django_assert_num_queries
):
    """One row, then six: the same number of queries, linked parents and classes included."""

    def url_for(size, start):
        rows = _rows_with_links(size, start, la=384)
        for r in rows[: size // 2 + 1]:
            pupil = PupilFactory(school=world.school, upn=r[0])
            ParentLinkFactory(pupil=pupil)
            world.group.pupils.add(pupil)
        return reverse("pupils:import_preview", args=[make_batch(world, content=roll(*rows)).pk])

    url = url_for(1, 100)
    with CaptureQueriesContext(connection) as baseline:
        assert senco_client.get(url).status_code == 200
    url = url_for(6, 200)
    with django_assert_num_queries(len(baseline)):
        response = senco_client.get(url)
    assert "Parent links not in the file" in response.content.decode()
