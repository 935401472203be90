"""The SEN information report: drafts, publishing and freezing, and the public page
(SEND Regulations 2014 regulation 51 and Schedule 1; Code of Practice 6.79)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import PupilNeed
from reports.information_report.facts import first_draft
from reports.models import SECTIONS, InformationReport
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import PupilFactory
from tests.provision.provision_data import InterventionFactory
from tests.reports.report_data import complete_text, draft_report, published_report
from tests.reports.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

DISTINCTIVE = [
    ("Zebedee", "Quillfeather", date(2012, 2, 29)),
    ("Persephone", "Marchbanks", date(2013, 7, 17)),
    ("Octavius", "Wrenfield", date(2011, 11, 3)),
    ("Isolde", "Pemberthwaite", date(2012, 5, 21)),
    ("Barnaby", "Thistlewood", date(2013, 1, 9)),
    ("Clementine", "Ashgrove", date(2012, 10, 12)),
]


def on_register(school, count, need, **fields):
    pupils = [
        PupilFactory(school=school, sen_stage=SenStage.SEN_SUPPORT, **fields) for _ in range(count)
    ]
    PupilNeed.objects.bulk_create(PupilNeed(pupil=p, code=need, rank=1) for p in pupils)
    return pupils


def distinctive_pupils(school):
    pupils = [
        PupilFactory(
            school=school,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sen_stage=SenStage.SEN_SUPPORT,
        )
        for first, last, born in DISTINCTIVE
    ]
    PupilNeed.objects.bulk_create(PupilNeed(pupil=p, code="ASD", rank=1) for p in pupils)
    return pupils


def assert_no_pupil_data(text, pupils):
    for pupil in pupils:
        assert pupil.first_name not in text
        assert pupil.last_name not in text
        assert pupil.upn not in text
        for shown in (f"{pupil.date_of_birth:%d/%m/%Y}", f"{pupil.date_of_birth:%-d %B %Y}"):
            assert shown not in text


def test_public_page_needs_no_sign_in_and_shows_no_pupil_data(client, world):
    """The first draft from live records, published, names no pupil and gives no UPN or date
    of birth, on the page or in its PDF."""
    pupils = distinctive_pupils(world.school)
    InterventionFactory(school=world.school, name="Lexicon Boost", areas=["CL"])
    senco = world.user(Role.SENCO)
    report = InformationReport.start_draft(
        school=world.school, by=senco, academic_year="2026/27", defaults=first_draft(senco)
    )
    report.senco_email = "senco@oakfield.example"
    report.local_offer_url = "https://www.example.gov.uk/local-offer"
    report.save()
    report.publish(by=senco)

    response = client.get(reverse("reports:information_report_public", args=[world.school.urn]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "communication and interaction" in text  # six pupils with ASD: enough to name
    assert "Lexicon Boost" in text
    assert "senco@oakfield.example" in text
    assert_no_pupil_data(text, pupils)
    pdf = client.get(reverse("reports:information_report_public_pdf", args=[world.school.urn]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert_no_pupil_data(pdf_text(pdf.content), pupils)


def test_public_page_is_404_until_a_version_is_published(client, world):
    draft_report(world.school, world.user(Role.SENCO), kinds_of_need="Draft words only.")
    url = reverse("reports:information_report_public", args=[world.school.urn])

    assert client.get(url).status_code == 404
    pdf_url = reverse("reports:information_report_public_pdf", args=[world.school.urn])
    assert client.get(pdf_url).status_code == 404
    unknown = reverse("reports:information_report_public", args=["999999"])
    assert client.get(unknown).status_code == 404


def test_public_page_shows_only_the_latest_published_version(client, world):
    senco = world.user(Role.SENCO)
    published_report(
        world.school,
        senco,
        at=datetime(2025, 9, 10, tzinfo=UTC),
        kinds_of_need="Old words.",
    )
    published_report(
        world.school,
        senco,
        at=datetime(2026, 9, 9, tzinfo=UTC),
        kinds_of_need="New words.",
    )
    draft_report(world.school, senco, kinds_of_need="Unpublished words.")

    text = client.get(
        reverse("reports:information_report_public", args=[world.school.urn])
    ).content.decode()

    assert "New words." in text
    assert "Old words." not in text
    assert "Unpublished words." not in text


def test_small_groups_of_need_are_not_named(world):
    """An area of need with fewer pupils than the suppression threshold is left out."""
    on_register(world.school, 4, "VI")
    on_register(world.school, 5, "SPLD")

    text = first_draft(world.user(Role.SENCO))["kinds_of_need"]

    live = text.split("\n\n")[0]
    assert "cognition and learning" in live
    assert "sensory" not in live
    assert "About 82 in every 100" in text.split("\n\n")[1]  # 9 on the register of 11 on roll


def test_no_share_of_the_roll_when_nobody_is_on_the_register(world):
    text = first_draft(world.user(Role.SENCO))["kinds_of_need"]

    assert "in every 100" not in text


def test_saving_and_publishing_from_the_editor(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    client.post(reverse("reports:information_report_start"))
    draft = InformationReport.objects.get(school=world.school)
    url = reverse("reports:information_report_edit", args=[draft.pk])
    data = {"academic_year": "2026/27", **complete_text(complaints="Talk to us first.")}

    response = client.post(url, data | {"publish": "1"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == InformationReport.Status.PUBLISHED
    assert draft.published_by == senco
    assert draft.complaints == "Talk to us first."
    reasons = list(draft.history.values_list("history_change_reason", "history_user"))
    assert ("Published", senco.pk) in reasons


def test_publishing_needs_every_heading_and_a_contact(client, world):
    client.force_login(world.user(Role.SENCO))
    draft = draft_report(world.school, world.user(Role.SENCO), complaints="", senco_email="")

    response = client.post(
        reverse("reports:information_report_publish", args=[draft.pk]), follow=True
    )

    draft.refresh_from_db()
    assert draft.is_draft
    text = response.content.decode()
    assert "If you are unhappy or want to complain" in text
    assert "email address or phone number" in text


def test_a_published_version_is_frozen(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    report = published_report(world.school, senco, kinds_of_need="As published.")
    edit = reverse("reports:information_report_edit", args=[report.pk])

    assert client.get(edit).status_code == 404
    post = client.post(
        edit, {"academic_year": "2026/27", **complete_text(kinds_of_need="Changed.")}
    )
    assert post.status_code == 404
    again = client.post(reverse("reports:information_report_publish", args=[report.pk]))
    assert again.status_code == 404
    report.refresh_from_db()
    assert report.kinds_of_need == "As published."
    with pytest.raises(ValueError):
        report.publish(by=senco)
    fresh = InformationReport.objects.get(pk=report.pk)
    fresh.kinds_of_need = "Changed behind the form's back."
    with pytest.raises(ValueError):
        fresh.save()


def test_a_new_draft_copies_the_published_text_and_keeps_the_old_version(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    first = published_report(world.school, senco, wellbeing="Our nurture room.")

    client.post(reverse("reports:information_report_start"))
    client.post(reverse("reports:information_report_start"))  # opens the same draft again

    versions = InformationReport.objects.for_school(world.school).order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "published"), (2, "draft")]
    assert versions[1].wellbeing == "Our nurture room."
    assert versions[0].pk == first.pk


def test_overview_reminds_when_the_report_is_over_a_year_old(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    published_report(world.school, senco, at=datetime(2025, 9, 12, 9, tzinfo=UTC))

    with time_machine.travel(datetime(2026, 9, 1, 9, tzinfo=UTC), tick=False):
        recent = client.get(reverse("reports:information_report")).content.decode()
    with time_machine.travel(datetime(2026, 9, 20, 9, tzinfo=UTC), tick=False):
        stale = client.get(reverse("reports:information_report")).content.decode()
        home = client.get(reverse("reports:home")).content.decode()

    assert "12 September 2025" in recent
    assert "over a year since" not in recent
    assert "over a year since" in stale
    assert "Due its yearly update" in home


def test_editor_shows_live_facts_beside_each_heading(client, world):
    distinctive_pupils(world.school)
    client.force_login(world.user(Role.SENCO))
    draft = draft_report(world.school, world.user(Role.SENCO))

    text = client.get(reverse("reports:information_report_edit", args=[draft.pk])).content.decode()

    for section in SECTIONS:
        assert section.title in text
    assert "From SENDhub today" in text
    assert "communication and interaction" in text
    assert "Zebedee" not in text


def _grow(world, n):
    senco = world.user(Role.SENCO)
    numbers = InformationReport.objects.for_school(world.school).values_list("number", flat=True)
    start = max(numbers, default=0) + 1
    InformationReport.objects.bulk_create(
        InformationReport(
            school=world.school,
            number=start + i,
            status=InformationReport.Status.PUBLISHED,
            academic_year="2020/21",
            created_by=senco,
            published_by=senco,
            published_at=datetime(2020, 9, 1 + i, tzinfo=UTC),
            **complete_text(),
        )
        for i in range(n)
    )
    on_register(world.school, 2 * n, "SLCN")
    for _ in range(n):
        InterventionFactory(school=world.school)


@pytest.mark.parametrize(
    "page", ["information_report", "information_report_edit", "information_report_public"]
)
def test_pages_run_the_same_queries_at_two_sizes(client, world, page):
    senco = world.user(Role.SENCO)
    client.force_login(senco)

    def url():
        if page == "information_report_edit":
            draft = InformationReport.objects.for_school(world.school).drafts().first()
            draft = draft or draft_report(world.school, senco)
            return reverse(f"reports:{page}", args=[draft.pk])
        if page == "information_report_public":
            return reverse(f"reports:{page}", args=[world.school.urn])
        return reverse(f"reports:{page}")

    _grow(world, 1)
    small = count_queries(client, url(), warm=True)
    _grow(world, 5)
    large = count_queries(client, url(), warm=True)

    assert small == large


def test_pdf_has_every_heading_and_no_confidential_mark(client, world):
    published_report(world.school, world.user(Role.SENCO), staff="All staff trained in autism.")

    pdf = client.get(reverse("reports:information_report_public_pdf", args=[world.school.urn]))

    text = pdf_text(pdf.content)
    for section in SECTIONS:
        assert section.title.split(",")[0][:25] in " ".join(text.split())
    assert "All staff trained in autism." in text
    assert "Confidential" not in text


def test_overview_lists_every_version(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(world.user(Role.SENIOR_LEADER))
    published_report(world.school, senco, at=datetime.now(UTC) - timedelta(days=30))
    draft_report(world.school, senco)

    text = client.get(reverse("reports:information_report")).content.decode()

    assert "Version 1" in text and "Version 2" in text
    assert "Published: on the public page" in text
    assert "Start this year" not in text  # a senior leader reads; the SENCO writes
