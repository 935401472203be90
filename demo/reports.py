"""Demo SEN information report and SEND self-evaluation for `manage.py seed_demo`.

Oakfield published last year's report in September and this year's update the September
just gone (SEND Regulations 2014 regulation 51: updated every year); the SENCO and the head
are part-way through this year's self-evaluation. Each history row is dated and signed by
the person who made the change.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo.schooldays import on_or_after
from pupils import codes
from pupils.models import Pupil
from reports.information_report.facts import named_areas
from reports.models import InformationReport, SelfEvaluation, SelfEvaluationAction
from sendhub.roles import Role

LOCAL_OFFER = "https://www.leeds.gov.uk/localoffer"


def _at(day, hour=16):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _year_label(start_year):
    return f"{start_year}/{str(start_year + 1)[2:]}"


def _areas(school):
    return named_areas(Pupil.objects.filter(school=school).on_roll().register_summary())


def report_text(school, areas, senco_name, start_year):
    """The report's words, as Oakfield's SENCO wrote them."""
    area_list = "; ".join(area.lower() for area in areas) or "all four broad areas of need"
    return {
        "kinds_of_need": (
            f"{school.name} is a mainstream secondary school for 11 to 16 year olds. We "
            "welcome pupils with special educational needs and disabilities (SEND) and make "
            "provision for all four broad areas of need.\n\n"
            f"This year we are supporting pupils whose main needs are in these areas: {area_list}. "
            "Some pupils have an education, health and care (EHC) plan; most get SEN support "
            "from the school's own resources."
        ),
        "identification": (
            "Most needs are first spotted by a teacher, by you, or by your child. Teachers "
            "tell our SENCO using a short concern form. The SENCO then gathers evidence: "
            "watching your child in lessons, looking at their work, reading and spelling "
            "tests, and asking every teacher who teaches them. We also check other reasons, "
            "such as missed schooling or learning English as an additional language.\n\n"
            "We always talk to you before deciding. If your child needs SEN support, we "
            "tell you in writing and add them to our SEN register."
        ),
        "consulting": (
            f"You know your child best. Every pupil on SEN support has a {school.plan_label}. "
            "We ask you and your child what is going well, what is hard and what would help "
            "before we write it, and again before each review. Your child can give their "
            "views in a conversation, with symbols, or in writing, whatever suits them.\n\n"
            "You are invited to agree the plan. If you disagree, we write down why and what we "
            "will do about it. You can also share a worry at any time through the parent "
            "portal or by ringing the school office."
        ),
        "progress": (
            f"Plans have three or four clear targets and are reviewed with you at least every "
            f"{school.review_cadence_weeks} weeks. We meet parents of every pupil on SEN "
            "support at least three times a year: at a review, at parents' evening, or at "
            "another meeting that suits you.\n\n"
            "Pupils with an EHC plan also have an annual review with the local authority, "
            "which we arrange and invite you to at least two weeks ahead."
        ),
        "transitions": (
            "We visit our partner primary schools each summer term and meet the Year 6 "
            "teachers and SENCOs of every child joining us with SEND. Children who need it "
            "get extra visits, a photo booklet of the school and a summer-holiday "
            "transition day.\n\n"
            "From Year 9, reviews cover preparing for adulthood: work, independent living, "
            "friends and community, and health. In Year 11 we pass on what works to your "
            "child's college or sixth form, with your agreement."
        ),
        "teaching": (
            "Every teacher is responsible for the progress of every pupil in their class, "
            "including pupils with SEND. Lessons are adapted: clear step-by-step "
            "instructions, key words on the board, printed notes instead of copying, "
            "coloured overlays, movement breaks and seating plans that help.\n\n"
            "Some pupils also get extra help in a small group or one to one, for a set number "
            "of weeks, with a test at the start and the end. This year that includes "
            "phonics catch-up, paired reading, precision teaching, social skills and "
            "self-regulation groups."
        ),
        "staff": (
            f"Our SENCO, {senco_name}, is a qualified teacher and holds the National "
            "Professional Qualification for SENCOs. Our learning support team of eight "
            "teaching assistants is trained in the interventions they deliver.\n\n"
            "All staff have SEND training every term; this year it covers autism, "
            "speech and language needs and adaptive teaching. When we need specialist "
            "advice we ask Leeds's educational psychology service, specialist teachers for "
            "hearing and vision, and the speech and language therapy service. The school "
            "has a lift, accessible toilets and a quiet sensory room; we buy equipment a "
            "pupil needs and ask the local authority for specialist equipment."
        ),
        "effectiveness": (
            "We check every intervention: each pupil is tested at the start and the end, and "
            "we stop or change interventions that are not helping. The SENCO reports to "
            "governors every term with figures that name no pupil, and our SEND governor "
            "visits each term.\n\n"
            "We ask parents and pupils what they think at every review and in a yearly "
            "survey, and use what they say to improve."
        ),
        "activities": (
            "Pupils with SEND take part in all lessons, clubs, sports, trips and residential "
            "visits. We plan any adjustments with you beforehand, such as a familiar adult, a "
            "visual timetable for the day or a quiet space to go to."
        ),
        "wellbeing": (
            "Every pupil has a form tutor who knows them well, and pupils on SEN support also "
            "have a named key adult. We run a lunchtime club in the library, and small "
            "groups on friendships and managing feelings. Our school counsellor and the "
            "NHS mental health support team see pupils who need more.\n\n"
            "We do not tolerate bullying. Pupils can report it to any adult or through the "
            "anonymous form on the school website."
        ),
        "other_bodies": (
            "We work with Leeds's educational psychologists, specialist teachers, the "
            "speech and language therapy service, the school nursing team, child and "
            "adolescent mental health services and social care when a pupil needs them. "
            "We always ask you first.\n\n"
            "SENDIASS Leeds offers free, confidential and impartial advice to parents and "
            "young people about SEND."
        ),
        "complaints": (
            "If you are worried about the support your child gets, please talk to your "
            "child's form tutor or our SENCO first: most worries are sorted out quickly. If "
            "you are still unhappy, you can use the school's complaints procedure, on our "
            "website or from the school office.\n\n"
            "If your child has an EHC plan, you can also ask the local authority about "
            "mediation or appeal to the SEND Tribunal."
        ),
        "contacts": (
            f"Our SENCO is {senco_name}. You can email, ring or ask the school office to "
            "arrange a meeting.\n\n"
            "Leeds's local offer describes all the services for children and young people "
            "with SEND in our area, including health, social care and leisure."
        ),
    }


def _publish_day(start_year):
    return on_or_after(date(start_year, 9, 12))


def seed_demo_reports(people, *, today=None):
    """Two published information reports (last September's is on the public page) and a
    self-evaluation draft."""
    today = today or timezone.localdate()
    school = people.school
    senco = people.named[Role.SENCO]
    head = people.named[Role.SENIOR_LEADER]
    start_year = codes.school_year_bounds(today)[0].year
    if _publish_day(start_year) > today:
        start_year -= 1  # this September's update is still to come
    areas = _areas(school)
    contact = {
        "senco_name": f"{senco.first_name} {senco.last_name}",
        "senco_email": "senco@oakfield-academy.example",
        "senco_phone": "0113 496 0451",
        "local_offer_url": LOCAL_OFFER,
    }
    for year in (start_year - 1, start_year):
        words = report_text(school, areas, contact["senco_name"], year)
        report = InformationReport.start_draft(
            school=school,
            by=senco,
            academic_year=_year_label(year),
            defaults=words | contact,
        )
        report.publish(by=senco, now=_at(_publish_day(year)))
        _sign(report, senco, _at(_publish_day(year) - timedelta(days=7), 10))
    evaluation = seed_self_evaluation(school, senco, head, start_year, today)
    return {"information_reports": 2, "self_evaluations": 1 if evaluation else 0}


def _sign(record, user, created):
    """Date the record's history: made on `created`, changed later as the record says."""
    rows = list(record.history.order_by("history_date", "history_id"))
    published = getattr(record, "published_at", None) or created
    for n, row in enumerate(rows):
        row.history_user = user
        row.history_date = created if n == 0 else max(published, created)
        row.save(update_fields=["history_user", "history_date"])
    type(record).objects.filter(pk=record.pk).update(created_at=created)


ACTIONS = [
    ("identification", "Cut the time from a teacher's concern to a decision to under six "
     "weeks: weekly triage slot in the SENCO's timetable", "Sam Okonjo (SENCO)", (11, 28),
     "green", "Triage slot in place since October; most concerns now decided within a month."),
    ("provision", "Stop interventions without an entry and exit test; add a reading test to "
     "the social skills and self-regulation groups", "Sam Okonjo (SENCO)", (2, 13), "amber",
     "Reading groups all tested. Self-regulation groups to use a rating scale from January."),
    ("views", "Run a termly SEND parent forum, with a remote option", "Helen Marsh (Head)",
     (3, 27), "amber", "First forum held in November: 14 parents came; notes shared."),
    ("leadership", "Bring every support plan review back within its review date",
     "Sam Okonjo (SENCO)", (12, 19), "red",
     "Some plans still overdue after staff absence; review days booked for January."),
    ("achievement", "Agree with the data manager how attainment and attendance for pupils "
     "with SEND reach SENDhub", "Alex Morgan (Data manager)", (1, 30), "amber",
     "Attendance export agreed; attainment to follow after the autumn assessment window."),
]  # fmt: skip


def seed_self_evaluation(school, senco, head, start_year, today):
    started = on_or_after(date(start_year, 10, 6))
    if started > today:
        started = today
    evaluation = SelfEvaluation.objects.create(
        school=school,
        number=1,
        academic_year=_year_label(start_year),
        created_by=senco,
        achievement_grade="",
        achievement_text=(
            "Waiting for this year's attainment and attendance data. Last summer, pupils on "
            "SEN support made progress in English close to their peers, but less in maths; "
            "attendance of pupils with EHC plans was below the school's average."
        ),
        provision_grade="expected",
        provision_text=(
            "Interventions are well chosen and most run as planned. Reading interventions "
            "have the strongest evidence of impact. We cannot yet show the impact of the "
            "social skills and self-regulation groups, because they have no consistent measure."
        ),
        identification_grade="strong",
        identification_text=(
            "Teachers raise concerns readily and the weekly triage slot means most are decided "
            "within a month. Round robins give a full picture before a decision."
        ),
        views_grade="expected",
        views_text=(
            "Parents are asked for their views at every plan and review, and most agree the "
            "plans. A few parents told us they want more say between reviews, so we started a "
            "termly parent forum."
        ),
        leadership_grade="needs_attention",
        leadership_text=(
            "Leaders know the strengths and gaps well. Plan reviews slipped in the autumn "
            "during staff absence; bringing every review back on time is our first priority. "
            "Every EHC plan annual review is tracked against its statutory deadlines."
        ),
    )
    bulk_create_with_history(
        [
            SelfEvaluationAction(
                evaluation=evaluation,
                heading=heading,
                action=action,
                owner=owner,
                due_on=date(start_year if month >= 9 else start_year + 1, month, day),
                rag=rag,
                progress=progress,
            )
            for heading, action, owner, (month, day), rag, progress in ACTIONS
        ],
        SelfEvaluationAction,
        default_user=head,
        default_date=_at(started, 15),
    )
    _sign(evaluation, senco, _at(started, 15))
    return evaluation
