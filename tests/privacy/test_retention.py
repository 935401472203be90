"""Retention: a leaver's SEN file is kept until date of birth + 31 years (IRMS toolkit for schools)."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from privacy import retention
from privacy.registry import history_model, sections
from pupils.models import Pupil
from sendhub.models import AccessLog
from tests.factories import PupilFactory
from tests.privacy.sar_data import enrich

pytestmark = pytest.mark.django_db

BORN = date(2000, 3, 15)


def _leaver(school, **fields):
    fields = {"date_of_birth": BORN, "joined_on": date(2011, 9, 1), "left_on": date(2016, 7, 20)}
    return PupilFactory(school=school, **fields)


def test_destroy_from_is_the_birthday_the_years_on():
    assert retention.destroy_from(BORN, 31) == date(2031, 3, 15)
    assert retention.destroy_from(date(2004, 2, 29), 31) == date(2035, 3, 1)  # no 29 Feb


def test_a_leaver_born_15_march_2000_is_due_on_15_march_2031_and_not_the_day_before(world):
    pupil = _leaver(world.school)
    assert retention.due(date(2031, 3, 14)) == []
    assert retention.due(date(2031, 3, 15)) == [(pupil, date(2031, 3, 15))]


def test_a_pupil_on_roll_is_never_due(world):
    PupilFactory(school=world.school, date_of_birth=BORN, joined_on=date(2011, 9, 1))
    assert retention.due(date(2060, 1, 1)) == []


def test_the_schools_setting_moves_the_date(world):
    world.school.retention_years = 35
    world.school.save()
    pupil = _leaver(world.school)
    assert retention.due(date(2031, 3, 15)) == []
    assert retention.due(date(2035, 3, 15)) == [(pupil, date(2035, 3, 15))]


def test_destroying_an_on_roll_pupil_is_refused(world):
    with pytest.raises(ValueError, match="on roll"):
        retention.destroy(world.taught, run="test")
    assert Pupil.objects.filter(pk=world.taught.pk).exists()


def _rich_leaver(world):
    pupil = enrich(world)
    Pupil.objects.filter(pk=pupil.pk).update(
        first_name="Amelia",
        last_name="Hargreaves",
        date_of_birth=date(1990, 1, 1),
        left_on=date.today() - timedelta(days=1),
    )
    return Pupil.objects.get(pk=pupil.pk)


def _held(pupil_id):
    """{model: rows} still held about the pupil, change history included."""
    found = {}
    for section in sections():
        model = section.model
        found[section.label] = model._default_manager.filter(**{section.path: pupil_id}).count()
        historical = history_model(model)
        if historical is not None and section.path in ("pk", "pupil"):
            key = "id" if section.path == "pk" else "pupil_id"
            found[f"{section.label} history"] = historical._default_manager.filter(
                **{key: pupil_id}
            ).count()
    return found


def test_the_dry_run_lists_and_changes_nothing(world):
    pupil = _leaver(world.school)
    out = StringIO()
    with time_machine.travel(date(2031, 3, 15)):
        call_command("apply_retention", stdout=out)
    assert f"pupil {pupil.pk} at {world.school.urn}" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert Pupil.objects.filter(pk=pupil.pk).exists()
    assert pupil.first_name not in out.getvalue()


@pytest.mark.slow  # builds a pupil with a record of every kind: seconds
def test_apply_destroys_records_history_and_files_and_leaves_a_tombstone(
    world, django_capture_on_commit_callbacks
):
    pupil = _rich_leaver(world)
    before = _held(pupil.pk)
    assert before["pupils.Concern"] and before["reviews.SupportPlan"]
    assert before["pupils.Pupil history"]
    stored = [
        name
        for name in (
            *(c.attachment.name for c in pupil.concerns.all()),
            *(r.report.name for r in pupil.referrals.all()),
            pupil.passport.current.photo.name,
        )
        if name
    ]
    assert stored and all(default_storage.exists(name) for name in stored)
    untouched = world.untaught.pk

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows have
        call_command("apply_retention", "--apply", stdout=out)
    assert f"pupil {pupil.pk}" in out.getvalue()

    assert set(_held(pupil.pk).values()) == {0}
    assert not [name for name in stored if default_storage.exists(name)]
    assert Pupil.objects.filter(pk=untouched).exists()
    tombstone = AccessLog.objects.get(pupil_id=pupil.pk, what__startswith="SEN file destroyed")
    assert tombstone.user is None
    assert tombstone.path.startswith("retention run ")
    assert "pupils.Concern 2" in tombstone.path
    for personal in (pupil.first_name, pupil.last_name, pupil.upn, "1990"):
        assert personal not in tombstone.what + tombstone.path
