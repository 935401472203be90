"""
Costing groups and pupils from the session log (Code of Practice 6.76), with worked numbers
at the default rates: a TA costs 15.50 × 1.30 = £20.15 an hour, a teacher 32.00 × 1.30 =
£41.60, a specialist bought in £45.00 (docs/provision-costs.md).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from provision.maps import FINANCIAL, Period, school_costs
from provision.models import CostSettings, GroupMember, NotionalBudget, StaffRole
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.provision.provision_data import InterventionFactory, ProvisionGroupFactory, deliver

AUTUMN = date(2024, 9, 2)
YEAR_2024_25 = Period.from_key("ay-2024")


def make_group(
    world, staff, pupils, *, minutes=30, resources="0", role=StaffRole.TEACHING_ASSISTANT
):
    intervention = InterventionFactory(
        school=world.school,
        minutes_per_session=minutes,
        resource_cost=Decimal(resources),
        staff_role=role,
    )
    group = ProvisionGroupFactory(intervention=intervention, start_on=AUTUMN)
    group.staff.add(*staff)
    places = [GroupMember.objects.create(group=group, pupil=p, joined_on=AUTUMN) for p in pupils]
    return group, places


def test_default_hourly_costs_include_on_costs(world):
    rates = CostSettings.for_school(world.school).hourly_costs
    assert rates[StaffRole.TEACHING_ASSISTANT] == Decimal("20.15")
    assert rates[StaffRole.TEACHER] == Decimal("41.60")
    assert rates[StaffRole.SPECIALIST] == Decimal("45.00")


def test_two_adults_and_a_pupil_leaving_mid_term(world):
    """
    20 sessions of 30 minutes (10 hours) with a TA and a teacher and £45 of books:
    10 × (20.15 + 41.60) + 45.00 = £662.50. Three pupils attend all 20 sessions; the
    fourth leaves after 10. 662.50 × 20 ÷ 70 = 189.2857…, 662.50 × 10 ÷ 70 = 94.6428…;
    rounded down they come to 662.48, and the two pennies left go to the first two
    full attenders, who lost most in the rounding.
    """
    ta, teacher = world.user(Role.TEACHING_ASSISTANT), world.user(Role.TEACHER)
    pupils = PupilFactory.create_batch(4, school=world.school)
    group, places = make_group(world, [ta, teacher], pupils, resources="45.00")
    leaver = places[3]
    leaver.left_on = AUTUMN + timedelta(days=9)
    leaver.save()
    deliver(group, AUTUMN, 20, by=ta)

    costs = school_costs(world.school, YEAR_2024_25)

    assert costs.group_costs[group.pk] == Decimal("662.50")
    assert costs.group_hours[group.pk] == 10
    shares = [costs.place_costs[place.pk] for place in places]
    assert shares == [Decimal("189.29"), Decimal("189.29"), Decimal("189.28"), Decimal("94.64")]
    assert sum(shares) == Decimal("662.50")
    assert costs.total == Decimal("662.50")


def test_a_pupil_over_6000_across_three_groups_needs_top_up(world):
    """
    Daily 1:1 reading with a TA, 120 hours: 120 × 20.15 = 2,418.00, all hers.
    A speech and language pair with a TA and a teacher, 38 hours and £120 of materials:
    38 × 61.75 + 120.00 = 2,466.50, half each: 1,233.25.
    A specialist bought in (no member of staff named), 60 hours: 60 × 45.00 = 2,700.00.
    She costs 2,418.00 + 1,233.25 + 2,700.00 = £6,351.25, over £6,000; her partner
    in the pair, at £1,233.25, is not.
    """
    ta, teacher = world.user(Role.TEACHING_ASSISTANT), world.user(Role.TEACHER)
    her, partner = PupilFactory.create_batch(2, school=world.school)
    reading, _ = make_group(world, [ta], [her], minutes=60)
    pair, _ = make_group(world, [ta, teacher], [her, partner], minutes=60, resources="120")
    specialist, _ = make_group(world, [], [her], minutes=60, role=StaffRole.SPECIALIST)
    deliver(reading, AUTUMN, 120, by=ta)
    deliver(pair, AUTUMN, 38, by=ta)
    deliver(specialist, AUTUMN, 60, by=ta)

    costs = school_costs(world.school, YEAR_2024_25)

    assert costs.group_costs[reading.pk] == Decimal("2418.00")
    assert costs.group_costs[pair.pk] == Decimal("2466.50")
    assert costs.group_costs[specialist.pk] == Decimal("2700.00")
    assert costs.pupil_totals[her.pk] == Decimal("6351.25")
    assert costs.pupil_totals[partner.pk] == Decimal("1233.25")
    assert costs.is_over_element_2(her.pk)
    assert not costs.is_over_element_2(partner.pk)
    assert costs.pupils_over_element_2 == 1
    assert costs.total == Decimal("7584.50")


def test_the_schools_own_threshold_and_rates_are_used(world):
    ta = world.user(Role.TEACHING_ASSISTANT)
    CostSettings.objects.create(
        school=world.school, ta_hourly_rate=Decimal("20"), ta_on_cost_percent=0,
        element_2_threshold=Decimal("100"),
    )  # fmt: skip
    pupil = PupilFactory(school=world.school)
    group, _ = make_group(world, [ta], [pupil], minutes=60)
    deliver(group, AUTUMN, 6, by=ta)

    costs = school_costs(world.school, YEAR_2024_25)

    assert costs.pupil_totals[pupil.pk] == Decimal("120.00")
    assert costs.is_over_element_2(pupil.pk)


def test_a_financial_year_counts_only_its_own_sessions_against_the_budget(world):
    """Five sessions in late March fall in 2024-25, five from 1 April in 2025-26."""
    ta = world.user(Role.TEACHING_ASSISTANT)
    pupil = PupilFactory(school=world.school)
    group, _ = make_group(world, [ta], [pupil], minutes=60)
    deliver(group, date(2025, 3, 27), 10, by=ta)
    NotionalBudget.objects.create(school=world.school, starts_in=2025, amount=Decimal("50000"))

    earlier = school_costs(world.school, Period.from_key("fy-2024"))
    later = school_costs(world.school, Period.from_key("fy-2025"))

    assert later.period.kind == FINANCIAL
    assert (later.period.first, later.period.last) == (date(2025, 4, 1), date(2026, 3, 31))
    assert earlier.total == later.total == Decimal("100.75")  # 5 hours × 20.15
    assert earlier.budget is None
    assert later.budget_left == Decimal("49899.25")


def test_a_pupil_absent_pays_less_and_nobody_pays_for_missed_sessions(world):
    ta = world.user(Role.TEACHING_ASSISTANT)
    first, second = PupilFactory.create_batch(2, school=world.school)
    group, places = make_group(world, [ta], [first, second], minutes=60)
    absent = {second.pk: {AUTUMN, AUTUMN + timedelta(days=1)}}
    deliver(group, AUTUMN, 4, by=ta, absent=absent, missed=3)

    costs = school_costs(world.school, YEAR_2024_25)

    assert costs.group_costs[group.pk] == Decimal("80.60")  # 4 delivered hours × 20.15
    assert [costs.place_costs[p.pk] for p in places] == [Decimal("53.73"), Decimal("26.87")]


@pytest.mark.parametrize("key", ["", "nonsense", "fy-abc", "ay-1900"])
def test_an_unknown_period_is_this_academic_year(key):
    assert Period.from_key(key, today=date(2025, 1, 10)).key == "ay-2024"


def test_planned_and_delivered_per_pupil(world):
    """Section F: sessions logged while a member (planned) against sessions attended."""
    ta = world.user(Role.TEACHING_ASSISTANT)
    pupil, other = PupilFactory.create_batch(2, school=world.school)
    reading, _ = make_group(world, [ta], [pupil, other], minutes=20)
    pair, places = make_group(world, [ta], [pupil], minutes=45)
    places[0].left_on = AUTUMN + timedelta(days=4)
    places[0].save()
    deliver(reading, AUTUMN, 10, by=ta, absent={pupil.pk: {AUTUMN}}, missed=2)
    deliver(pair, AUTUMN, 8, by=ta)

    rows = {
        row["pupil_id"]: row
        for row in GroupMember.objects.planned_and_delivered(*YEAR_2024_25.first_last)
    }

    assert rows[pupil.pk] == {
        "pupil_id": pupil.pk,
        "places": 2,
        "planned_sessions": 12 + 5,
        "delivered_sessions": 9 + 5,
        "planned_minutes": 12 * 20 + 5 * 45,
        "delivered_minutes": 9 * 20 + 5 * 45,
    }
    assert rows[other.pk]["delivered_sessions"] == 10
