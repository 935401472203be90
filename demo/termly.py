"""The demo school's published autumn SEND report to governors, with the SENCO's commentary."""

from datetime import date

from reports.termly.figures import school_pupils
from reports.termly.models import TermlyReport
from reports.termly.services import publish, save_commentary
from reports.termly.terms import Term
from sendhub.roles import Role

# What a SENCO writes for governors: plain words, no pupil named or described.
COMMENTARY = {
    "register": (
        "The share of pupils on SEN support is close to the national figure; fewer of our "
        "pupils have an EHC plan than nationally. Cognition and learning is still the largest "
        "area of need, with communication and interaction close behind."
    ),
    "trend": (
        "Numbers on SEN support have been steady for a year. The rise in EHC plans reflects "
        "applications we made last spring that the local authority has now decided."
    ),
    "movement": (
        "Most pupils who joined the register this term came to us in Year 7 with needs already "
        "known from their primary schools. A small number came off the register after their "
        "reviews showed that ordinary classroom adjustments now meet their needs."
    ),
    "identification": (
        "We aim to decide on every concern within four weeks of it being raised. When a "
        "decision waits on a report from an outside service, we now ask for it at the same "
        "time as the round robin to teachers, so families are not kept waiting."
    ),
    "plan_reviews": (
        "Most SEN support plans were reviewed by the date agreed with families. Reviews that "
        "slipped were moved because of staff absence in November; all are now booked."
    ),
    "parent_meetings": (
        "Parents' evening and the plan meetings in October mean most families have already met "
        "us this term. Our SEN team is contacting the remaining families before the holiday."
    ),
    "provision": (
        "Last year reading interventions gave the best value for money, so most of this "
        "term's TA time has gone to reading groups. Their exit tests fall in the spring term, "
        "and we will report the results then."
    ),
    "annual_reviews": (
        "Review meetings are booked well ahead of each deadline. Where a review finished late, "
        "we were waiting for the local authority's decision after the meeting; we now chase "
        "these every fortnight."
    ),
    "national": (
        "We compare ourselves with all state-funded secondary schools in England, from the "
        "Department for Education's January census figures."
    ),
}


def latest_autumn(school, today):
    """The autumn term holding today, or the last one before it."""
    term = Term.holding(school, today)
    while term.name != "autumn":
        term = term.previous(school)
    return term


def seed_demo_termly_report(rng, people, *, today=None):
    """Publish the autumn report, as the SENCO would at the end of term."""
    today = today or date.today()
    senco = people.named[Role.SENCO]
    term = latest_autumn(people.school, today)
    report = TermlyReport.objects.create(school=people.school, year=term.year, term=term.name)
    save_commentary(report=report, commentary=COMMENTARY, by=senco)
    publish(report=report, by=senco, pupils=school_pupils(people.school), today=today)
    return {"termly_reports": 1}
