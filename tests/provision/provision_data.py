"""Interventions, running groups and their members in and out of a role's scope."""

from datetime import date, time, timedelta
from decimal import Decimal

import factory

from provision.models import (
    GroupMember,
    GroupSlot,
    Intervention,
    MeasureKind,
    ProvisionGroup,
    Weekday,
)
from sendhub.roles import Role
from tests.factories import MembershipFactory, PupilFactory, SchoolFactory

WHOLE_SCHOOL = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN}


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Intervention {n}")
    areas = ["CL"]
    measure_kind = MeasureKind.AGE_EQUIVALENT
    entry_criteria = "Reading age 12 months behind"
    exit_criteria = "Reading age within 6 months"
    resource_cost = Decimal("45.00")


class ProvisionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionGroup
        skip_postgeneration_save = True

    intervention = factory.SubFactory(InterventionFactory)
    school = factory.SelfAttribute("intervention.school")
    name = factory.Sequence(lambda n: f"Group {n}")
    start_on = factory.LazyFunction(lambda: date.today() - timedelta(days=60))
    planned_sessions = 30


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(ProvisionGroupFactory)
    pupil = factory.SubFactory(PupilFactory, school=factory.SelfAttribute("..group.school"))
    joined_on = factory.LazyAttribute(lambda member: member.group.start_on)


def every_weekday(group, at=time(9, 0), location="Library"):
    """A slot each school day, so the group is due today whatever day the test runs."""
    for day in Weekday:
        GroupSlot.objects.create(group=group, weekday=day, starts_at=at, location=location)
    return group


def run_group(school, staff, pupils, **fields):
    """A group at the school run by `staff`, meeting every weekday, with these pupils."""
    intervention = fields.pop("intervention", None) or InterventionFactory(school=school)
    group = ProvisionGroupFactory(intervention=intervention, **fields)
    group.staff.add(*staff)
    every_weekday(group)
    for pupil in pupils:
        GroupMemberFactory(group=group, pupil=pupil)
    return group


def reading_group(world):
    """The TA's reading group with the taught pupil (made once per world). Its scores are
    reading ages on a test the school records, so they become the pupil's assessment
    results (the URL walks and the form fuzzing go through that path)."""
    if not hasattr(world, "_reading_group"):
        from pupils.models import AssessmentInstrument

        reading_test = AssessmentInstrument.objects.create(
            school=world.school, name="Reading age test", kind="diagnostic", standardised=False
        )
        intervention = InterventionFactory(
            school=world.school, measure_kind=MeasureKind.AGE_EQUIVALENT, instrument=reading_test
        )
        world._reading_group = run_group(
            world.school,
            [world.user(Role.TEACHING_ASSISTANT)],
            [world.taught],
            name="Reading",
            intervention=intervention,
        )
    return world._reading_group


def another_tas_group(world):
    """A group at the same school run by another TA, with a pupil nobody else supports."""
    other_ta = MembershipFactory(school=world.school, role=Role.TEACHING_ASSISTANT).user
    return run_group(world.school, [other_ta], [world.untaught], name="Someone else's")


def other_school_group(world):
    other_ta = MembershipFactory(school=world.other_school, role=Role.TEACHING_ASSISTANT).user
    return run_group(world.other_school, [other_ta], [world.elsewhere], name="Elsewhere")


def _out_of_scope_group(world, role):
    return other_school_group(world) if role in WHOLE_SCHOOL else another_tas_group(world)


def group_kwargs(world, role, in_scope):
    """The TA's reading group, or a group this role must not reach."""
    group = reading_group(world) if in_scope else _out_of_scope_group(world, role)
    return {"pk": group.pk}


def member_kwargs(world, role, in_scope):
    """The taught pupil's place in the reading group, or a place this role must not reach."""
    group = reading_group(world) if in_scope else _out_of_scope_group(world, role)
    return {"pk": group.members.get().pk}


def intervention_kwargs(world, role, in_scope):
    """One of the school's interventions, or another school's."""
    school = world.school if in_scope else world.other_school
    return {"pk": InterventionFactory(school=school).pk}


def log_data(**extra):
    """A one-tap "missed" log for today (valid for any group running today)."""
    return {
        "token": "00000000-0000-4000-8000-000000000001",
        "day": date.today().isoformat(),
        "status": "missed",
        "missed_reason": "room",
    } | extra


def deliver(group, first_day, count, *, by, absent=None, missed=0):
    """Log `count` delivered sessions on consecutive days from `first_day` (then `missed`
    missed ones), each member of the day present unless listed in absent[pupil] (days)."""
    import uuid

    from provision.models import Session, SessionAttendance

    absent = absent or {}
    members = list(group.members.all())
    days = [first_day + timedelta(days=n) for n in range(count + missed)]
    sessions = Session.objects.bulk_create(
        Session(
            group=group,
            date=day,
            status="delivered" if n < count else "missed",
            missed_reason="" if n < count else "room",
            logged_by=by,
            token=uuid.uuid4(),
        )
        for n, day in enumerate(days)
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(
            session=session,
            pupil_id=member.pupil_id,
            present=session.date not in absent.get(member.pupil_id, ()),
        )
        for session in sessions
        if session.status == "delivered"
        for member in members
        if member.is_current_on(session.date)
    )
    return sessions
