"""The demo provision: a catalogue, the demo TA's groups with sessions to log, impact to show."""

import random
from datetime import date

import pytest

from demo.people import DemoPeople
from demo.provision import seed_demo_provision
from provision.models import GroupMember, Intervention, ProvisionGroup, Session
from provision.today import sessions_due
from sendhub.roles import Role
from tests.factories import PupilFactory, SupportAssignmentFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


def test_demo_ta_has_sessions_to_log_and_a_finished_group_shows_impact(world):
    ta = world.user(Role.TEACHING_ASSISTANT)
    for _ in range(10):
        SupportAssignmentFactory(staff=ta, pupil=PupilFactory(school=world.school))
    people = DemoPeople(
        trust=None, school=world.school, second_school=world.other_school, password_hash=""
    )
    people.named[Role.TEACHING_ASSISTANT] = ta
    counts = seed_demo_provision(random.Random(3), people, today=WEDNESDAY)
    assert counts["provision_groups"] == ProvisionGroup.objects.count() == 4
    assert Intervention.objects.filter(school=world.school).count() == 12
    assert Session.objects.filter(date__gte=date(2026, 11, 16)).count() == 0  # this week: to log
    assert sessions_due(ta, WEDNESDAY)
    finished = GroupMember.objects.filter(group__name="Paired reading (summer)")
    assert finished.count() == 3
    assert all(member.impact["ratio_gain"] is not None for member in finished)
