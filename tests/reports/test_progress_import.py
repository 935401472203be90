"""The termly progress import: preview, per-row refusals, apply, re-import and the command."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pupils.mis_import.reading import read_sheet
from pupils.models import Pupil
from pupils.register.services import record_register_change
from reports.progress.importing import apply_preview, build_preview
from reports.progress.models import Assessment, ProgressImport, PupilTerm
from sendhub.roles import Role
from tests.factories import PupilFactory, valid_upn
from tests.reports.progress_data import AUTUMN, SPRING, make_import, progress_csv, row


def preview_of(world, content, term=AUTUMN):
    return build_preview(
        read_sheet(content, "autumn.csv"),
        school=world.school,
        term=term,
        pupils=Pupil.objects.filter(school=world.school),
    )


def apply(world, content, term=AUTUMN):
    preview = preview_of(world, content, term)
    apply_preview(preview, pupils=Pupil.objects.filter(school=world.school), source="t.csv")
    return preview


def test_happy_path_saves_attendance_assessments_and_the_term_snapshot(world):
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=world.taught, stage="sen_support", needs=["SPLD"], effective_on=date(2025, 9, 10),
        reason="Dyslexia screening", decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    content = progress_csv(
        [
            row(
                world.taught.upn, attended="120", suspensions="1", days="1.5", reading_age="11y 2m"
            ),
            row(world.untaught.upn, english="GDS", english_progress="above", maths="3"),
        ]
    )
    preview = apply(world, content)

    assert preview.counts() == {
        "rows": 2, "ready": 2, "rejected": 0, "replacing": 0, "dropping": 0, "assessments": 5,
    }  # fmt: skip
    taught = PupilTerm.objects.get(pupil=world.taught)
    assert (taught.academic_year, taught.term) == (2025, 1)
    assert (taught.sen_status, taught.primary_need, taught.primary_area) == ("K", "SPLD", "CL")
    assert (taught.sessions_possible, taught.sessions_attended) == (140, 120)
    assert (taught.suspensions, taught.suspension_days) == (1, Decimal("1.5"))
    assert taught.attendance_percent == 85.7
    untaught = PupilTerm.objects.get(pupil=world.untaught)
    assert untaught.sen_status == "N"
    # Born March 2013, in Year 8 now: counted back to the 2025/26 year group.
    assert untaught.summer_born is False
    results = {
        (a.pupil_term.pupil_id, a.subject): (a.scale, a.raw_value, a.score, a.band, a.progress)
        for a in Assessment.objects.select_related("pupil_term")
    }
    assert results[(world.untaught.pk, "english")] == ("teacher", "GDS", 110, "above", "above")
    assert results[(world.untaught.pk, "maths")] == ("gcse", "3", 95, "below", "")
    assert results[(world.taught.pk, "english")] == ("gcse", "5", 105, "at", "expected")
    # 11y 2m = 134 months, against 12y 6m (150 months) on 2 October 2025: 16 months behind.
    assert results[(world.taught.pk, "reading_age")] == (
        "reading_age", "11y 2m", Decimal("80.0"), "below", "",
    )  # fmt: skip


def test_each_refused_row_says_why_and_which_column(world):
    gone = PupilFactory(school=world.school, joined_on=date(2020, 9, 1), left_on=date(2025, 7, 20))
    content = progress_csv(
        [
            row(""),
            row(valid_upn(999)),
            row(world.elsewhere.upn),
            row(world.taught.upn, attended="150"),
            row(world.taught.upn),
            row(world.untaught.upn, english="Excellent", maths="130"),
            row(gone.upn),
            row("A12345678901"),
        ]
    )
    preview = preview_of(world, content)

    reasons = {(e.row, e.column): e.message for e in preview.errors}
    assert reasons[(2, "UPN")] == "The UPN is blank."
    assert reasons[(3, "UPN")].startswith(f"No pupil at {world.school.name} has UPN")
    assert reasons[(4, "UPN")].startswith(f"No pupil at {world.school.name}")  # another school's
    assert (
        reasons[(5, "Sessions attended")] == "150 sessions attended is more than the 140 possible."
    )
    assert "also on row 5" in reasons[(6, "UPN")]
    assert "not an assessment we recognise" in reasons[(7, "English")]
    assert "not a KS2 scaled score" in reasons[(7, "Maths")]
    assert "was not on roll in the Autumn 2025/26 term" in reasons[(8, "UPN")]
    assert "13 characters" in reasons[(9, "UPN")]
    assert preview.counts()["rejected"] == 8
    assert preview.counts()["ready"] == 0
    assert next(e for e in preview.errors if e.row == 7).name == world.untaught.full_name


def test_suspension_rows_are_checked(world):
    content = progress_csv(
        [
            row(world.taught.upn, suspensions="0", days="2"),
            row(world.untaught.upn, suspensions="1", days="1.25"),
        ]
    )
    reasons = {(e.row, e.column): e.message for e in preview_of(world, content).errors}
    assert reasons[(2, "Suspensions")] == "Suspension days are given but no suspensions."
    assert "in halves" in reasons[(3, "Suspension days")]


def test_reimport_replaces_that_term_only(world):
    apply(world, progress_csv([row(world.taught.upn), row(world.untaught.upn)]), AUTUMN)
    apply(world, progress_csv([row(world.taught.upn, english="3")]), SPRING)

    preview = apply(world, progress_csv([row(world.taught.upn, english="7")]), AUTUMN)

    assert preview.counts()["replacing"] == 2
    assert preview.counts()["dropping"] == 1  # the untaught pupil, not in the new file
    autumn = PupilTerm.objects.for_term(world.school, AUTUMN)
    assert list(autumn.values_list("pupil_id", flat=True)) == [world.taught.pk]
    assert Assessment.objects.for_term(world.school, AUTUMN).get(subject="english").raw_value == "7"
    spring = Assessment.objects.for_term(world.school, SPRING).get(subject="english")
    assert spring.raw_value == "3"


def test_reimport_leaves_other_schools_alone(world):
    other_pupil = PupilFactory(school=world.other_school)
    Pupil.objects.filter(pk=other_pupil.pk)
    build = build_preview(
        read_sheet(progress_csv([row(other_pupil.upn)]), "x.csv"),
        school=world.other_school, term=AUTUMN, pupils=Pupil.objects.all(),
    )  # fmt: skip
    apply_preview(build, pupils=Pupil.objects.all())
    apply(world, progress_csv([row(world.taught.upn)]))
    assert PupilTerm.objects.filter(pupil=other_pupil).count() == 1


def test_unusable_file_saves_nothing_and_keeps_the_term(client, world):
    apply(world, progress_csv([row(world.taught.upn)]))
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    batch = make_import(
        world.school, senco, content=progress_csv([["Name"], ["Ava"]], header=["Name", "Age"])
    )

    response = client.post(reverse("reports:progress_import_apply", args=[batch.pk]))

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ProgressImport.Status.PREVIEW
    assert PupilTerm.objects.filter(pupil=world.taught).count() == 1


def test_apply_is_all_or_nothing(world):
    """A failure while writing rolls back the deletion of the old term too."""
    apply(world, progress_csv([row(world.taught.upn)]))
    preview = preview_of(world, progress_csv([row(world.taught.upn), row(world.untaught.upn)]))
    preview.planned[world.untaught.pk][1].append(dict(preview.planned[world.untaught.pk][1][0]))

    with pytest.raises(Exception):  # noqa: B017 (the duplicate subject breaks a unique constraint)
        apply_preview(preview, pupils=Pupil.objects.filter(school=world.school))

    assert list(PupilTerm.objects.values_list("pupil_id", flat=True)) == [world.taught.pk]


def test_upload_preview_apply_and_result_through_the_screens(client, world):
    client.force_login(world.user(Role.SENCO))
    content = progress_csv([row(world.taught.upn), row(valid_upn(998))])
    upload = client.post(
        reverse("reports:progress_import"),
        {"term": "2025-autumn", "file": _upload("autumn.csv", content)},
    )
    batch = ProgressImport.objects.get()
    assert upload["Location"] == reverse("reports:progress_import_preview", args=[batch.pk])

    preview = client.get(upload["Location"])
    assert "1 row will not be imported" in preview.content.decode()
    assert "Import the pupil first" in preview.content.decode()

    applied = client.post(reverse("reports:progress_import_apply", args=[batch.pk]))
    assert applied["Location"] == reverse("reports:progress_import_result", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.is_applied and batch.sheet == {}
    assert batch.result["counts"]["ready"] == 1
    assert PupilTerm.objects.get().recorded_by == world.user(Role.SENCO)
    result = client.get(applied["Location"])
    assert "Autumn 2025/26 imported" in result.content.decode()


def test_another_schools_import_is_not_found(client, world):
    senco = world.user(Role.SENCO)
    batch = make_import(world.other_school, senco, content=progress_csv([row(world.elsewhere.upn)]))
    client.force_login(senco)
    assert (
        client.get(reverse("reports:progress_import_preview", args=[batch.pk])).status_code == 404
    )
    assert client.post(reverse("reports:progress_import_apply", args=[batch.pk])).status_code == 404
    assert not PupilTerm.objects.exists()


def test_a_future_term_cannot_be_chosen(client, world, settings):
    client.force_login(world.user(Role.SENCO))
    response = client.post(
        reverse("reports:progress_import"),
        {"term": "2099-autumn", "file": _upload("a.csv", progress_csv([row(world.taught.upn)]))},
    )
    assert response.status_code == 200
    assert "term" in response.context["form"].errors
    assert not ProgressImport.objects.exists()


def test_command_imports_and_reports_rejected_rows(world, tmp_path, capsys):
    path = tmp_path / "autumn.csv"
    path.write_bytes(progress_csv([row(world.taught.upn), row(valid_upn(997))]))

    with pytest.raises(CommandError) as raised:
        call_command("import_progress", str(path), school=world.school.urn, term="2025-autumn")

    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "1 pupils with 2 assessments" in out
    assert "Row 3, column “UPN”: No pupil at" in out
    assert PupilTerm.objects.get().pupil == world.taught


def test_command_dry_run_writes_nothing_and_exits_0(world, tmp_path, capsys):
    path = tmp_path / "autumn.csv"
    path.write_bytes(progress_csv([row(world.taught.upn)]))
    call_command(
        "import_progress", str(path), school=world.school.urn, term="2025-autumn", dry_run=True
    )
    assert "Dry run: nothing was changed." in capsys.readouterr().out
    assert not PupilTerm.objects.exists()


def test_command_refuses_an_unusable_file_with_exit_2(world, tmp_path):
    path = tmp_path / "autumn.csv"
    path.write_bytes(progress_csv([["x"]], header=["Name"]))
    with pytest.raises(CommandError) as raised:
        call_command("import_progress", str(path), school=world.school.urn, term="2025-autumn")
    assert raised.value.returncode == 2
    assert "no UPN column" in str(raised.value)


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_apply_uses_the_rows_read_at_upload_not_the_file_again(client, world):
    client.force_login(world.user(Role.SENCO))
    content = progress_csv([row(world.taught.upn)])
    client.post(
        reverse("reports:progress_import"),
        {"term": "2025-autumn", "file": _upload("autumn.csv", content)},
    )
    batch = ProgressImport.objects.get()
    # No file is kept to read again: what was previewed is what is applied.
    assert batch.sheet["rows"]
    assert "content" not in {field.name for field in ProgressImport._meta.get_fields()}
    assert (
        client.get(reverse("reports:progress_import_preview", args=[batch.pk])).status_code == 200
    )
    client.post(reverse("reports:progress_import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.is_applied and batch.sheet == {}
    assert PupilTerm.objects.get().pupil == world.taught


def test_a_progress_file_over_the_column_limit_is_refused_and_nothing_saved(client, world):
    client.force_login(world.user(Role.SENCO))
    wide = ",".join(f"c{i}" for i in range(201)).encode() + b"\n1\n"
    response = client.post(
        reverse("reports:progress_import"),
        {"term": "2025-autumn", "file": _upload("autumn.csv", wide)},
    )
    assert "the most we read is 200" in str(response.context["form"].errors["file"])
    assert not ProgressImport.objects.exists()


def test_an_upload_with_no_rows_kept_is_asked_for_again_not_shown_empty(client, world):
    """An upload from before files were read at upload, which could not be read since."""
    client.force_login(world.user(Role.SENCO))
    batch = make_import(world.school, world.user(Role.SENCO))
    assert batch.sheet == {}
    for response in (
        client.get(reverse("reports:progress_import_preview", args=[batch.pk]), follow=True),
        client.post(reverse("reports:progress_import_apply", args=[batch.pk]), follow=True),
    ):
        assert "was uploaded before an upgrade" in response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("reports:progress_import")
    batch.refresh_from_db()
    assert not batch.is_applied and not PupilTerm.objects.exists()


def test_a_leavers_row_is_refused_and_their_term_kept(world):
    """A leaver's file is archived: an import neither adds to nor replaces their term."""
    from datetime import timedelta

    apply(world, progress_csv([row(world.taught.upn), row(world.untaught.upn)]))
    kept = Assessment.objects.filter(pupil_term__pupil=world.taught).count()
    world.taught.left_on = date.today() - timedelta(days=1)
    world.taught.save()
    preview = preview_of(world, progress_csv([row(world.taught.upn, english="2")]))
    assert "has left: their file is archived" in preview.errors[0].message
    apply(world, progress_csv([row(world.untaught.upn)]))
    assert PupilTerm.objects.filter(pupil=world.taught).count() == 1
    assert Assessment.objects.filter(pupil_term__pupil=world.taught).count() == kept
