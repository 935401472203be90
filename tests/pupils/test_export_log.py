"""Bulk exports of SEN data are written to the access log (UK GDPR Art. 9)."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import Pupil
from pupils.register.exports import BULK_EXPORT_PUPIL_ID
from pupils.register.services import record_register_change
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    senco = world.user(Role.SENCO)
    for year in (8, 8, 9):
        pupil = PupilFactory(school=world.school, year_group=year, joined_on=date(2020, 9, 1))
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"],
            effective_on=date(2024, 9, 2), reason="Assessed", decided_by=senco,
            recorded_by=senco,
        )  # fmt: skip
    return world


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_register_export_is_logged_with_who_filters_and_rows(client, register, file_format):
    senior = register.user(Role.SENIOR_LEADER)
    client.force_login(senior)
    url = reverse("pupils:register_export", args=[file_format])
    response = client.get(url, {"year_group": "9"})
    assert response.status_code == 200

    log = AccessLog.objects.get()
    assert (log.user, log.role, log.school) == (senior, Role.SENIOR_LEADER, register.school)
    assert log.pupil_id == BULK_EXPORT_PUPIL_ID
    assert log.what == f"SEN register export ({file_format.upper()}): 1 pupil"
    assert log.path == f"{url}?year_group=9"
    assert log.at is not None


def test_census_download_is_logged_with_its_date(client, register):
    client.force_login(register.user(Role.SENCO))
    url = reverse("pupils:census_export", args=["csv"])
    assert client.get(url, {"date": "2024-10-03"}).status_code == 200
    log = AccessLog.objects.get()
    assert log.user == register.user(Role.SENCO)
    rows = Pupil.objects.filter(school=register.school).on_roll(on=date(2024, 10, 3)).count()
    assert rows == 5  # three on the register and the world's two pupils of this school
    assert log.what == f"census extract (CSV) for 2024-10-03: {rows} pupils"
    assert log.path.endswith("?date=2024-10-03")


def test_refused_or_broken_export_writes_no_log(client, register):
    client.force_login(register.user(Role.TEACHER))
    assert client.get(reverse("pupils:register_export", args=["csv"])).status_code == 403
    client.force_login(register.user(Role.SENCO))
    assert client.get(reverse("pupils:register_export", args=["pdf"])).status_code == 404
    assert not AccessLog.objects.exists()


def test_exports_do_not_show_on_any_pupils_history(client, register):
    client.force_login(register.user(Role.SENCO))
    client.get(reverse("pupils:register_export", args=["csv"]))
    pupil = register.taught
    page = client.get(reverse("pupils:history", args=[pupil.pk]))
    assert list(page.context["reads"]) == []


def test_census_command_logs_the_person_named_with_by(register, tmp_path):
    senco = register.user(Role.SENCO)
    out = tmp_path / "census.csv"
    call_command(
        "export_census", school=register.school.urn, date="2024-10-03", output=str(out),
        by=senco.email.upper(), stderr=io.StringIO(),
    )  # fmt: skip
    log = AccessLog.objects.get()
    assert (log.user, log.role, log.school) == (senco, Role.SENCO, register.school)
    assert log.what == "census extract (CSV, command) for 2024-10-03: 5 pupils"
    assert log.path == (
        f"manage.py export_census --school {register.school.urn} --date 2024-10-03 --output {out}"
    )


def test_census_command_without_by_is_logged_with_no_person_and_warns(register):
    err = io.StringIO()
    call_command(
        "export_census", school=register.school.urn, date="2024-10-03",
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert "with no person named" in err.getvalue()
    entry = AccessLog.objects.get()
    assert (entry.user, entry.role, entry.school) == (None, "", register.school)
    assert entry.what.startswith("census extract (CSV, command) for 2024-10-03")
    assert "a command-line user" in str(entry)


@pytest.mark.parametrize(
    ("role", "message"), [(Role.TEACHER, "not a role that may export"), (None, "Nobody with")]
)
def test_census_command_refuses_someone_who_may_not_export(register, role, message):
    email = register.user(role).email if role else "nobody@example.org"
    with pytest.raises(CommandError, match=message):
        call_command(
            "export_census", school=register.school.urn, date="2024-10-03", by=email,
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not AccessLog.objects.exists()
