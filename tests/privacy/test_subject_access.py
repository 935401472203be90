"""The subject access export (UK GDPR Art. 15): one ZIP with every record about a pupil."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from pupils.models import Pupil
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.conftest import count_queries, get_counting_queries
from tests.privacy.sar_data import enrich

pytestmark = pytest.mark.django_db


def _url(pupil):
    return reverse("privacy:subject_access", args=[pupil.pk])


def _export(client, world):
    pupil = enrich(world)
    client.force_login(world.user(Role.SENCO))
    response = client.post(_url(pupil))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return pupil, zipfile.ZipFile(io.BytesIO(response.content))


def _json(archive, label):
    return json.loads(archive.read(f"data/{label.replace('.', '-')}.json"))


SECTION_COUNTS = {
    "pupils.Concern": 2,  # the teacher's, and the one behind the round robin
    "pupils.RoundRobinRequest": 1,
    "pupils.Referral": 1,
    "pupils.Task": 1,
    "pupils.Passport": 1,
    "pupils.OnePageProfile": 1,
    "pupils.MedicalCondition": 1,
    "pupils.ParentLink": 1,
    "pupils.SupportAssignment": 1,
    "pupils.TeachingGroup_pupils": 1,
    "provision.GroupMember": 1,
    "provision.SessionAttendance": 3,
    "reviews.EHCPlan": 1,
    "reviews.AnnualReview": 1,
    "reviews.SupportPlan": 2,  # the reviewed plan and the next cycle's draft
    "sendhub.AccessLog": 2,  # the file opened, and this export
}


@pytest.mark.slow  # draws a PDF of every record: seconds
def test_the_zip_holds_every_section_files_checklist_and_is_logged(client, world):
    """One export of a pupil with rich data, opened and checked section by section."""
    pupil, archive = _export(client, world)
    names = set(archive.namelist())
    assert {"records.pdf", "README.txt", "review-before-release.csv"} <= names
    assert archive.read("records.pdf").startswith(b"%PDF")
    assert _json(archive, "pupils.Pupil")[0]["upn"] == pupil.upn
    found = {label: len(_json(archive, label)) for label in SECTION_COUNTS}
    assert found == SECTION_COUNTS
    assert len(_json(archive, "pupils.RegisterEntry")) >= 1
    assert len(_json(archive, "reviews.PlanTarget")) >= 3
    assert len(_json(archive, "pupils.PassportVersion")) >= 1
    # Machine-readable CSV alongside the JSON, and each record's change history.
    rows = list(csv.DictReader(io.StringIO(archive.read("data/pupils-Pupil.csv").decode())))
    assert rows[0]["last_name"] == pupil.last_name
    assert "data/pupils-Pupil-history.json" in names

    # The uploaded files: concern evidence, the specialist report, the passport photo.
    files = [n for n in names if n.startswith("files/")]
    assert any(n.startswith("files/pupils-Concern/") and n.endswith(".pdf") for n in files)
    assert any(n.startswith("files/pupils-Referral/") for n in files)
    photos = [n for n in files if n.startswith("files/pupils-PassportVersion/")]
    assert photos and archive.read(photos[0])[:2] == b"\xff\xd8"  # a JPEG

    # Third-party and staff-only records are on the checklist; the pupil's details are not.
    checklist = archive.read("review-before-release.csv").decode()
    sections = {row[0] for row in list(csv.reader(io.StringIO(checklist)))[1:]}
    assert {"Referrals and specialist reports (restricted)", "Concerns"} <= sections
    assert "Round robin requests to staff" in sections
    assert "Pupil details" not in sections

    # Audit: who, when, which pupil.
    entry = AccessLog.objects.filter(pupil_id=pupil.pk, what="subject access export").get()
    assert entry.user == world.user(Role.SENCO)
    assert entry.school_id == pupil.school_id


def test_the_page_lists_sections_and_what_to_review_in_the_same_queries_for_more_data(
    client, world
):
    client.force_login(world.user(Role.SENCO))
    url = _url(world.taught)
    few = count_queries(client, url, warm=True)
    enrich(world)
    many, response = get_counting_queries(client, url, warm=True)
    assert many == few
    body = response.content.decode()
    assert "Referrals and specialist reports (restricted)" in body
    assert "Third-party information" in body
    assert "Prepare the export (ZIP)" in body
    assert not AccessLog.objects.filter(what="subject access export").exists()  # GET writes nothing


def test_an_out_of_scope_pupil_is_not_found(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.post(_url(world.elsewhere)).status_code == 404
    assert not AccessLog.objects.filter(what="subject access export").exists()


def test_only_the_senco_may_export(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    assert client.post(_url(world.taught)).status_code == 403
    assert Pupil.objects.filter(pk=world.taught.pk).exists()
