"""
Benchmark data, bulk-inserted into an empty database.

The big school is the demo school grown to 3,600 pupils (demo/ seeds its register, plans,
passports, concerns, provision and EHC plans); the trust around it is filled to 100 schools
with thinner schools (pupils, register entries, primary needs, support plans, EHC plans
and their reviews, provision groups with sessions), inserted in bulk without history rows.
"""

import random
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from demo import annual_reviews as demo_annual_reviews
from demo import identification as demo_identification
from demo import passports as demo_passports
from demo import people as demo_people
from demo import plans as demo_plans
from demo import provision as demo_provision
from demo import pupils as demo_pupils
from demo.provision_year import ROOMS, TIMES, in_term
from demo.pupils import make_upn
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
from pupils.models import Pupil, PupilNeed, RegisterEntry
from reviews.models import AnnualReview, EHCPlan, SupportPlan
from sendhub.models import School
from sendhub.roles import Role

# Rows per INSERT: a few thousand keeps each statement well under the parameter limit.
BATCH = 1000
BIG_SCHOOL_URN = "137421"
RUNNING_GROUPS = 200
NEEDS = ["SPLD", "SEMH", "ASD", "SLCN", "MLD", "HI", "VI", "PD", "OTH"]


def build(*, per_year=720, schools=100, pupils_per_school=725, seed=2026, log=print):
    """The big school (5 x per_year pupils) and a trust of `schools` schools in all."""
    if School.objects.exists():
        raise SystemExit("The benchmark database already has schools: give it an empty one.")
    rng = random.Random(seed)
    timings = {}
    started = time.monotonic()
    with transaction.atomic():
        people = demo_people.build_people(
            rng, teacher_count=max(50, per_year // 4), ta_count=max(8, per_year // 25)
        )
        demo_pupils.seed_school(rng, people, per_year=per_year)
        timings["big school roll and register"] = time.monotonic() - started
        for name, seed_part in [
            ("passports", demo_passports.seed_demo_passports),
            ("plans", demo_plans.seed_demo_plans),
            ("concerns", demo_identification.seed_identification),
            ("provision", demo_provision.seed_demo_provision),
            ("provision groups to 200 running", big_school_groups),
            ("EHC plan reviews", demo_annual_reviews.seed_demo_annual_reviews),
        ]:
            mark = time.monotonic()
            seed_part(rng, people)
            timings[name] = time.monotonic() - mark
        mark = time.monotonic()
        senco = people.named[Role.SENCO]
        thin_schools(rng, people.trust, senco, schools - 2, pupils_per_school)  # the demo made two
        timings[f"{schools - 2} thin schools"] = time.monotonic() - mark
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: it sets the visibility map, without which PostgreSQL cannot answer
            # from an index alone (as a production database's autovacuum would have done).
            # (VACUUM cannot run inside a transaction: a caller's atomic block gets ANALYZE.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    mark = time.monotonic()
    ensure_termly_report()
    timings["termly report published"] = time.monotonic() - mark
    timings["total"] = time.monotonic() - started
    for name, seconds in timings.items():
        log(f"  {name:<32} {seconds:6.1f} s")
    return people, timings


def big_school_groups(rng, people, *, running=RUNNING_GROUPS, today=None):
    """
    Top the big school up to `running` groups running today, in bulk and without history:
    each group's pupils share a year group and a primary need in the intervention's areas,
    meet on its timetable, and have sessions logged (about one in ten missed) up to today.
    """
    today = today or date.today()
    school = people.school
    need = running - ProvisionGroup.objects.filter(school=school).running_on(today).count()
    if need <= 0:
        return
    catalogue = list(Intervention.objects.for_school(school).order_by("pk"))
    fits = {}  # (area, year group) -> pupils with that primary need
    for pupil in (
        Pupil.objects.filter(school=school).on_register().prefetch_related("needs").order_by("pk")
    ):
        ranked = sorted(pupil.needs.all(), key=lambda n: n.rank)
        if ranked:
            key = (codes.NEED_AREAS[ranked[0].code], pupil.year_group)
            fits.setdefault(key, []).append(pupil)
    years = sorted({year for _, year in fits})
    places = {}
    tas, teachers = people.tas, people.teachers
    groups, staff, chosen_for = [], [], []
    for n in range(need * 3):  # some tries find no pupils; stop once there are enough
        if len(groups) == need:
            break
        intervention = catalogue[n % len(catalogue)]
        year = years[(n // len(catalogue)) % len(years)]
        size = max(1, min(intervention.group_size, 6))
        pool = [
            p
            for area in intervention.areas
            for p in fits.get((area, year), [])
            if places.get(p.pk, 0) < 3
        ]
        if not pool:
            continue
        chosen = rng.sample(pool, min(size, len(pool)))
        for p in chosen:
            places[p.pk] = places.get(p.pk, 0) + 1
        weeks = max(intervention.typical_weeks, 8)
        start = week_start(today) - timedelta(weeks=rng.randint(2, weeks - 2))
        groups.append(
            ProvisionGroup(
                school=school,
                intervention=intervention,
                name=f"{intervention.name} ({'Reception' if year == 0 else f'Year {year}'}, "
                f"{len(groups) + 1})",
                start_on=start,
                end_on=start + timedelta(weeks=weeks, days=-3),
                planned_sessions=intervention.sessions_per_week * weeks,
            )
        )
        adults = teachers if intervention.staff_role == StaffRole.TEACHER else tas
        staff.append(adults[len(groups) % len(adults)])
        chosen_for.append(chosen)
    groups = ProvisionGroup.objects.bulk_create(groups, batch_size=BATCH)
    ProvisionGroup.staff.through.objects.bulk_create(
        ProvisionGroup.staff.through(provisiongroup_id=g.pk, user_id=s.pk)
        for g, s in zip(groups, staff, strict=True)
    )
    slots, members, sessions, present = [], [], [], []
    for group, adult, chosen in zip(groups, staff, chosen_for, strict=True):
        days = sorted(rng.sample(range(5), min(group.intervention.sessions_per_week, 5)))
        at = rng.choice(TIMES)
        room = rng.choice(ROOMS)
        slots += [GroupSlot(group=group, weekday=d, starts_at=at, location=room) for d in days]
        members += [GroupMember(group=group, pupil=p, joined_on=group.start_on) for p in chosen]
        day = group.start_on
        while day < today:
            if day.weekday() in days and in_term(day):
                missed = rng.random() < 0.1
                sessions.append(
                    Session(
                        group=group,
                        date=day,
                        status="missed" if missed else "delivered",
                        missed_reason="staff_absence" if missed else "",
                        logged_by=adult,
                        token=uuid.UUID(int=rng.getrandbits(128), version=4),
                    )
                )
                if not missed:
                    present.append((sessions[-1], chosen))
            day += timedelta(days=1)
    GroupSlot.objects.bulk_create(slots, batch_size=BATCH)
    GroupMember.objects.bulk_create(members, batch_size=BATCH)
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    SessionAttendance.objects.bulk_create(
        (
            SessionAttendance(session=session, pupil=p, present=rng.random() > 0.07)
            for session, chosen in present
            for p in chosen
        ),
        batch_size=BATCH,
    )


def ensure_termly_report():
    """The big school's autumn report to governors, published as the demo SENCO would, unless
    a version is already published (a --reuse database built before the report was timed)."""
    from demo.people import DEMO_DOMAIN
    from demo.termly import COMMENTARY, latest_autumn
    from reports.termly.figures import school_pupils
    from reports.termly.models import TermlyReport, TermlyReportVersion
    from reports.termly.services import publish, save_commentary
    from sendhub.models import User

    school = School.objects.get(urn=BIG_SCHOOL_URN)
    if TermlyReportVersion.objects.filter(report__school=school).exists():
        return False
    senco = User.objects.get(email=f"senco@{DEMO_DOMAIN}")
    today = date.today()
    term = latest_autumn(school, today)
    with transaction.atomic():
        report, _ = TermlyReport.objects.get_or_create(
            school=school, year=term.year, term=term.name
        )
        save_commentary(report=report, commentary=COMMENTARY, by=senco)
        publish(report=report, by=senco, pupils=school_pupils(school), today=today)
    return True


def thin_schools(rng, trust, senco, count, size, *, batch=20):
    """
    `count` schools of the trust, each a roll with ~14% on SEN support and ~4% with an EHC
    plan, inserted `batch` schools at a time: one multi-row INSERT per table per batch
    instead of a dozen per school (the round trips, not the rows, were the cost).
    """
    made = []
    for first in range(0, count, batch):
        made += _thin_batch(rng, trust, senco, range(first, min(count, first + batch)), size)
    return made


def _thin_batch(rng, trust, senco, numbers, size):
    today = date.today()
    schools = bulk_create_with_history(
        [
            School(
                urn=f"{900000 + n:06d}",
                name=f"{rng.choice(['Ash', 'Birch', 'Cedar', 'Elm', 'Hazel', 'Oak', 'Rowan', 'Willow'])}"
                f" {rng.choice(['Park', 'Hill', 'Vale', 'Brook', 'Field'])}"
                f" {'Academy' if n % 3 else 'Primary'} {n + 1}",
                phase=School.Phase.PRIMARY if n % 3 == 0 else School.Phase.SECONDARY,
                local_authority=rng.choice(["Leeds", "Bradford", "Wakefield", "Kirklees"]),
                trust=trust,
            )
            for n in numbers
        ],
        School,
    )
    if any(school.pk is None for school in schools):  # a backend that returns no keys
        schools = list(School.objects.filter(urn__in=[s.urn for s in schools]).order_by("urn"))
    pupils = Pupil.objects.bulk_create(
        (
            Pupil(
                school=school,
                upn=make_upn(800 + n % 100, 1000 + n, 2010 + i % 12, i // 12 + 1),
                first_name=f"Pupil{i}",
                last_name=f"Thin{n}",
                date_of_birth=date(2010 + i % 12, 1 + i % 12, 1 + i % 28),
                year_group=i % 12,
                joined_on=date(today.year - 1 - i % 5, 9, 1),
                sen_stage=(
                    SenStage.EHCP if i % 25 == 0 else SenStage.SEN_SUPPORT if i % 7 == 0 else "none"
                ),
            )
            for n, school in zip(numbers, schools, strict=True)
            for i in range(size)
        ),
        batch_size=BATCH,
    )
    on_register = [p for p in pupils if p.sen_stage != "none"]
    entries = RegisterEntry.objects.bulk_create(
        (
            RegisterEntry(
                pupil=p,
                effective_on=p.joined_on + timedelta(days=60),
                stage=p.sen_stage,
                needs=[NEEDS[p.pk % len(NEEDS)]],
                decided_by=senco,
                recorded_by=senco,
                reason="Benchmark data",
            )
            for p in on_register
        ),
        batch_size=BATCH,
    )
    PupilNeed.objects.bulk_create(
        (PupilNeed(pupil=p, code=NEEDS[p.pk % len(NEEDS)], rank=1) for p in on_register),
        batch_size=BATCH,
    )
    SupportPlan.objects.bulk_create(
        (
            SupportPlan(
                pupil=p,
                status=SupportPlan.Status.ACTIVE,
                assess_summary="Benchmark plan",
                review_due_on=today + timedelta(days=rng.randrange(-30, 80)),
                starts_on=today - timedelta(days=30),
                created_by=senco,
            )
            for p in on_register
            if p.sen_stage == SenStage.SEN_SUPPORT
        ),
        batch_size=BATCH,
    )
    plans = EHCPlan.objects.bulk_create(
        (
            EHCPlan(
                pupil=entry.pupil,
                local_authority=entry.pupil.school.local_authority,
                issued_on=today - timedelta(days=rng.randrange(60, 1500)),
                recorded_by=senco,
                issue_entry=entry,
            )
            for entry in entries
            if entry.stage == SenStage.EHCP
        ),
        batch_size=BATCH,
    )
    AnnualReview.objects.bulk_create(
        (
            AnnualReview(
                plan=plan,
                starts_from=plan.issued_on,
                year_group=plan.pupil.year_group,
                opened_on=plan.issued_on + timedelta(days=300),
                opened_by=senco,
                meeting_on=min(today, plan.issued_on + timedelta(days=330)),
            )
            for plan in plans
            if plan.issued_on < today - timedelta(days=365) and rng.random() < 0.7
        ),
        batch_size=BATCH,
    )
    interventions = Intervention.objects.bulk_create(
        Intervention(
            school=school,
            name="Reading catch-up",
            areas=["CL"],
            entry_criteria="Reading age 12 months behind",
            exit_criteria="Reading age within 6 months",
            resource_cost=Decimal("120.00"),
        )
        for school in schools
    )
    groups = ProvisionGroup.objects.bulk_create(
        ProvisionGroup(
            school=school,
            intervention=intervention,
            name=f"Reading {g + 1}",
            start_on=today - timedelta(days=70),
            planned_sessions=30,
        )
        for school, intervention in zip(schools, interventions, strict=True)
        for g in range(10)
    )
    register_of = {}
    for p in on_register:
        register_of.setdefault(p.school_id, []).append(p)
    GroupMember.objects.bulk_create(
        (
            GroupMember(group=school_groups[i % 10], pupil=p, joined_on=today - timedelta(days=70))
            for s, school in enumerate(schools)
            for school_groups in [groups[s * 10 : s * 10 + 10]]
            for i, p in enumerate(register_of.get(school.pk, [])[:60])
        ),
        batch_size=BATCH,
    )
    Session.objects.bulk_create(
        (
            Session(
                group=group,
                date=group.start_on + timedelta(days=d * 2),
                status=Session.Status.DELIVERED,
                logged_by=senco,
                token=uuid.uuid4(),
            )
            for group in groups
            for d in range(30)
        ),
        batch_size=BATCH,
    )
    return schools
