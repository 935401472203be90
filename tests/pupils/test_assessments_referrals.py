"""Assessment results and specialist referrals."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.models import AssessmentInstrument, AssessmentResult, Referral
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.pupils.concern_data import PDF, make_service


@pytest.fixture
def instrument(world):
    # The pupil factory's date of birth is 14 March 2013.
    return AssessmentInstrument.objects.create(
        school=world.school, name="Reading screener", kind="screening", standardised=True,
        min_age_months=6 * 12, max_age_months=11 * 12 + 11,
    )  # fmt: skip


def post_result(client, world, instrument, **extra):
    data = {
        "instrument": instrument.pk,
        "taken_on": "2023-06-01",
        "assessor": "J. Patel (SENCO)",
        "raw_score": "31",
        "standardised_score": "82",
        "age_equivalent_months": "98",
        "percentile": "12",
    } | extra
    return client.post(reverse("pupils:assessment_add", args=[world.taught.pk]), data)


def test_senco_records_a_result_shown_on_the_pupil_profile(senco_client, world, instrument):
    response = post_result(senco_client, world, instrument)
    assert response.status_code == 302
    result = AssessmentResult.objects.get()
    assert (result.standardised_score, result.band, result.age_equivalent_display) == (
        82, "below average", "8y 2m",
    )  # fmt: skip
    assert result.age_warning == ""
    html = senco_client.get(reverse("pupils:assessments", args=[world.taught.pk])).content.decode()
    assert "Reading screener" in html and "below average" in html and "8y 2m" in html
    detail = senco_client.get(reverse("pupils:detail", args=[world.taught.pk])).content.decode()
    card = detail.split('id="assessments-heading"', 1)[1].split("</section>", 1)[0]
    assert "Reading screener" in card and "1 Jun 2023" in card and "J. Patel (SENCO)" in card
    assert "<td>82 <span" in card and "below average" in card and "8y 2m" in card
    assert "<td>12</td>" in card  # the percentile
    assert reverse("pupils:assessments", args=[world.taught.pk]) in card


def test_profile_shows_the_latest_results_first_with_the_age_warning(
    senco_client, world, instrument
):
    for day in range(1, 8):
        post_result(senco_client, world, instrument, taken_on=f"2023-06-0{day}",
                    standardised_score=str(90 + day))  # fmt: skip
    post_result(senco_client, world, instrument, taken_on="2025-04-01", standardised_score="70")
    detail = senco_client.get(reverse("pupils:detail", args=[world.taught.pk])).content.decode()
    card = detail.split('id="assessments-heading"', 1)[1].split("</section>", 1)[0]
    # Newest first, five of eight shown, and a link to all of them.
    dates = ["1 Apr 2025", "7 Jun 2023", "6 Jun 2023", "5 Jun 2023", "4 Jun 2023"]
    assert [card.index(day) for day in dates] == sorted(card.index(day) for day in dates)
    assert "3 Jun 2023" not in card
    assert "All assessment results" in card
    assert "Taught Pupil was 12y 0m on the day" in card


def test_profile_says_when_there_are_no_results(senco_client, world):
    detail = senco_client.get(reverse("pupils:detail", args=[world.taught.pk])).content.decode()
    card = detail.split('id="assessments-heading"', 1)[1].split("</section>", 1)[0]
    assert "No assessment results yet." in card


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("standardised_score", "400", "A standardised score is between 40 and 160"),
        ("percentile", "101", "A percentile is between 0 and 100"),
        ("age_equivalent_months", "241", "An age-equivalent is in months, from 0 to 240"),
        ("taken_on", "tomorrow", "This date is in the future."),
    ],
)
def test_impossible_results_are_refused_with_a_clear_message(
    senco_client, world, instrument, field, value, message
):
    if value == "tomorrow":  # worked out now, not when the tests were collected
        value = (date.today() + timedelta(days=1)).isoformat()
    response = post_result(senco_client, world, instrument, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AssessmentResult.objects.exists()


def test_warning_when_the_pupil_is_outside_the_instruments_age_range(
    senco_client, world, instrument
):
    # 14 March 2013 to 1 April 2025: 12 years 0 months, above the 11y 11m ceiling.
    response = post_result(senco_client, world, instrument, taken_on="2025-04-01")
    assert response.status_code == 302
    result = AssessmentResult.objects.get()
    assert result.age_months_when_taken == 144
    assert result.age_warning.startswith("Taught Pupil was 12y 0m on the day")
    page = senco_client.get(response["Location"]).content.decode()
    assert "treat the scores with care" in page


def test_non_standardised_instrument_refuses_a_standardised_score(senco_client, world):
    checklist = AssessmentInstrument.objects.create(
        school=world.school, name="Phonics checklist", kind="diagnostic", standardised=False
    )
    response = post_result(senco_client, world, checklist)
    assert "does not give standardised scores" in response.content.decode()


def test_instruments_are_per_school_and_names_unique(senco_client, world, instrument):
    url = reverse("pupils:instruments")
    data = {"name": "reading screener", "kind": "screening", "standardised": "on"}
    response = senco_client.post(url, data)
    assert response.status_code == 400
    assert "already in the list" in response.content.decode()
    response = senco_client.post(url, data | {"name": "Vernon spelling", "min_age_months": "100",
                                              "max_age_months": "90"})  # fmt: skip
    assert "The oldest age must be at least the youngest." in response.content.decode()
    assert senco_client.post(url, data | {"name": "Vernon spelling"}).status_code == 302
    assert AssessmentInstrument.objects.filter(school=world.school).count() == 2


def test_referral_shows_waiting_time_and_the_report_is_restricted(client, world):
    senco = world.user(Role.SENCO)
    service = make_service(world.school)
    client.force_login(senco)
    requested = date.today() - timedelta(days=40)
    response = client.post(
        reverse("pupils:referral_add", args=[world.taught.pk]),
        {"service": service.pk, "requested_on": requested.isoformat()},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    html = client.get(reverse("pupils:referrals", args=[world.taught.pk])).content.decode()
    assert "40 days so far" in html

    seen = date.today() - timedelta(days=5)
    response = client.post(
        reverse("pupils:referral_edit", args=[referral.pk]),
        {
            "service": service.pk,
            "requested_on": requested.isoformat(),
            "seen_on": seen.isoformat(),
            "report_received_on": date.today().isoformat(),
            "report": SimpleUploadedFile("ep.pdf", PDF),
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.waiting_days() == 35
    report_url = reverse("pupils:referral_report", args=[referral.pk])
    assert b"".join(client.get(report_url).streaming_content) == PDF
    assert AccessLog.objects.filter(what="specialist report", pupil_id=world.taught.pk).exists()
    client.force_login(world.user(Role.TEACHER))
    assert client.get(report_url).status_code == 404  # not named on the referral


def test_referral_cannot_be_seen_before_it_was_requested(senco_client, world):
    service = make_service(world.school)
    response = senco_client.post(
        reverse("pupils:referral_add", args=[world.taught.pk]),
        {"service": service.pk, "requested_on": "2025-10-10", "seen_on": "2025-10-01"},
    )
    assert response.status_code == 400
    assert "cannot be seen before the referral" in response.content.decode()


def test_services_directory_lists_contacts(senco_client, world):
    response = senco_client.post(
        reverse("pupils:service_add"),
        {"name": "NHS Speech and Language", "kind": "salt", "phone": "0113 555 0100",
         "email": "salt@nhs.example"},
    )  # fmt: skip
    assert response.status_code == 302
    html = senco_client.get(reverse("pupils:services")).content.decode()
    assert "tel:0113 555 0100" in html and "Speech and language therapy" in html
