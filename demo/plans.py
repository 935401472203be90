"""Demo support plans: plans in every state, completed cycles and parents' views."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo import schooldays
from demo.voice import about
from provision.models import Strategy
from pupils import codes
from pupils.codes import BroadArea, NeedType, SenStage
from pupils.models import Pupil
from reviews.models import (
    Layer,
    PlanAgreement,
    PlanReview,
    PlanStrategy,
    PlanTarget,
    ReviewView,
    SupportPlan,
    TargetProgress,
)
from sendhub.roles import Role

Status = SupportPlan.Status

# (target, we will know it is met when, starting point) by broad area of need.
TARGETS = {
    BroadArea.COMMUNICATION: [
        (
            "Ask an adult for help using a help card",
            "Uses the card without a prompt 4 times a week",
            "Waits without asking",
        ),
        (
            "Take turns in a small-group conversation",
            "Takes 3 turns in a 10-minute group task",
            "1 turn with prompting",
        ),
        (
            "Follow a two-step instruction",
            "Follows 4 of 5 two-step instructions first time",
            "1 of 5",
        ),
        (
            "Use the visual timetable to move between lessons",
            "Moves on time on 4 of 5 days",
            "Needs an adult each time",
        ),
        (
            "Explain a story in order using story frames",
            "Retells 4 events in order",
            "2 events, out of order",
        ),
    ],
    BroadArea.COGNITION: [
        ("Read 40 common words on sight", "Reads all 40 in two checks a week apart", "18 words"),
        (
            "Write three linked sentences",
            "Three sentences with a joining word, unaided",
            "1 sentence",
        ),
        ("Recall times tables to 5 x 5", "20 of 25 correct in 2 minutes", "9 of 25"),
        ("Use a checklist to finish a task", "Finishes 4 of 5 tasks with the checklist", "1 of 5"),
        ("Spell 20 topic words", "16 of 20 correct in a test", "6 of 20"),
    ],
    BroadArea.SEMH: [
        (
            "Use the time-out card instead of leaving the room",
            "Uses the card each time for 3 weeks",
            "Leaves 3 times a week",
        ),
        (
            "Name how I feel using the feelings scale",
            "Names the feeling at each check-in",
            "Says 'fine' or nothing",
        ),
        ("Settle to work within 5 minutes of the lesson start", "4 of 5 lessons", "1 of 5"),
        ("Join a lunchtime club once a week", "Attends 4 weeks running", "Not at all"),
        (
            "Repair a falling-out with a peer with adult help",
            "Two repairs without escalation",
            "Avoids the peer",
        ),
    ],
}
# Sensory and physical needs: targets by type of need, so a pupil with a visual impairment is
# never set a radio-aid target. The area's bank is all of them together.
NEED_TARGETS = {
    NeedType.HI: [
        (
            "Check my radio aid works at the start of each lesson",
            "Checks it unprompted in 4 of 5 lessons",
            "Needs reminding each time",
        ),
        (
            "Tell staff when I have not heard an instruction",
            "Tells an adult at least once a day when needed",
            "Never tells",
        ),
        (
            "Follow a class discussion using the discussion notes",
            "Answers 2 questions about the discussion in 4 of 5 lessons",
            "Loses the thread after the first speaker",
        ),
        ("Check new subject words with the word list", "Uses the list in 4 of 5 lessons", "Never"),
    ],
    NeedType.VI: [
        (
            "Ask for an enlarged copy when I cannot see the resource",
            "Asks without a prompt in 4 of 5 lessons",
            "Waits and copies from a partner",
        ),
        (
            "Use the magnifier app to read the board",
            "Reads the board task in 4 of 5 lessons",
            "Needs a TA to read it",
        ),  # fmt: skip
        (
            "Find my way to new rooms using the large print map",
            "Arrives on time for 2 weeks without help",
            "Needs an adult",
        ),
        ("Touch-type for longer writing", "Types 20 words a minute accurately", "8 words a minute"),
    ],
    NeedType.PD: [
        ("Write for 10 minutes with the sloping board", "10 minutes legible writing", "4 minutes"),
        (
            "Move between lessons safely using the agreed route",
            "On time with no help for 2 weeks",
            "Needs an adult",
        ),
        ("Use the laptop for longer writing", "Types a paragraph of 80 words", "30 words"),
        (
            "Do my physiotherapy exercises at the agreed time",
            "Completes them 4 days of 5 without a reminder",
            "Needs reminding every day",
        ),
    ],
}
NEED_TARGETS[NeedType.MSI] = NEED_TARGETS[NeedType.HI]
TARGETS[BroadArea.SENSORY_PHYSICAL] = (
    NEED_TARGETS[NeedType.HI] + NEED_TARGETS[NeedType.VI] + NEED_TARGETS[NeedType.PD]
)
# Starter strategies (by title) that fit each type of need, from universal to targeted plus.
NEED_STRATEGIES = {
    NeedType.SLCN: ["Say it short and simple", "Teach the vocabulary first", "Give thinking time",
                    "Talk partners with a script", "Building narrative",
                    "Speech and language programme"],
    NeedType.ASD: ["Visual timetable", "Warn before changes", "Say it short and simple",
                   "Give thinking time", "Structured social skills group",
                   "Talk partners with a script"],
    NeedType.SPLD: ["Reduce copying", "Coloured overlays and paper", "Memory aids on the desk",
                    "Short daily reading practice", "Phonics catch-up", "Precision teaching"],
    NeedType.MLD: ["Break tasks into steps", "Worked examples side by side", "Pre-teach the lesson",
                   "Memory aids on the desk", "Reading comprehension strategies",
                   "Precision teaching"],
    NeedType.SEMH: ["Meet and greet", "Clear routines and expectations",
                    "Praise what you want to see", "Work in short bursts", "Agreed seat",
                    "Calm space with a time-out card", "Check-in, check-out",
                    "Emotional literacy sessions", "Key adult"],
    NeedType.HI: ["Seat for sight and hearing", "Face the class when talking",
                  "Radio aid and listening check"],
    NeedType.VI: ["Seat for sight and hearing", "Enlarged and clear resources"],
    NeedType.PD: ["Movement breaks", "Plan physical access", "Writing aids",
                  "Fine motor skills practice", "Therapy programme in school"],
}  # fmt: skip
NEED_STRATEGIES[NeedType.SLD] = NEED_STRATEGIES[NeedType.PMLD] = NEED_STRATEGIES[NeedType.MLD]
NEED_STRATEGIES[NeedType.MSI] = NEED_STRATEGIES[NeedType.HI]
LAYER_ORDER = [Layer.UNIVERSAL, Layer.TARGETED, Layer.TARGETED_PLUS, Layer.SPECIALIST]
TARGETS[BroadArea.OTHER] = TARGETS[BroadArea.COGNITION]
OWNERS = ["Class teacher", "TA", "Form tutor", "SENCO", "English teacher", "Maths teacher"]
# Parents write about their child: see demo.voice for the placeholders.
PARENT_VIEWS = [
    "Things are better at home. {name} talks about school more and is reading at bedtime.",
    "{name} still worries on Sunday nights. The check-in each morning really helps {them}.",
    "We have been practising the words every evening and {name} is proud of the progress.",
    "Homework is still a battle. Could the instructions be written down for us?",
    "{name} is much calmer since {they} started the lunchtime club.",
]
# The pupil's own words, about the support for their need.
PUPIL_VIEWS = {
    BroadArea.COMMUNICATION: [
        "I like the help card. I use it in maths.",
        "The timetable helps me know what is next.",
    ],
    BroadArea.COGNITION: [
        "Reading is easier now. I still don't like reading out loud.",
        "The word bank helps me start my writing.",
    ],
    BroadArea.SEMH: [
        "The calm space helps. I want to go there less.",
        "I like seeing my key adult in the morning.",
    ],
}
NEED_PUPIL_VIEWS = {
    NeedType.HI: ["I can hear better when I sit at the front.", "My radio aid helps in science."],
    NeedType.VI: ["The big print sheets are easier.", "I like having my own copy of the slides."],
    NeedType.PD: ["The laptop helps. My hand does not hurt as much.", "Leaving early helps me."],
}
NEED_PUPIL_VIEWS[NeedType.MSI] = NEED_PUPIL_VIEWS[NeedType.HI]
SUMMARIES = {
    "continue": "Steady progress. Keep the same approach for another term.",
    "change": "Some targets met; new targets set and strategies adjusted.",
    "reduce": "Good progress; support stepped down to class strategies.",
    "escalate": "Little progress despite support; specialist advice requested.",
}
RATING_WEIGHTS = [("not_met", 2), ("partly", 4), ("met", 4), ("exceeded", 1)]


def _weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _focus(pupil):
    """The need a plan is written for: the primary need (rank 1).

    Where the type of need is "other" or not yet assessed (OTH, NSA), the plan works on the
    secondary need if there is one, and otherwise on general learning (MLD's targets and
    strategies), so every plan has one clear focus.
    """
    needs = sorted(pupil.needs.all(), key=lambda need: need.rank)
    for need in needs:
        if codes.NEED_AREAS[need.code] != BroadArea.OTHER:
            return need.code
    return NeedType.MLD


def _targets_for(need):
    return NEED_TARGETS.get(need) or TARGETS[codes.NEED_AREAS[need]]


def _strategies_for(need, layer, library):
    """Starter strategies for the need, no higher a layer than the plan's own."""
    allowed = LAYER_ORDER[: LAYER_ORDER.index(layer) + 1]
    titles = NEED_STRATEGIES[need]
    return [
        library[title] for title in titles if title in library and library[title].layer in allowed
    ]


def seed_plans(rng, school, *, senco, named_child=None, today=None):
    """Plans for most pupils on SEN support at the school; a few are left without one."""
    today = today or date.today()
    library = {s.title: s for s in Strategy.objects.filter(school__isnull=True)}
    pupils = list(
        Pupil.objects.filter(school=school, sen_stage__in=[SenStage.SEN_SUPPORT,
                                                           SenStage.ASSESSMENT_REQUESTED])
        .on_roll(today)
        .prefetch_related("needs")
        .order_by("pk")
    )  # fmt: skip
    rows = {"plans": [], "targets": [], "strategies": [], "agreements": [], "reviews": [],
            "progress": [], "views": []}  # fmt: skip
    dates = {}
    cadence = timedelta(weeks=school.review_cadence_weeks)
    for pupil in pupils:
        is_child = named_child is not None and pupil.pk == named_child.pk
        if not is_child and rng.random() < 0.12:
            continue  # on SEN support without a plan: the dashboard shows them
        if not is_child and (pupil.sen_since or pupil.joined_on) > today - timedelta(days=21):
            continue  # only just on SEN support here: the plan is not written yet
        _plan_history(rng, pupil, rows, dates, library=library, senco=senco, today=today,
                      is_child=is_child, cadence=cadence)  # fmt: skip
    _save(rows, dates)
    return {"plans": len(rows["plans"])}


def _cycle_dates(rng, pupil, *, completed, final, is_child, today, cadence):
    """Start and review dates for each cycle, oldest first, within the school's cadence.

    Every plan starts on a school day, once the pupil is here and on SEN support (with time
    to write it); every review falls on a school day no later than the cadence allows, and
    the next plan starts a few days after it. Returns (completed cycles, [(start, review)]).
    """
    joined = max(pupil.joined_on, pupil.sen_since or pupil.joined_on)
    earliest = joined + timedelta(days=21)
    if final == Status.DRAFT:
        # Being written now: its start is a week or two away and its review a cadence later.
        last_start = schooldays.on_or_after(today + timedelta(days=rng.randint(7, 14)))
    elif is_child:
        last_start = today - timedelta(weeks=rng.randint(1, 4))
    else:
        # Spread the plans in force: some due soon, a few overdue.
        due = today + timedelta(days=_weighted(rng, [(rng.randint(-20, -1), 1),
                                                     (rng.randint(0, 14), 3),
                                                     (rng.randint(15, 70), 8)]))  # fmt: skip
        last_start = due - cadence + timedelta(days=1)
    last_start = max(last_start, earliest)
    if final != Status.DRAFT:
        last_start = schooldays.on_or_before(min(last_start, today))
    # Completed cycles end before the last plan starts and before today, and are built
    # backwards: each review a few days before the next plan starts.
    anchor = min(last_start, today) - timedelta(days=3)
    length = cadence
    while completed and anchor - completed * length < earliest:
        length = timedelta(days=((anchor - earliest) / completed).days)
        if length >= timedelta(weeks=6):
            break
        length, completed = cadence, completed - 1
    starts, reviews = [], []
    review = schooldays.on_or_before(anchor)
    for _ in range(completed):
        start = schooldays.on_or_after(review - length + timedelta(days=1))
        starts.insert(0, start)
        reviews.insert(0, review)
        review = schooldays.on_or_before(start - timedelta(days=3))
    while starts and starts[0] < earliest:
        starts.pop(0)
        reviews.pop(0)
    completed = len(starts)
    starts.append(last_start)
    reviews.append(schooldays.on_or_before(last_start + cadence - timedelta(days=1)))
    return completed, list(zip(starts, reviews, strict=True))


def _plan_history(rng, pupil, rows, dates, *, library, senco, today, is_child, cadence):
    need = _focus(pupil)
    area = codes.NEED_AREAS[need]
    bank = _targets_for(need)
    completed = 2 if is_child else rng.choice([0, 0, 1, 1, 2, 3])
    final = (
        Status.ACTIVE
        if is_child
        else _weighted(rng, [(Status.ACTIVE, 12), (Status.AGREED, 2), (Status.DRAFT, 3)])
    )
    completed, cycles = _cycle_dates(rng, pupil, completed=completed, final=final,
                                     is_child=is_child, today=today, cadence=cadence)  # fmt: skip
    previous = None
    carried = []
    for cycle, (start, due) in enumerate(cycles, 1):
        is_last = cycle == len(cycles)
        status = final if is_last else Status.REVIEWED
        # Written the week before it starts; a draft is being written now.
        written = start - timedelta(days=7)
        if status == Status.DRAFT:
            written = min(written, today - timedelta(days=rng.randint(1, 6)))
        if status in (Status.DRAFT, Status.AGREED):
            # Not started yet: the review is a cadence from when it was written at most.
            due = min(due, schooldays.on_or_before(written + cadence))
        layer = rng.choice([Layer.TARGETED, Layer.TARGETED, Layer.TARGETED_PLUS])
        plan = SupportPlan(
            pupil=pupil, cycle=cycle, version=1, status=status,
            layer=layer,
            assess_summary=about(
                f"{{name}}'s main need is in {area.label.lower()}. Evidence: class teacher "
                f"observations, standardised scores and the views of {{name}} and {{their}} "
                "parents.",
                pupil,
            ),
            provision_notes=rng.choice([
                "Small-group literacy intervention three times a week (30 minutes).",
                "Weekly check-in with key adult; lunchtime club.",
                "Speech and language programme twice weekly with the TA.",
                "In-class TA support in English and maths.",
            ]),
            home_targets=rng.choice([
                "Read together for ten minutes each evening.",
                "Practise the week's spellings with the word cards.",
                "Talk about the next day using the visual timetable at bedtime.",
                "",
            ]),
            review_due_on=due,
            starts_on=start if status in (Status.ACTIVE, Status.REVIEWED) else None,
            created_by=senco,
            previous=previous,
        )  # fmt: skip
        rows["plans"].append(plan)
        dates[id(plan)] = written
        count = rng.choice([3, 3, 4])
        fresh = [t for t in bank if t[0] not in {c[0] for c in carried}]
        chosen = (carried + rng.sample(fresh, k=len(fresh)))[:count]
        targets = []
        for order, (outcome, criteria, baseline) in enumerate(chosen, 1):
            target = PlanTarget(plan=plan, order=order, outcome=outcome,
                                success_criteria=criteria, baseline=baseline,
                                owner=rng.choice(OWNERS))  # fmt: skip
            targets.append((target, (outcome, criteria, baseline)))
            rows["targets"].append(target)
        strategies = _strategies_for(need, layer, library)
        for order, strategy in enumerate(rng.sample(strategies, k=min(3, len(strategies))), 1):
            rows["strategies"].append(
                PlanStrategy(plan=plan, order=order, text=strategy.text, strategy=strategy)
            )
        # Agreed at the plan meeting, on a school day between writing and starting.
        agreed_on = max(schooldays.on_or_before(start - timedelta(days=3)), written)
        parties = list(PlanAgreement.Party)
        if status == Status.DRAFT:
            parties = rng.choice([["senco"], ["senco", "teacher", "pupil"], []])
            agreed_on = written
        for party in parties:
            rows["agreements"].append(
                PlanAgreement(
                    plan=plan,
                    party=party,
                    agreed_on=agreed_on,
                    agreed_by=senco if party != "parent" else None,
                    method="At the plan meeting",
                )  # fmt: skip
            )
        carried = []
        if status == Status.REVIEWED:
            held_on = due
            decision = rng.choice(["continue", "change", "change", "reduce", "escalate"])
            review = PlanReview(plan=plan, held_on=held_on, decision=decision,
                                summary=SUMMARIES[decision], recorded_by=senco)  # fmt: skip
            rows["reviews"].append(review)
            for target, wording in targets:
                rating = _weighted(rng, RATING_WEIGHTS)
                rows["progress"].append(
                    TargetProgress(review=review, target=target, rating=rating,
                                   evidence="Checked in class and in the intervention log.")
                )  # fmt: skip
                if rating in ("not_met", "partly"):
                    carried.append(wording)
            asked = max(held_on - timedelta(days=14), start)
            _views(rng, plan, rows, asked_on=asked, senco=senco, pupil=pupil, today=today)
        elif status != Status.DRAFT and (is_child or rng.random() < 0.5):
            asked = max(today - timedelta(days=5), start)
            _views(rng, plan, rows, asked_on=asked, senco=senco, pupil=pupil, today=today,
                   pending_parent=is_child)  # fmt: skip
        previous = plan


def _views(rng, plan, rows, *, asked_on, senco, pupil, today, pending_parent=False):
    need = _focus(pupil)
    rows["views"].append(
        ReviewView(
            plan=plan,
            party="pupil",
            asked_on=asked_on,
            received_on=asked_on,
            text=rng.choice(NEED_PUPIL_VIEWS.get(need) or PUPIL_VIEWS[codes.NEED_AREAS[need]]),
            method="Conversation with the TA",
            given_by=senco,
        )  # fmt: skip
    )
    parent = ReviewView(plan=plan, party="parent", asked_on=asked_on)
    if not pending_parent:
        parent.text = about(rng.choice(PARENT_VIEWS), pupil)
        parent.received_on = min(asked_on + timedelta(days=3), today)
        parent.method = "Parent portal"
    rows["views"].append(parent)


def _save(rows, dates):
    """Save in dependency order; foreign keys are re-pointed once parents have their ids."""
    # Plans point at earlier plans, so save them one cycle at a time.
    by_cycle = {}
    for plan in rows["plans"]:
        by_cycle.setdefault(plan.cycle, []).append(plan)
    for cycle in sorted(by_cycle):
        for plan in by_cycle[cycle]:
            plan.previous_id = plan.previous.pk if plan.previous else None
        bulk_create_with_history(by_cycle[cycle], SupportPlan)
    saved = {(p.pupil_id, p.cycle): p for p in SupportPlan.objects.filter(
        pupil_id__in={p.pupil_id for p in rows["plans"]})}  # fmt: skip
    for plan in rows["plans"]:
        plan.pk = saved[(plan.pupil_id, plan.cycle)].pk
        plan.created_at = _aware(dates[id(plan)])
    SupportPlan.objects.bulk_update(rows["plans"], ["created_at"], batch_size=500)
    for key, model in [("targets", PlanTarget), ("strategies", PlanStrategy),
                       ("agreements", PlanAgreement), ("reviews", PlanReview),
                       ("views", ReviewView)]:  # fmt: skip
        for row in rows[key]:
            row.plan_id = row.plan.pk
        bulk_create_with_history(rows[key], model, batch_size=500)
    if rows["progress"]:
        _save_progress(rows)


def _save_progress(rows):
    # plan_id, not plan.pk: _save set plan_id, which drops the cached plan (a query each).
    targets = {(t.plan_id, t.order): t for t in PlanTarget.objects.filter(
        plan_id__in={r.review.plan_id for r in rows["progress"]})}  # fmt: skip
    reviews = {r.plan_id: r for r in PlanReview.objects.filter(
        plan_id__in={r.review.plan_id for r in rows["progress"]})}  # fmt: skip
    for row in rows["progress"]:
        row.target_id = targets[(row.target.plan_id, row.target.order)].pk
        row.review_id = reviews[row.review.plan_id].pk
    bulk_create_with_history(rows["progress"], TargetProgress, batch_size=500)


def seed_demo_plans(rng, people, *, today=None):
    """The one call from seed_demo."""
    parent = people.named.get(Role.PARENT)
    link = parent.children_links.select_related("pupil").first() if parent else None
    return seed_plans(rng, people.school, senco=people.named[Role.SENCO],
                      named_child=link.pupil if link else None, today=today)  # fmt: skip
