"""Demo roll, classes, parents and a register with a few years of history."""

from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history
from stdnum.gb import upn as stdnum_upn

from demo.people import BOYS_NAMES, DEMO_DOMAIN, FIRST_NAMES, GIRLS_NAMES, LAST_NAMES
from pupils import codes
from pupils.codes import NeedType, SenStage
from pupils.models import (
    MedicalCondition,
    ParentInformed,
    ParentLink,
    Pupil,
    PupilNeed,
    RegisterEntry,
    SupportAssignment,
    Task,
    TeachingGroup,
)
from pupils.register.services import record_register_change
from reviews.models import EHCPlan
from sendhub.models import Membership, User
from sendhub.roles import Role

# Primary need shares, roughly as in national data for secondary schools
# (SEN support and EHC plans differ: autism dominates EHC plans).
K_NEEDS = [
    (NeedType.SEMH, 23), (NeedType.SPLD, 20), (NeedType.MLD, 14), (NeedType.SLCN, 13),
    (NeedType.ASD, 11), (NeedType.OTH, 4), (NeedType.NSA, 4), (NeedType.HI, 2),
    (NeedType.PD, 2), (NeedType.VI, 1), (NeedType.SLD, 1),
]  # fmt: skip
E_NEEDS = [
    (NeedType.ASD, 40), (NeedType.SEMH, 18), (NeedType.SLCN, 12), (NeedType.MLD, 9),
    (NeedType.SLD, 6), (NeedType.SPLD, 4), (NeedType.PD, 4), (NeedType.HI, 3),
    (NeedType.VI, 2), (NeedType.PMLD, 1), (NeedType.OTH, 1),
]  # fmt: skip
FORM_LETTERS = "ABCDEFG"
# Every other pupil with one of these names goes by the shorter one (the MIS's preferred name).
SHORT_NAMES = {
    "Thomas": "Tom", "Samuel": "Sam", "Daniel": "Dan", "Joshua": "Josh", "Theodore": "Teddy",
    "Isabella": "Bella", "Ibrahim": "Ibby", "Alfie": "Alf", "Amelia": "Millie", "Olivia": "Liv",
    "Sophia": "Sophie", "Callum": "Cal",
}  # fmt: skip
SUBJECTS = [("English", "En"), ("Maths", "Ma"), ("Science", "Sc")]


def academic_year_start(today):
    return today.year if today.month >= 9 else today.year - 1


def make_upn(la, estab, year, serial):
    body = f"{la:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def _weighted(rng, table):
    codes, weights = zip(*table, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _needs(rng, table):
    primary = _weighted(rng, table)
    needs = [primary]
    if primary != NeedType.NSA and rng.random() < 0.4:
        secondary = _weighted(rng, table)
        if secondary not in (primary, NeedType.NSA):
            needs.append(secondary)
    return needs


def _first_name(rng, gender):
    """A first name that fits the pupil's gender (either list when it is not stated)."""
    return rng.choice({"F": GIRLS_NAMES, "M": BOYS_NAMES}.get(gender, FIRST_NAMES))


def _preferred(first_name, serial):
    return SHORT_NAMES.get(first_name, "") if serial % 2 == 0 else ""


def _birth_date(rng, ay, year_group):
    start = date(ay - year_group - 5, 9, 1)
    return start + timedelta(days=rng.randrange(365))


def build_roll(rng, school, *, years, per_year, la=383, estab=4012, today):
    """Pupils on roll in the given year groups plus a few archived leavers."""
    ay = academic_year_start(today)
    pupils = []
    serials = {}

    def next_upn(born):
        issued = born.year + 4
        serials[issued] = serials.get(issued, 0) + 1
        return make_upn(la, estab, issued, serials[issued])

    for year_group in years:
        for _ in range(per_year):
            gender = rng.choice("MF") if rng.random() > 0.01 else "X"
            born = _birth_date(rng, ay, year_group)
            entry_year = ay - (year_group - (7 if year_group >= 7 else 0))
            joined = date(entry_year, 9, 1)
            if rng.random() < 0.06:  # mid-year joiners
                joined = min(today, joined + timedelta(days=rng.randrange(60, 500)))
            upn = next_upn(born)
            first_name = _first_name(rng, gender)
            pupils.append(
                Pupil(
                    school=school,
                    upn=upn,
                    first_name=first_name,
                    preferred_name=_preferred(first_name, len(pupils)),
                    last_name=rng.choice(LAST_NAMES),
                    date_of_birth=born,
                    gender=gender,
                    year_group=year_group,
                    joined_on=joined,
                    free_school_meals=rng.random() < 0.24,
                    eal=rng.random() < 0.18,
                    looked_after=rng.random() < 0.008,
                    previously_looked_after=rng.random() < 0.01,
                    attendance_percent=round(min(100.0, rng.gauss(93.5, 4.5)), 1),
                    exclusions_count=1 if rng.random() < 0.05 else 0,
                )
            )
    for pupil in pupils:
        pupil.pupil_premium = pupil.free_school_meals or pupil.looked_after or rng.random() < 0.04
    # Leavers: archived, never deleted.
    for _ in range(max(3, len(pupils) // 35)):
        year_group = rng.choice(list(years))
        born = _birth_date(rng, ay, year_group)
        joined = date(ay - 2, 9, 1)
        upn, gender = next_upn(born), rng.choice("MF")
        pupils.append(
            Pupil(
                school=school,
                upn=upn,
                first_name=_first_name(rng, gender),
                last_name=rng.choice(LAST_NAMES),
                date_of_birth=born,
                gender=gender,
                year_group=year_group,
                joined_on=joined,
                left_on=today - timedelta(days=rng.randrange(30, 400)),
                attendance_percent=round(min(100.0, rng.gauss(90, 6)), 1),
            )
        )
    return bulk_create_with_history(pupils, Pupil, batch_size=500)


def form_letter(i):
    """A, B, ... G, then A2, B2, ... for a school with more than seven forms a year."""
    return FORM_LETTERS[i % len(FORM_LETTERS)] + (
        str(i // len(FORM_LETTERS) + 1) if i >= len(FORM_LETTERS) else ""
    )


def build_groups(rng, school, pupils, teachers, *, years, today, named_teacher=None):
    """Forms of ~29 and set classes in English, maths and science for each year group."""
    by_year = {}
    for pupil in pupils:
        if pupil.left_on is None:
            by_year.setdefault(pupil.year_group, []).append(pupil)
    groups = []
    form_of = {}
    class_members = []
    pool = teachers[1:] or teachers
    teacher_cycle = iter(pool * (len(years) * 20)) if pool else None
    for year_group in years:
        year_pupils = sorted(by_year.get(year_group, []), key=lambda p: p.pk)
        form_count = max(1, round(len(year_pupils) / 29))
        forms = [
            TeachingGroup(school=school, name=f"{year_group}{form_letter(i)}", kind="form",
                          year_group=year_group)
            for i in range(form_count)
        ]  # fmt: skip
        TeachingGroup.objects.bulk_create(forms)
        groups.extend(forms)
        for i, pupil in enumerate(year_pupils):
            form_of[pupil.pk] = forms[i % form_count]
        for subject, short in SUBJECTS:
            classes = [
                TeachingGroup(school=school, name=f"{year_group} {short}{i + 1}", kind="class",
                              year_group=year_group, subject=subject)
                for i in range(form_count)
            ]  # fmt: skip
            TeachingGroup.objects.bulk_create(classes)
            groups.extend(classes)
            shuffled = year_pupils[:]
            rng.shuffle(shuffled)
            for i, pupil in enumerate(shuffled):
                class_members.append((classes[i % form_count], pupil))
    for pupil in pupils:
        if pupil.pk in form_of:
            pupil.form = form_of[pupil.pk]
    Pupil.objects.bulk_update([p for p in pupils if p.pk in form_of], ["form"], batch_size=500)

    through = TeachingGroup.pupils.through
    rows = [through(teachinggroup_id=g.pk, pupil_id=p.pk) for g, p in class_members]
    rows += [through(teachinggroup_id=g.pk, pupil_id=pid) for pid, g in form_of.items()]
    through.objects.bulk_create(rows, batch_size=1000)

    if teacher_cycle is None:
        return groups
    teacher_rows = []
    named_groups = {"8 En2", "9 En4", "10 En1", "11 En6", "9C"}
    for group in groups:
        if named_teacher is not None and group.name in named_groups:
            teacher = named_teacher
        else:
            teacher = next(teacher_cycle)
        teacher_rows.append(
            TeachingGroup.teachers.through(teachinggroup_id=group.pk, user_id=teacher.pk)
        )
    TeachingGroup.teachers.through.objects.bulk_create(teacher_rows)
    return groups


def build_register(rng, school, pupils, *, senco, today, k_share=0.14, e_share=0.04):
    """A register with history: joins, EHC plans, removals, monitoring and corrections."""
    on_roll = [p for p in pupils if p.left_on is None]
    rng.shuffle(on_roll)
    # Boys are about two-thirds of SEN support.
    boys = [p for p in on_roll if p.gender == "M"]
    others = [p for p in on_roll if p.gender != "M"]
    k_total, e_total = round(len(on_roll) * k_share), round(len(on_roll) * e_share)
    k_boys = round(k_total * 0.66)
    k_pupils = boys[:k_boys] + others[: k_total - k_boys]
    rest = boys[k_boys:] + others[k_total - k_boys :]
    rng.shuffle(rest)
    e_pupils, rest = rest[:e_total], rest[e_total:]
    removed, rest = rest[: len(on_roll) // 40], rest[len(on_roll) // 40 :]
    monitoring = rest[: len(on_roll) // 50]
    leavers_with_sen = [p for p in pupils if p.left_on is not None][:4]

    register = _Register(pupils)

    def change(pupil, stage, needs, when, reason):
        # The school's register starts when the pupil joins it: earlier SEN history
        # (a previous school's) is told in the reason, not dated before joined_on.
        when = min(max(when, pupil.joined_on), today)
        return register.change(
            pupil=pupil, stage=stage, needs=needs, effective_on=when, reason=reason,
            decided_by=senco, recorded_by=senco,
        )  # fmt: skip

    def plan_issued(pupil, needs, when, notes):
        # Only the EHC plan record puts a pupil on E (Children and Families Act 2014 s37).
        when = min(max(when, pupil.joined_on), today)
        return register.plan_issued(
            pupil=pupil, issued_on=when, local_authority=school.local_authority, by=senco,
            needs=needs, notes=notes,
        )  # fmt: skip

    informed = []  # saved together at the end: nothing below reads them

    def told(pupil, entry, when):
        if rng.random() < 0.9:
            informed.append(ParentInformed(
                pupil=pupil, entry=entry, informed_on=min(when + timedelta(days=rng.randrange(0, 10)), today),
                method=rng.choice(ParentInformed.Method.values[:4]), informed_by=senco,
            ))  # fmt: skip

    for pupil in k_pupils:
        start = pupil.joined_on + timedelta(
            days=rng.randrange(0, max(1, (today - pupil.joined_on).days))
        )
        if rng.random() < 0.45:  # arrived on SEN support from the previous school
            start = pupil.joined_on
            reason = "On SEN support at primary school; transition information reviewed."
        else:
            reason = "Evidence from observation, standardised assessment and teacher round robin."
            if rng.random() < 0.4 and start - timedelta(days=70) >= pupil.joined_on:
                change(pupil, SenStage.MONITORING, [], start - timedelta(days=70),
                       "Teacher concern; monitoring with interim strategies.")  # fmt: skip
        entry = change(pupil, SenStage.SEN_SUPPORT, _needs(rng, K_NEEDS), start, reason)
        told(pupil, entry, start)
    for pupil in e_pupils:
        needs = _needs(rng, E_NEEDS)
        if rng.random() < 0.5:
            plan = plan_issued(pupil, needs, pupil.joined_on,
                               "Issued before transfer; names this school (section I).")  # fmt: skip
            told(pupil, plan.issue_entry, pupil.joined_on)
            continue
        start = pupil.joined_on + timedelta(days=rng.randrange(0, 200))
        entry = change(
            pupil, SenStage.SEN_SUPPORT, needs, start, "Needs identified after transfer."
        )
        told(pupil, entry, start)
        requested = min(
            start + timedelta(days=rng.randrange(180, 500)), today - timedelta(days=150)
        )
        if requested > start:
            change(pupil, SenStage.ASSESSMENT_REQUESTED, needs, requested,
                   "Graduated approach over three cycles; progress remains limited.")  # fmt: skip
            plan_issued(pupil, needs, requested + timedelta(weeks=20),
                        "Final plan issued 20 weeks after the school's request.")  # fmt: skip
    for pupil in removed:
        start = pupil.joined_on + timedelta(days=rng.randrange(0, 200))
        entry = change(pupil, SenStage.SEN_SUPPORT, _needs(rng, K_NEEDS), start,
                       "Literacy difficulties confirmed by screening.")  # fmt: skip
        told(pupil, entry, start)
        change(pupil, SenStage.NONE, [], start + timedelta(days=rng.randrange(200, 500)),
               "Targets met over two review cycles; needs met by quality-first teaching.")  # fmt: skip
    for pupil in monitoring:
        change(pupil, SenStage.MONITORING, [], today - timedelta(days=rng.randrange(5, 60)),
               "Concern raised by form tutor; monitoring for six weeks.")  # fmt: skip
    for pupil in leavers_with_sen:
        change(pupil, SenStage.SEN_SUPPORT, _needs(rng, K_NEEDS), pupil.joined_on,
               "On SEN support at transfer.")  # fmt: skip

    register.save()
    bulk_create_with_history(informed, ParentInformed, batch_size=500)
    # As ParentInformed.save() does: close any open task to tell these pupils' parents.
    told_pupils = {row.pupil_id for row in informed}
    for pupil in sorted(
        set(
            Task.objects.open()
            .filter(kind=Task.Kind.TELL_PARENTS, pupil__in=told_pupils)
            .values_list("pupil", flat=True)
        )
    ):
        Task.objects.close(kind=Task.Kind.TELL_PARENTS, pupil=pupil)

    # One recorded mistake, corrected, so the timeline shows how corrections read.
    if k_pupils:
        pupil = k_pupils[0]
        wrong = pupil.register_entries.in_force().order_by("-effective_on", "-pk").first()
        fixed = [NeedType.SLCN] if wrong.needs != [NeedType.SLCN] else [NeedType.ASD]
        record_register_change(
            pupil=pupil, stage=wrong.stage, needs=fixed, effective_on=wrong.effective_on,
            reason="Correction: primary need was entered wrongly; SALT report confirms it.",
            decided_by=senco, recorded_by=senco, corrects=wrong,
        )  # fmt: skip
    return k_pupils, e_pupils


class _Register:
    """
    A new register's changes, written in a few INSERTs by save() instead of one
    record_register_change() (or record_plan_issued()) each: the same entries, the pupil's
    stage, 'since' and ranked needs as refresh_register_state() leaves them, one pupil history
    row per change with its reason, and EHC plans with their history. The seed's changes are
    valid by construction, so the services' checks are not repeated; the pupils have no
    register entries before.
    """

    def __init__(self, pupils):
        if RegisterEntry.objects.filter(pupil__in=[p.pk for p in pupils]).exists():
            raise ValueError("The demo register is built for pupils with no register entries.")
        self.entries, self.states, self.plans, self.of = [], [], [], {}

    def change(self, *, pupil, stage, needs, effective_on, reason, decided_by, recorded_by,
               source=RegisterEntry.Source.MANUAL):  # fmt: skip
        entry = RegisterEntry(
            pupil=pupil, stage=stage, needs=list(dict.fromkeys(needs)), effective_on=effective_on,
            reason=reason, decided_by=decided_by, recorded_by=recorded_by, source=source,
        )  # fmt: skip
        self.entries.append(entry)
        # In force on the day, oldest first (a stable sort keeps the order they were made).
        entries = sorted(self.of.setdefault(pupil.pk, []) + [entry], key=lambda e: e.effective_on)
        self.of[pupil.pk] = entries
        since = None
        if entries[-1].stage in codes.REGISTER_STAGES:
            for earlier in reversed(entries):
                if earlier.stage not in codes.REGISTER_STAGES:
                    break
                since = earlier.effective_on
        pupil.sen_stage, pupil.sen_since = entries[-1].stage, since
        pupil._change_reason = reason
        state = Pupil(**{f.attname: getattr(pupil, f.attname) for f in Pupil._meta.concrete_fields})
        state._change_reason = reason
        self.states.append(state)
        return entry

    def plan_issued(self, *, pupil, issued_on, local_authority, by, needs, notes):
        """As record_plan_issued(): an E entry from the EHC plan record, and the plan."""
        entry = self.change(
            pupil=pupil, stage=SenStage.EHCP, needs=[c for c in needs if c != NeedType.NSA],
            effective_on=issued_on,
            reason=f"EHC plan issued by {local_authority} on {issued_on:%d/%m/%Y} "
            "(Children and Families Act 2014 s37).",
            decided_by=None, recorded_by=by, source=RegisterEntry.Source.EHC_PLAN,
        )  # fmt: skip
        plan = EHCPlan(
            pupil=pupil, local_authority=local_authority.strip(), issued_on=issued_on,
            notes=notes, recorded_by=by, issue_entry=entry,
        )  # fmt: skip
        plan._change_reason = "EHC plan issued"
        self.plans.append(plan)
        return plan

    def save(self):
        RegisterEntry.objects.bulk_create(self.entries, batch_size=500)
        Pupil.history.bulk_history_create(self.states, batch_size=500, update=True)
        changed = {state.pk: state for state in self.states}  # each pupil's last state
        Pupil.objects.bulk_update(changed.values(), ["sen_stage", "sen_since"], batch_size=500)
        PupilNeed.objects.filter(pupil__in=list(changed)).delete()
        PupilNeed.objects.bulk_create(
            (
                PupilNeed(pupil_id=pk, code=code, rank=rank)
                for pk, entries in self.of.items()
                for rank, code in enumerate(entries[-1].needs, 1)
            ),
            batch_size=500,
        )
        bulk_create_with_history(self.plans, EHCPlan, batch_size=500)


def build_parents(rng, school, pupils, *, password_hash, named_child=None):
    """Parent accounts for every pupil on the register and some others."""
    chosen = [
        p
        for p in pupils
        if p.left_on is None and (p.sen_stage != SenStage.NONE or rng.random() < 0.05)
    ]
    if named_child is not None and named_child not in chosen:
        chosen.append(named_child)
    users, links = [], []
    named_parent = None
    for index, pupil in enumerate(chosen):
        if pupil == named_child:
            local, first = "parent", "Chris"
        else:
            local = f"parent{index + 1:04d}"
            first = rng.choice(GIRLS_NAMES if index % 2 == 0 else BOYS_NAMES)
        user = User(email=f"{local}@{DEMO_DOMAIN}", first_name=first, last_name=pupil.last_name,
                    password=password_hash)  # fmt: skip
        users.append(user)
    User.objects.bulk_create(users)
    for user, pupil in zip(users, chosen, strict=True):
        relationship = "mother" if user.first_name in GIRLS_NAMES else "father"
        if pupil == named_child:
            relationship = "carer"
        links.append(ParentLink(parent=user, pupil=pupil, relationship=relationship))
        if pupil == named_child:
            named_parent = user
    bulk_create_with_history(links, ParentLink)
    Membership.objects.bulk_create(
        [Membership(user=user, role=Role.PARENT, school=school) for user in users]
    )
    return named_parent


def build_support(rng, pupils, tas, *, named_ta, groups):
    """TA assignments (EHC plan pupils first) and in-class support."""
    sen = [p for p in pupils if p.left_on is None and p.sen_stage == SenStage.EHCP]
    sen += [p for p in pupils if p.left_on is None and p.sen_stage == SenStage.SEN_SUPPORT][:20]
    assignments = []
    for i, pupil in enumerate(sen):
        ta = tas[i % len(tas)]
        assignments.append(
            SupportAssignment(
                staff=ta,
                pupil=pupil,
                starts_on=pupil.joined_on,
                note="In-class support and check-ins",
            )  # fmt: skip
        )
    bulk_create_with_history(assignments, SupportAssignment)
    for group in groups:
        if group.name in {"9 En4", "10 Ma3"}:
            group.support_staff.add(named_ta)


def build_medical(rng, pupils):
    conditions = [("Asthma", False), ("Type 1 diabetes", True), ("Epilepsy", True),
                  ("Severe nut allergy", True), ("Juvenile arthritis", True)]  # fmt: skip
    rows = []
    on_roll = [p for p in pupils if p.left_on is None]
    for pupil in rng.sample(on_roll, k=min(len(on_roll), len(on_roll) // 30)):
        name, plan = rng.choice(conditions)
        rows.append(MedicalCondition(pupil=pupil, condition=name, has_care_plan=plan))
        if plan:
            pupil.is_disabled = True
            pupil.disability_notes = f"{name}: long-term condition with substantial effect."
    bulk_create_with_history(rows, MedicalCondition)
    Pupil.objects.bulk_update(
        [p for p in on_roll if p.is_disabled], ["is_disabled", "disability_notes"]
    )


def pick_named_child(pupils, teacher):
    """A Year 9 pupil on SEN support whom the demo teacher teaches: the demo parent's child."""
    taught = set(
        TeachingGroup.pupils.through.objects.filter(
            teachinggroup__teachers=teacher, teachinggroup__name="9 En4"
        ).values_list("pupil_id", flat=True)
    )
    for pupil in pupils:
        if pupil.pk in taught and pupil.sen_stage == SenStage.SEN_SUPPORT:
            return pupil
    return next(p for p in pupils if p.pk in taught)


def seed_school(rng, people, *, today=None, per_year=200):
    """The main school (per_year pupils in each of Years 7-11; the benchmark asks for more)."""
    today = today or date.today()
    school = people.school
    senco = people.named[Role.SENCO]
    pupils = build_roll(rng, school, years=range(7, 12), per_year=per_year, today=today)
    groups = build_groups(rng, school, pupils, people.teachers, years=range(7, 12), today=today,
                          named_teacher=people.named[Role.TEACHER])  # fmt: skip
    build_register(rng, school, pupils, senco=senco, today=today)
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
    build_medical(rng, pupils)
    child = pick_named_child(pupils, people.named[Role.TEACHER])
    people.named[Role.PARENT] = build_parents(
        rng, school, pupils, password_hash=people.password_hash, named_child=child
    )
    build_support(rng, pupils, people.tas, named_ta=people.named[Role.TEACHING_ASSISTANT],
                  groups=groups)  # fmt: skip
    # The demo TA supports the demo parent's child too.
    SupportAssignment.objects.get_or_create(
        staff=people.named[Role.TEACHING_ASSISTANT], pupil=child
    )

    second = people.second_school
    small = build_roll(rng, second, years=range(0, 7), per_year=30, la=383, estab=2153, today=today)
    build_groups(rng, second, small, [], years=range(0, 7), today=today)
    build_register(rng, second, small, senco=senco, today=today, k_share=0.13, e_share=0.03)
    return {
        "pupils": Pupil.objects.filter(school=school).on_roll().count(),
        "register": Pupil.objects.filter(school=school).on_roll().on_register().count(),
        "entries": RegisterEntry.objects.filter(pupil__school=school).count(),
    }
