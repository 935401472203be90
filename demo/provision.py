"""Demo provision for `manage.py seed_demo`: the catalogue and running groups.

The starter catalogue, four entries the school wrote itself, and the reading and spelling
entries tied to the tests the school uses (their scores are pupils' assessment results).
The demo TA runs groups meeting this week with some sessions left to log, so "Today's
sessions" has something to tap; a finished reading group shows impact. Then a year of
groups across the catalogue (demo/provision_year.py).
"""

from datetime import date, time, timedelta
from decimal import Decimal

from demo.provision_year import (
    fitting,
    pupils_by_need_and_year,
    seed_provision_year,
    start_group,
    years_for,
)
from provision.models import Delivery, Intervention, MeasureKind, StaffRole, week_start
from provision.starter import add_starter_catalogue
from pupils.codes import BroadArea
from pupils.models import AssessmentInstrument, Pupil
from sendhub.models import Layer
from sendhub.roles import Role

CI, CL, SEMH, SP = (
    BroadArea.COMMUNICATION,
    BroadArea.COGNITION,
    BroadArea.SEMH,
    BroadArea.SENSORY_PHYSICAL,
)
# Entries the demo school added to its catalogue itself.
SCHOOL_MADE = [
    {
        "name": "Morning check-in", "areas": [SEMH], "group_size": 6, "sessions_per_week": 5,
        "minutes_per_session": 10, "typical_weeks": 12, "staff_role": StaffRole.TEACHING_ASSISTANT,
        "evidence_base": "A calm, predictable start with a familiar adult in the SEN base "
        "before registration: a quick talk about the day and anything worrying the pupil.",
        "measure_kind": MeasureKind.RATING, "measure_name": "Ready-to-learn rating (1 to 5)",
        "entry_criteria": "Anxious or unsettled arriving at school; late to or missing the "
        "first lesson.",
        "exit_criteria": "Arrives settled and reaches the first lesson on time on most days "
        "for four weeks.",
        "resource_cost": Decimal("0.00"),
    },
    {
        "name": "Lunchtime Lego club", "areas": [CI, SEMH], "group_size": 6,
        "sessions_per_week": 2, "minutes_per_session": 30, "typical_weeks": 12,
        "staff_role": StaffRole.TEACHING_ASSISTANT,
        "evidence_base": "A quiet lunchtime space where pupils build together, with an adult "
        "helping them share, plan and chat; friendships carry on outside the club.",
        "measure_kind": MeasureKind.RATING, "measure_name": "Lunchtime social rating (staff)",
        "entry_criteria": "Finds lunchtimes hard: alone, or in conflict, on most days.",
        "exit_criteria": "Spends lunchtimes with other pupils without adult help most days.",
        "resource_cost": Decimal("40.00"),
    },
    {
        "name": "Year 7 transition group", "areas": [SEMH, CI], "group_size": 6,
        "sessions_per_week": 1, "minutes_per_session": 50, "typical_weeks": 8,
        "staff_role": StaffRole.TEACHER,
        "evidence_base": "Weekly sessions in the first half term on finding your way, "
        "timetables, who to ask for help and making friends, with the Year 7 pastoral lead.",
        "measure_kind": MeasureKind.RATING, "measure_name": "School belonging questionnaire",
        "entry_criteria": "Named by their primary school or tutor as finding the move to "
        "secondary hard.",
        "exit_criteria": "Knows their way and who to ask, and says they feel they belong.",
        "resource_cost": Decimal("25.00"),
    },
    {
        "name": "Touch-typing club", "areas": [SP, CL], "group_size": 6,
        "sessions_per_week": 2, "minutes_per_session": 30, "typical_weeks": 10,
        "staff_role": StaffRole.TEACHING_ASSISTANT, "delivery": Delivery.WITHDRAWAL,
        "evidence_base": "Daily practice on a free typing course in the library, so pupils "
        "who write slowly can use a laptop in lessons and, where agreed, in exams.",
        "measure_kind": MeasureKind.CHECKLIST,
        "measure_name": "Typing checklist (home keys, speed, accuracy)",
        "entry_criteria": "Handwriting slow or hard to read; a laptop is being considered as "
        "the normal way of working.",
        "exit_criteria": "Types at least as fast as they write, accurately, without looking "
        "at the keys.",
        "resource_cost": Decimal("0.00"),
    },
]  # fmt: skip
# Catalogue entries measured on a test the school records in pupils' assessments.
TESTS = {
    "Reading comprehension group": "New Group Reading Test (NGRT)",
    "Paired reading": "New Group Reading Test (NGRT)",
    "Reading fluency (repeated reading)": "New Group Reading Test (NGRT)",
    "Spelling group (multisensory)": "WRAT5 spelling",
}
# The demo TA's groups: (name, intervention, weekdays, start time, room, pupils,
# weeks ago started).
TA_GROUPS = [
    ("Paired reading (summer)", "Paired reading", [0, 2, 4], time(14, 0), "Library", 3, 26),
    ("Phonics catch-up", "Phonics catch-up group", [0, 2, 4], time(9, 10), "Library", 4, 7),
    ("Precision teaching 1:1", "Precision teaching", [0, 1, 2, 3, 4], time(8, 45), "SEN base", 1, 5),
    ("Zones group", "Zones/self-regulation group", [1, 3], time(13, 30), "Room 12", 3, 4),
]  # fmt: skip


def add_catalogue(school):
    """The starter catalogue, the school's own entries and the tests its entries use."""
    add_starter_catalogue(school)
    for fields in SCHOOL_MADE:
        Intervention.objects.create(
            school=school, layer=Layer.TARGETED, **{"delivery": Delivery.WITHDRAWAL} | fields
        )
    tests = {i.name: i for i in AssessmentInstrument.objects.filter(school=school)}
    for name, test in TESTS.items():
        if test in tests:
            Intervention.objects.filter(school=school, name=name).update(instrument=tests[test])


def seed_demo_provision(rng, people, *, today=None):
    """The catalogue, the demo TA's groups and a year of others, sessions logged to last week."""
    today = today or date.today()
    school = people.school
    ta = people.named[Role.TEACHING_ASSISTANT]
    add_catalogue(school)
    catalogue = {i.name: i for i in Intervention.objects.for_school(school)}
    supported = set(
        Pupil.objects.filter(school=school, support_assignments__staff=ta).values_list(
            "pk", flat=True
        )
    )
    fits = pupils_by_need_and_year(school, today)
    busy, names, sessions = {}, set(), 0
    for name, intervention_name, days, at, room, size, weeks_ago in TA_GROUPS:
        intervention = catalogue[intervention_name]
        start = week_start(today) - timedelta(weeks=weeks_ago)
        when = {"start": start, "today": today, "busy": busy}
        # The year group with the most pupils the TA supports who fit the intervention.
        years = [y for y in years_for(intervention) if fitting(intervention, fits, y, **when)]
        if not years:
            continue
        year = max(
            years,
            key=lambda y: sum(p.pk in supported for p in fitting(intervention, fits, y, **when)),
        )
        pupils = fitting(intervention, fits, year, prefer=supported, **when)[:size]
        sessions += start_group(
            rng, intervention, name=name, staff=ta, pupils=pupils, start=start, days=days,
            at=at, room=room, today=today, busy=busy,
        )  # fmt: skip
        names.add(name)
    year = seed_provision_year(people, today=today, busy=busy, names=names)
    return {
        "provision_groups": len(names) + year["provision_groups"],
        "sessions": sessions + year["sessions"],
    }
