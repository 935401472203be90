"""
Three school years (nine terms) of termly progress, attendance and suspension data for
every demo pupil, as a termly MIS import would leave it.

Each pupil gets a steady underlying attainment (lower for pupils who are on the register
now, lower still with an EHC plan or a cognition and learning need) and a base attendance
(the pupil's own attendance on record). Two stories run through the terms:
- reading (primary) and English (secondary) for pupils on SEN support catch up after a
  reading intervention from the fourth term, so that gap narrows;
- attendance of pupils with social, emotional and mental health needs slips a little
  each term, so that gap does not.
Groups are taken as each term's census day saw them (reports.progress.snapshot).
"""

from datetime import datetime, time

from django.utils import timezone

from pupils.codes import NEED_AREAS, BroadArea, SenStage
from pupils.models import Pupil
from reports.progress.models import ProgressImport, PupilTerm, Subject
from reports.progress.scales import age_in_months, read_assessment
from reports.progress.snapshot import current_term, replace_term, snapshots
from reports.progress.terms import terms_up_to
from sendhub.roles import Role

TERMS = 9
INTERVENTION_FROM = 3  # the fourth of the nine terms
SESSIONS = {1: 140, 2: 116, 3: 124}  # possible sessions in a typical autumn, spring, summer
SEN_EFFECT = {SenStage.SEN_SUPPORT: -0.9, SenStage.ASSESSMENT_REQUESTED: -1.1, SenStage.EHCP: -1.5}
PRIMARY_SUBJECTS = [Subject.READING, Subject.WRITING, Subject.MATHS]
SECONDARY_SUBJECTS = [Subject.ENGLISH, Subject.MATHS]
LITERACY = {Subject.READING, Subject.WRITING, Subject.ENGLISH}
# How much of the reading intervention's gain shows in each subject.
INTERVENTION_SHARE = {Subject.READING: 1.0, Subject.ENGLISH: 1.0, Subject.WRITING: 0.4}


def _area(pupil):
    needs = [need.code for need in pupil.needs.all()]
    return NEED_AREAS.get(needs[0]) if needs else None


def _profile(rng, pupil):
    """The pupil's steady traits: underlying attainment and base attendance."""
    area = _area(pupil)
    ability = rng.gauss(0.35, 0.9) + SEN_EFFECT.get(pupil.sen_stage, 0)
    if pupil.sen_stage == SenStage.MONITORING:
        ability -= 0.3
    literacy = -0.4 if area == BroadArea.COGNITION else 0
    # The pupil's own attendance on record, drawn in towards a typical 94%: a single
    # term's figure varies around it.
    on_record = float(pupil.attendance_percent or rng.gauss(93.5, 4))
    attendance = 94 + (on_record - 93.5) * 0.75
    return {"ability": ability, "literacy": literacy, "area": area, "attendance": attendance}


def _teacher_judgement(z):
    if z < -1.9:
        return "PKS"
    return "WTS" if z < -0.35 else "GDS" if z > 1.15 else "EXS"


def _result(subject, z, year_group, term):
    """A raw result on the scale the school uses for that year group and term."""
    if year_group >= 10:
        grade = round(4.6 + z * 1.7)
        return "U" if grade < 1 else str(min(grade, 9))
    if year_group == 6 and term.term == 3 and subject != Subject.WRITING:
        return str(max(80, min(120, round(103 + z * 7))))
    return _teacher_judgement(z)


def _progress(rng, catching_up, sen_status):
    """The teacher's judgement of progress this term: mostly expected."""
    drift = (0.2 if catching_up else 0) - (0.12 if sen_status != "N" else 0) + rng.gauss(0, 0.4)
    return "above" if drift > 0.45 else "below" if drift < -0.45 else "expected"


def _pupil_term(rng, pupil, profile, facts, term, step):
    """(values, assessments) for one pupil's term."""
    semh_now = facts["primary_area"] == BroadArea.SEMH
    attendance = profile["attendance"] + rng.gauss(0, 1.6)
    if facts["sen_status"] != "N":
        attendance -= 1.2 if facts["sen_status"] == "E" else 0.8
    if semh_now:
        attendance -= 1.0 + 0.22 * step
    if facts["disadvantaged"]:
        attendance -= 1.2
    possible = SESSIONS[term.term] - rng.randrange(0, 5)
    attended = max(0, min(possible, round(possible * min(attendance, 100) / 100)))
    suspension_chance = {"N": 0.012, "K": 0.035, "E": 0.045}[facts["sen_status"]]
    if semh_now:
        suspension_chance *= 3
    suspensions = 1 if rng.random() < suspension_chance else 0
    if suspensions and rng.random() < 0.2:
        suspensions = 2
    days = sum(rng.choice((0.5, 1, 1, 2, 3)) for _ in range(suspensions))
    left_this_term = pupil.left_on is not None and term.first_day <= pupil.left_on <= term.last_day
    excluded = bool(left_this_term and semh_now and rng.random() < 0.5)
    values = {
        "sessions_possible": possible,
        "sessions_attended": attended,
        "suspensions": suspensions,
        "suspension_days": days,
        "permanently_excluded": excluded,
    }
    year_group = facts["year_group"]
    if year_group < 1:
        return values, []  # Reception: the early years profile is not recorded here
    subjects = SECONDARY_SUBJECTS if year_group >= 7 else PRIMARY_SUBJECTS
    age = age_in_months(pupil.date_of_birth, term.census_day)
    points = []
    for subject in subjects:
        z = profile["ability"] + rng.gauss(0, 0.35)
        gain = 0.0
        if subject in LITERACY:
            z += profile["literacy"]
            if facts["sen_status"] == "K" and step >= INTERVENTION_FROM:
                gain = min(0.6, 0.11 * (step - INTERVENTION_FROM + 1))
                gain *= INTERVENTION_SHARE[subject]
                z += gain
        scale, raw, score, band = read_assessment(
            _result(subject, z, year_group, term), age_months=age
        )
        points.append(
            {"subject": subject, "scale": scale, "raw_value": raw, "score": score, "band": band,
             "progress": _progress(rng, gain > 0, facts["sen_status"]) if step else ""}
        )  # fmt: skip
    return values, points


def _on_roll_in(pupils, term):
    return [
        p
        for p in pupils
        if p.joined_on <= term.last_day and (p.left_on is None or p.left_on >= term.first_day)
    ]


def seed_school_progress(rng, school, senco, *, today):
    pupils = list(Pupil.objects.filter(school=school).prefetch_related("needs").order_by("pk"))
    profiles = {pupil.pk: _profile(rng, pupil) for pupil in pupils}
    terms = terms_up_to(current_term(school, today), TERMS)
    rows = 0
    for step, term in enumerate(terms):
        in_term = _on_roll_in(pupils, term)
        facts = snapshots(Pupil.objects.filter(pk__in=[p.pk for p in in_term]), term, today=today)
        lowest = 7 if school.phase == school.Phase.SECONDARY else 0
        planned = {
            pupil.pk: _pupil_term(rng, pupil, profiles[pupil.pk], facts[pupil.pk], term, step)
            for pupil in in_term
            if facts[pupil.pk]["year_group"] >= lowest
        }
        source = f"{school.name} {term.slug}.csv"
        replace_term(school, term, planned, facts, user=senco, source=source)
        recorded = timezone.make_aware(datetime.combine(min(term.last_day, today), time(16, 0)))
        PupilTerm.objects.for_term(school, term).update(recorded_at=recorded)
        batch = ProgressImport.objects.create(
            school=school, academic_year=term.year, term=term.term, uploaded_by=senco,
            filename=source, status=ProgressImport.Status.APPLIED,
            applied_at=recorded,
            result={"counts": {"rows": len(planned), "ready": len(planned), "rejected": 0,
                               "replacing": 0, "assessments": sum(len(p) for _, p in planned.values())},
                    "errors": []},
        )  # fmt: skip
        ProgressImport.objects.filter(pk=batch.pk).update(uploaded_at=recorded)
        rows += len(planned)
    return rows


def seed_demo_progress(rng, people, *, today=None):
    """Nine terms for both demo schools; returns {"progress_rows": pupil-terms written}."""
    today = today or timezone.localdate()
    senco = people.named[Role.SENCO]
    rows = seed_school_progress(rng, people.school, senco, today=today)
    rows += seed_school_progress(rng, people.second_school, senco, today=today)
    return {"progress_rows": rows}
