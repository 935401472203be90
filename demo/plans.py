"""Demo support plans: plans in every state, completed cycles and parents' views."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from provision.models import Strategy
from pupils import codes
from pupils.codes import BroadArea, SenStage
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
    BroadArea.SENSORY_PHYSICAL: [
        (
            "Check my radio aid works at the start of each lesson",
            "Checks it unprompted in 4 of 5 lessons",
            "Needs reminding each time",
        ),
        ("Write for 10 minutes with the sloping board", "10 minutes legible writing", "4 minutes"),
        (
            "Tell staff when I cannot see or hear",
            "Tells an adult at least once a day when needed",
            "Never tells",
        ),
        (
            "Move between lessons safely using the agreed route",
            "On time with no help for 2 weeks",
            "Needs an adult",
        ),
        ("Use the laptop for longer writing", "Types a paragraph of 80 words", "30 words"),
    ],
}
TARGETS[BroadArea.OTHER] = TARGETS[BroadArea.COGNITION]
OWNERS = ["Class teacher", "TA", "Form tutor", "SENCO", "English teacher", "Maths teacher"]
PARENT_VIEWS = [
    "Things are better at home. She talks about school more and is reading at bedtime.",
    "He still worries on Sunday nights. The check-in each morning really helps.",
    "We have been practising the words every evening and he is proud of himself.",
    "Homework is still a battle. Could the instructions be written down for us?",
    "She is much calmer since she started the lunchtime club.",
]
PUPIL_VIEWS = [
    "I like the help card. I use it in maths.",
    "Reading is easier now. I still don't like reading out loud.",
    "The calm space helps. I want to go there less.",
    "I can hear better when I sit at the front.",
]
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


def _area(pupil):
    needs = list(pupil.needs.all())
    return codes.NEED_AREAS[needs[0].code] if needs else BroadArea.OTHER


def seed_plans(rng, school, *, senco, named_child=None, today=None):
    """Plans for most pupils on SEN support at the school; a few are left without one."""
    today = today or date.today()
    library = {}
    for strategy in Strategy.objects.filter(school__isnull=True):
        library.setdefault(strategy.broad_area, []).append(strategy)
    library[BroadArea.OTHER] = library[BroadArea.COGNITION]
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
    for pupil in pupils:
        is_child = named_child is not None and pupil.pk == named_child.pk
        if not is_child and rng.random() < 0.12:
            continue  # on SEN support without a plan: the dashboard shows them
        _plan_history(rng, pupil, rows, dates, library=library, senco=senco, today=today,
                      is_child=is_child)  # fmt: skip
    _save(rows, dates)
    return {"plans": len(rows["plans"])}


def _plan_history(rng, pupil, rows, dates, *, library, senco, today, is_child):
    area = _area(pupil)
    bank = TARGETS[area]
    completed = 2 if is_child else rng.choice([0, 0, 1, 1, 2, 3])
    final = (
        Status.ACTIVE
        if is_child
        else _weighted(rng, [(Status.ACTIVE, 12), (Status.AGREED, 2), (Status.DRAFT, 3)])
    )
    cycles = completed + 1
    start = today - timedelta(weeks=12 * completed + rng.randint(1, 10))
    previous = None
    carried = []
    for cycle in range(1, cycles + 1):
        is_last = cycle == cycles
        status = final if is_last else Status.REVIEWED
        due = start + timedelta(weeks=12)
        if is_last and status != Status.DRAFT and not is_child:
            # Spread the plans in force: some due soon, a few overdue.
            due = today + timedelta(days=_weighted(rng, [(rng.randint(-20, -1), 1),
                                                         (rng.randint(0, 14), 3),
                                                         (rng.randint(15, 80), 8)]))  # fmt: skip
        elif is_last:
            due = max(due, today + timedelta(weeks=4))
        plan = SupportPlan(
            pupil=pupil, cycle=cycle, version=1, status=status,
            layer=rng.choice([Layer.TARGETED, Layer.TARGETED, Layer.TARGETED_PLUS]),
            assess_summary=(
                f"{pupil.first_name}'s main need is in {area.label.lower()}. "
                "Evidence: class teacher observations, standardised scores and the views of "
                f"{pupil.first_name} and their parents."
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
        dates[id(plan)] = start
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
        for order, strategy in enumerate(rng.sample(library[area], k=3), 1):
            rows["strategies"].append(
                PlanStrategy(plan=plan, order=order, text=strategy.text, strategy=strategy)
            )
        agreed_on = start - timedelta(days=3)
        parties = list(PlanAgreement.Party)
        if status == Status.DRAFT:
            parties = rng.choice([["senco"], ["senco", "teacher", "pupil"], []])
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
            held_on = min(due, today - timedelta(days=1))
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
            _views(rng, plan, rows, asked_on=held_on - timedelta(days=14), senco=senco)
        elif status != Status.DRAFT and (is_child or rng.random() < 0.5):
            _views(rng, plan, rows, asked_on=today - timedelta(days=5), senco=senco,
                   pending_parent=is_child)  # fmt: skip
        previous = plan
        start = start + timedelta(weeks=12)


def _views(rng, plan, rows, *, asked_on, senco, pending_parent=False):
    rows["views"].append(
        ReviewView(
            plan=plan,
            party="pupil",
            asked_on=asked_on,
            received_on=asked_on,
            text=rng.choice(PUPIL_VIEWS),
            method="Conversation with the TA",
            given_by=senco,
        )  # fmt: skip
    )
    parent = ReviewView(plan=plan, party="parent", asked_on=asked_on)
    if not pending_parent:
        parent.text = rng.choice(PARENT_VIEWS)
        parent.received_on = asked_on + timedelta(days=3)
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
        plan.created_at = _aware(dates[id(plan)] - timedelta(days=7))
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
    targets = {(t.plan.pk, t.order): t for t in PlanTarget.objects.filter(
        plan_id__in={r.review.plan.pk for r in rows["progress"]})}  # fmt: skip
    reviews = {r.plan_id: r for r in PlanReview.objects.filter(
        plan_id__in={r.review.plan.pk for r in rows["progress"]})}  # fmt: skip
    for row in rows["progress"]:
        row.target_id = targets[(row.target.plan.pk, row.target.order)].pk
        row.review_id = reviews[row.review.plan.pk].pk
    bulk_create_with_history(rows["progress"], TargetProgress, batch_size=500)


def seed_demo_plans(rng, people, *, today=None):
    """The one call from seed_demo."""
    parent = people.named.get(Role.PARENT)
    link = parent.children_links.select_related("pupil").first() if parent else None
    return seed_plans(rng, people.school, senco=people.named[Role.SENCO],
                      named_child=link.pupil if link else None, today=today)  # fmt: skip
