"""Demo identification data: concerns in every state, assessments, services, referrals."""

import math
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demo.voice import about
from pupils.identification.workflow import decide_concern, send_round_robin
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    Concern,
    ConcernEvidence,
    ConcernView,
    EvidenceSource,
    ObservationNote,
    ParentInformed,
    Pupil,
    Referral,
    RoundRobinResponse,
    SpecialistService,
    Task,
    months_old_on,
)
from sendhub.roles import Role

INSTRUMENTS = [
    # name, kind, standardised, min months, max months
    ("New Group Reading Test (NGRT)", "screening", True, 6 * 12, 16 * 12 + 11),
    ("Dyslexia Screener", "screening", True, 5 * 12, 16 * 12 + 11),
    ("WRAT5 spelling", "diagnostic", True, 5 * 12, 85 * 12),
    ("Strengths and Difficulties Questionnaire", "screening", False, 4 * 12, 17 * 12 + 11),
    ("Boxall Profile", "diagnostic", False, 3 * 12, 11 * 12 + 11),
]

# The highest raw score on each standardised test as the demo school uses it.
RAW_SCORE_MAX = {
    "New Group Reading Test (NGRT)": 60,
    "Dyslexia Screener": 48,
    "WRAT5 spelling": 57,
}


def percentile_for(score):
    """Percentile rank of a standardised score (normal, mean 100, SD 15), kept within 1-99."""
    normal = 0.5 * (1 + math.erf((score - 100) / 15 / math.sqrt(2)))
    return max(1, min(99, round(normal * 100)))


def age_equivalent_for(age_months, score):
    """Age-equivalent in months: chronological age scaled by the score (a ratio approximation:
    a pupil scoring 80 at 150 months reads like a typical pupil of 120 months)."""
    return round(age_months * score / 100)


def raw_score_for(instrument_name, age_equivalent):
    """Raw score out of the test's maximum, rising with the age-equivalent (5 to 17 years)."""
    top = RAW_SCORE_MAX[instrument_name]
    share = (age_equivalent - 60) / (204 - 60)
    return max(1, min(top, round(top * share)))


# Fictional contacts: 01632 960xxx numbers are reserved by Ofcom for drama.
SERVICES = [
    ("Northshire Educational Psychology Service", "ep", "Dr Amara Okafor", "01632 960101"),
    ("NHS Speech and Language Therapy (North)", "salt", "Referrals desk", "01632 960102"),
    ("Children's Occupational Therapy", "ot", "Ben Hughes", "01632 960103"),
    ("CAMHS Northshire", "camhs", "Single point of access", "01632 960104"),
    ("Cognition and Learning Advisory Teachers", "specialist_teacher", "Ruth Lee", "01632 960105"),
]

NOTICED = [
    ("Reverses letters and takes far longer than peers to copy from the board.", ["CL"],
     "English, humanities"),
    ("Rarely speaks in group work and struggles to follow spoken instructions.", ["CI"],
     "Group work, PE"),
    ("Frequent outbursts at transitions; leaves the room when work is hard.", ["SEMH"],
     "Unstructured times, maths"),
    ("Squints at the board and loses place when reading.", ["SP"], "All lessons"),
    ("Cannot recall number facts taught last week; avoids written tasks.", ["CL"],
     "Maths, science"),
    ("Very literal understanding; distressed by changes to routine.", ["CI", "SEMH"],
     "Tutor time, drama"),
]  # fmt: skip


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _concern(pupil, by, index, raised_on):
    noticed, areas, contexts = NOTICED[index % len(NOTICED)]
    concern = Concern.objects.create(
        pupil=pupil,
        raised_by=by,
        noticed=noticed,
        contexts=contexts,
        suspected_areas=areas,
        tried_already="Seating near the front, chunked instructions, a word bank.",
    )
    Concern.objects.filter(pk=concern.pk).update(raised_at=_at(raised_on))
    concern.refresh_from_db()
    return concern


def _evidence(concern, senco, sources, on):
    for source in sources:
        ConcernEvidence.objects.create(
            concern=concern,
            source=source,
            status=ConcernEvidence.Status.IN,
            note="Checked; see notes." if source.startswith("other_") else "",
            updated_by=senco,
        )
    ObservationNote.objects.create(
        concern=concern,
        observed_on=on,
        setting="Year group English lesson",
        note="Needed three prompts to start; wrote two lines in 20 minutes.",
        observed_by=senco,
    )
    ConcernView.objects.create(
        concern=concern,
        whose=ConcernView.Whose.PARENT,
        gathered_on=on,
        method=ConcernView.Method.PHONE,
        summary="Sees the same with homework; reading at home is a battle.",
        recorded_by=senco,
    )


def seed_identification(rng, people, *, today=None):
    """The one call from seed_demo: returns counts for the summary line."""
    today = today or date.today()
    school = people.school
    senco = people.named[Role.SENCO]
    teacher = people.named[Role.TEACHER]
    head = people.named[Role.SENIOR_LEADER]

    instruments = [
        AssessmentInstrument.objects.create(
            school=school, name=name, kind=kind, standardised=std, min_age_months=low,
            max_age_months=high,
        )
        for name, kind, std, low, high in INSTRUMENTS
    ]  # fmt: skip
    services = [
        SpecialistService.objects.create(
            school=school, name=name, kind=kind, contact=contact, phone=phone,
            email=f"{kind.replace('_', '')}@services.demo.sendhub.test",
        )
        for name, kind, contact, phone in SERVICES
    ]  # fmt: skip

    taught = list(
        Pupil.objects.filter(school=school, teaching_groups__teachers=teacher, sen_stage="none")
        .on_roll()
        .distinct()
        .order_by("pk")[:4]
    )
    # Concerns below go back up to 120 days: only pupils here by then, so that no
    # concern or register entry is dated before the pupil joined.
    others = list(
        Pupil.objects.filter(school=school, sen_stage="none")
        .on_roll()
        .filter(joined_on__lte=today - timedelta(days=130))
        .exclude(pk__in=[p.pk for p in taught])
        .order_by("pk")
    )
    rng.shuffle(others)
    others = others[:10]
    raisers = people.teachers[1:] or [teacher]

    concerns = []
    # New: two raised by the demo teacher about pupils they teach.
    for index, pupil in enumerate(taught[:2]):
        concerns.append(_concern(pupil, teacher, index, today - timedelta(days=1 + index * 3)))
    concerns.append(_concern(others[0], raisers[0], 2, today - timedelta(days=2)))

    # In progress: the other explanations checked, an observation, the parents' views.
    for index, pupil in enumerate(others[1:3]):
        concern = _concern(pupil, rng.choice(raisers), 3 + index, today - timedelta(days=12))
        _evidence(
            concern,
            senco,
            [EvidenceSource.OTHER_EAL, EvidenceSource.OTHER_ATTENDANCE, EvidenceSource.OTHER_AGE],
            today - timedelta(days=8),
        )
        Concern.objects.filter(pk=concern.pk).update(status=Concern.Status.IN_PROGRESS)
        concerns.append(concern)

    # Awaiting evidence: the round robin is out; some teachers have answered.
    for index, pupil in enumerate([taught[2]] if len(taught) > 2 else others[3:4]):
        concern = _concern(pupil, head, 4 + index, today - timedelta(days=20))
        asked = send_round_robin(concern=concern, sent_by=senco)
        for request in asked[: max(1, len(asked) - 1)]:
            if request.teacher_id == teacher.pk:
                continue  # the demo teacher still has a question waiting
            RoundRobinResponse.objects.create(
                request=request,
                level=rng.choice(["some", "significant"]),
                strengths="Keen, good oral answers.",
                difficulties="Written output far below spoken; slow to start.",
                what_helps="Writing frames and a scribe for longer answers.",
            )
        concerns.append(concern)

    def decided(pupil, index, days_ago, **decision):
        concern = _concern(pupil, rng.choice(raisers), index, today - timedelta(days=days_ago))
        _evidence(
            concern, senco, [s for s in EvidenceSource][:8], today - timedelta(days=days_ago - 5)
        )
        decided_on = today - timedelta(days=days_ago - 14)
        decide_concern(concern=concern, decided_by=senco, today=decided_on, **decision)
        # Decided and its follow-up tasks set on that day, not when the demo was seeded.
        Concern.objects.filter(pk=concern.pk).update(decided_at=_at(decided_on))
        Task.objects.filter(concern=concern).update(created_at=_at(decided_on))
        concerns.append(concern)
        return concern

    decided(
        others[4],
        0,
        60,
        decision="no_further_action",
        rationale="Attendance was the cause; it has recovered and so has progress.",
    )
    decided(
        others[5],
        1,
        75,
        decision="monitor",
        look_again_on=today - timedelta(days=2),
        rationale="New to English; review after a term of language support.",
    )
    decided(
        others[6],
        2,
        30,
        decision="monitor",
        look_again_on=today + timedelta(days=40),
        rationale="Settling after a family move; look again next half term.",
    )
    support = decided(
        others[7],
        4,
        50,
        decision="sen_support",
        needs=["SPLD"],
        rationale="Standardised reading 76, spelling 79; all teachers report the same.",
        parent_informed={
            "informed_on": today - timedelta(days=35),
            "method": ParentInformed.Method.MEETING,
            "informed_by": senco,
        },
    )
    referred = decided(
        others[8],
        5,
        90,
        decision="refer",
        service=services[1],
        rationale="Literal understanding and social communication: SALT view.",
    )
    ehc = (
        decided(others[9], 2, 120, decision="ehc_request", needs=["SEMH"],
                rationale="Two cycles of SEN support with little impact; EP advises a request.")
        if len(others) > 9 else None
    )  # fmt: skip

    # Assessments on the pupils being looked at, and a referral history.
    results = 0
    for concern in [support, concerns[3], concerns[4], referred] + ([ehc] if ehc else []):
        for instrument in instruments[:3]:
            score = rng.randint(70, 98)
            taken_on = min(concern.raised_at.date() + timedelta(days=7), today)
            equivalent = age_equivalent_for(months_old_on(concern.pupil, taken_on), score)
            AssessmentResult.objects.create(
                pupil=concern.pupil, instrument=instrument, concern=concern, taken_on=taken_on,
                assessor=rng.choice(["SENCO", "Specialist teacher", "Educational psychologist"]),
                raw_score=raw_score_for(instrument.name, equivalent), standardised_score=score,
                age_equivalent_months=equivalent, percentile=percentile_for(score),
                recorded_by=senco,
            )  # fmt: skip
            results += 1
    referred_row = referred.referrals.get()
    referred_row.seen_on = referred_row.requested_on + timedelta(days=48)
    referred_row.report_received_on = referred_row.seen_on + timedelta(days=16)
    referred_row.save()
    if ehc:
        Referral.objects.create(
            pupil=ehc.pupil, service=services[0], concern=ehc, requested_by=senco,
            requested_on=today - timedelta(days=100), seen_on=today - timedelta(days=41),
            report_received_on=today - timedelta(days=20),
        )  # fmt: skip
    Referral.objects.create(
        pupil=support.pupil, service=services[4], concern=support, requested_by=senco,
        requested_on=today - timedelta(days=21),
    )  # fmt: skip
    concerns += _parent_concerns(people, senco, today)
    return {"concerns": len(concerns), "assessments": results}


def _parent_concerns(people, senco, today):
    """Two worries the demo parent shared through the portal: one new, one being looked at."""
    parent = people.named.get(Role.PARENT)
    link = parent.children_links.select_related("pupil").first() if parent else None
    if link is None:
        return []
    worries = [
        ("{name} gets upset before school on Mondays; says other children laugh at {their} "
         "reading.", "At home, Getting to school", ["SEMH"],
         "Talking it through the night before.", 2),
        ("Homework takes two hours, and spellings learned one day are gone the next.",
         "With homework", ["CL"], "Short goes with breaks, and I write while {name} spells out "
         "loud.", 16),
    ]  # fmt: skip
    made = []
    for noticed, contexts, areas, helps, days_ago in worries:
        concern = Concern.objects.create(
            pupil=link.pupil, raised_by=parent, raised_by_parent=True,
            noticed=about(noticed, link.pupil), contexts=contexts, suspected_areas=areas,
            tried_already=about(helps, link.pupil),
        )  # fmt: skip
        Concern.objects.filter(pk=concern.pk).update(
            raised_at=_at(today - timedelta(days=days_ago))
        )
        made.append(concern)
    ConcernView.objects.create(
        concern=made[1], whose=ConcernView.Whose.PARENT, gathered_on=today - timedelta(days=10),
        method=ConcernView.Method.PHONE, summary="Homework is a battle most nights.",
        recorded_by=senco,
    )  # fmt: skip
    Concern.objects.filter(pk=made[1].pk).update(status=Concern.Status.IN_PROGRESS)
    return made
