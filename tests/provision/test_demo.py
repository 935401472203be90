"""The demo provision: a catalogue, the demo TA's groups with sessions to log, impact to show."""

import random
from datetime import date

import pytest

from demo.people import DemoPeople
from demo.provision import SCHOOL_MADE, seed_demo_provision
from provision.models import GroupMember, Intervention, ProvisionGroup, Session
from provision.starter import STARTER_INTERVENTIONS
from provision.today import sessions_due
from pupils import codes
from pupils.models import AssessmentInstrument, AssessmentResult, PupilNeed
from sendhub.roles import Role
from tests.factories import PupilFactory, SupportAssignmentFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def seeded(world):
    """Year 8 and Year 10 pupils on SEN support with reading (SPLD) or emotional (SEMH)
    needs, some supported by the demo TA, and the school's reading test."""
    ta = world.user(Role.TEACHING_ASSISTANT)
    for n in range(16):
        pupil = PupilFactory(
            school=world.school, sen_stage="sen_support", year_group=8 if n < 12 else 10
        )
        PupilNeed.objects.create(pupil=pupil, code="SPLD" if n % 3 else "SEMH", rank=1)
        if n < 8:
            SupportAssignmentFactory(staff=ta, pupil=pupil)
    AssessmentInstrument.objects.create(
        school=world.school, name="New Group Reading Test (NGRT)", kind="screening"
    )
    people = DemoPeople(
        trust=None, school=world.school, second_school=world.other_school, password_hash=""
    )
    people.named[Role.TEACHING_ASSISTANT] = ta
    people.tas, people.teachers = [ta], [world.user(Role.TEACHER)]
    counts = seed_demo_provision(random.Random(3), people, today=WEDNESDAY)
    return counts


def test_demo_ta_has_sessions_to_log_and_a_finished_group_shows_impact(world, seeded):
    ta = world.user(Role.TEACHING_ASSISTANT)
    assert seeded["provision_groups"] == ProvisionGroup.objects.count() > 4
    assert Intervention.objects.filter(school=world.school).count() == len(
        STARTER_INTERVENTIONS
    ) + len(SCHOOL_MADE)
    mine = set(ProvisionGroup.objects.filter(staff=ta).values_list("name", flat=True))
    assert {"Paired reading (summer)", "Phonics catch-up", "Precision teaching 1:1"} <= mine
    assert not Session.objects.filter(date__gte=date(2026, 11, 16)).exists()  # this week: to log
    assert sessions_due(ta, WEDNESDAY)
    finished = GroupMember.objects.filter(group__name="Paired reading (summer)")
    assert finished.count() == 3
    assert all(member.impact["ratio_gain"] is not None for member in finished)


def test_each_group_is_one_year_group_with_a_fitting_primary_need(seeded):
    members = GroupMember.objects.select_related("group__intervention", "pupil")
    years = {}
    for member in members.prefetch_related("pupil__needs"):
        need = min(member.pupil.needs.all(), key=lambda n: n.rank)
        assert codes.NEED_AREAS[need.code] in member.group.intervention.areas, member
        years.setdefault(member.group_id, set()).add(member.pupil.year_group)
        if member.group.start_on >= date(2026, 9, 1) and "(Year" in member.group.name:
            assert f"(Year {member.pupil.year_group}" in member.group.name, member
    assert all(len(found) == 1 for found in years.values())
    # Last summer's paired reading group was Year 7 then: its pupils are in Year 8 now.
    assert years[ProvisionGroup.objects.get(name="Paired reading (summer)").pk] == {8}


def test_reading_test_scores_of_finished_groups_are_in_the_pupils_results(seeded):
    finished = GroupMember.objects.filter(
        group__intervention__instrument__isnull=False, exit_score__isnull=False
    )
    assert finished.exists()
    for member in finished:
        result = member.exit_result
        assert result.pupil_id == member.pupil_id and result.taken_on == member.exit_on
        assert result.age_equivalent_months == member.exit_score
        assert result.percentile and result.raw_score and result.standardised_score
    assert AssessmentResult.objects.exclude(source="").count() >= finished.count()


def test_met_the_exit_criteria_follows_the_scores(seeded):
    finished = GroupMember.objects.filter(exit_score__isnull=False).select_related(
        "group__intervention"
    )
    assert finished.exists()
    for member in finished:
        if member.group.intervention.name == "Reading comprehension group":
            # "Comprehension standardised score of 90 or more."
            assert member.reached_exit == (member.exit_score >= 90), member
        elif member.impact.get("ratio_gain") is not None:
            # "Reading age gain of at least 1.4 months for each month in the programme."
            assert member.reached_exit == (member.impact["ratio_gain"] >= 1.4), member
