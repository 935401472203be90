"""
An EHC plan review's people and papers: invitations, advice, views, the meeting record,
the letters and the report (docs/annual-review-workflow.md).
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews.annual_reviews import workflow
from reviews.annual_reviews.workflow_forms import (
    AdviceForm,
    ChooseContributorsForm,
    ContributorForm,
    LetterheadForm,
    MeetingForm,
    OutcomeFormSet,
    PupilViewForm,
)
from reviews.models import (
    AdviceLink,
    AnnualReview,
    Contributor,
    FamilyView,
    Letterhead,
    MeetingRecord,
    OutcomeReview,
)
from sendhub.models import AccessLog
from sendhub.pdf import document_context, pdf_response, render_pdf


def _reviews(user):
    return AnnualReview.objects.visible_to(user).select_related("plan__pupil__school")


def _open_review(request, pk):
    """An open review to change: a leaver's reviews are archived and read-only (404)."""
    return get_object_or_404(_reviews(request.user).not_archived().open(), pk=pk)


def _people_page(request, review, *, contributor_form=None, links=None, status=200):
    contributors = list(review.contributors.for_page())
    views = {view.party: view for view in review.family_views.select_related("given_by")}
    context = {
        "review": review,
        "pupil": review.plan.pupil,
        "contributors": contributors,
        "suggested": workflow.suggested_contributors(review) if review.completed_on is None else [],
        "contributor_form": contributor_form or ContributorForm(),
        "parent_view": views.get(FamilyView.Party.PARENT),
        "pupil_view": views.get(FamilyView.Party.CHILD),
        "meeting": MeetingRecord.objects.filter(review=review).first(),
        "invites_due": next(s for s in review.steps() if s.key == "invitations").due,
        "links": sorted(links.items(), key=lambda item: item[0].name) if links else [],
        "young_person": workflow.pupil_is_decision_maker(
            review.plan.pupil, review.meeting_on or date.today()
        ),
    }
    return render(request, "reviews/annualreview_people.html", context, status=status)


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def annual_review_people(request, pk):
    """Who is invited and asked for advice, the views given, the meeting and the report."""
    return _people_page(request, get_object_or_404(_reviews(request.user), pk=pk))


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def contributor_add(request, pk):
    """Add someone to invite or ask for advice: name, role, email."""
    review = _open_review(request, pk)
    form = ContributorForm(request.POST)
    if form.is_valid():
        row = form.save(commit=False)
        row.review = review
        row.added_by = request.user
        row._change_reason = "Added to the review"
        row.save()
        messages.success(request, f"{row.name} added.")
        return redirect("reviews:annual_review_people", pk=review.pk)
    return _people_page(request, review, contributor_form=form, status=400)


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
@transaction.atomic
def contributors_suggested(request, pk):
    """Add the pupil's parents (or not, for a young person) and teachers in one go."""
    review = _open_review(request, pk)
    rows = workflow.suggested_contributors(review)
    for row in rows:
        row.added_by = request.user
        row._change_reason = "Added to the review"
        row.save()
    messages.success(request, f"{len(rows)} added.")
    return redirect("reviews:annual_review_people", pk=review.pk)


def _chosen(request, review):
    form = ChooseContributorsForm(request.POST, review=review)
    if not form.is_valid():
        messages.error(request, "Tick at least one person.")
        return None
    return form.cleaned_data["contributors"]


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def invitations_send(request, pk):
    """Invite the people ticked to the meeting and record the date (reg 20(3))."""
    review = _open_review(request, pk)
    chosen = _chosen(request, review)
    if chosen is not None:
        late = workflow.send_invitations(review=review, contributors=chosen, by=request.user)
        messages.success(request, f"Invitations recorded as sent to {len(chosen)}.")
        if late:
            messages.warning(
                request,
                f"These invitations went after {late:%-d %B %Y}: at least two weeks before the "
                "meeting is the law (SEND Regulations 2014 reg 20(3)). Consider moving the meeting.",
            )
    return redirect("reviews:annual_review_people", pk=review.pk)


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def advice_request(request, pk):
    """Ask the people ticked for advice: staff in SENDhub, others by a one-time link."""
    review = _open_review(request, pk)
    chosen = _chosen(request, review)
    if chosen is None:
        return redirect("reviews:annual_review_people", pk=review.pk)
    links = workflow.request_advice(review=review, contributors=chosen, by=request.user)
    messages.success(request, f"Advice asked of {len(chosen)}.")
    review.refresh_from_db()
    # Links are shown once, for people with no email address the school must send them to.
    return _people_page(request, review, links=links)


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def advice_circulated(request, pk):
    """Record that the advice received went to everyone invited (reg 20(4))."""
    review = _open_review(request, pk)
    review._change_reason = "Advice circulated"
    review.record(advice_circulated_on=date.today())
    messages.success(request, "Advice recorded as circulated today.")
    return redirect("reviews:annual_review_people", pk=review.pk)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def pupil_views(request, pk):
    """The child's or young person's views, as they gave them (Children and Families Act 2014 s19)."""
    review = _open_review(request, pk)
    mine = review.family_views.filter(party=FamilyView.Party.CHILD).first()
    form = PupilViewForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        workflow.save_family_view(
            review=review, party=FamilyView.Party.CHILD, data=form.cleaned_data, by=request.user
        )
        messages.success(request, "Views saved.")
        return redirect("reviews:annual_review_people", pk=review.pk)
    return render(
        request,
        "reviews/annualreview_pupil_views.html",
        {"review": review, "pupil": review.plan.pupil, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def meeting_record(request, pk):
    """Walk each outcome, the views, preparing for adulthood and the recommendation."""
    review = _open_review(request, pk)
    meeting = MeetingRecord.objects.filter(review=review).first()
    initial_outcomes = [] if meeting else workflow.outcomes_to_review(review)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        preparing_for_adulthood=review.preparing_for_adulthood,
        initial={"held_on": review.meeting_on},
        prefix="meeting",
    )
    formset = OutcomeFormSet(
        request.POST or None,
        queryset=meeting.outcomes.all() if meeting else OutcomeReview.objects.none(),
        initial=[
            {"outcome": row.outcome, "plan_outcome": row.plan_outcome_id}
            for row in initial_outcomes
        ],
        prefix="outcomes",
        form_kwargs={"plan": review.plan},
    )
    # Each section E line is a row of the walk that must be saved, changed or not.
    formset.min_num = len(initial_outcomes)
    formset.extra = 1
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        outcomes = [
            row.save(commit=False) for row in formset.forms if row.cleaned_data.get("outcome")
        ]
        try:
            workflow.record_meeting(
                review=review, meeting=form.save(commit=False), outcomes=outcomes,
                held_on=form.cleaned_data["held_on"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:  # e.g. a meeting before the review's start
            review.refresh_from_db()
            form.add_error(
                "held_on", " ".join(error.message_dict.get("meeting_on", error.messages))
            )
        else:
            messages.success(request, "Meeting recorded. Check the report, then send it.")
            return redirect("reviews:annual_review_people", pk=review.pk)
    views = {view.party: view for view in review.family_views.all()}
    return render(
        request,
        "reviews/annualreview_meeting.html",
        {
            "review": review,
            "pupil": review.plan.pupil,
            "form": form,
            "formset": formset,
            "parent_view": views.get(FamilyView.Party.PARENT),
            "pupil_view": views.get(FamilyView.Party.CHILD),
        },
        status=400 if request.method == "POST" else 200,
    )


def report_context(review):
    """The review report: outcomes, views, advice and the recommendation (reg 20(7))."""
    pupil = review.plan.pupil
    meeting = (
        MeetingRecord.objects.filter(review=review)
        .prefetch_related(Prefetch("outcomes", queryset=OutcomeReview.objects.order_by("order")))
        .first()
    )
    return document_context(
        pupil,
        f"{pupil.full_name}: EHC plan review report",
        review=review,
        meeting=meeting,
        letterhead=Letterhead.for_school(pupil.school),
        views=list(review.family_views.all()),
        advice=list(review.contributors.filter(advice_received_on__isnull=False)),
        invited=list(review.contributors.filter(invited_on__isnull=False)),
    )


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def report_pdf(request, pk):
    """The annual review report as a PDF; there is none before the meeting is recorded (404)."""
    review = get_object_or_404(_reviews(request.user).filter(meeting__isnull=False), pk=pk)
    pupil = review.plan.pupil
    AccessLog.record(request, pupil=pupil, what="EHC plan review report (PDF)")
    pdf = render_pdf("reviews/pdf/annual_review_report.html", report_context(review))
    return pdf_response(pdf, filename=f"ehcp-review-report-{slugify(pupil.full_name)}")


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def report_send(request, pk):
    """Record the report sent to the LA and everyone invited (reg 20(7)); parents can read it."""
    review = get_object_or_404(
        _reviews(request.user).not_archived().open().filter(meeting__isnull=False), pk=pk
    )
    workflow.send_report(review=review, by=request.user)
    messages.success(request, "Report recorded as sent today. Parents can read it in the portal.")
    return redirect("reviews:annual_review_people", pk=review.pk)


def _letter(request, pk, *, template, what):
    row = get_object_or_404(
        Contributor.objects.visible_to(request.user).select_related("review__plan__pupil__school"),
        pk=pk,
    )
    review = row.review
    pupil = review.plan.pupil
    AccessLog.record(request, pupil=pupil, what=what)
    context = document_context(
        pupil,
        f"{what[0].upper()}{what[1:]} for {row.name}",
        review=review,
        contributor=row,
        letterhead=Letterhead.for_school(pupil.school),
        invites_due=next(s for s in review.steps() if s.key == "invitations").due,
    )
    pdf = render_pdf(template, context)
    return pdf_response(pdf, filename=f"{slugify(what)}-{slugify(row.name)}")


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def invitation_pdf(request, pk):
    """The invitation letter to one person, on the school's headed paper."""
    return _letter(request, pk, template="reviews/pdf/invitation.html", what="invitation letter")


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def advice_request_pdf(request, pk):
    """The letter asking one person for advice, on the school's headed paper."""
    return _letter(request, pk, template="reviews/pdf/advice_request.html", what="advice request")


# Advice given by staff in SENDhub, or by a professional through a one-time link -------


@require_GET
@permission_required("reviews.give_review_advice", raise_exception=True)
def advice_asked(request):
    """Advice asked of you for pupils you teach or support."""
    rows = Contributor.objects.asked_of(request.user)
    return render(request, "reviews/advice_asked.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required("reviews.give_review_advice", raise_exception=True)
def advice_give(request, pk):
    """Give the advice asked of you; once the review is complete it is closed."""
    row = get_object_or_404(
        Contributor.objects.asked_of(request.user)
        .not_archived()
        .filter(review__completed_on__isnull=True),
        pk=pk,
    )
    form = AdviceForm(request.POST or None, initial={"advice": row.advice})
    if request.method == "POST" and form.is_valid():
        workflow.receive_advice(contributor=row, advice=form.cleaned_data["advice"])
        messages.success(request, "Thank you. Your advice is with the SENCO.")
        return redirect("reviews:advice_asked")
    return render(
        request,
        "reviews/advice_give.html",
        {"row": row, "pupil": row.review.plan.pupil, "form": form},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def advice_link(request, token):
    """
    A professional's one-time advice form, without signing in. It shows the pupil's first
    name, the meeting date and the form, nothing else; a used or expired link is gone (410).
    """
    link = get_object_or_404(
        AdviceLink.objects.not_archived().select_related(
            "contributor__review__plan__pupil__school"
        ),
        token_hash=AdviceLink.hash(token),
    )
    context = {"link": link, "review": link.contributor.review,
               "first_name": link.contributor.review.plan.pupil.first_name,
               "school": link.contributor.review.plan.pupil.school}  # fmt: skip
    if not link.is_usable() or link.contributor.review.completed_on:
        return _no_store(render(request, "reviews/advice_link_gone.html", context, status=410))
    form = AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Two submissions at once: only the first finds the link unused.
            spent = AdviceLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if spent:
                workflow.receive_advice(
                    contributor=link.contributor, advice=form.cleaned_data["advice"], by_link=True
                )
        if not spent:
            return _no_store(render(request, "reviews/advice_link_gone.html", context, status=410))
        return _no_store(render(request, "reviews/advice_link_thanks.html", context))
    context["form"] = form
    return _no_store(
        render(request, "reviews/advice_link.html", context, status=400 if form.errors else 200)
    )


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer
    return response


# The school's letterhead ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def letterhead(request):
    """The school's address and signatory on review letters and reports."""
    school = request.user.membership.school
    form = LetterheadForm(request.POST or None, instance=Letterhead.for_school(school))
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row._change_reason = "Letterhead changed"
        row.save()
        messages.success(request, "Letterhead saved.")
        return redirect("reviews:letterhead")
    return render(
        request,
        "reviews/letterhead_form.html",
        {"form": form, "school": school},
        status=400 if form.errors else 200,
    )
