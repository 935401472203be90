"""The concern form finds a pupil by typing, among those the person may see; no roll dropdown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.models import RecentPupil
from sendhub.roles import Role
from tests.factories import PupilFactory, TeachingGroupFactory

pytestmark = pytest.mark.django_db
URL = reverse("pupils:concern_raise")
HTMX = {"HTTP_HX_REQUEST": "true"}


def teach(world, count, *, first_name="Sam"):
    pupils = [PupilFactory(school=world.school, first_name=first_name) for _ in range(count)]
    world.group.pupils.add(*pupils)
    return pupils


def queries(client, params=None, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {}, **headers)
    assert response.status_code == 200
    return len(captured), response


def test_the_form_lists_no_pupil_until_one_is_searched_for(client, world):
    teach(world, 3)
    client.force_login(world.user(Role.TEACHER))
    html = client.get(URL).text
    assert "<select" not in html
    assert 'name="pupil"' not in html
    assert "Search above to find the pupil." in html


def test_search_finds_pupils_by_name_upn_and_form_only_in_scope(client, world):
    form = TeachingGroupFactory(school=world.school, kind="form", name="8RT")
    world.taught.form = form
    world.taught.save()
    client.force_login(world.user(Role.TEACHER))
    for q in ["taug", "TAUGHT pup", world.taught.upn, "8rt"]:
        html = client.get(URL, {"q": q}, **HTMX).text
        assert f'value="{world.taught.pk}"' in html, q
    html = client.get(URL, {"q": "pupil"}, **HTMX).text
    assert "Taught Pupil" in html
    assert "Untaught" not in html and "Elsewhere" not in html
    assert "<html" not in html  # htmx gets only the choices


def test_search_returns_at_most_ten_and_refuses_long_input(client, world):
    teach(world, 14)
    client.force_login(world.user(Role.TEACHER))
    response = client.get(URL, {"q": "sam"}, **HTMX)
    assert len(response.context["results"]) == 10
    assert "type more to narrow it down" in response.text
    long = client.get(URL, {"q": "s" * 51}, **HTMX)
    assert 'name="pupil"' not in long.text
    assert "Type at most 50 letters." in long.text


def test_search_works_without_javascript_as_a_plain_page(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = client.get(URL, {"q": "taught"})
    assert "<html" in response.text
    assert f'value="{world.taught.pk}"' in response.text
    assert 'method="post"' in response.text


def test_search_query_count_does_not_grow_with_the_roll(client, world):
    client.force_login(world.user(Role.TEACHER))
    RecentPupil.remember(user=world.user(Role.TEACHER), pupil=world.taught)
    client.get(URL, {"q": "sam"}, **HTMX)
    small, _ = queries(client, {"q": "sam"}, **HTMX)
    small_page, _ = queries(client, {"q": "sam"})
    pupils = teach(world, 30)
    for pupil in pupils[:8]:
        RecentPupil.remember(user=world.user(Role.TEACHER), pupil=pupil)
    large, response = queries(client, {"q": "sam"}, **HTMX)
    assert large == small, f"{small} then {large}"
    assert queries(client, {"q": "sam"})[0] == small_page
    assert len(response.context["results"]) == 10


def test_recent_pupils_are_the_last_five_opened_or_raised_about(client, world):
    teacher = world.user(Role.TEACHER)
    pupils = teach(world, 7, first_name="Recent")
    client.force_login(teacher)
    for pupil in pupils[:6]:
        client.get(reverse("pupils:detail", args=[pupil.pk]))
    client.post(URL, {"pupil": pupils[6].pk, "noticed": "Finds it hard to settle."})
    recent = client.get(URL).context["recent"]
    assert [p.pk for p in recent] == [p.pk for p in reversed(pupils[2:7])]


def test_recent_pupils_leave_the_list_when_out_of_scope(client, world):
    teacher = world.user(Role.TEACHER)
    RecentPupil.remember(user=teacher, pupil=world.taught)
    RecentPupil.remember(user=teacher, pupil=world.untaught)  # no longer taught
    client.force_login(teacher)
    assert [p.pk for p in client.get(URL).context["recent"]] == [world.taught.pk]


def test_the_chosen_pupil_stays_chosen_while_searching(client, world):
    client.force_login(world.user(Role.TEACHER))
    html = client.get(URL, {"q": "zzz", "pupil": world.taught.pk}, **HTMX).text
    assert f'value="{world.taught.pk}" checked' in html
    html = client.get(URL, {"pupil": world.untaught.pk}).text
    assert f'value="{world.untaught.pk}"' not in html


def test_remembering_a_pupil_seen_before_is_one_update(world, django_assert_num_queries):
    teacher = world.user(Role.TEACHER)
    RecentPupil.remember(user=teacher, pupil=world.taught)
    first = RecentPupil.objects.get(user=teacher, pupil=world.taught).seen_at
    with django_assert_num_queries(1):
        RecentPupil.remember(user=teacher, pupil=world.taught)
    assert RecentPupil.objects.get(user=teacher, pupil=world.taught).seen_at > first
    assert RecentPupil.objects.filter(user=teacher).count() == 1
