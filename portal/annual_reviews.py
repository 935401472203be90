"""A parent's side of their child's EHC plan review: the dates in plain words, their views
and the report once it is sent (docs/annual-review-workflow.md)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from pupils.models import Pupil
from reviews.annual_reviews import workflow
from reviews.annual_reviews.workflow_forms import ParentViewForm
from reviews.annual_reviews.workflow_views import report_context
from reviews.models import AnnualReview, FamilyView
from sendhub.pdf import pdf_response, render_pdf


def _child_and_review(request, pk, *, to_change=False):
    pupils = Pupil.objects.writable_by if to_change else Pupil.objects.visible_to
    pupil = get_object_or_404(pupils(request.user).select_related("school"), pk=pk)
    review = (
        AnnualReview.objects.filter(plan__pupil=pupil)
        .select_related("plan")
        .order_by("completed_on", "-starts_from", "-pk")  # an open review first
        .first()
    )
    return pupil, review


def _dates(review, today):
    """What happens when, in plain words, for a parent."""
    steps = {step.key: step for step in review.steps(today)}
    rows = [
        ("We ask for your views and invite you to the meeting by", steps["invitations"]),
        ("The review meeting", steps["meeting"]),
        ("We send the report to you and the council by", steps["report"]),
        ("The council tells you what it has decided by", steps["decision"]),
    ]
    return [(words, step.done_on or step.due, bool(step.done_on)) for words, step in rows]


@require_GET
@permission_required("reviews.take_part_as_parent", raise_exception=True)
def annual_review(request, pk):
    """My child's EHC plan review: when things happen, my views, the report."""
    pupil, review = _child_and_review(request, pk)
    today = date.today()
    context = {"pupil": pupil, "review": review}
    if review:
        context |= {
            "dates": _dates(review, today),
            "mine": review.family_views.filter(party=FamilyView.Party.PARENT).first(),
            "young_person": workflow.pupil_is_decision_maker(pupil, review.meeting_on or today),
        }
    return render(request, "portal/annual_review.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.take_part_as_parent", raise_exception=True)
def annual_review_views(request, pk):
    """A parent says what they think before the review meeting (Children and Families Act 2014 s19)."""
    pupil, review = _child_and_review(request, pk, to_change=True)
    if review is None or review.completed_on or review.report_sent_on:
        raise Http404("No review is asking for views now.")
    mine = review.family_views.filter(party=FamilyView.Party.PARENT).first()
    form = ParentViewForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        workflow.save_family_view(
            review=review, party=FamilyView.Party.PARENT,
            data={**form.cleaned_data, "how_given": "In the parent portal"}, by=request.user,
        )  # fmt: skip
        messages.success(request, "Thank you. The school will read your views before the meeting.")
        return redirect("portal:annual_review", pk=pupil.pk)
    return render(
        request,
        "portal/annual_review_views.html",
        {"pupil": pupil, "review": review, "form": form, "mine": mine},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required("reviews.take_part_as_parent", raise_exception=True)
def annual_review_report(request, pk):
    """The review report, once the school has sent it."""
    pupil, review = _child_and_review(request, pk)
    reviews = AnnualReview.objects.filter(plan__pupil=pupil, report_sent_on__isnull=False)
    review = reviews.select_related("plan__pupil__school").order_by("-report_sent_on").first()
    if review is None:
        raise Http404("No report has been sent yet.")
    pdf = render_pdf("reviews/pdf/annual_review_report.html", report_context(review))
    return pdf_response(pdf, filename=f"ehcp-review-report-{slugify(pupil.first_name)}")
