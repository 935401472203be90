"""
A starter catalogue of well-known interventions, described in SENDhub's own words.

A school adds it once (from the empty catalogue page, or the demo seed) and then edits,
retires or adds to it: the criteria and costs are starting points, not prescriptions.
"""

from decimal import Decimal

from django.db import transaction

from provision.models import Delivery, Intervention, MeasureKind, StaffRole
from pupils.codes import BroadArea
from sendhub.models import Layer

CI, CL, SEMH, SP = (
    BroadArea.COMMUNICATION,
    BroadArea.COGNITION,
    BroadArea.SEMH,
    BroadArea.SENSORY_PHYSICAL,
)
TA, TEACHER, SPECIALIST = StaffRole.TEACHING_ASSISTANT, StaffRole.TEACHER, StaffRole.SPECIALIST
AGE, STANDARD, RATING, CHECKLIST = (
    MeasureKind.AGE_EQUIVALENT,
    MeasureKind.STANDARDISED,
    MeasureKind.RATING,
    MeasureKind.CHECKLIST,
)

# name, areas, layer, delivery, group size, sessions a week, minutes, weeks, staff,
# evidence base, measure kind, measure name, entry criteria, exit criteria, resources (£)
STARTER_INTERVENTIONS = [
    (
        "Precision teaching", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 1, 5, 10, 10, TA,
        "Short daily practice of a small set of facts or words, timed and charted so "
        "fluency gains are visible to pupil and adult.",
        CHECKLIST, "Words or facts read fluently in one minute",
        "Knows a skill but is slow or inaccurate with it after class teaching.",
        "Reaches the fluency aim on the set for three days running.", "10.00",
    ),
    (
        "Phonics catch-up group", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 4, 4, 20, 12, TA,
        "Systematic synthetic phonics, revisiting sounds not yet secure, matched to the "
        "school's phonics scheme.",
        AGE, "Reading age (word reading test)",
        "Reading age at least 12 months below chronological age; gaps in phonic knowledge.",
        "Reading age within 6 months of chronological age, or the gaps in sounds closed.",
        "60.00",
    ),
    (
        "Paired reading", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 1, 3, 15, 10, TA,
        "Reading aloud together with a skilled reader, who joins in when the pupil "
        "stumbles and drops out as they gain confidence.",
        AGE, "Reading age (reading accuracy test)",
        "Reads accurately but hesitantly; reading age 6 to 18 months behind.",
        "Reading age gain of at least 1.4 months for each month in the programme.", "20.00",
    ),
    (
        "Reading comprehension group", [CL, CI], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 2,
        30, 10, TEACHER,
        "Explicit teaching of comprehension strategies (predicting, questioning, "
        "summarising) through shared texts.",
        STANDARD, "Standardised reading comprehension score",
        "Decodes adequately but comprehension standardised score below 85.",
        "Comprehension standardised score of 90 or more.", "80.00",
    ),
    (
        "Maths catch-up (number sense)", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 4, 3,
        30, 10, TA,
        "Concrete, pictorial and abstract work on place value, number bonds and "
        "calculation, building from what the pupil already knows.",
        STANDARD, "Standardised maths score",
        "Maths standardised score below 85 or insecure number facts to 20.",
        "Maths standardised score of 90 or more and number facts secure.", "50.00",
    ),
    (
        "Handwriting group", [SP], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 2, 20, 8, TA,
        "Regular short practice of letter formation, posture and pencil grip, with "
        "warm-up exercises.",
        RATING, "Legibility and speed rating (1 to 5)",
        "Handwriting is slow or hard to read and holds back written work.",
        "Legible at a speed that keeps up with class work (rating 4 or more).", "25.00",
    ),
    (
        "Fine motor skills group", [SP], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 3, 20, 8, TA,
        "Games and activities that build hand strength, dexterity and coordination.",
        CHECKLIST, "Fine motor skills checklist",
        "Difficulty with scissors, fastenings or pencil control for their age.",
        "Most checklist skills secure; manages classroom tools independently.", "40.00",
    ),
    (
        "Speech and language programme (therapist-set)", [CI], Layer.SPECIALIST,
        Delivery.WITHDRAWAL, 1, 3, 15, 12, TA,
        "A programme set by the speech and language therapist and delivered by a trained "
        "adult, with targets reviewed by the therapist.",
        CHECKLIST, "Therapist's programme targets",
        "Speech, language or communication need identified by a speech and language "
        "therapist.",
        "Therapist's targets met, or the therapist advises a new programme.", "0.00",
    ),
    (
        "Social skills group", [CI, SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 1, 45, 10,
        TA,
        "Structured practice of turn-taking, conversation and cooperation in a small "
        "group, with skills reinforced in class.",
        RATING, "Social skills rating (staff questionnaire)",
        "Finds it hard to join in, take turns or keep friendships.",
        "Staff rating improved and the skills seen in class and at play.", "30.00",
    ),
    (
        "Lego-based therapy", [CI, SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 3, 1, 45, 12,
        TA,
        "Pupils build together in set roles (engineer, supplier, builder), practising "
        "communication and shared attention through a shared interest.",
        RATING, "Social communication rating",
        "Social communication difficulties; motivated by construction play.",
        "Collaborates in roles with little adult prompting.", "60.00",
    ),
    (
        "Emotional literacy support (ELSA-style)", [SEMH], Layer.TARGETED,
        Delivery.WITHDRAWAL, 1, 1, 30, 8, TA,
        "Planned sessions with a trained support assistant on recognising and managing "
        "feelings, supervised by an educational psychologist.",
        RATING, "Strengths and difficulties questionnaire",
        "Emotional needs affecting learning or relationships; referred by the SENCO.",
        "The agreed goals met and the pupil copes with the usual support in class.", "15.00",
    ),
    (
        "Zones/self-regulation group", [SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 1, 30,
        10, TA,
        "Teaching pupils to notice their level of alertness and emotion and to choose a "
        "strategy that helps, using a shared colour-coded language.",
        RATING, "Self-regulation rating (pupil and staff)",
        "Frequent difficulty calming or getting ready to learn.",
        "Uses a chosen strategy with little prompting; fewer incidents logged.", "20.00",
    ),
    (
        "Spelling group (multisensory)", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 4, 3, 20,
        10, TA,
        "Structured, cumulative spelling teaching that links sounds, letter patterns and "
        "movement, with regular review of words already taught.",
        STANDARD, "Standardised spelling score",
        "Spelling standardised score below 85.",
        "Spelling standardised score of 85 or more, or a gain of at least 7 points.", "35.00",
    ),
    (
        "Reading fluency (repeated reading)", [CL], Layer.TARGETED, Delivery.WITHDRAWAL, 3, 3,
        20, 8, TA,
        "Rereading a short passage several times with feedback until it is read smoothly, "
        "then moving to a harder one.",
        AGE, "Reading age (reading fluency test)",
        "Decodes accurately but reads slowly; reading age 12 to 30 months behind.",
        "Reading age gain of at least 1.4 months for each month in the programme.", "25.00",
    ),
    (
        "Vocabulary group", [CI, CL], Layer.TARGETED, Delivery.WITHDRAWAL, 4, 2, 30, 10, TA,
        "Explicit teaching of subject words the class will meet, with their meaning, sound "
        "and use, checked before and after each topic.",
        CHECKLIST, "Topic words known (before and after check)",
        "Limited vocabulary holding back understanding in lessons.",
        "Knows most of the topic words and uses them in class.", "15.00",
    ),
    (
        "Attention and listening group", [CI], Layer.TARGETED, Delivery.WITHDRAWAL, 4, 2, 20,
        10, TA,
        "Short games that practise listening, waiting, following instructions and keeping "
        "attention, with the skills named so they transfer to class.",
        RATING, "Attention and listening rating (1 to 5)",
        "Misses spoken instructions or loses attention quickly in class.",
        "Follows a two-part spoken instruction in class most of the time (rating 4).", "20.00",
    ),
    (
        "Sensory circuits", [SP, SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 5, 15, 12, TA,
        "A short daily sequence of alerting, organising and calming movement activities "
        "before lessons, so pupils start the day ready to learn.",
        RATING, "Ready-to-learn rating at the start of the first lesson",
        "Arrives unsettled, over- or under-alert; occupational therapy advice where known.",
        "Settles to the first lesson without extra help on most days.", "80.00",
    ),
    (
        "Nurture group", [SEMH], Layer.TARGETED_PLUS, Delivery.WITHDRAWAL, 8, 5, 60, 24,
        TEACHER,
        "A small, predictable class within the school with a teacher and a teaching "
        "assistant, building trust, routines and social and emotional skills, with a "
        "planned return to the main class.",
        RATING, "Social and emotional development profile",
        "Social and emotional needs that prevent learning in the main class.",
        "Profile within the expected range and full time back in the main class.", "150.00",
    ),
    (
        "Anxiety management group", [SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 6, 1, 45, 8,
        SPECIALIST,
        "Recognising anxious thoughts and body signals and practising coping steps, led by "
        "the school counsellor or a trained mental health lead.",
        RATING, "Anxiety rating (pupil self-report)",
        "Worry or anxiety stopping the pupil joining in, attending or completing work.",
        "Self-rated anxiety down and the pupil uses a coping plan in school.", "20.00",
    ),
    (
        "Mentoring (key adult)", [SEMH], Layer.TARGETED, Delivery.WITHDRAWAL, 1, 1, 30, 12,
        TEACHER,
        "A regular meeting with one trusted adult to set and review small goals about "
        "learning, behaviour or friendships.",
        RATING, "School engagement rating (pupil and tutor)",
        "Disengaged from learning, frequent behaviour points or low attendance.",
        "Goals met and engagement rating improved for half a term.", "0.00",
    ),
    (
        "Study skills and organisation group", [CL, SEMH], Layer.TARGETED,
        Delivery.WITHDRAWAL, 6, 1, 50, 8, TEACHER,
        "Planning work, using a planner, breaking tasks down and revising, practised on "
        "the pupils' own homework and coursework.",
        CHECKLIST, "Organisation checklist (tutor)",
        "Often missing homework or equipment; struggles to plan longer tasks.",
        "Most checklist items met for four weeks running.", "10.00",
    ),
]  # fmt: skip

FIELDS = [
    "name",
    "areas",
    "layer",
    "delivery",
    "group_size",
    "sessions_per_week",
    "minutes_per_session",
    "typical_weeks",
    "staff_role",
    "evidence_base",
    "measure_kind",
    "measure_name",
    "entry_criteria",
    "exit_criteria",
    "resource_cost",
]


@transaction.atomic
def add_starter_catalogue(school):
    """Add the starter interventions the school does not have yet (by name); return how many."""
    have = set(Intervention.objects.for_school(school).values_list("name", flat=True))
    added = 0
    for row in STARTER_INTERVENTIONS:
        values = dict(zip(FIELDS, row, strict=True))
        if values["name"] in have:
            continue
        values["areas"] = [area.value for area in values["areas"]]
        values["resource_cost"] = Decimal(values["resource_cost"])
        Intervention.objects.create(school=school, **values)
        added += 1
    return added
