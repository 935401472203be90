"""Demo provision for `manage.py seed_demo`: the starter catalogue and running groups.

The demo TA runs three groups meeting this week with some sessions left to log, so
"Today's sessions" has something to tap; a finished reading group shows impact.
"""

import uuid
from datetime import date, time, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from demo.provision_year import seed_provision_year
from provision.models import (
    GroupMember,
    GroupSlot,
    Intervention,
    ProvisionGroup,
    Session,
    SessionAttendance,
    week_start,
)
from provision.starter import add_starter_catalogue
from pupils.models import Pupil
from sendhub.roles import Role

# (name, intervention, weekdays, start time, room, pupils, weeks ago started, weeks long)
GROUPS = [
    ("Paired reading (summer)", "Paired reading", [0, 2, 4], time(14, 0), "Library", 3, 26, 10),
    ("Phonics catch-up", "Phonics catch-up group", [0, 2, 4], time(9, 10), "Library", 4, 7, 12),
    ("Precision teaching 1:1", "Precision teaching", [0, 1, 2, 3, 4], time(8, 45), "SEN base", 1, 5, 10),
    ("Zones group", "Zones/self-regulation group", [1, 3], time(13, 30), "Room 12", 3, 4, 10),
]  # fmt: skip


def _token(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def seed_demo_provision(rng, people, *, today=None):
    """The catalogue and the demo TA's groups, sessions logged up to last week."""
    today = today or date.today()
    school = people.school
    ta = people.named[Role.TEACHING_ASSISTANT]
    add_starter_catalogue(school)
    catalogue = {i.name: i for i in Intervention.objects.for_school(school)}
    supported = list(
        Pupil.objects.filter(school=school, support_assignments__staff=ta)
        .on_roll(today)
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(supported)
    sessions, groups = 0, 0
    for name, intervention_name, days, at, room, size, weeks_ago, weeks in GROUPS:
        intervention = catalogue[intervention_name]
        start = week_start(today) - timedelta(weeks=weeks_ago)
        end = start + timedelta(weeks=weeks, days=-3)
        pupils, supported = supported[:size], supported[size:]
        if not pupils:
            break
        group = ProvisionGroup.objects.create(
            school=school,
            intervention=intervention,
            name=name,
            start_on=start,
            end_on=end,
            planned_sessions=len(days) * weeks,
        )
        group.staff.add(ta)
        for day in days:
            GroupSlot.objects.create(group=group, weekday=day, starts_at=at, location=room)
        finished = end < today
        members = [
            GroupMember(
                group=group,
                pupil=pupil,
                joined_on=start,
                **_scores(rng, intervention, start, end if finished else None),
            )
            for pupil in pupils
        ]
        bulk_create_with_history(members, GroupMember, default_user=ta)
        sessions += _log(rng, group, pupils, days, until=min(end, week_start(today) - timedelta(1)))
        groups += 1
    year = seed_provision_year(people, today=today)
    return {
        "provision_groups": groups + year["provision_groups"],
        "sessions": sessions + year["sessions"],
    }


def _scores(rng, intervention, start, end):
    """Entry scores for everyone; exit scores once the group has finished."""
    if intervention.measure_kind == "age_equivalent":
        entry = Decimal(rng.randint(80, 100))
        gain = Decimal(rng.choice([3, 5, 6, 8, 10, 12]))
    elif intervention.measure_kind == "standardised":
        entry, gain = Decimal(rng.randint(74, 86)), Decimal(rng.randint(-2, 12))
    else:
        entry, gain = Decimal(rng.randint(1, 3)), Decimal(rng.randint(0, 2))
    scores = {"entry_score": entry, "entry_on": start}
    if end:
        scores |= {"exit_score": entry + gain, "exit_on": end, "reached_exit": gain >= 6}
    return scores


def _log(rng, group, pupils, days, *, until):
    """Sessions on each slot day up to `until`: about one in ten missed, a few absences."""
    ta = group.staff.get()
    rows, attendance = [], []
    day = group.start_on
    while day <= until:
        if day.weekday() in days:
            missed = rng.random() < 0.1
            rows.append(
                Session(
                    group=group,
                    date=day,
                    status="missed" if missed else "delivered",
                    missed_reason=rng.choice(["staff_absence", "trip", "room"]) if missed else "",
                    logged_by=ta,
                    token=_token(rng),
                )
            )
        day += timedelta(days=1)
    rows = bulk_create_with_history(rows, Session, default_user=ta)
    for session in rows:
        if session.status == "delivered":
            attendance += [
                SessionAttendance(session=session, pupil=pupil, present=rng.random() > 0.08)
                for pupil in pupils
            ]
    bulk_create_with_history(attendance, SessionAttendance, default_user=ta)
    return len(rows)
