"""Ids, years and codes sent as text: "²" is a digit to str.isdigit() but not to int().
The first three pages (and the two-step set-up form, in tests/sendhub/test_two_factor.py)
read it as a number and answered with a server error; the term page already said not found."""

from django.urls import reverse

from sendhub.roles import Role


def test_a_concern_for_a_pupil_id_of_squared_offers_no_pupil(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:concern_raise"), {"pupil": "²"})
    assert response.status_code == 200
    assert response.context["chosen_pupil"] is None
    assert response.context["chosen_pk"] is None


def test_a_provision_map_period_of_squared_shows_this_year(client, world):
    client.force_login(world.user(Role.SENCO))
    plain = client.get(reverse("provision:map"))
    squared = client.get(reverse("provision:map"), {"period": "fy-²"})
    assert squared.status_code == 200
    assert squared.context["period"] == plain.context["period"]


def test_a_class_id_of_squared_is_not_found(client, world):
    client.force_login(world.user(Role.TEACHER))
    assert client.get(reverse("reports:class_view"), {"group": "²"}).status_code == 404


def test_a_term_of_squared_is_not_found(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.get(reverse("reports:progress"), {"term": "²-autumn"}).status_code == 404
