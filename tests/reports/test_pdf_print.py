"""
Every PDF is marked Confidential, carries the date printed and "Page X of Y", prints no
screen-only badges and never cuts a word; the class sheet is A4 landscape, a page a class.
"""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import PlanStrategy, PlanTarget, SupportPlan
from sendhub.roles import Role
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.passport_data import give_passport
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"

# Long words a narrow column might be tempted to cut.
LONG_WORDS = ["electroencephalography", "incomprehensibilities", "uncharacteristically"]
LONG_TEXT = (
    "Finds uncharacteristically noisy rooms hard; her electroencephalography results and "
    "the incomprehensibilities of long instructions are discussed with the family."
)
EMAIL = "parent.of.a.pupil.with.a.very.long.address@oakfield-academy.example.sch.uk"


@pytest.fixture
def documents(world):
    """The pupil's passport, profile, a reviewed plan and a class sheet of two classes."""
    senco = world.user(Role.SENCO)
    pupil = world.taught
    pupil.needs.create(code="SPLD", rank=1)
    from pupils.codes import SenStage
    from pupils.register.services import record_register_change

    record_register_change(
        pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"], effective_on=date(2025, 9, 1),
        reason="Test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    give_passport(pupil, senco, what_helps_me=LONG_TEXT, find_difficult=LONG_TEXT,
                  like_you_to_know=f"{LONG_TEXT} Write to {EMAIL}.")  # fmt: skip
    from pupils.models import OnePageProfile, PupilVoiceMethod

    OnePageProfile.objects.create(
        pupil=pupil, admired_for=LONG_TEXT, important_to_me=LONG_TEXT,
        how_to_support_me=LONG_TEXT, voice_method=PupilVoiceMethod.DRAWINGS,
        updated_on=date(2025, 10, 1), updated_by=senco,
    )  # fmt: skip
    plan = make_plan(pupil, senco, status=SupportPlan.Status.ACTIVE)
    PlanTarget.objects.filter(plan=plan).update(success_criteria=LONG_TEXT)
    PlanStrategy.objects.create(plan=plan, order=2, text=LONG_TEXT)
    progress = {t.pk: ("partly", LONG_TEXT) for t in plan.targets.all()}
    following = services.close_review(plan=plan, held_on=date.today(), decision="continue",
                                       summary=LONG_TEXT, progress=progress, recorded_by=senco)  # fmt: skip
    for party in ["teacher", "senco", "parent", "pupil"]:
        services.record_agreement(plan=following, party=party, by=senco)
    services.activate_plan(plan=following, by=senco)
    second = TeachingGroupFactory(school=world.school, name="8 Sc2", subject="Science")
    second.teachers.add(world.user(Role.TEACHER))
    other = PupilFactory(school=world.school, first_name="Second", last_name="Classmate")
    record_register_change(
        pupil=other, stage=SenStage.SEN_SUPPORT, needs=["ASD"], effective_on=date(2025, 9, 1),
        reason="Test", decided_by=senco, recorded_by=senco,
    )  # fmt: skip
    second.pupils.add(other, pupil)
    return {
        "passport": reverse("pupils:passport_pdf", args=[pupil.pk]),
        "profile": reverse("pupils:profile_pdf", args=[pupil.pk]),
        "plan": reverse("reviews:plan_pdf", args=[plan.pk]),
        "review": reverse("reviews:review_pdf", args=[plan.pk]),
        "class-sheet": reverse("reports:class_view_pdf"),
    }


def split_fragments(text):
    """Pieces of a long word standing on their own: a word cut at a line's end."""
    found = []
    for token in re.findall(r"[A-Za-z]+", text):
        for word in LONG_WORDS:
            if (
                token != word
                and len(token) >= 4
                and (word.startswith(token) or word.endswith(token))
            ):
                found.append(token)
    return found


def pdf_pages(pdf):
    """(page count, [(width, height)] in points) from pdfinfo."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sizes = [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]
    return pages, sizes


@pytest.mark.parametrize("name", ["passport", "profile", "plan", "review", "class-sheet"])
def test_every_pdf_is_marked_dated_numbered_and_cuts_no_word(client, world, documents, name):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    role = Role.TEACHER if name == "class-sheet" else Role.SENCO
    client.force_login(world.user(role))
    response = client.get(documents[name])
    assert response.status_code == 200
    pdf = response.content
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"print-{name}.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    pages, sizes = pdf_pages(pdf)
    assert text.count("Confidential") == pages, "Confidential on every page"
    assert text.count(f"Printed {date.today():%-d %B %Y}") == pages
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert any(word in text for word in LONG_WORDS), "the long words are in the document"
    assert split_fragments(text) == []
    if name == "passport":  # a long email may break, but prints in full
        assert EMAIL in "".join(text.split())
    if name == "class-sheet":
        assert pages == 2, "one page per class"
        assert all(width > height for width, height in sizes), "A4 landscape"
        assert abs(sizes[0][0] - 841.89) < 1 and abs(sizes[0][1] - 595.28) < 1
        assert "Second Classmate" in text and "8 Sc2" in text
        assert "not yet read" not in text  # a per-reader screen marker
    else:
        assert all(height > width for width, height in sizes), "A4 portrait"
