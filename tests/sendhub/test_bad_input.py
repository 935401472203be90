"""Bad input gets a normal answer, never a 500: "next" addresses and search boxes.

A "next" is followed only when it is a path on this site (OWASP, unvalidated
redirects); anything else goes to the page's own default. Search text is cut to
sendhub.filters.SEARCH_MAX_LENGTH characters and year groups outside the school
range are ignored, so no query grows with what is typed.
"""

import pytest
from django.urls import reverse

from sendhub.filters import SEARCH_MAX_LENGTH
from sendhub.roles import Role
from tests.factories import MembershipFactory, PupilFactory
from tests.pupils.concern_data import task_kwargs
from tests.reviews.plan_data import draft_plan_kwargs

pytestmark = pytest.mark.django_db

NOT_OURS = [
    "x",  # a word: redirect() tried to reverse it and raised NoReverseMatch (500)
    "pupils:register",  # a URL name is not an address either
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "/" + "a" * 5000,
]


@pytest.fixture
def two_roles(client, world):
    teacher = world.user(Role.TEACHER)
    parent_role = MembershipFactory(user=teacher, school=world.school, role=Role.PARENT)
    client.force_login(teacher)
    return parent_role


@pytest.mark.parametrize("next_url", NOT_OURS)
def test_switch_role_goes_home_for_a_next_that_is_not_a_path_here(client, two_roles, next_url):
    url = reverse("sendhub:switch_role")
    posted = client.post(url, {"membership": two_roles.pk, "next": next_url})
    in_query = client.post(f"{url}?next={next_url}", {"membership": two_roles.pk})
    assert (posted.status_code, posted["Location"]) == (302, "/")
    assert (in_query.status_code, in_query["Location"]) == (302, "/")


def test_switch_role_returns_to_a_page_of_this_site(client, two_roles):
    response = client.post(
        reverse("sendhub:switch_role"), {"membership": two_roles.pk, "next": "/pupils/classes/"}
    )
    assert response["Location"] == "/pupils/classes/"


@pytest.mark.parametrize("next_url", NOT_OURS)
def test_task_done_goes_to_its_default_for_a_next_that_is_not_a_path_here(client, world, next_url):
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:task_done", kwargs=task_kwargs(world, Role.SENCO, True))
    response = client.post(url, {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, reverse("reports:home"))


def test_task_done_returns_to_the_task_list(client, world):
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:task_done", kwargs=task_kwargs(world, Role.SENCO, True))
    response = client.post(url, {"next": "/pupils/tasks/?show=done"})
    assert response["Location"] == "/pupils/tasks/?show=done"


LONG = "a" * 50_000
MANY_WORDS = "ab " * 20_000


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.SENCO, lambda world: reverse("pupils:register")),
        (Role.SENCO, lambda world: reverse("pupils:register_export", args=["csv"])),
        (Role.SENCO, lambda world: reverse("pupils:classes")),
        (Role.ADMIN, lambda world: reverse("sendhub:people")),
        (Role.SENCO, lambda world: reverse("reviews:plan_strategies",
                                           kwargs=draft_plan_kwargs(world, Role.SENCO, True))),
    ],
)  # fmt: skip
@pytest.mark.parametrize("q", [LONG, MANY_WORDS])
def test_a_huge_search_gives_a_normal_page(client, world, role, url, q):
    client.force_login(world.user(role))
    response = client.get(url(world), {"q": q})
    assert response.status_code == 200


def test_search_is_cut_to_its_first_characters(client, world):
    PupilFactory(school=world.school, first_name="Zebedee", sen_stage="sen_support")
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:register"), {"q": "Zebedee " + LONG, "status": "all"})
    form = response.context["filter"].form
    assert len(form.cleaned_data["q"]) == SEARCH_MAX_LENGTH


@pytest.mark.parametrize("year", ["9" * 400, "1e400", "99", "-99", "NaN"])
def test_a_year_group_out_of_range_is_ignored(client, world, year):
    client.force_login(world.user(Role.SENCO))
    register = client.get(reverse("pupils:register"), {"year_group": year, "status": "all"})
    queue = client.get(reverse("pupils:concern_queue"), {"year_group": year})
    assert (register.status_code, queue.status_code) == (200, 200)
    assert register.context["page"].paginator.count == 2  # the world's two pupils here
