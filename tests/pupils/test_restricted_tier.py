"""
The restricted tier (docs/access.md; UK GDPR Art. 9): medical conditions and specialist
reports are for the SENCO and the staff named on the record; senior leaders only where
the school's setting allows (off by default).
"""

import pytest
from django.urls import reverse

from pupils.models import MedicalCondition, Referral
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.pupils.concern_data import referral_kwargs

pytestmark = pytest.mark.django_db

STAFF = (Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT)


@pytest.fixture
def records(world):
    referral = Referral.objects.get(**referral_kwargs(world, Role.SENCO, True))
    condition = MedicalCondition.objects.create(pupil=world.taught, condition="Epilepsy")
    return referral, condition


def _visible(model, user):
    return set(model.objects.restricted_visible_to(user).values_list("pk", flat=True))


def test_by_default_only_the_senco_sees_restricted_records(world, records):
    referral, condition = records
    for role in Role:
        user = world.user(role)
        expected = role == Role.SENCO
        assert (referral.pk in _visible(Referral, user)) is expected, role
        assert (condition.pk in _visible(MedicalCondition, user)) is expected, role


def test_senior_leaders_see_them_where_the_school_allows(world, records):
    world.school.senior_leaders_see_restricted = True
    world.school.save()
    head = world.user(Role.SENIOR_LEADER)
    assert _visible(Referral, head) == {records[0].pk}
    assert _visible(MedicalCondition, head) == {records[1].pk}
    assert _visible(Referral, world.user(Role.TEACHER)) == set()


def test_staff_named_on_the_record_see_it_while_they_can_see_the_pupil(world, records):
    referral, condition = records
    teacher, ta, parent = (
        world.user(r) for r in (Role.TEACHER, Role.TEACHING_ASSISTANT, Role.PARENT)
    )
    referral.named_staff.add(teacher, parent)
    condition.named_staff.add(ta)
    assert _visible(Referral, teacher) == {referral.pk}
    assert _visible(MedicalCondition, teacher) == set()
    assert _visible(MedicalCondition, ta) == {condition.pk}
    assert _visible(Referral, parent) == set()  # parents are never named into the tier
    # Named, but the pupil is not theirs (left the class): nothing.
    world.group.pupils.remove(world.taught)
    assert _visible(Referral, teacher) == set()


def test_the_report_download_is_not_found_for_staff_not_named(client, world, records):
    referral = records[0]
    url = reverse("pupils:referral_report", args=[referral.pk])
    for role, status in [
        (Role.SENCO, 200),
        (Role.SENIOR_LEADER, 404),
        (Role.TEACHER, 404),
        (Role.TEACHING_ASSISTANT, 404),
        (Role.PARENT, 403),
        (Role.GOVERNOR, 403),
    ]:
        client.force_login(world.user(role))
        assert client.get(url).status_code == status, role
    referral.named_staff.add(world.user(Role.TEACHER))
    client.force_login(world.user(Role.TEACHER))
    assert client.get(url).status_code == 200


def test_the_profile_hides_medical_conditions_from_a_senior_leader_unless_allowed(
    client, world, records
):
    url = reverse("pupils:detail", args=[world.taught.pk])
    client.force_login(world.user(Role.SENIOR_LEADER))
    assert "Epilepsy" not in client.get(url).content.decode()
    world.school.senior_leaders_see_restricted = True
    world.school.save()
    assert "Epilepsy" in client.get(url).content.decode()
    client.force_login(world.user(Role.SENCO))
    assert "Epilepsy" in client.get(url).content.decode()


def test_the_profile_reads_medical_conditions_in_the_same_queries_for_more(client, world):
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:detail", args=[world.taught.pk])
    MedicalCondition.objects.create(pupil=world.taught, condition="Asthma")
    few = count_queries(client, url, warm=True)
    for name in ("Epilepsy", "Coeliac disease", "Eczema"):
        MedicalCondition.objects.create(pupil=world.taught, condition=name)
    assert count_queries(client, url, warm=True) == few
