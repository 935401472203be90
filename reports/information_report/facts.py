"""What SENDhub can say today under each heading of the information report, and a first draft.

Only whole-school facts go into a public report: areas of need named only where at least
the suppression threshold of pupils have that primary need, no counts of pupils, and no
pupil's data at all (docs/information-report.md).
"""

from django.db.models import Count

from provision.models import Intervention
from pupils.codes import BroadArea
from pupils.models import Pupil
from reports.anonymise import suppress, suppressed_percent
from sendhub.models import Membership
from sendhub.roles import Role


def supported_areas(user):
    """The broad areas of need enough pupils have as their primary need to name publicly."""
    summary = Pupil.objects.visible_to(user).on_roll().register_summary()
    return named_areas(summary)


def named_areas(summary):
    """The four broad areas (Code of Practice 6.28) with enough pupils to name; not "Other"."""
    return [
        row["area"]
        for row in summary["by_area"]
        if row["code"] != BroadArea.OTHER and row["count"] and suppress(row["count"])
    ]


def register_share(user):
    """Pupils on the SEN register as a whole-number percentage of the roll, or None if small."""
    counts = Pupil.objects.visible_to(user).on_roll().register_counts()
    on_register = counts["sen_support"] + counts["ehcp"]
    if not suppress(on_register):
        return None  # none yet, or too few to say
    return round(suppressed_percent(on_register, counts["roll"]))


def offered_interventions(school):
    """The catalogue's interventions on offer now: [(name, area labels)]; no pupil data."""
    return [
        (intervention.name, intervention.area_labels)
        for intervention in Intervention.objects.for_school(school).active().order_by("name")
    ]


def measures_used(school):
    names = (
        Intervention.objects.for_school(school)
        .active()
        .exclude(measure_name="")
        .values("measure_name")
        .annotate(n=Count("pk"))
        .order_by("measure_name")
    )
    return [row["measure_name"] for row in names]


def senco_names(school):
    """The names of the school's current SENCOs, as their memberships record them."""
    memberships = (
        Membership.objects.current()
        .with_role(Role.SENCO)
        .filter(school=school)
        .select_related("user")
        .order_by("pk")
    )
    return [str(membership.user) for membership in memberships]


def _list(items, separator=", "):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{separator.join(items[:-1])}{separator.strip()} and {items[-1]}"


def live_facts(user):
    """{section field: [sentence]}: what the school's records say today, in plain words."""
    school = user.school
    facts = {}
    areas = supported_areas(user)
    share = register_share(user)
    kinds = []
    if areas:
        kinds.append(
            "We currently support pupils whose main needs are in these areas: "
            + _list((area.lower() for area in areas), "; ")
            + "."
        )
    if share is not None:
        kinds.append(f"About {share} in every 100 of our pupils are on our SEN register.")
    facts["kinds_of_need"] = kinds
    offered = offered_interventions(school)
    if offered:
        facts["teaching"] = [
            "Extra help we offer now includes: "
            + "; ".join(
                f"{name} ({_list(area.lower() for area in labels)})" if labels else name
                for name, labels in offered
            )
            + "."
        ]
    facts["progress"] = [
        f"Each pupil on SEN support has a {school.plan_label}, reviewed with them and their "
        f"parents at least every {school.review_cadence_weeks} weeks.",
        "We meet the parents of every pupil on SEN support at least three times a year.",
    ]
    measures = measures_used(school)
    if measures:
        facts["effectiveness"] = [
            "We measure progress in our interventions at the start and the end with: "
            + _list(measures)
            + "."
        ]
    names = senco_names(school)
    facts["contacts"] = [
        f"Our SENCO: {_list(names)}." if names else "No SENCO is set up in SENDhub yet.",
        f"Our local authority is {school.local_authority}.",
    ]
    return facts


def first_draft(user):
    """The text a school's first draft starts from: plain-English prompts plus today's facts."""
    school = user.school
    facts = live_facts(user)
    names = senco_names(school)

    def with_facts(field, text):
        return "\n\n".join([*facts.get(field, []), text])

    return {
        "kinds_of_need": with_facts(
            "kinds_of_need",
            f"{school.name} is a mainstream school. We welcome pupils with all four broad areas "
            "of need: communication and interaction; cognition and learning; social, emotional "
            "and mental health; and sensory and/or physical needs.",
        ),
        "identification": "Most needs are first noticed by a class teacher, by you, or by your "
        "child. The teacher tells our SENCO, who gathers evidence: watching your child in "
        "lessons, looking at their work, checking tests, and asking you and your child what "
        "you think. We then decide together whether your child needs SEN support. If we start "
        "SEN support, we always tell you.",
        "consulting": "You know your child best. We ask for your views, and your child's, "
        "when we write and review their plan, and you are invited to agree it. If you "
        "disagree, we write down why and what we will do about it.",
        "progress": with_facts(
            "progress",
            "At each review we look at every target together and agree what happens next.",
        ),
        "transitions": "When your child joins us, moves year, or moves on to a new school or "
        "college, we share what works for them with the next teachers and plan visits where "
        "they help. From Year 9, reviews include preparing for adulthood.",
        "teaching": with_facts(
            "teaching",
            "All teachers adapt their lessons so every pupil can learn: for example clear "
            "instructions, visual prompts, and extra time. Some pupils also get extra help in "
            "small groups or one to one.",
        ),
        "staff": "All staff are trained each year in supporting pupils with SEND. Where we "
        "need specialist advice, we ask the local authority's specialist services. We buy "
        "equipment a pupil needs, and ask the local authority where it is specialist.",
        "effectiveness": with_facts(
            "effectiveness",
            "We check how well each intervention works and stop or change those that do not "
            "help. Governors receive a report each term.",
        ),
        "activities": "Pupils with SEND take part in all school activities, clubs and trips. "
        "We plan any changes needed with you beforehand.",
        "wellbeing": "Every pupil has a trusted adult. We offer support for wellbeing, "
        "friendships and managing feelings, and we do not tolerate bullying.",
        "other_bodies": "We work with the local authority's specialist teachers, educational "
        "psychologists, speech and language therapists, school nurses and social care when a "
        "pupil needs them. The local SEND information, advice and support service offers free, "
        "impartial advice to parents.",
        "complaints": "If you are worried about the support your child gets, please talk to "
        "your child's teacher or our SENCO first. If you are still unhappy, you can use the "
        "school's complaints procedure, which is on our website.",
        "contacts": with_facts(
            "contacts",
            "You can contact our SENCO through the school office. The local authority's local "
            "offer describes all the services for children with SEND in our area.",
        ),
        "senco_name": names[0] if names else "",
    }
