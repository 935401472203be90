"""A year of provision at the demo school: groups across the catalogue, with their logs.

Groups that finished last summer and earlier this term (with exit scores), and groups
running now, staffed by the demo's TAs and teachers as the intervention suits. Each
group's pupils are in one year group the intervention suits and have a primary need in
its areas. `start_group` is the one way the demo starts a group: demo/provision.py uses
it for the demo TA's own groups. Random draws of its own, so the demo's other seeds draw
as they did.
"""

import random
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from demo.identification import age_equivalent_for, percentile_for, raw_score_for
from demo.pupils import academic_year_start
from demo.schooldays import is_school_day
from provision import impact
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
from pupils.models.concerns import months_old_on

STAGES = [SenStage.MONITORING, SenStage.SEN_SUPPORT, SenStage.ASSESSMENT_REQUESTED, SenStage.EHCP]
ROOMS = ["Library", "SEN base", "Room 12", "Room 4", "Learning hub", "Small group room"]
TIMES = [time(8, 45), time(9, 10), time(10, 40), time(11, 30), time(13, 30), time(14, 15)]
# Weeks before this Monday a group started: last summer term (finished), this September
# (some finished, some running) and after October half term (running).
STARTS = [30, 29, 27, 13, 12, 10, 6, 5, 3]
# Year groups an intervention suits at a secondary school, where it is not every year.
YEARS = {
    "Phonics catch-up group": (7, 8),
    "Paired reading": (7, 8, 9),
    "Reading fluency (repeated reading)": (7, 8, 9),
    "Handwriting group": (7, 8),
    "Fine motor skills group": (7, 8),
    "Nurture group": (7, 8),
    "Lego-based therapy": (7, 8, 9),
    "Year 7 transition group": (7,),
    "Touch-typing club": (9, 10, 11),
    "Study skills and organisation group": (9, 10, 11),
}
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
    return is_school_day(day) and not (7, 22) <= (day.month, day.day) <= (9, 2)


def first_term_day(day):
    while not in_term(day):
        day += timedelta(days=1)
    return day


def pupils_by_need_and_year(school, today):
    """{(broad area, year group): pupils} for pupils on the register or under concern,
    by their primary need."""
    found = {}
    for pupil in (
        Pupil.objects.filter(school=school, sen_stage__in=STAGES)
        .on_roll(today)
        .prefetch_related("needs")
        .order_by("pk")
    ):
        ranked = sorted(pupil.needs.all(), key=lambda need: need.rank)
        if ranked:
            key = (codes.NEED_AREAS[ranked[0].code], pupil.year_group)
            found.setdefault(key, []).append(pupil)
    return found


def fitting(intervention, fits, year, *, start, today, busy, prefer=()):
    """
    Pupils who were in `year` when a group starts, whose primary need is in the
    intervention's areas, who were at the school by then and are in fewer than two groups;
    those in `prefer` first. A group from last school year takes pupils a year up now.
    """
    start = first_term_day(start)
    now = year + (1 if start < date(academic_year_start(today), 9, 1) else 0)
    pool = [
        p
        for area in intervention.areas
        for p in fits.get((area, now), [])
        if busy.get(p.pk, 0) < 2 and p.joined_on <= start
    ]
    return sorted(pool, key=lambda p: p.pk not in prefer)


def group_name(intervention, year, taken):
    """ "Phonics catch-up group (Year 7)", or with a letter when that name is taken."""
    name = intervention.name
    if f"Year {year}" not in name:
        name = f"{name} (Year {year})"
    for letter in "BCDE":
        if name not in taken:
            break
        name = f"{intervention.name} (Year {year}, {letter})"
    taken.add(name)
    return name


def years_for(intervention):
    return YEARS.get(intervention.name, (7, 8, 9, 10, 11))


def seed_provision_year(people, *, today, busy=None, names=(), per_intervention=2):
    """About 36 more groups at the main school (per_intervention=1: one group of each entry,
    for the trust's smaller schools); returns {"provision_groups": n, "sessions": n}."""
    rng = random.Random(f"provision-{people.school.urn}")  # noqa: S311  # nosec B311
    school = people.school
    fits = pupils_by_need_and_year(school, today)
    busy = busy if busy is not None else {}
    names = set(names)
    tas, teachers = people.tas[1:] or people.tas, people.teachers[1:] or people.teachers
    groups = sessions = 0
    catalogue = Intervention.objects.for_school(school).select_related("instrument")
    for n, intervention in enumerate(catalogue.order_by("name")):
        # Every entry once; every other entry a second time, in another year group.
        for k in range(per_intervention if n % 2 == 0 else 1):
            start = week_start(today) - timedelta(weeks=STARTS[(n + k * 4) % len(STARTS)])
            when = {"start": start, "today": today, "busy": busy}
            years = [y for y in years_for(intervention) if fitting(intervention, fits, y, **when)]
            if not years:
                continue
            year = years[(n + k) % len(years)]
            adults = teachers if intervention.staff_role == StaffRole.TEACHER else tas
            chosen = fitting(intervention, fits, year, **when)
            rng.shuffle(chosen)
            made = start_group(
                rng, intervention, name=group_name(intervention, year, names),
                staff=adults[(n + k) % len(adults)],
                pupils=chosen[: min(intervention.group_size, 6)], start=start,
                days=sorted(rng.sample(range(5), min(intervention.sessions_per_week, 5))),
                at=rng.choice(TIMES), room=rng.choice(ROOMS), today=today, busy=busy,
            )  # fmt: skip
            groups += 1
            sessions += made
    return {"provision_groups": groups, "sessions": sessions}


def start_group(rng, intervention, *, name, staff, pupils, start, days, at, room, today, busy):
    """
    One group from `start` for the intervention's typical length (ending before the summer
    holiday), its timetable, its pupils with entry scores (and exit scores once finished;
    now and then one leaves early) and its sessions logged up to last week. Scores on a
    test the pupils take are their assessment results too. Returns the sessions logged.
    """
    start = first_term_day(start)
    weeks = intervention.typical_weeks
    end = start + timedelta(weeks=weeks, days=-3)
    if end.month == 8 or (end.month == 7 and end.day > 21):
        end = date(end.year, 7, 17)
    while not in_term(end):  # not in a holiday
        end -= timedelta(days=1)
    group = ProvisionGroup.objects.create(
        school=intervention.school, intervention=intervention, name=name, start_on=start,
        end_on=end, planned_sessions=len(days) * min(weeks, (end - start).days // 7 + 1),
    )  # fmt: skip
    group.staff.add(staff)
    GroupSlot.objects.bulk_create(
        [GroupSlot(group=group, weekday=d, starts_at=at, location=room) for d in days]
    )
    finished = end < today
    members = []
    for i, pupil in enumerate(pupils):
        busy[pupil.pk] = busy.get(pupil.pk, 0) + 1
        joined = start if i or len(pupils) == 1 else start + timedelta(weeks=2)
        left = None
        if i == 1 and len(pupils) > 3 and rng.random() < 0.3:
            left = min(start + timedelta(weeks=4), end, today)  # moved to another group
        member = GroupMember(group=group, pupil=pupil, joined_on=joined, left_on=left)
        member.use_latest_result()  # a reading test taken just before they joined
        scores = _scores(rng, intervention, pupil, joined, end if finished and not left else None)
        if member.entry_score is not None:  # the known result is the entry score
            shift = member.entry_score - scores["entry_score"]
            scores |= {"entry_score": member.entry_score, "entry_on": member.entry_on}
            if "exit_score" in scores:
                scores["exit_score"] += shift
        if "exit_score" in scores and intervention.measure_kind == "age_equivalent":
            # Still behind their age at the end, as the pupils chosen for it are.
            age = _age_months(pupil, scores["exit_on"])
            scores["exit_score"] = min(scores["exit_score"], Decimal(age - 2))
        for field, value in scores.items():
            setattr(member, field, value)
        if member.exit_score is not None:
            member.reached_exit = _met_exit(intervention, member)
        members.append(member)
    bulk_create_with_history(members, GroupMember, default_user=staff)
    for member in members:
        member.record_results(by=staff)
        for result in (member.entry_result, member.exit_result):
            if result and result.percentile is None:
                _complete(result)
    return _log(rng, group, members, days, staff, until=min(end, week_start(today) - timedelta(1)))


def _met_exit(intervention, member):
    """Whether the scores meet the entry's exit criteria as the starter catalogue words them:
    a standardised score of 90 (spelling: 85, or 7 points up), a ratio gain of 1.4 for a
    reading age, two steps up a rating scale or checklist."""
    entry, exit_score = member.entry_score, member.exit_score
    if intervention.measure_kind == "standardised":
        if intervention.name.startswith("Spelling"):
            return exit_score >= 85 or exit_score - entry >= 7
        return exit_score >= 90
    if intervention.measure_kind == "age_equivalent":
        months = impact.months_between(member.entry_on, member.exit_on)
        ratio = impact.ratio_gain(entry, exit_score, months)
        return ratio is not None and ratio >= Decimal("1.4")
    return exit_score - entry >= 2


def _complete(result):
    """The rest of a test result the group recorded, as the test's report gives it: the
    standardised score and age-equivalent from each other, the percentile and raw score."""
    age = months_old_on(result.pupil, result.taken_on)
    if result.standardised_score is None:
        result.standardised_score = max(
            40, min(99, round(result.age_equivalent_months * 100 / age))
        )
    if result.age_equivalent_months is None:
        result.age_equivalent_months = age_equivalent_for(age, result.standardised_score)
    result.percentile = percentile_for(result.standardised_score)
    result.raw_score = raw_score_for(result.instrument.name, result.age_equivalent_months)
    result.save()


def _age_months(pupil, on):
    return (on.year - pupil.date_of_birth.year) * 12 + on.month - pupil.date_of_birth.month


def _scores(rng, intervention, pupil, start, end):
    """Entry on the group's measure; exit for finished groups: most modest, a few remarkable,
    one or two none."""
    outcome = rng.choices(["remarkable", "useful", "modest", "none"], [2, 5, 4, 1])[0]
    months = ((end or start) - start).days / 30.4
    if intervention.measure_kind == "age_equivalent":
        # A reading age 1 to 3 years behind the pupil's age, in months.
        entry = Decimal(_age_months(pupil, start) - rng.randint(14, 36))
        gain = {
            "remarkable": round(3 * months),
            "useful": round(2 * months),
            "modest": round(months),
            "none": 0,
        }
    elif intervention.measure_kind == "standardised":
        entry = Decimal(rng.randint(72, 86))
        gain = {"remarkable": 12, "useful": 7, "modest": 4, "none": -1}
    else:
        entry = Decimal(rng.randint(1, 3))
        gain = {"remarkable": 3, "useful": 2, "modest": 1, "none": 0}
    scores = {"entry_score": entry, "entry_on": start}
    if end:
        scores |= {
            "exit_score": entry + Decimal(gain[outcome]),
            "exit_on": end,
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
