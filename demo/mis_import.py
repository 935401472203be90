"""Demo MIS imports: last week's full-roll import (applied) and today's export, waiting to be checked."""

import csv
import io
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from demo.people import BOYS_NAMES, GIRLS_NAMES, LAST_NAMES
from demo.pupils import make_upn
from pupils.mis_import.apply import apply_preview
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import read_sheet, save_mapping, suggest_mapping
from pupils.models import ImportBatch, ParentLink, Pupil, PupilNeed, TeachingGroup
from sendhub.roles import Role

HEADER = ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "DOB", "Gender",
          "NC Year", "Reg Group", "SEN Status", "Primary Need", "Secondary Need",
          "Admission Date", "FSM Eligible", "EAL", "Classes", "Contact 1 Name",
          "Contact 1 Relationship", "Contact 1 Email"]  # fmt: skip


def _sims_export(school):
    """The school's roll as SIMS would export it."""
    pupils = (
        Pupil.objects.filter(school=school)
        .on_roll()
        .select_related("form")
        .prefetch_related(
            Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")),
            Prefetch(
                "teaching_groups",
                queryset=TeachingGroup.objects.filter(kind=TeachingGroup.Kind.CLASS),
                to_attr="classes",
            ),
            Prefetch(
                "parent_links", queryset=ParentLink.objects.current().select_related("parent")
            ),
        )
        .order_by("year_group", "last_name", "first_name")
    )
    rows = []
    for pupil in pupils:
        needs = [n.code for n in pupil.needs.all()] + ["", ""]
        links = list(pupil.parent_links.all())
        contact = (
            [links[0].parent.get_full_name(), links[0].get_relationship_display(),
             links[0].parent.email] if links else ["", "", ""]
        )  # fmt: skip
        rows.append([
            pupil.upn, pupil.last_name, pupil.first_name, pupil.preferred_name,
            f"{pupil.date_of_birth:%d/%m/%Y}", pupil.gender, pupil.year_group,
            pupil.form.name if pupil.form else "", pupil.census_code, needs[0], needs[1],
            f"{pupil.joined_on:%d/%m/%Y}", "Y" if pupil.free_school_meals else "N",
            "Y" if pupil.eal else "N", "; ".join(sorted(g.name for g in pupil.classes)),
            *contact,
        ])  # fmt: skip
    return rows


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def seed_imports(rng, people, *, today=None):
    """Last week's roll import, applied (nothing changed), and today's with joiners and two mistakes."""
    today = today or date.today()
    school = people.school
    admin = people.named[Role.ADMIN]
    rows = _sims_export(school)

    content = _csv(rows)
    sheet = read_sheet(content, "SIMS pupil list.csv")
    mapping = suggest_mapping(sheet.headers)
    save_mapping(school, mapping, admin)
    preview = build_preview(
        sheet, school=school, pupils=Pupil.objects.filter(school=school), mapping=mapping,
        full_roll=True, include_register=False, today=today,
    )  # fmt: skip
    result = apply_preview(preview, user=admin, source="SIMS pupil list.csv", today=today)
    last_week = timezone.now() - timedelta(days=7)
    applied = ImportBatch.objects.create(
        school=school, uploaded_by=admin, filename="SIMS pupil list.csv",
        columns=mapping, full_roll=True, status=ImportBatch.Status.APPLIED,
        applied_at=last_week, result=result.as_dict(),
    )  # fmt: skip
    ImportBatch.objects.filter(pk=applied.pk).update(uploaded_at=last_week)

    def joiner(serial, born="14/03"):
        surname, gender = rng.choice(LAST_NAMES), rng.choice("MF")
        first = rng.choice(GIRLS_NAMES if gender == "F" else BOYS_NAMES)
        return [
            make_upn(383, 4012, today.year - 11, serial), surname,
            first, "", f"{born}/{today.year - 12}", gender, 7, "7A",
            "N", "", "", f"{today:%d/%m/%Y}", "N", "N", "7 En1; 7 Ma1; 7 Sc1", "", "", "",
        ]  # fmt: skip

    wrong_letter, no_such_day = joiner(903), joiner(904, born="31/09")
    wrong_letter[0] = ("A" if wrong_letter[0][0] != "A" else "B") + wrong_letter[0][1:]
    with_parent = joiner(901)
    with_parent[-3:] = [f"Alex {with_parent[1]}", "Mother", "new.parent@example.test"]
    this_week = _csv(rows + [with_parent, joiner(902), wrong_letter, no_such_day])
    ImportBatch.objects.create(
        school=school, uploaded_by=admin, filename="SIMS pupil list (this week).csv",
        sheet=read_sheet(this_week, "SIMS pupil list.csv").to_json(),
        columns=mapping, full_roll=True,
    )  # fmt: skip
