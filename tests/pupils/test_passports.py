"""Pupil passports: versions, the stale nudge, read receipts and the pages."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from pupils.models import Passport, PassportVersion, ReadReceipt
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.pupils.passport_data import SECTIONS, give_passport, give_profile

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {
        **SECTIONS,
        "voice_method": "symbols",
        "voice_notes": "Used the Widgit symbol board with Ms Patel.",
        "captured_on": "2025-11-03",
        **overrides,
    }


def test_each_save_is_a_new_version_and_old_versions_are_kept(world):
    senco = world.user(Role.SENCO)
    first = give_passport(world.taught, senco)
    second = give_passport(world.taught, senco, enjoy="Lego and swimming.")
    passport = Passport.objects.get(pupil=world.taught)
    assert (first.number, second.number) == (1, 2)
    assert passport.current == second
    assert passport.version == 2
    assert PassportVersion.objects.get(pk=first.pk).enjoy == SECTIONS["enjoy"]
    assert list(passport.versions.values_list("number", flat=True)) == [2, 1]


def test_a_saved_version_cannot_be_edited(world):
    version = give_passport(world.taught, world.user(Role.SENCO))
    version.enjoy = "Rewritten history"
    with pytest.raises(ValueError):
        version.save()


def test_teacher_saves_a_new_version_through_the_form(client, world):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHER))
    url = reverse("pupils:passport_edit", args=[world.taught.pk])
    response = client.post(url, form_data(enjoy="Minecraft club on Thursdays."))
    assert response.status_code == 302
    passport = Passport.objects.get(pupil=world.taught)
    assert passport.version == 2
    assert passport.current.enjoy == "Minecraft club on Thursdays."
    assert passport.current.voice_method == "symbols"
    assert passport.current.recorded_by == world.user(Role.TEACHER)
    assert passport.last_confirmed_on == date(2025, 11, 3)


def test_saving_unchanged_content_confirms_without_a_new_version(client, world):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    client.post(reverse("pupils:passport_edit", args=[world.taught.pk]), form_data())
    passport = Passport.objects.get(pupil=world.taught)
    assert passport.version == 1
    assert passport.last_confirmed_on == date(2025, 11, 3)
    assert passport.last_confirmed_by == world.user(Role.TEACHING_ASSISTANT)


def test_form_explains_errors_and_saves_nothing(client, world):
    client.force_login(world.user(Role.TEACHER))
    data = form_data(captured_on="2099-01-01", voice_method="")
    data.update(dict.fromkeys(SECTIONS, ""))
    response = client.post(reverse("pupils:passport_edit", args=[world.taught.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "This date is in the future." in form.errors["captured_on"]
    assert "voice_method" in form.errors
    assert "Write at least one section of the passport." in form.non_field_errors()
    assert not Passport.objects.exists()


@pytest.mark.parametrize(
    ("confirmed", "today", "stale"),
    [
        (date(2025, 9, 1), date(2025, 12, 30), False),  # day 120: the last fresh day
        (date(2025, 9, 1), date(2025, 12, 31), True),  # day 121
        (date(2025, 1, 10), date(2025, 3, 1), False),
        (date(2024, 11, 1), date(2025, 3, 1), False),  # across a new year: day 120
        (date(2024, 10, 31), date(2025, 3, 1), True),  # day 121
    ],
)
def test_passport_goes_stale_after_the_school_setting_days(world, confirmed, today, stale):
    give_passport(world.taught, world.user(Role.SENCO), captured_on=confirmed)
    passport = Passport.objects.select_related("pupil__school").get(pupil=world.taught)
    assert world.school.passport_stale_days == 120
    assert passport.is_stale_on(today) is stale


def test_stale_days_is_a_school_setting(world):
    world.school.passport_stale_days = 30
    world.school.save()
    give_passport(world.taught, world.user(Role.SENCO), captured_on=date(2025, 9, 1))
    passport = Passport.objects.select_related("pupil__school").get(pupil=world.taught)
    assert passport.is_stale_on(date(2025, 10, 1)) is False
    assert passport.is_stale_on(date(2025, 10, 2)) is True


@time_machine.travel(date(2026, 3, 2))
def test_passport_page_nudges_when_stale_and_confirming_clears_it(client, world):
    give_passport(world.taught, world.user(Role.SENCO), captured_on=date(2025, 9, 1))
    client.force_login(world.user(Role.TEACHER))
    url = reverse("pupils:passport", args=[world.taught.pk])
    assert "Time to check this passport" in client.get(url).content.decode()
    response = client.post(reverse("pupils:passport_confirm", args=[world.taught.pk]))
    assert response.status_code == 302
    passport = Passport.objects.get(pupil=world.taught)
    assert passport.last_confirmed_on == date(2026, 3, 2)
    assert passport.version == 1
    assert "Time to check this passport" not in client.get(url).content.decode()


def test_passport_page_shows_the_pupils_words_and_how_they_were_gathered(client, world):
    give_passport(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.PARENT))
    response = client.get(reverse("pupils:passport", args=[world.taught.pk]))
    html = response.content.decode()
    assert "I learn best when" in html
    assert SECTIONS["learn_best_when"] in html
    assert "conversation with the pupil" in html


def unread_for(user, world):
    from pupils.models import Pupil

    return (
        Pupil.objects.filter(pk=world.taught.pk)
        .with_passport_unread_by(user)
        .values_list("passport_unread", flat=True)
        .get()
    )


def test_passport_is_unread_until_opened_and_again_after_a_change(client, world):
    """A teacher who opened version 2 sees version 3 as unread."""
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    client.force_login(teacher)
    url = reverse("pupils:passport", args=[world.taught.pk])
    give_passport(world.elsewhere, senco)  # so passport and pupil ids differ
    assert unread_for(teacher, world) is False  # no passport yet: nothing to read
    give_passport(world.taught, senco)
    give_passport(world.taught, senco, enjoy="Version two")
    assert unread_for(teacher, world) is True
    client.get(url)
    assert unread_for(teacher, world) is False
    assert ReadReceipt.objects.get(user=teacher, pupil=world.taught).seen_version == 2
    give_passport(world.taught, senco, enjoy="Version three")
    assert unread_for(teacher, world) is True
    assert unread_for(world.user(Role.TEACHING_ASSISTANT), world) is True  # per person
    client.get(url)
    assert unread_for(teacher, world) is False


def test_an_old_version_can_be_read_and_says_it_is_not_current(client, world):
    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco, enjoy="The first words")
    give_passport(world.taught, senco, enjoy="The second words")
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:passport_version", args=[world.taught.pk, 1]))
    html = response.content.decode()
    assert "The first words" in html
    assert "This is not the current version." in html


def test_one_page_profile_is_saved_with_history(client, world):
    client.force_login(world.user(Role.TEACHER))
    url = reverse("pupils:profile_edit", args=[world.taught.pk])
    data = {
        "admired_for": "Funny and kind.",
        "important_to_me": "My cat.",
        "how_to_support_me": "Give me time.",
        "voice_method": "drawings",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data | {"important_to_me": "My cat and my bike."}).status_code == 302
    profile = world.taught.one_page_profile
    assert profile.important_to_me == "My cat and my bike."
    assert profile.history.count() == 2
    html = client.get(reverse("pupils:profile", args=[world.taught.pk])).content.decode()
    assert "My cat and my bike." in html


@pytest.mark.parametrize("name", ["pupils:passport", "pupils:profile"])
def test_passport_pages_query_count_does_not_grow_with_versions(
    client, world, name, django_assert_num_queries
):
    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco)
    give_profile(world.taught, senco)
    client.force_login(senco)
    url = reverse(name, args=[world.taught.pk])
    client.get(url)
    small = count_queries(client, url)
    for n in range(6):
        give_passport(world.taught, senco, enjoy=f"Change {n}")
    client.get(url)
    assert count_queries(client, url) == small
