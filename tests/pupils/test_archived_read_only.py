"""A leaver's SEN file is archived: read, never changed through the screens (docs/retention.md)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from pupils.models import Pupil, Referral
from sendhub.roles import Role
from tests.pupils.concern_data import referral_kwargs

pytestmark = pytest.mark.django_db

CHANGE_URLS = [
    ("pupils:change_status", "get"),
    ("pupils:change_status", "post"),
    ("pupils:context", "post"),
    ("pupils:parent_informed", "post"),
    ("pupils:assessment_add", "post"),
    ("pupils:referral_add", "post"),
    ("pupils:passport_edit", "post"),
    ("pupils:passport_confirm", "post"),
    ("pupils:profile_edit", "post"),
]


@pytest.fixture
def leaver(world):
    Pupil.objects.filter(pk=world.taught.pk).update(left_on=date.today() - timedelta(days=1))
    return Pupil.objects.get(pk=world.taught.pk)


@pytest.mark.parametrize(("name", "method"), CHANGE_URLS)
def test_the_senco_cannot_change_a_leavers_file(client, world, leaver, name, method):
    client.force_login(world.user(Role.SENCO))
    before = Pupil.history.filter(id=leaver.pk).count()
    response = getattr(client, method)(reverse(name, args=[leaver.pk]), {})
    assert response.status_code == 404
    assert Pupil.history.filter(id=leaver.pk).count() == before


def test_a_leavers_referral_cannot_be_edited(client, world):
    referral = Referral.objects.get(**referral_kwargs(world, Role.SENCO, True))
    Pupil.objects.filter(pk=world.taught.pk).update(left_on=date.today() - timedelta(days=1))
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:referral_edit", args=[referral.pk])
    assert client.post(url, {"notes": "changed"}).status_code == 404
    referral.refresh_from_db()
    assert referral.notes == ""


def test_the_leavers_file_is_still_read_and_says_it_is_archived(client, world, leaver):
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:detail", args=[leaver.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Their SEN file is archived" in body
    assert reverse("pupils:change_status", args=[leaver.pk]) not in body


def test_a_pupil_on_roll_can_still_be_changed(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.get(reverse("pupils:change_status", args=[world.taught.pk])).status_code == 200
