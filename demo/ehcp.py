"""Demo EHC plan sections B, E and F, and two EHC needs assessment requests.

Each plan in force gets section B from the pupil's ranked needs, section E outcomes in its
primary area (and preparing for adulthood from Year 9), and section F provision: a line for
each group the pupil is in, planned so the hours logged so far are on track, except one
line planned above what the group has given (a shortfall), and a line for their primary
area that no group delivers. No random draws, so the seeds before it are unchanged.
"""

import math
from datetime import date, timedelta
from decimal import Decimal

from provision.models import GroupMember
from pupils import codes
from pupils.codes import BroadArea, NeedType, SenStage
from pupils.models import Pupil
from reviews.ehc_plans.sections import delivered_minutes
from reviews.models import (
    SCHOOL_WEEKS_PER_YEAR,
    AdulthoodDomain,
    EHCPlan,
    EHCPlanNeed,
    EHCPlanOutcome,
    EHCPlanProvision,
    EventKind,
    NeedsAssessmentEvent,
    NeedsAssessmentRequest,
    SupportPlan,
)
from reviews.models.ehcp_sections import academic_year_start, share_of_year_to_date
from sendhub.roles import Role

NEEDS = {
    NeedType.SLCN: "{name} understands short spoken instructions but loses longer ones, "
    "and finds it hard to find the words to explain ideas.",
    NeedType.ASD: "{name} is autistic. Changes to routine, busy spaces and noise cause "
    "distress, and social communication with peers is difficult.",
    NeedType.SPLD: "{name} has dyslexia: reading and spelling are well below age, and "
    "written work takes much longer than for classmates.",
    NeedType.MLD: "{name} learns new concepts slowly across subjects and needs repetition "
    "and concrete examples to remember them.",
    NeedType.SLD: "{name} has severe learning difficulties and works on early reading, "
    "number and communication skills, with adult support for most tasks.",
    NeedType.PMLD: "{name} has profound and multiple learning difficulties and communicates "
    "through sounds, expressions and objects of reference.",
    NeedType.SEMH: "{name} finds it hard to manage strong feelings; anxiety shows as "
    "leaving lessons and difficulty settling after break times.",
    NeedType.HI: "{name} has a moderate hearing loss and uses hearing aids; group "
    "discussion and background noise make listening hard.",
    NeedType.VI: "{name} has a vision impairment and needs enlarged, high-contrast "
    "materials and time to find things on the page.",
    NeedType.MSI: "{name} has a combined hearing and vision impairment and needs an "
    "intervenor to access lessons.",
    NeedType.PD: "{name} has a physical disability affecting mobility and fine motor "
    "control, so handwriting and moving around the site take extra time.",
    NeedType.OTH: "{name} has a medical condition that affects stamina and attendance.",
}

OUTCOMES = {
    BroadArea.COMMUNICATION: [
        "{name} will start and keep up a conversation with a peer for at least three turns.",
        "{name} will use a visual timetable to move between activities without adult prompts.",
    ],
    BroadArea.COGNITION: [
        "{name} will read age-appropriate texts with 95% accuracy.",
        "{name} will plan and write a paragraph using a writing frame, independently.",
    ],
    BroadArea.SEMH: [
        "{name} will name feelings and choose a calming strategy before leaving a lesson.",
        "{name} will stay in class lessons for the whole of four days out of five.",
    ],
    BroadArea.SENSORY_PHYSICAL: [
        "{name} will use specialist equipment independently in every lesson.",
        "{name} will move safely around the school site with the agreed support.",
    ],
    BroadArea.OTHER: [
        "{name} will attend at least 95% of sessions, with a plan for catching up.",
        "{name} will manage the medical routine in school with growing independence.",
    ],
}

ADULTHOOD = (
    AdulthoodDomain.INDEPENDENT_LIVING,
    "{name} will travel a familiar route to school independently.",
)

# Section F for the primary area that no group delivers: (description, who, hours a year).
PROVISION = {
    BroadArea.COMMUNICATION: (
        "A speech and language therapy programme, set by the therapist each term.",
        "Speech and language therapist",
        Decimal(12),
    ),
    BroadArea.COGNITION: (
        "Pre-teaching of key vocabulary before each new topic.",
        "Teaching assistant",
        Decimal(38),
    ),
    BroadArea.SEMH: (
        "A weekly check-in with a named key adult.",
        "Learning mentor",
        Decimal(19),
    ),
    BroadArea.SENSORY_PHYSICAL: (
        "Advice and equipment checks from the specialist teacher each half term.",
        "Specialist teacher (sensory and physical service)",
        Decimal(9),
    ),
    BroadArea.OTHER: (
        "A daily check of the care plan with a trained adult.",
        "Teaching assistant",
        Decimal(16),
    ),
}


def _primary_area(needs):
    return codes.NEED_AREAS.get(needs[0], BroadArea.OTHER) if needs else BroadArea.OTHER


def _hours_on_track(delivered_hours, share):
    """Planned hours a year that the hours delivered so far keep on track, in fives."""
    return Decimal(max(5, math.floor(delivered_hours / float(share) / 5) * 5))


def seed_sections(school, *, today=None):
    """Sections B, E and F for every plan in force at the school."""
    today = today or date.today()
    plans = (
        EHCPlan.objects.in_force()
        .filter(pupil__school=school)
        .select_related("pupil")
        .prefetch_related("pupil__needs")
        .order_by("pk")
    )
    target_date = date(academic_year_start(today).year + 1, 7, 31)
    counts = {"ehcp_lines": 0}
    shortfall_made = False
    for plan in plans:
        pupil = plan.pupil
        name = pupil.preferred_name or pupil.first_name
        needs = [need.code for need in sorted(pupil.needs.all(), key=lambda need: need.rank)]
        needs = [code for code in needs if code in NEEDS]
        area = _primary_area(needs)
        lines = [
            EHCPlanNeed(
                plan=plan,
                area=codes.NEED_AREAS[code],
                description=NEEDS[code].format(name=name),
                order=order,
            )
            for order, code in enumerate(needs[:2], 1)
        ]
        EHCPlanNeed.objects.bulk_create(lines)
        outcomes = [
            EHCPlanOutcome(
                plan=plan, outcome=text.format(name=name), area=area, target_date=target_date,
                order=order,
            )
            for order, text in enumerate(OUTCOMES[area], 1)
        ]  # fmt: skip
        if pupil.year_group >= 9:
            domain, text = ADULTHOOD
            outcomes.append(
                EHCPlanOutcome(
                    plan=plan, outcome=text.format(name=name), adulthood_domain=domain,
                    target_date=target_date, order=len(outcomes) + 1,
                )
            )  # fmt: skip
        outcomes = EHCPlanOutcome.objects.bulk_create(outcomes)
        counts["ehcp_lines"] += len(lines) + len(outcomes)

        places = list(
            GroupMember.objects.filter(pupil=pupil)
            .current_on(today)
            .select_related("group__intervention")
            .order_by("pk")
        )
        first = max(academic_year_start(today), plan.issued_on)
        minutes = delivered_minutes(pupil.pk, {place.group_id for place in places}, first, today)
        share = share_of_year_to_date(today, since=plan.issued_on)
        order = 0
        for place in places:
            intervention = place.group.intervention
            delivered = minutes.get(place.group_id, 0) / 60
            if not delivered or not share:
                continue
            order += 1
            weekly = Decimal(intervention.sessions_per_week * intervention.minutes_per_session)
            as_planned = weekly * SCHOOL_WEEKS_PER_YEAR / 60
            if shortfall_made:
                hours = _hours_on_track(delivered, share)
            else:
                # Planned well above what the group has given so far: the one shortfall.
                hours = max(as_planned, _hours_on_track(delivered, share) * 2)
                shortfall_made = True
            line = EHCPlanProvision.objects.create(
                plan=plan,
                description=f"{intervention.name}, {intervention.sessions_per_week} sessions a "
                f"week of {intervention.minutes_per_session} minutes.",
                provided_by=intervention.get_staff_role_display(),
                hours_per_year=hours,
                group=place.group,
                order=order,
            )
            line.outcomes.add(outcomes[0])
            counts["ehcp_lines"] += 1
        description, provider, hours = PROVISION[area]
        line = EHCPlanProvision.objects.create(
            plan=plan,
            description=description,
            provided_by=provider,
            hours_per_year=hours,
            order=order + 1,
        )
        line.outcomes.add(*outcomes[:2])
        counts["ehcp_lines"] += 1
    return counts


def seed_requests(school, *, senco, today=None):
    """Two needs assessment requests for pupils on SEN support: one waiting for the LA's
    decision to assess, one where the LA has agreed to issue a plan and the draft is due."""
    today = today or date.today()
    candidates = (
        Pupil.objects.filter(school=school, sen_stage=SenStage.SEN_SUPPORT)
        .on_roll(today)
        .filter(joined_on__lte=today - timedelta(weeks=30))
        .filter(support_plans__status__in=[SupportPlan.Status.ACTIVE, SupportPlan.Status.REVIEWED])
        .distinct()
        .order_by("pk")
    )
    pupils = list(candidates[:2])
    stages = [(3, []), (14, [(EventKind.DECIDED_TO_ASSESS, 5), (EventKind.DECIDED_TO_ISSUE, 13)])]
    for pupil, (weeks_ago, events) in zip(pupils, stages, strict=False):
        name = pupil.preferred_name or pupil.first_name
        received = today - timedelta(weeks=weeks_ago)
        record = NeedsAssessmentRequest.objects.create(
            pupil=pupil,
            requested_by=NeedsAssessmentRequest.Requester.SCHOOL,
            local_authority=school.local_authority,
            sent_on=received - timedelta(days=2),
            received_on=received,
            reasons=f"{name} has had two cycles of SEN support with specialist advice, and "
            "progress is still well below what was planned. The provision needed is more "
            "than the school can make from its own resources (Code of Practice 9.14).",
            requested_by_user=senco,
        )
        record.support_plans.set(
            pupil.support_plans.exclude(status=SupportPlan.Status.DRAFT).order_by("cycle")
        )
        record.assessment_results.set(pupil.assessments.all())
        for kind, weeks in events:
            NeedsAssessmentEvent.objects.create(
                request=record, kind=kind, on=received + timedelta(weeks=weeks),
                recorded_by=senco,
            )  # fmt: skip
    return {"needs_assessment_requests": len(pupils)}


def seed_demo_ehcp(people, *, today=None):
    counts = seed_sections(people.school, today=today)
    counts |= seed_requests(people.school, senco=people.named[Role.SENCO], today=today)
    return counts
