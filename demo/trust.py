"""Three more schools for the demo trust, so the trust lead's roll-up compares five.

Each has a different profile: a secondary whose register is rising this year, a
secondary with a high share of EHC plans, and a small one-form-entry primary. Only what
the roll-up reads is seeded: the roll, the register with its needs, EHC plans and their
annual reviews, termly progress and attendance data, support plans with their reviews, and a
year of provision run by a few staff of each school's own. Invented names: not real schools.
"""

import random
from datetime import timedelta

from django.utils import timezone

from demo.annual_reviews import seed_reviews
from demo.people import BOYS_NAMES, DEMO_DOMAIN, GIRLS_NAMES, LAST_NAMES, DemoPeople
from demo.plans import seed_plans
from demo.progress import seed_school_progress
from demo.provision_year import seed_provision_year
from demo.pupils import K_NEEDS, _needs, build_groups, build_register, build_roll
from provision.starter import add_starter_catalogue
from pupils.codes import SenStage
from pupils.models import RegisterEntry
from pupils.register.services import record_register_change
from sendhub.models import Membership, School, User
from sendhub.roles import Role

# (urn, name, phase, local authority, estab, years, per year, SEN support, EHC plan, rising)
SCHOOLS = [
    ("149305", "Wyndale High School", School.Phase.SECONDARY, "Wakefield", 4126,
     range(7, 12), 60, 0.12, 0.03, 14),
    ("149318", "Calder Meadow Academy", School.Phase.SECONDARY, "Leeds", 4133,
     range(7, 12), 50, 0.15, 0.08, 0),
    ("149322", "Fernleigh Rise Primary School", School.Phase.PRIMARY, "Leeds", 2207,
     range(0, 7), 22, 0.14, 0.03, 0),
]  # fmt: skip


def seed_demo_trust(seed, people, *, today=None):
    """The three schools, with their own random draws so the main school's stay as they were."""
    today = today or timezone.localdate()
    # Repeatable demo data from a seed: not used for anything secret.
    rng = random.Random(f"trust-{seed}")  # noqa: S311  # nosec B311
    senco = people.named[Role.SENCO]
    pupils = 0
    for urn, name, phase, la_name, estab, years, per_year, k, e, rising in SCHOOLS:
        school = School.objects.create(
            urn=urn, name=name, phase=phase, local_authority=la_name, trust=people.trust
        )
        roll = build_roll(
            rng, school, years=years, per_year=per_year, la=383, estab=estab, today=today
        )
        build_groups(rng, school, roll, [], years=years, today=today)
        build_register(rng, school, roll, senco=senco, today=today, k_share=k, e_share=e)
        _identified_this_term(rng, school, roll, rising, senco=senco, today=today)
        seed_reviews(rng, school, senco=senco, today=today)
        seed_school_progress(rng, school, senco, today=today)
        _plans_and_provision(rng, school, people, today=today)
        pupils += len(roll)
    # The demo's primary school has a register and progress data, but no plans or groups.
    _plans_and_provision(rng, people.second_school, people, today=today)
    return {"trust_schools": len(SCHOOLS), "trust_pupils": pupils}


def _plans_and_provision(rng, school, people, *, today):
    """Support plans for the school's SEN support pupils, and a year of provision: one group
    of each intervention that fits its register (the main school runs three)."""
    seed_plans(rng, school, senco=people.named[Role.SENCO], today=today)
    add_starter_catalogue(school)
    seed_provision_year(_staff(rng, school, people), today=today, per_intervention=1)


def _staff(rng, school, people):
    """Two teachers and three teaching assistants of the school's own to run its groups."""
    users, memberships = [], []
    for n, role in enumerate([Role.TEACHER] * 2 + [Role.TEACHING_ASSISTANT] * 3, 1):
        first = rng.choice(rng.choice([GIRLS_NAMES, BOYS_NAMES]))
        user = User.objects.create(
            email=f"staff{n}.{school.urn}@{DEMO_DOMAIN}", first_name=first,
            last_name=rng.choice(LAST_NAMES), password=people.password_hash,
        )  # fmt: skip
        users.append(user)
        memberships.append(Membership(user=user, role=role, school=school))
    Membership.objects.bulk_create(memberships)
    return DemoPeople(
        trust=people.trust, school=school, second_school=None,
        password_hash=people.password_hash, named=people.named,
        teachers=users[:2], tas=users[2:],
    )  # fmt: skip


def _identified_this_term(rng, school, roll, count, *, senco, today):
    """A rising register: `count` more pupils put on SEN support in the last two months."""
    listed = set(
        RegisterEntry.objects.filter(pupil__school=school).values_list("pupil_id", flat=True)
    )
    candidates = [p for p in roll if p.left_on is None and p.pk not in listed][: count * 3]
    rng.shuffle(candidates)
    for pupil in candidates[:count]:
        when = max(today - timedelta(days=rng.randrange(7, 60)), pupil.joined_on)
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=_needs(rng, K_NEEDS),
            effective_on=when, decided_by=senco, recorded_by=senco,
            reason="Concern from the Year team; screening and teacher round robin agree.",
        )  # fmt: skip
