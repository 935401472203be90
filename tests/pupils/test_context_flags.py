"""The SENCO edits disability, context flags and medical conditions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pupils.models import MedicalCondition, Pupil
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def form_data(pupil, conditions=(), *, new=None, **changes):
    """The page's POST as the browser sends it unchanged, with changes applied."""
    data = {
        "gender": pupil.gender,
        "disability_notes": pupil.disability_notes,
        "attendance_percent": "" if pupil.attendance_percent is None else pupil.attendance_percent,
        "exclusions_count": pupil.exclusions_count,
        "reason": "",
        "medical-TOTAL_FORMS": len(conditions) + 1,
        "medical-INITIAL_FORMS": len(conditions),
        "medical-MIN_NUM_FORMS": 0,
        "medical-MAX_NUM_FORMS": 1000,
        f"medical-{len(conditions)}-condition": "",
        f"medical-{len(conditions)}-notes": "",
    }
    for flag in (
        "is_disabled",
        "free_school_meals",
        "pupil_premium",
        "eal",
        "looked_after",
        "previously_looked_after",
    ):
        if getattr(pupil, flag):
            data[flag] = "on"
    for index, condition in enumerate(conditions):
        data |= {
            f"medical-{index}-id": condition.pk,
            f"medical-{index}-condition": condition.condition,
            f"medical-{index}-notes": condition.notes,
        }
        if condition.has_care_plan:
            data[f"medical-{index}-has_care_plan"] = "on"
    if new:
        data |= {f"medical-{len(conditions)}-{key}": value for key, value in new.items()}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def url(pupil):
    return reverse("pupils:context", args=[pupil.pk])


def test_page_shows_current_flags_and_conditions(senco_client, world):
    pupil = world.taught
    MedicalCondition.objects.create(pupil=pupil, condition="Asthma", has_care_plan=True)
    MedicalCondition.objects.create(pupil=pupil, condition="Broken wrist", ended_on="2025-01-10")
    response = senco_client.get(url(pupil))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Disabled (Equality Act 2010)" in html
    assert 'value="Asthma"' in html
    assert "Broken wrist: ended 10 Jan 2025" in html
    assert 'value="Broken wrist"' not in html  # ended: listed, not editable


def test_profile_links_to_the_page_for_the_senco_only(client, world):
    pupil = world.taught
    client.force_login(world.user(Role.SENCO))
    assert url(pupil) in client.get(pupil.get_absolute_url()).content.decode()
    client.force_login(world.user(Role.SENIOR_LEADER))
    assert url(pupil) not in client.get(pupil.get_absolute_url()).content.decode()


def test_saving_changes_every_field_at_once_with_history(senco_client, world):
    pupil = world.taught
    asthma = MedicalCondition.objects.create(pupil=pupil, condition="Asthma")
    epilepsy = MedicalCondition.objects.create(pupil=pupil, condition="Epilepsy")
    data = form_data(
        pupil,
        [asthma, epilepsy],
        new={"condition": "Type 1 diabetes", "has_care_plan": "on", "notes": "Insulin pump"},
        gender="F",
        is_disabled="on",
        disability_notes="Diabetes: reasonable adjustments for snacks and testing",
        free_school_meals="on",
        pupil_premium="on",
        eal="on",
        previously_looked_after="on",
        attendance_percent="93.4",
        exclusions_count="2",
        reason="Annual data check",
        **{"medical-0-has_care_plan": "on", "medical-1-end": "on"},
    )
    response = senco_client.post(url(pupil), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    pupil.refresh_from_db()
    assert (pupil.gender, pupil.is_disabled, pupil.free_school_meals, pupil.pupil_premium) == (
        "F", True, True, True,
    )  # fmt: skip
    assert (pupil.eal, pupil.looked_after, pupil.previously_looked_after) == (True, False, True)
    assert pupil.attendance_percent == Decimal("93.4")
    assert pupil.exclusions_count == 2
    asthma.refresh_from_db()
    epilepsy.refresh_from_db()
    assert asthma.has_care_plan and asthma.ended_on is None
    assert epilepsy.ended_on is not None  # ended, not deleted
    diabetes = MedicalCondition.objects.get(pupil=pupil, condition="Type 1 diabetes")
    assert diabetes.has_care_plan and diabetes.notes == "Insulin pump"

    senco = world.user(Role.SENCO)
    latest = pupil.history.latest()
    assert latest.history_user == senco
    assert latest.history_change_reason == "Annual data check"
    assert latest.prev_record.attendance_percent is None
    assert epilepsy.history.latest().history_user == senco
    assert diabetes.history.get().history_type == "+"

    saved = senco_client.get(response["Location"]).content.decode()
    assert "ended Epilepsy; added Type 1 diabetes" in saved
    profile = senco_client.get(pupil.get_absolute_url()).content.decode()
    assert "Type 1 diabetes" in profile
    assert "Epilepsy" not in profile
    assert "93.4%" in profile
    history = senco_client.get(reverse("pupils:history", args=[pupil.pk])).content.decode()
    assert "Annual data check: added Type 1 diabetes" in history
    assert "Annual data check: Epilepsy no longer applies" in history


def test_history_page_shows_who_and_old_and_new_values(senco_client, world):
    pupil = world.taught
    pupil.attendance_percent = Decimal("88.0")
    pupil.save()
    data = form_data(pupil, attendance_percent="95.2", exclusions_count="1", eal="on")
    assert senco_client.post(url(pupil), data).status_code == 302
    html = senco_client.get(reverse("pupils:history", args=[pupil.pk])).content.decode()
    senco = world.user(Role.SENCO)
    assert str(senco) in html
    assert "Attendance %: <del>88.0</del> → <ins>95.2</ins>" in html
    assert "Suspensions and exclusions: <del>0</del> → <ins>1</ins>" in html
    assert "English as an additional language: <del>No</del> → <ins>Yes</ins>" in html


def test_unchanged_form_writes_no_history(senco_client, world):
    pupil = world.taught
    before = pupil.history.count()
    response = senco_client.post(url(pupil), form_data(pupil), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert pupil.history.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"attendance_percent": "100.1"}, "attendance_percent", "cannot be above 100%"),
        ({"attendance_percent": "-2"}, "attendance_percent", "cannot be below 0%"),
        ({"attendance_percent": "95.25"}, "attendance_percent", "one decimal place"),
        ({"attendance_percent": "ninety"}, "attendance_percent", "number from 0 to 100"),
        ({"exclusions_count": "-1"}, "exclusions_count", "cannot be below 0"),
        ({"exclusions_count": "1.5"}, "exclusions_count", "whole number"),
        ({"exclusions_count": ""}, "exclusions_count", "0 if none"),
        (
            {"looked_after": "on", "previously_looked_after": "on"},
            "previously_looked_after",
            "Untick one",
        ),
        (
            {"disability_notes": "Uses a wheelchair", "is_disabled": None},
            "is_disabled",
            "tick “Disabled”",
        ),
    ],
)
def test_bad_values_get_plain_messages_and_nothing_is_saved(
    senco_client, world, changes, field, message
):
    pupil = world.taught
    data = form_data(pupil, free_school_meals="on", **changes)
    response = senco_client.post(url(pupil), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert "Nothing has been saved yet" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.free_school_meals is False


def test_medical_condition_needs_a_name_and_nothing_else_is_saved(senco_client, world):
    pupil = world.taught
    data = form_data(pupil, new={"condition": "  ", "has_care_plan": "on"}, attendance_percent="90")
    response = senco_client.post(url(pupil), data)
    assert response.status_code == 200
    assert "Give the medical condition a name" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.attendance_percent is None
    assert not pupil.medical_conditions.exists()


def test_same_condition_twice_is_refused(senco_client, world):
    pupil = world.taught
    asthma = MedicalCondition.objects.create(pupil=pupil, condition="Asthma")
    response = senco_client.post(
        url(pupil), form_data(pupil, [asthma], new={"condition": "asthma"})
    )
    assert response.status_code == 200
    assert "is already listed above" in response.content.decode()
    assert pupil.medical_conditions.count() == 1


def test_another_schools_pupil_is_not_found_and_not_changed(senco_client, world):
    pupil = world.elsewhere
    response = senco_client.post(url(pupil), form_data(pupil, attendance_percent="50"))
    assert response.status_code == 404
    pupil.refresh_from_db()
    assert pupil.attendance_percent is None


def test_page_runs_a_fixed_number_of_queries(senco_client, world):
    pupil = world.taught

    def add_conditions(count, start):
        for index in range(start, start + count):
            MedicalCondition.objects.create(pupil=pupil, condition=f"Condition {index}")
            MedicalCondition.objects.create(
                pupil=pupil, condition=f"Old condition {index}", ended_on="2025-01-01"
            )
        PupilFactory.create_batch(count, school=world.school)

    add_conditions(1, 0)
    senco_client.get(url(pupil))
    small = count_queries(senco_client, url(pupil))
    add_conditions(12, 1)
    large = count_queries(senco_client, url(pupil))
    assert small == large
    assert Pupil.objects.filter(school=world.school).count() > 12
