"""The catalogue, running groups and who sees them (Code of Practice 6.76; docs/access.md)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import GroupMember, Intervention, MeasureKind, ProvisionGroup
from provision.starter import STARTER_INTERVENTIONS, add_starter_catalogue
from pupils.models import AssessmentInstrument
from sendhub.roles import Role
from tests.factories import MembershipFactory, PupilFactory
from tests.provision.provision_data import (
    GroupMemberFactory,
    InterventionFactory,
    another_tas_group,
    other_school_group,
    reading_group,
    run_group,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Scoping ---------------------------------------------------------------------------


@pytest.fixture
def groups(world):
    return {
        "mine": reading_group(world),
        "other_ta": another_tas_group(world),
        "elsewhere": other_school_group(world),
    }


def visible(world, role):
    return set(ProvisionGroup.objects.visible_to(world.user(role)).values_list("name", flat=True))


def test_sen_team_sees_every_group_of_their_school_only(world, groups):
    for role in (Role.SENCO, Role.SENIOR_LEADER):
        assert visible(world, role) == {"Reading", "Someone else's"}


def test_ta_sees_the_groups_they_run(world, groups):
    assert visible(world, Role.TEACHING_ASSISTANT) == {"Reading"}


def test_teacher_sees_groups_with_a_pupil_they_teach(world, groups):
    assert visible(world, Role.TEACHER) == {"Reading"}
    world.group.pupils.add(world.untaught)  # the teacher now teaches the other TA's pupil
    assert visible(world, Role.TEACHER) == {"Reading", "Someone else's"}


def test_parent_sees_only_their_childs_groups_and_others_see_none(world, groups):
    assert visible(world, Role.PARENT) == {"Reading"}
    for role in (Role.GOVERNOR, Role.TRUST_LEAD, Role.ADMIN):
        assert visible(world, role) == set()


def test_parent_sees_only_their_own_child_among_members(world, groups):
    GroupMemberFactory(group=groups["mine"], pupil=world.untaught)
    parent = world.user(Role.PARENT)
    members = GroupMember.objects.visible_to(parent).filter(group=groups["mine"])
    assert [m.pupil for m in members] == [world.taught]


def test_ta_sees_every_member_of_a_group_they_run(world, groups):
    GroupMemberFactory(group=groups["mine"], pupil=world.untaught)
    ta = world.user(Role.TEACHING_ASSISTANT)
    members = GroupMember.objects.visible_to(ta).filter(group=groups["mine"])
    assert {m.pupil for m in members} == {world.taught, world.untaught}


def test_only_the_senco_and_the_groups_staff_keep_a_group(world, groups):
    def kept(role):
        names = ProvisionGroup.objects.managed_by(world.user(role)).values_list("name", flat=True)
        return set(names)

    assert kept(Role.SENCO) == {"Reading", "Someone else's"}
    assert kept(Role.TEACHING_ASSISTANT) == {"Reading"}
    assert kept(Role.SENIOR_LEADER) == kept(Role.TEACHER) == kept(Role.PARENT) == set()


def test_teacher_reads_a_group_but_sees_only_the_pupils_they_teach(client, world, groups):
    GroupMemberFactory(group=groups["mine"], pupil=world.untaught)
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("provision:group_detail", args=[groups["mine"].pk]))
    assert response.status_code == 200
    assert "Taught Pupil" in response.text
    assert "Untaught" not in response.text
    assert "1 other pupil is in this group" in response.text
    assert "Add a pupil" not in response.text


def test_group_places_and_attendance_show_in_the_pupils_history(senco_client, world):
    import uuid

    from provision.services import log_session

    group = reading_group(world)
    log_session(
        group=group,
        date=date.today(),
        status="delivered",
        by=world.user(Role.TEACHING_ASSISTANT),
        token=uuid.uuid4(),
    )
    page = senco_client.get(reverse("pupils:history", args=[world.taught.pk])).text
    assert "group member" in page and "Reading" in page
    assert "session attendance" in page


# The catalogue ----------------------------------------------------------------------


def test_starter_catalogue_is_added_once_per_school(senco_client, world):
    response = senco_client.post(reverse("provision:catalogue_starter"))
    assert response.status_code == 302
    assert Intervention.objects.filter(school=world.school).count() == len(STARTER_INTERVENTIONS)
    assert add_starter_catalogue(world.school) == 0
    assert not Intervention.objects.filter(school=world.other_school).exists()
    page = senco_client.get(reverse("provision:catalogue")).text
    assert "Precision teaching" in page and "Lego-based therapy" in page


def test_empty_catalogue_offers_the_starter_set_to_the_senco_only(client, world):
    client.force_login(world.user(Role.SENCO))
    assert "starter interventions" in client.get(reverse("provision:catalogue")).text
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    page = client.get(reverse("provision:catalogue")).text
    assert "has not set up the catalogue" in page


def test_senco_adds_and_edits_an_intervention(senco_client, world):
    data = {
        "name": "Spelling group",
        "areas": ["CL"],
        "layer": "targeted",
        "delivery": "withdrawal",
        "group_size": "4",
        "sessions_per_week": "2",
        "minutes_per_session": "20",
        "typical_weeks": "8",
        "staff_role": "ta",
        "measure_kind": "age_equivalent",
        "measure_name": "Spelling age",
        "entry_criteria": "Spelling age 12 months behind",
        "exit_criteria": "Spelling age within 6 months",
        "evidence_base": "",
        "resource_cost": "12.50",
        "is_active": "on",
    }
    response = senco_client.post(reverse("provision:intervention_create"), data)
    assert response.status_code == 302
    spelling = Intervention.objects.get(name="Spelling group")
    assert (spelling.school, spelling.areas, spelling.resource_cost) == (
        world.school,
        ["CL"],
        Decimal("12.50"),
    )
    again = senco_client.post(reverse("provision:intervention_create"), data)
    assert again.status_code == 400
    assert "already has an intervention of that name" in again.text
    url = reverse("provision:intervention_edit", args=[spelling.pk])
    senco_client.post(url, data | {"is_active": "", "areas": ["CL", "CI"]})
    spelling.refresh_from_db()
    assert (spelling.is_active, spelling.areas) == (False, ["CL", "CI"])


def test_catalogue_query_count_does_not_grow(senco_client, world):
    InterventionFactory(school=world.school)
    url = reverse("provision:catalogue")
    senco_client.get(url)
    small = count_queries(senco_client, url)
    add_starter_catalogue(world.school)
    for n, kind in enumerate(["standardised", "age_equivalent"]):
        test = AssessmentInstrument.objects.create(
            school=world.school, name=f"Test {n}", kind="screening"
        )
        Intervention.objects.filter(school=world.school, measure_kind=kind).update(instrument=test)
    assert count_queries(senco_client, url) == small


# Groups -----------------------------------------------------------------------------


def test_senco_starts_a_group_with_its_timetable(senco_client, world):
    intervention = InterventionFactory(school=world.school, sessions_per_week=3, typical_weeks=10)
    ta = world.user(Role.TEACHING_ASSISTANT)
    data = {
        "intervention": intervention.pk,
        "name": "Year 8 reading",
        "staff": [ta.pk],
        "start_on": "2025-09-15",
        "end_on": "",
        "planned_sessions": "",
        "notes": "",
        "slots-TOTAL_FORMS": "3",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "1",
        "slots-MAX_NUM_FORMS": "10",
        "slots-0-weekday": "0",
        "slots-0-starts_at": "09:10",
        "slots-0-location": "Library",
        "slots-1-weekday": "3",
        "slots-1-starts_at": "13:30",
        "slots-1-location": "",
    }
    response = senco_client.post(reverse("provision:group_create"), data)
    assert response.status_code == 302
    group = ProvisionGroup.objects.get(name="Year 8 reading")
    assert group.school == world.school
    assert group.planned_sessions == 30  # 3 a week for 10 weeks, from the catalogue
    assert list(group.staff.all()) == [ta]
    assert [(s.weekday, s.starts_at) for s in group.slots.all()] == [
        (0, time(9, 10)),
        (3, time(13, 30)),
    ]


def test_group_cannot_use_another_schools_intervention(senco_client, world):
    elsewhere = InterventionFactory(school=world.other_school)
    response = senco_client.post(
        reverse("provision:group_create"),
        {"intervention": elsewhere.pk, "name": "X", "start_on": "2025-09-15"},
    )
    assert response.status_code == 400
    assert not ProvisionGroup.objects.exists()


def test_ta_adds_only_pupils_they_can_see(client, world):
    group = reading_group(world)
    ta = world.user(Role.TEACHING_ASSISTANT)
    client.force_login(ta)
    url = reverse("provision:member_add", args=[group.pk])
    refused = client.post(url, {"pupil": world.untaught.pk, "joined_on": "2025-10-01"})
    assert refused.status_code == 400
    newcomer = PupilFactory(school=world.school)
    world.group.pupils.add(newcomer)
    world.group.support_staff.add(ta)
    response = client.post(
        url,
        {"pupil": newcomer.pk, "joined_on": "2025-10-01", "entry_score": "86", "entry_on": ""},
    )
    assert response.status_code == 400  # an entry score needs its test date
    response = client.post(
        url,
        {
            "pupil": newcomer.pk,
            "joined_on": "2025-10-01",
            "entry_score": "86",
            "entry_on": "2025-09-30",
        },
    )
    assert response.status_code == 302
    assert group.members.get(pupil=newcomer).entry_score == 86


def test_a_pupil_leaves_on_a_date_and_can_rejoin(client, world):
    group = reading_group(world)
    member = group.members.get()
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:member_leave", args=[member.pk])
    early = (member.joined_on - timedelta(days=1)).isoformat()
    assert client.post(url, {"left_on": early}).status_code == 400
    assert client.post(url, {"left_on": date.today().isoformat()}).status_code == 302
    member.refresh_from_db()
    assert member.left_on == date.today()
    GroupMemberFactory(group=group, pupil=world.taught, joined_on=date.today())  # a second spell
    assert group.members.count() == 2


def finished_reading_group(world):
    """A reading group: 86 months at entry, 96 five months later; 27 of 30 sessions delivered."""
    from provision.models import Session

    intervention = InterventionFactory(
        school=world.school,
        name="Paired reading",
        measure_kind=MeasureKind.AGE_EQUIVALENT,
        measure_name="Reading age",
    )
    group = run_group(
        world.school,
        [world.user(Role.TEACHING_ASSISTANT)],
        [],
        intervention=intervention,
        name="Autumn reading",
        start_on=date(2025, 9, 8),
        end_on=date(2026, 2, 13),
        planned_sessions=30,
    )
    GroupMemberFactory(
        group=group,
        pupil=world.taught,
        joined_on=date(2025, 9, 8),
        entry_score=86,
        entry_on=date(2025, 9, 12),
        exit_score=96,
        exit_on=date(2026, 2, 12),
        reached_exit=True,
    )
    ta = world.user(Role.TEACHING_ASSISTANT)
    for index in range(30):
        Session.objects.create(
            group=group,
            date=date(2025, 9, 15) + timedelta(days=index),
            status="delivered" if index < 27 else "missed",
            missed_reason="" if index < 27 else "trip",
            logged_by=ta,
            token=f"00000000-0000-4000-8000-{index:012d}",
        )
    return group


def test_group_page_shows_fidelity_and_ratio_gain_for_a_finished_reading_group(senco_client, world):
    group = finished_reading_group(world)
    response = senco_client.get(reverse("provision:group_detail", args=[group.pk]))
    assert response.status_code == 200
    group = response.context["group"]
    assert (group.delivered_count, group.missed_count, group.fidelity) == (27, 3, Decimal("90.0"))
    member = response.context["current_members"][0]
    assert member.impact["months"] == Decimal("5.0")
    assert member.impact["ratio_gain"] == Decimal("2.0")
    assert member.impact["band"] == "substantial"
    page = response.text
    assert "90.0%" in page and "27" in page
    assert "Ratio gain <strong>2.0</strong>" in page and "substantial" in page


def test_standardised_scores_show_the_change_and_effect(senco_client, world):
    intervention = InterventionFactory(school=world.school, measure_kind=MeasureKind.STANDARDISED)
    group = run_group(world.school, [], [], intervention=intervention)
    GroupMemberFactory(
        group=group,
        pupil=world.taught,
        entry_score=82,
        entry_on=date(2025, 9, 10),
        exit_score=91,
        exit_on=date(2025, 12, 10),
    )
    response = senco_client.get(reverse("provision:group_detail", args=[group.pk]))
    member = response.context["current_members"][0]
    assert (member.impact["change"], member.impact["effect_sd"]) == (9, Decimal("0.60"))
    assert "+9</strong> points, 0.60 SD" in response.text


def test_ta_records_exit_scores(client, world):
    group = reading_group(world)
    member = group.members.get()
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    url = reverse("provision:member_scores", args=[member.pk])
    data = {
        "entry_score": "86",
        "entry_on": "2025-09-12",
        "exit_score": "96",
        "exit_on": "",
        "reached_exit": "on",
    }
    assert client.post(url, data).status_code == 400  # the exit test needs its date
    assert client.post(url, data | {"exit_on": "2025-06-01"}).status_code == 400  # before entry
    assert client.post(url, data | {"exit_on": "2026-02-12"}).status_code == 302
    member.refresh_from_db()
    assert member.impact["ratio_gain"] == Decimal("2.0")


def grow_groups(world, extra):
    ta = world.user(Role.TEACHING_ASSISTANT)
    for _ in range(extra):
        pupils = [PupilFactory(school=world.school) for _ in range(3)]
        world.group.pupils.add(*pupils)
        run_group(world.school, [ta, MembershipFactory(school=world.school).user], pupils)


@pytest.mark.parametrize("role", [Role.SENCO, Role.TEACHING_ASSISTANT, Role.TEACHER])
def test_group_list_query_count_does_not_grow(client, world, role):
    reading_group(world)
    client.force_login(world.user(role))
    url = reverse("provision:group_list")
    client.get(url)
    small = count_queries(client, url)
    grow_groups(world, 5)
    assert count_queries(client, url) == small


@pytest.mark.parametrize("role", [Role.SENCO, Role.TEACHING_ASSISTANT, Role.TEACHER])
def test_group_detail_query_count_does_not_grow(client, world, role):
    group = finished_reading_group(world)
    client.force_login(world.user(role))
    url = reverse("provision:group_detail", args=[group.pk])
    client.get(url)
    small = count_queries(client, url)
    for _ in range(6):
        pupil = PupilFactory(school=world.school)
        world.group.pupils.add(pupil)
        GroupMemberFactory(
            group=group, pupil=pupil, entry_score=80, entry_on=date(2025, 9, 12), exit_score=90,
            exit_on=date(2026, 1, 12),
        )  # fmt: skip
    group.staff.add(MembershipFactory(school=world.school).user)
    assert count_queries(client, url) == small
