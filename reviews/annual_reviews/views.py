"""EHC plan reviews: the pupil's review page, the compliance dashboard and calendar feeds."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil
from reviews import deadlines
from reviews.annual_reviews.filters import ComplianceFilter
from reviews.annual_reviews.forms import (
    ReviewOpenForm,
    ReviewStepsForm,
    ShortfallToleranceForm,
    TransferYearsForm,
)
from reviews.annual_reviews.services import open_annual_review
from reviews.models import (
    AnnualReview,
    CalendarFeed,
    EHCPlan,
    ShortfallTolerance,
    TransferYears,
    next_review_for,
)
from reviews.models.annual_reviews import CALENDAR_TITLES
from sendhub.models import Membership
from sendhub.roles import ROLE_PERMISSIONS

PAGE_SIZE = 25


@dataclass
class Row:
    """One pupil's line on the dashboard: their next step and any phase-transfer dates."""

    plan: EHCPlan
    review: AnnualReview
    step: object
    transfer: deadlines.PhaseTransfer | None


def _rows(plans, *, today, transfer_years):
    rows = []
    for plan in plans:
        review = next_review_for(plan, today=today, transfer_years=transfer_years)
        transfer = deadlines.phase_transfer(
            plan.pupil.year_group, today, transfer_years=transfer_years
        )
        step = review.next_step(today, transfer_years=transfer_years)
        rows.append(Row(plan, review, step, transfer))
    return rows


def _pupil(request, pk, *, to_change=False):
    pupils = Pupil.objects.writable_by if to_change else Pupil.objects.visible_to
    return get_object_or_404(pupils(request.user).for_summary(), pk=pk)


def _review_page(request, pupil, *, steps_form=None, open_form=None, status=200):
    today = date.today()
    transfer_years = TransferYears.for_school(pupil.school_id)
    plan = pupil.ehc_plans.with_review_clock().first()
    reviews = list(AnnualReview.objects.filter(plan__pupil=pupil).for_page())
    current = next_review_for(plan, today=today, transfer_years=transfer_years) if plan else None
    context = {
        "pupil": pupil,
        "plan": plan,
        "review": current,
        "steps": current.steps(today, transfer_years=transfer_years) if current else [],
        "transfer": current.transfer(transfer_years) if current else None,
        "reviews": reviews,
        "steps_form": steps_form
        or (ReviewStepsForm(instance=current) if current and current.pk else None),
        "open_form": open_form or ReviewOpenForm(initial={"kind": current and current.kind}),
    }
    return render(request, "reviews/annualreview_detail.html", context, status=status)


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def annual_reviews(request, pk):
    """A pupil's EHC plan reviews: each step's due date, owner and state, and the history."""
    return _review_page(request, _pupil(request, pk))


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def annual_review_open(request, pk):
    """Open the next review of the pupil's plan in force."""
    pupil = _pupil(request, pk, to_change=True)
    plan = get_object_or_404(pupil.ehc_plans.in_force())
    form = ReviewOpenForm(request.POST)
    if form.is_valid():
        try:
            open_annual_review(plan=plan, kind=form.cleaned_data["kind"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Review opened.")
            return redirect("reviews:annual_reviews", pk=pupil.pk)
    return _review_page(request, pupil, open_form=form, status=400)


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def annual_review_record(request, pk):
    """Record the dates of the review's steps; the LA's decision completes it."""
    review = get_object_or_404(AnnualReview.objects.writable_by(request.user).open(), pk=pk)
    form = ReviewStepsForm(request.POST, instance=review)
    if form.is_valid():
        review = form.save(commit=False)
        review._change_reason = "Review steps recorded"
        review.record()
        messages.success(request, "Review steps recorded.")
        return redirect("reviews:annual_reviews", pk=review.plan.pupil_id)
    pupil = _pupil(request, review.plan.pupil_id)
    return _review_page(request, pupil, steps_form=form, status=400)


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def ehc_compliance(request):
    """Every pupil with an EHC plan in force: the next step, when it is due, whose it is."""
    today = date.today()
    school_id = request.user.membership.school_id
    transfer_years = TransferYears.for_school(school_id)
    plans = EHCPlan.objects.visible_to(request.user).for_compliance()
    compliance_filter = ComplianceFilter(request.GET, queryset=plans)
    rows = _rows(compliance_filter.qs, today=today, transfer_years=transfer_years)
    # The autumn-term transfer list shows every transfer-year pupil, whatever the filters.
    transfers = [row for row in rows if row.transfer and row.transfer.amended_plan_by >= today]
    transfers.sort(key=lambda row: (row.transfer.recommended_meeting_by, row.plan.pk))
    chosen = compliance_filter.form.cleaned_data if compliance_filter.is_valid() else {}
    if chosen.get("state"):
        rows = [row for row in rows if row.step and row.step.status == chosen["state"]]
    if chosen.get("step"):
        rows = [row for row in rows if row.step and row.step.key == chosen["step"]]
    far = date.max
    rows.sort(key=lambda row: (row.step.due if row.step else far, row.plan.pk))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "reviews/annualreview_list.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "filter": compliance_filter,
            "page": page,
            "query": query.urlencode(),
            "transfers": transfers,
            "transfer_years": sorted(transfer_years),
            "transfer_form": TransferYearsForm(
                initial={"years": ",".join(str(y) for y in sorted(transfer_years))}
            ),
            "tolerance_form": ShortfallToleranceForm(
                initial={"percent": ShortfallTolerance.for_school(school_id)}
            ),
            "today": today,
        },
    )


@require_POST
@permission_required("reviews.manage_annual_reviews", raise_exception=True)
def transfer_years_edit(request):
    """The school's phase-transfer year groups (default Year 6 and Year 11)."""
    school = request.user.membership.school
    setting = TransferYears.objects.filter(school=school).first() or TransferYears(school=school)
    form = TransferYearsForm(request.POST, instance=setting)
    if form.is_valid():
        form.save()
        messages.success(request, "Phase transfer years saved.")
    else:
        messages.error(request, " ".join(form.errors.get("years", ["Check the year groups."])))
    return redirect("reviews:ehc_compliance")


@require_POST
@permission_required("reviews.change_shortfalltolerance", raise_exception=True)
def shortfall_tolerance_edit(request):
    """The school's section F shortfall tolerance; history keeps who changed it and when."""
    school = request.user.membership.school
    setting = ShortfallTolerance.objects.filter(school=school).first() or ShortfallTolerance(
        school=school
    )
    form = ShortfallToleranceForm(request.POST, instance=setting)
    if form.is_valid():
        form.save()
        messages.success(request, f"Section F shortfall tolerance saved: {setting.percent}%.")
    else:
        messages.error(request, " ".join(form.errors.get("percent", ["Check the percentage."])))
    return redirect("reviews:ehc_compliance")


# Calendar feeds ---------------------------------------------------------------------


def _feeds_page(request, *, new_url=None):
    feeds = CalendarFeed.objects.filter(membership=request.user.membership).active()
    return render(request, "reviews/calendarfeed_list.html", {"feeds": feeds, "new_url": new_url})


@require_GET
@permission_required("reviews.view_annualreview", raise_exception=True)
def calendar_feeds(request):
    """Your calendar addresses for EHC review deadlines: make one, or revoke one."""
    return _feeds_page(request)


@require_POST
@permission_required("reviews.view_annualreview", raise_exception=True)
def calendar_feed_create(request):
    """A new secret calendar address, shown once."""
    feed, token = CalendarFeed.issue(request.user.membership)
    url = request.build_absolute_uri(reverse("reviews:calendar_feed_ics", args=[token]))
    return _feeds_page(request, new_url=url)


@require_POST
@permission_required("reviews.view_annualreview", raise_exception=True)
def calendar_feed_revoke(request, pk):
    """Stop a calendar address working, for good."""
    feed = get_object_or_404(
        CalendarFeed.objects.filter(membership=request.user.membership).active(), pk=pk
    )
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    messages.success(request, "That calendar address no longer works.")
    return redirect("reviews:calendar_feeds")


def _ics_text(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """Split a content line into 75-octet pieces, as RFC 5545 section 3.1 asks."""
    pieces, rest = [], line.encode()
    while len(rest) > 75:
        cut = 75 if not pieces else 74
        while rest[cut] & 0xC0 == 0x80:  # never split a UTF-8 character
            cut -= 1
        pieces.append(rest[:cut].decode())
        rest = rest[cut:]
    pieces.append(rest.decode())
    return "\r\n ".join(pieces)


@login_not_required
@require_GET
def calendar_feed_ics(request, token):
    """The deadlines a person's role covers, as a calendar; titles carry no pupil names."""
    feed = get_object_or_404(
        CalendarFeed.objects.active()
        .filter(membership__in=Membership.objects.current())
        .select_related("membership__user"),
        token_hash=CalendarFeed.hash(token),
    )
    membership = feed.membership
    if "reviews.view_annualreview" not in ROLE_PERMISSIONS.get(membership.role, set()):
        raise Http404
    user = membership.user
    user.membership = membership
    today = date.today()
    transfer_years = TransferYears.for_school(membership.school_id)
    plans = EHCPlan.objects.visible_to(user).for_compliance()
    stamp = datetime.now(tz=UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SENDhub//EHC review deadlines//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:EHC review deadlines",
    ]
    for plan in plans:
        review = next_review_for(plan, today=today, transfer_years=transfer_years)
        kind = review.get_kind_display().removesuffix(" review").lower()
        for step in review.steps(today, transfer_years=transfer_years):
            if step.status == "done":
                continue
            summary = f"EHC {kind} review: {CALENDAR_TITLES[step.key]} (ref {review.ref})"
            note = f" ({step.due.note})" if step.due.note else ""
            lines += [
                "BEGIN:VEVENT",
                f"UID:{review.ref}-{step.key}@sendhub",
                f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                f"DTSTART;VALUE=DATE:{step.due:%Y%m%d}",
                f"SUMMARY:{_ics_text(summary)}",
                f"DESCRIPTION:{_ics_text(f'Owner: {step.owner}. Due {step.due:%d/%m/%Y}{note}.')}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
