"""The school's section F shortfall tolerance: a setting the SENCO or a senior leader edits."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from reviews.models import EHCPlanProvision, ShortfallTolerance
from reviews.models.ehcp_sections import share_of_year_to_date
from sendhub.roles import Role
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.test_ehcp_sections import ISSUED, TODAY, hour_group, log_sessions, school_days

URL = "reviews:shortfall_tolerance_edit"


@pytest.fixture
def line(world):
    """190 planned hours a year, about 78 due by TODAY, 58 delivered: about 26% behind."""
    plan = issue_plan(world.taught, world.user(Role.SENCO), on=ISSUED, needs=["ASD"])
    group = hour_group(world, world.taught, "Speech and language")
    log_sessions(group, world.taught, world.user(Role.TEACHING_ASSISTANT), school_days(ISSUED, 58))
    return EHCPlanProvision.objects.create(
        plan=plan,
        description="Daily speech and language work.",
        provided_by="Teaching assistant",
        hours_per_year=190,
        group=group,
    )


@time_machine.travel(TODAY)
def test_raising_the_tolerance_clears_the_flag_on_section_f(client, world, line):
    due = Decimal(190) * share_of_year_to_date(TODAY, since=ISSUED)
    behind = (due - 58) / due * 100
    assert 20 < behind < 30  # the worked figure the two tolerances sit either side of
    client.force_login(world.user(Role.SENCO))
    plan_url = reverse("reviews:ehc_plan", args=[world.taught.pk])
    assert "Shortfall" in client.get(plan_url).text  # the default of 10%

    response = client.post(reverse(URL), {"percent": "30"}, follow=True)

    assert "Section F shortfall tolerance saved: 30%." in response.text
    assert ShortfallTolerance.for_school(world.school.pk) == 30
    page = client.get(plan_url).text
    assert "Shortfall" not in page and "On track" in page
    assert "more than 30% below" in page


def test_a_senior_leader_may_change_it_and_history_keeps_who(client, world):
    leader = world.user(Role.SENIOR_LEADER)
    client.force_login(leader)
    client.post(reverse(URL), {"percent": "15"})
    client.post(reverse(URL), {"percent": "20"})
    setting = ShortfallTolerance.objects.get(school=world.school)
    assert [h.percent for h in setting.history.order_by("history_date")] == [15, 20]
    assert {h.history_user for h in setting.history.all()} == {leader}
    page = client.get(reverse("reviews:ehc_compliance")).text
    assert 'name="percent" value="20"' in page


def test_over_50_is_refused_with_a_message_and_not_saved(client, world):
    ShortfallTolerance.objects.create(school=world.school, percent=12)
    client.force_login(world.user(Role.SENCO))
    response = client.post(reverse(URL), {"percent": "51"}, follow=True)
    assert "Choose 50% or less" in response.text
    assert ShortfallTolerance.for_school(world.school.pk) == 12


def test_a_blank_percentage_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.user(Role.SENCO))
    response = client.post(reverse(URL), {"percent": ""}, follow=True)
    assert "Enter a percentage from 0 to 50." in response.text
    assert not ShortfallTolerance.objects.exists()


def test_teachers_may_not_change_it(client, world):
    client.force_login(world.user(Role.TEACHER))
    assert client.post(reverse(URL), {"percent": "40"}).status_code == 403
    assert not ShortfallTolerance.objects.exists()
