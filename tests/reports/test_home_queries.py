"""Home pages run a fixed number of queries whatever the size of the school."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import (
    ParentLinkFactory,
    PupilFactory,
    SupportAssignmentFactory,
    TeachingGroupFactory,
)
from tests.reviews.ehc_plan_data import issue_plan

NEEDS = ["SLCN", "ASD", "SPLD", "SEMH", "MLD", "HI", "VI", "PD"]


def grow(world, extra):
    """Add pupils on the register, classes for the teacher, TA pupils and parent children."""
    senco = world.user(Role.SENCO)
    for index in range(extra):
        pupil = PupilFactory(school=world.school)
        record_register_change(
            pupil=pupil,
            stage=SenStage.SEN_SUPPORT,
            needs=[NEEDS[index % len(NEEDS)], NEEDS[(index + 1) % len(NEEDS)]],
            effective_on=date(2025, 9, 1),
            reason="Grown for a query-count test",
            decided_by=senco,
            recorded_by=senco,
        )
        if index % 3 == 0:
            issue_plan(pupil, senco, on=date(2025, 9, 1))
        group = TeachingGroupFactory(school=world.school)
        group.teachers.add(world.user(Role.TEACHER))
        group.pupils.add(pupil)
        SupportAssignmentFactory(staff=world.user(Role.TEACHING_ASSISTANT), pupil=pupil)
        ParentLinkFactory(parent=world.user(Role.PARENT), pupil=pupil)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.django_db
def test_home_query_count_does_not_grow(client, world, role):
    senco = world.user(Role.SENCO)
    record_register_change(
        pupil=world.taught,
        stage=SenStage.SEN_SUPPORT,
        needs=["SLCN"],
        effective_on=date(2025, 9, 1),
        reason="One row for the baseline",
        decided_by=senco,
        recorded_by=senco,
    )
    client.force_login(world.user(role))
    client.get(reverse("reports:home"))  # warm the session
    small = count_queries(client, reverse("reports:home"))
    grow(world, 8)
    large = count_queries(client, reverse("reports:home"))
    assert large == small, f"{role}: {small} queries with 1 pupil, {large} with 9"
    # SENCO home: register, parents, concerns and the support-plan tiles (5 queries),
    # the open tasks tile (2 queries: counts, the oldest three) and the national
    # comparators (1 query).
    assert small <= 22
