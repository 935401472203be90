"""National comparators: dated DfE figures by phase with their source, never hard-coded."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendhub.models import NationalComparison, School
from sendhub.roles import Role
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
URL = reverse("sendhub:national_figures")


def comparators(school):
    found = NationalComparison.objects.comparators_for(school)
    return {
        measure: (c["percent"], c["who"], c["figures"].year_label) for measure, c in found.items()
    }


def test_the_2024_25_figures_ship_with_their_source_and_census_day():
    shipped = NationalComparison.objects.filter(school__isnull=True)
    assert {row.phase for row in shipped} == {"all", "primary", "secondary"}
    for row in shipped:
        assert (row.year_label, row.census_date) == ("2024/25", date(2025, 1, 16))
        assert "Special educational needs in England" in row.source
        assert "January 2025 school census" in row.source


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (
            School.Phase.SECONDARY,
            {
                "ehcp": (Decimal("5.3"), "all schools", "2024/25"),
                "sen_support": (Decimal("14.2"), "all schools", "2024/25"),
                "any_sen": (Decimal("16.5"), "state-funded secondary schools", "2024/25"),
            },
        ),
        (
            School.Phase.PRIMARY,
            {
                "ehcp": (Decimal("5.3"), "all schools", "2024/25"),
                "sen_support": (Decimal("14.2"), "all schools", "2024/25"),
                "any_sen": (Decimal("18.2"), "state-funded primary schools", "2024/25"),
            },
        ),
        (
            School.Phase.ALL_THROUGH,  # compared with all schools: no any-SEN figure shipped
            {
                "ehcp": (Decimal("5.3"), "all schools", "2024/25"),
                "sen_support": (Decimal("14.2"), "all schools", "2024/25"),
            },
        ),
    ],
)
def test_a_school_is_compared_with_its_own_phase(phase, expected):
    assert comparators(SchoolFactory(phase=phase)) == expected


def test_newer_figures_a_school_enters_apply_to_that_school_only(world):
    NationalComparison.objects.create(
        school=world.school, year_label="2025/26", census_date=date(2026, 1, 15),
        phase="secondary", any_sen_percent=Decimal("17.0"), source="DfE 2025/26",
    )  # fmt: skip
    assert comparators(world.school)["any_sen"] == (
        Decimal("17.0"), "state-funded secondary schools", "2025/26",
    )  # fmt: skip
    assert comparators(world.school)["ehcp"][2] == "2024/25"  # not republished: the latest
    assert comparators(world.other_school)["any_sen"][2] == "2024/25"


def test_senco_dashboard_shows_own_percentages_beside_the_phase_comparator(client, world):
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("reports:home")).content.decode()
    assert "national ≈" not in page
    assert "0% of roll · state-funded secondary schools 16.5%" in page
    assert "0% of roll · all schools 14.2%" in page
    assert "0% of roll · all schools 5.3%" in page
    assert "all schools, 2024/25 (census 16 January 2025), from DfE" in page
    assert "state-funded secondary schools, 2024/25 (census 16 January 2025)" in page


def figures_post(**changes):
    data = {
        "year_label": "2025/26", "census_date": "2026-01-15", "phase": "secondary",
        "ehcp_percent": "", "sen_support_percent": "", "any_sen_percent": "17.1",
        "source": "DfE, Special educational needs in England 2025/26",
    }  # fmt: skip
    return data | changes


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SENIOR_LEADER])
def test_office_or_head_adds_newly_published_figures(client, world, role):
    client.force_login(world.user(role))
    response = client.post(URL, figures_post())
    assert response.status_code == 302
    row = NationalComparison.objects.get(school=world.school)
    assert (row.any_sen_percent, row.entered_by) == (Decimal("17.1"), world.user(role))
    page = client.get(URL).content.decode()
    assert "Entered by" in page and "Shipped with SENDhub" in page
    # The same year and phase again replaces the school's figures; history keeps both.
    client.post(URL, figures_post(any_sen_percent="17.2"))
    row.refresh_from_db()
    assert row.any_sen_percent == Decimal("17.2")
    assert NationalComparison.objects.filter(school=world.school).count() == 1
    assert row.history.count() == 2
    assert NationalComparison.objects.filter(school__isnull=True).count() == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_label": "2025-26"}, "year_label", "for example 2024/25"),
        ({"year_label": "2025/27"}, "year_label", "for example 2024/25"),
        ({"census_date": "2099-01-15"}, "census_date", "a census that has happened"),
        ({"any_sen_percent": "120"}, "any_sen_percent", "less than or equal to 100"),
        ({"any_sen_percent": ""}, "__all__", "Enter at least one percentage"),
        ({"phase": "nursery"}, "phase", "not one of the available choices"),
    ],
)
def test_figures_that_cannot_be_right_are_explained_and_nothing_saved(
    client, world, changes, field, message
):
    client.force_login(world.user(Role.ADMIN))
    response = client.post(URL, figures_post(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved." in response.content.decode()
    assert not NationalComparison.objects.filter(school=world.school).exists()


def test_a_senco_reads_the_figures_on_the_dashboard_but_cannot_change_them(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.post(URL, figures_post()).status_code == 403
    assert not NationalComparison.objects.filter(school=world.school).exists()


def test_national_figures_page_queries_do_not_grow(client, world):
    client.force_login(world.user(Role.ADMIN))

    def count():
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    client.post(URL, figures_post())
    one = count()
    for year in range(2026, 2036):
        client.post(URL, figures_post(year_label=f"{year}/{(year + 1) % 100:02d}"))
    assert NationalComparison.objects.filter(school=world.school).count() == 11
    assert count() == one
