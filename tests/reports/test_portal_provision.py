"""A parent sees the support their own child gets: groups and EHC plan section F."""

from datetime import date

import time_machine
from django.urls import reverse

from reviews.models import EHCPlanProvision
from sendhub.roles import Role
from tests.conftest import count_queries, make_member
from tests.provision.provision_data import InterventionFactory, run_group
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.test_ehcp_sections import ISSUED, TODAY, log_sessions, school_days


def _group(world, name, pupils):
    intervention = InterventionFactory(
        school=world.school, name=name, sessions_per_week=3, minutes_per_session=60
    )
    return run_group(
        world.school,
        [world.user(Role.TEACHING_ASSISTANT)],
        pupils,
        intervention=intervention,
        name=f"Staff name for {name}",
        start_on=ISSUED,
    )


@time_machine.travel(TODAY)
def test_a_parent_sees_their_childs_groups_and_plan_hours_and_no_other_child(client, world):
    group = _group(world, "Small-group reading", [world.taught, world.untaught])
    plan = issue_plan(world.taught, world.user(Role.SENCO), on=ISSUED, needs=["ASD"])
    EHCPlanProvision.objects.create(
        plan=plan,
        description="Reading with an adult every day.",
        provided_by="Teaching assistant",
        hours_per_year=190,
        group=group,
    )
    log_sessions(group, world.taught, world.user(Role.TEACHING_ASSISTANT), school_days(ISSUED, 12))
    client.force_login(world.user(Role.PARENT))
    page = client.get(reverse("portal:child", args=[world.taught.pk])).text
    assert "Support Taught gets" in page
    assert "Small-group reading" in page
    assert "3 times a week, 60 minutes each time. Run by a teaching assistant." in page
    assert "Since 1 September 2025" in page
    assert "Reading with an adult every day." in page
    assert "190 hours" in page and "12 hours" in page
    assert "behind what the plan says" in page
    # Another child in the group is never named, nor the staff's name for the group.
    assert "Untaught" not in page
    assert "Staff name for" not in page


def test_another_parent_gets_404(client, world):
    _group(world, "Small-group reading", [world.taught])
    client.force_login(make_member(Role.PARENT, school=world.school))
    assert client.get(reverse("portal:child", args=[world.taught.pk])).status_code == 404


@time_machine.travel(date(2026, 1, 15))
def test_the_parent_page_runs_the_same_queries_with_one_group_or_four(client, world):
    plan = issue_plan(world.taught, world.user(Role.SENCO), on=ISSUED, needs=["ASD"])
    client.force_login(world.user(Role.PARENT))
    url = reverse("portal:child", args=[world.taught.pk])

    def add(i):
        group = _group(world, f"Help {i}", [world.taught])
        EHCPlanProvision.objects.create(
            plan=plan, description=f"Line {i}", provided_by="TA", hours_per_year=38, group=group
        )

    add(0)
    one = count_queries(client, url, warm=True)
    for i in range(1, 4):
        add(i)
    assert count_queries(client, url, warm=True) == one
