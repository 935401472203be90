"""A year of provision at the demo school: groups across the catalogue, with their logs.

Groups that finished last summer and earlier this term (with exit scores), and groups
running now, staffed by the demo's TAs and teachers as the intervention suits. Pupils
are on the register or under concern, with a primary need in the intervention's areas.
Random draws of its own, so the demo's other seeds draw as they did.
"""

import random
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from demo.schooldays import is_school_day
from provision.models import (
    GroupMember,
    GroupSlot,
    Intervention,
    ProvisionGroup,
    Session,
    SessionAttendance,
    StaffRole,
    week_start,
)
from pupils import codes
from pupils.codes import SenStage
from pupils.models import Pupil

STAGES = [SenStage.MONITORING, SenStage.SEN_SUPPORT, SenStage.ASSESSMENT_REQUESTED, SenStage.EHCP]
ROOMS = ["Library", "SEN base", "Room 12", "Room 4", "Learning hub", "Small group room"]
TIMES = [time(8, 45), time(9, 10), time(10, 40), time(11, 30), time(13, 30), time(14, 15)]
# Weeks before this Monday a group started: last summer term (finished), this September
# (some finished, some running) and after October half term (running).
STARTS = [30, 29, 27, 13, 12, 10, 6, 5, 3]
GROUPS_PER_INTERVENTION = 3
NOTES = [
    "Good focus today; we moved on to the next set.",
    "Slow start after lunch; finished the planned activity.",
    "Recapped last week before the new material.",
    "Shortened by a fire drill, but the main task was done.",
    "Worked well together; ready for the next step.",
    "Used the visual timetable throughout; calm session.",
]
MISSED = [
    ("staff_absence", "TA covering a class."),
    ("trip", "Year group trip."),
    ("room", "Room used for exams."),
    ("pupil_absence", "Pupil absent."),
]


def in_term(day):
    """A school day outside the summer holidays (22 July to 2 September) and Christmas."""
    summer = (day.month, day.day) >= (7, 22) or (day.month, day.day) <= (9, 2)
    return is_school_day(day) and not (summer and day.month in (7, 8, 9))


def seed_provision_year(people, *, today, taken=(), per_intervention=GROUPS_PER_INTERVENTION):
    """Up to `per_intervention` groups of each intervention in people.school's catalogue (about
    36 at the main school); returns {"provision_groups": n, "sessions": n}."""
    rng = random.Random(f"provision-{people.school.urn}")  # noqa: S311  # nosec B311
    school = people.school
    catalogue = list(Intervention.objects.for_school(school).order_by("name"))
    needs = {}
    for pupil in (
        Pupil.objects.filter(school=school, sen_stage__in=STAGES)
        .on_roll(today)
        .prefetch_related("needs")
        .order_by("pk")
    ):
        ranked = sorted(pupil.needs.all(), key=lambda need: need.rank)
        if ranked:
            needs.setdefault(codes.NEED_AREAS[ranked[0].code], []).append(pupil)
    busy = {pk: 0 for pk in taken}
    tas, teachers = people.tas[1:] or people.tas, people.teachers[1:] or people.teachers
    groups = sessions = 0
    for n, intervention in enumerate(catalogue):
        fits = [p for area in intervention.areas for p in needs.get(area, [])]
        for k in range(per_intervention):
            weeks_ago = STARTS[(n + k * 4) % len(STARTS)]
            start = week_start(today) - timedelta(weeks=weeks_ago)
            while not in_term(start):
                start += timedelta(days=1)
            weeks = intervention.typical_weeks or 10
            end = start + timedelta(weeks=weeks, days=-3)
            if end.month == 8 or (end.month == 7 and end.day > 21):
                end = date(end.year, 7, 17)
            size = max(1, min(intervention.group_size or 4, 6))
            chosen = [p for p in fits if busy.get(p.pk, 0) < 2]
            rng.shuffle(chosen)
            chosen = chosen[:size]
            if not chosen:
                continue
            for pupil in chosen:
                busy[pupil.pk] = busy.get(pupil.pk, 0) + 1
            staff = (teachers if intervention.staff_role == StaffRole.TEACHER else tas)[
                (n + k) % len(tas if intervention.staff_role != StaffRole.TEACHER else teachers)
            ]
            days = sorted(rng.sample(range(5), min(intervention.sessions_per_week or 1, 5)))
            group = ProvisionGroup.objects.create(
                school=school, intervention=intervention,
                name=f"{intervention.name} ({'ABC'[k]})", start_on=start, end_on=end,
                planned_sessions=len(days) * weeks,
            )  # fmt: skip
            group.staff.add(staff)
            at, room = rng.choice(TIMES), rng.choice(ROOMS)
            GroupSlot.objects.bulk_create(
                [GroupSlot(group=group, weekday=d, starts_at=at, location=room) for d in days]
            )
            finished = end < today
            members = []
            for i, pupil in enumerate(chosen):
                joined = start if i or len(chosen) == 1 else start + timedelta(weeks=2)
                left = None
                if i == 1 and len(chosen) > 3 and rng.random() < 0.3:
                    left = min(start + timedelta(weeks=4), end, today)  # moved to another group
                members.append(
                    GroupMember(
                        group=group,
                        pupil=pupil,
                        joined_on=joined,
                        left_on=left,
                        **_scores(
                            rng, intervention, pupil, joined, end if finished and not left else None
                        ),
                    )  # fmt: skip
                )
            bulk_create_with_history(members, GroupMember, default_user=staff)
            until = min(end, week_start(today) - timedelta(days=1))
            sessions += _log(rng, group, members, days, staff, until=until)
            groups += 1
    return {"provision_groups": groups, "sessions": sessions}


def _age_months(pupil, on):
    return (on.year - pupil.date_of_birth.year) * 12 + on.month - pupil.date_of_birth.month


def _scores(rng, intervention, pupil, start, end):
    """Entry on the group's measure; exit for finished groups: most modest, a few remarkable,
    one or two none."""
    outcome = rng.choices(["remarkable", "useful", "modest", "none"], [2, 5, 4, 1])[0]
    months = max(1, round(((end or start) - start).days / 30))
    if intervention.measure_kind == "age_equivalent":
        # A reading age 1 to 3 years behind the pupil's age, in months.
        entry = Decimal(_age_months(pupil, start) - rng.randint(14, 36))
        gain = {"remarkable": 3 * months, "useful": 2 * months, "modest": months, "none": 0}
    elif intervention.measure_kind == "standardised":
        entry = Decimal(rng.randint(72, 86))
        gain = {"remarkable": 12, "useful": 7, "modest": 4, "none": -1}
    else:
        entry = Decimal(rng.randint(1, 3))
        gain = {"remarkable": 3, "useful": 2, "modest": 1, "none": 0}
    scores = {"entry_score": entry, "entry_on": start}
    if end:
        exit_score = entry + Decimal(gain[outcome])
        scores |= {
            "exit_score": exit_score,
            "exit_on": end,
            "reached_exit": outcome in ("remarkable", "useful"),
        }
    return scores


def _log(rng, group, members, days, staff, *, until):
    """Sessions on each slot day in term time: about one in eight missed, for a reason."""
    rows, attendance = [], []
    day = group.start_on
    while day <= until:
        if day.weekday() in days and in_term(day):
            missed = rng.random() < 0.12
            reason, note = rng.choice(MISSED) if missed else ("", "")
            if reason == "pupil_absence" and len(members) > 1:
                reason, note = "staff_absence", "TA covering a class."
            if not missed and rng.random() < 0.25:
                note = rng.choice(NOTES)
            rows.append(
                Session(
                    group=group,
                    date=day,
                    status="missed" if missed else "delivered",
                    missed_reason=reason,
                    note=note,
                    logged_by=staff,
                    token=uuid.UUID(int=rng.getrandbits(128), version=4),
                )  # fmt: skip
            )
        day += timedelta(days=1)
    rows = bulk_create_with_history(rows, Session, default_user=staff)
    for session in rows:
        if session.status != "delivered":
            continue
        for member in members:
            if member.joined_on <= session.date and (
                member.left_on is None or session.date <= member.left_on
            ):
                attendance.append(
                    SessionAttendance(
                        session=session, pupil=member.pupil, present=rng.random() > 0.07
                    )
                )
    bulk_create_with_history(attendance, SessionAttendance, default_user=staff)
    return len(rows)
