"""
The steps of an EHC plan review that change several rows or tell people: invitations,
advice requests, advice and views received, the meeting record and the report.

Emails to people outside the school say that something is waiting and never name the pupil;
letters with names go as PDFs the school sends securely (docs/annual-review-workflow.md).
"""

from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from pupils.identification.workflow import sencos_of, teachers_of
from pupils.models import ParentLink
from reviews import deadlines
from reviews.models import (
    AdviceLink,
    AnnualReview,
    Contributor,
    FamilyView,
    Letterhead,
    MeetingRecord,
    OutcomeReview,
)
from sendhub.notifications.services import absolute, notify


def invitations_late(review, sent_on):
    """The date invitations were due by when sent_on is later than that, else None."""
    step = next(step for step in review.steps(sent_on) if step.key == "invitations")
    return step.due if sent_on > step.due else None


def _school_signoff(review):
    school = review.plan.pupil.school
    letterhead = Letterhead.for_school(school)
    lines = [school.name]
    if letterhead.email:
        lines.append(f"Reply to: {letterhead.email}")
    return "\n".join(lines)


def parents_of(pupil):
    links = ParentLink.objects.current().filter(pupil=pupil).select_related("parent")
    return [link.parent for link in links]


def suggested_contributors(review):
    """People the review usually invites, not yet on its list: parents and the pupil's teachers."""
    pupil = review.plan.pupil
    have = {row.user_id for row in review.contributors.all() if row.user_id}
    young_person = pupil_is_decision_maker(pupil, review.meeting_on or date.today())
    rows = []
    if not young_person:
        for parent in parents_of(pupil):
            if parent.pk not in have:
                rows.append(
                    Contributor(
                        review=review, name=parent.get_full_name() or parent.email,
                        role=Contributor.Role.PARENT, email=parent.email, user=parent,
                    )
                )  # fmt: skip
    for teacher, subjects in teachers_of(pupil).items():
        if teacher.pk not in have:
            rows.append(
                Contributor(
                    review=review, name=teacher.get_full_name() or teacher.email,
                    role=Contributor.Role.SCHOOL_STAFF, email=teacher.email, user=teacher,
                    job_title=f"Teacher: {', '.join(subjects)}"[:120],
                )
            )  # fmt: skip
    return rows


def pupil_is_decision_maker(pupil, on):
    """Over compulsory school age the young person decides (Children and Families Act 2014 s83)."""
    return on >= deadlines.young_person_from(pupil.date_of_birth)


@transaction.atomic
def send_invitations(*, review: AnnualReview, contributors, by, today: date | None = None):
    """
    Invite these people to the review meeting and record the day (SEND Regulations 2014
    reg 20(3)). Returns the date invitations were due by when this is late, else None.
    """
    today = today or date.today()
    late = invitations_late(review, today)
    contributors = list(contributors)
    for row in contributors:
        row.invited_on = today
        row._change_reason = "Invited to the review meeting"
        row.save(update_fields=["invited_on"])
    if not review.invitations_sent_on:
        review._change_reason = "Invitations sent"
        review.record(invitations_sent_on=today)
    school = review.plan.pupil.school
    when = f"on {review.meeting_on:%A %-d %B %Y}" if review.meeting_on else "on a date to be agreed"
    body = (
        f"You are invited to an EHC plan review meeting at {school.name} {when} "
        f"(reference {review.ref}).\n\nThe school will send the invitation letter. "
        f"Please reply to say whether you can come.\n\n{_school_signoff(review)}\n"
    )
    outside = [row for row in contributors if row.email and not row.user_id]
    if outside:
        mails = [
            ("Invitation to an EHC plan review meeting", body, settings.DEFAULT_FROM_EMAIL,
             [row.email])
            for row in outside
        ]  # fmt: skip
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    family = [row.user for row in contributors if row.user_id and row.is_family]
    notify(
        family,
        title="You are invited to your child's EHC plan review",
        url=reverse("portal:annual_review", args=[review.plan.pupil_id]),
        school=school,
    )
    staff = [row.user for row in contributors if row.user_id and not row.is_family]
    notify(
        [person for person in staff if person != by],
        title="You are invited to an EHC plan review meeting",
        url=reverse("reviews:advice_asked"),
        school=school,
    )
    return late


@transaction.atomic
def request_advice(*, review: AnnualReview, contributors, by, today: date | None = None):
    """
    Ask these people for advice (SEND Regulations 2014 reg 20(4)). Staff with an account
    answer in SENDhub; others get a one-time link by email. Returns {contributor: url} of
    the links made, for the SENCO to send another way if there is no email address.
    """
    today = today or date.today()
    school = review.plan.pupil.school
    links, mails, staff = {}, [], []
    for row in contributors:
        row.advice_requested_on = today
        row._change_reason = "Advice requested"
        row.save(update_fields=["advice_requested_on"])
        if row.user_id:
            staff.append(row.user)
            continue
        _link, token = AdviceLink.issue(row)
        url = absolute(reverse("reviews:advice_link", args=[token]))
        links[row] = url
        if row.email:
            body = (
                f"{school.name} asks for your advice for an EHC plan review "
                f"(reference {review.ref}).\n\nGive it here, once, without signing in "
                f"(the link stops working after {ADVICE_DAYS_TEXT} or at the meeting):\n"
                f"{url}\n\n{_school_signoff(review)}\n"
            )
            mails.append(
                ("Advice for an EHC plan review", body, settings.DEFAULT_FROM_EMAIL, [row.email])
            )
    if not review.advice_requested_on:
        review._change_reason = "Advice requested"
        review.record(advice_requested_on=today)
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    notify(
        [person for person in staff if person != by],
        title="Your advice is asked for an EHC plan review",
        url=reverse("reviews:advice_asked"),
        school=school,
    )
    return links


ADVICE_DAYS_TEXT = "14 days"


@transaction.atomic
def receive_advice(*, contributor: Contributor, advice: str, by_link: bool = False):
    """Keep the advice given and tell the SENCO it arrived."""
    contributor.advice = advice
    contributor.advice_received_on = date.today()
    contributor._change_reason = "Advice received" + (" by one-time link" if by_link else "")
    contributor.save(update_fields=["advice", "advice_received_on"])
    pupil = contributor.review.plan.pupil
    notify(
        sencos_of(pupil.school),
        title=f"Advice arrived for an EHC plan review (ref {contributor.review.ref})",
        url=reverse("reviews:annual_review_people", args=[contributor.review_id]),
        school=pupil.school,
    )


@transaction.atomic
def save_family_view(*, review: AnnualReview, party: str, data: dict, by):
    """The parent's or the child's views for the review: one row each, updated in place."""
    view = FamilyView.objects.filter(review=review, party=party).first() or FamilyView(
        review=review, party=party
    )
    for field, value in data.items():
        setattr(view, field, value)
    view.given_by = by
    view._change_reason = f"{view.get_party_display()}'s views recorded"
    view.full_clean()
    view.save()
    return view


@transaction.atomic
def record_meeting(*, review: AnnualReview, meeting: MeetingRecord, outcomes, held_on: date, by):
    """The meeting record and its outcome rows, and the meeting date (SEND Regulations 2014 reg 19)."""
    review._change_reason = "Meeting recorded"
    review.record(meeting_on=held_on)
    meeting.review = review
    meeting.recorded_by = by
    meeting._change_reason = "Meeting recorded"
    meeting.save()
    for order, row in enumerate(outcomes):
        row.meeting = meeting
        row.order = order
        row.save()
    return meeting


def outcomes_to_review(review):
    """
    The outcomes the meeting walks through: the plan's section E lines in force, else the
    free-text outcomes of the last review that were not met (a plan recorded without them).
    """
    lines = list(review.plan.outcomes.current().order_by("order", "pk"))
    if lines:
        return [OutcomeReview(outcome=line.outcome, plan_outcome=line) for line in lines]
    previous = (
        OutcomeReview.objects.filter(meeting__review__plan=review.plan)
        .exclude(meeting__review=review)
        .exclude(still_right=OutcomeReview.StillRight.MET)
        .order_by("-meeting__review__starts_from", "order", "pk")
    )
    newest = previous.first()
    if newest is None:
        return []
    return [
        OutcomeReview(outcome=row.outcome) for row in previous.filter(meeting_id=newest.meeting_id)
    ]


@transaction.atomic
def send_report(*, review: AnnualReview, by, today: date | None = None):
    """Record the report sent to the LA and everyone invited (reg 20(7)); tell the parents."""
    today = today or date.today()
    review._change_reason = "Report sent"
    review.record(report_sent_on=today)
    pupil = review.plan.pupil
    notify(
        parents_of(pupil),
        title="The report of your child's EHC plan review is ready to read",
        url=reverse("portal:annual_review", args=[pupil.pk]),
        school=pupil.school,
    )
