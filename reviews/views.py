"""Support plans, reviews and the strategy library (Code of Practice 6.44-6.56)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from provision.filters import LIBRARY_PAGE_SIZE, StrategyFilter
from provision.models import Strategy
from pupils.codes import SenStage
from pupils.models import Pupil, ReadReceipt
from reviews import services
from reviews.forms import (
    ActivateForm,
    AgreementForm,
    AnswerForm,
    AskViewsForm,
    OwnStrategyForm,
    PlanStrategyFormSet,
    ReviewForm,
    StaffViewForm,
    StrategyPickForm,
    SupportPlanForm,
    save_plan,
    target_formset,
)
from reviews.models import (
    TARGETS_ADVISED,
    ReviewView,
    SupportPlan,
    default_review_date,
    with_plan_unread_by,
)
from sendhub.decorators import permission_required_any
from sendhub.models import AccessLog
from sendhub.pdf import document_context, pdf_response, render_pdf

# A plan is put in place from a draft (after consulting) or once everyone has agreed it.
ACTIVATABLE = (SupportPlan.Status.DRAFT, SupportPlan.Status.AGREED)


def _posted(request):
    """The submitted data on a POST (even when empty, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _plans(request):
    return SupportPlan.objects.visible_to(request.user)


def _writable_plans(request):
    """Plans this person may change: a leaver's plans are archived and read-only."""
    return SupportPlan.objects.writable_by(request.user)


def _plan(request, pk, queryset=None):
    queryset = _plans(request) if queryset is None else queryset
    return get_object_or_404(queryset.select_related("pupil__school", "pupil__form"), pk=pk)


def _warn_about_target_count(request, plan):
    count = plan.targets.count()
    low, high = TARGETS_ADVISED
    if not low <= count <= high:
        messages.warning(
            request,
            f"This plan has {count} target{'s' if count != 1 else ''}. Plans work best with "
            f"{low} or {high} clear targets.",
        )


# Plans ---------------------------------------------------------------------------


@require_GET
@permission_required("reviews.view_supportplan", raise_exception=True)
def pupil_plans(request, pk):
    """Every plan for a pupil, newest cycle first, with the one in force marked."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user).for_summary(), pk=pk)
    plans = pupil.support_plans.for_list().select_related("review")
    plans = list(plans)
    return render(
        request,
        "reviews/plan_list.html",
        {
            "pupil": pupil,
            "plans": plans,
            "has_draft": any(plan.is_draft for plan in plans),
            "current": next((plan for plan in plans if plan.is_current), None),
        },
    )


@require_GET
@permission_required("reviews.view_supportplan", raise_exception=True)
def pupil_panel(request, pk):
    """The plan in force (and any draft) on the pupil's page: status, targets, strategies, review."""
    pupils = with_plan_unread_by(
        Pupil.objects.visible_to(request.user).select_related("school"), request.user
    )
    pupil = get_object_or_404(pupils, pk=pk)
    plans = list(pupil.support_plans.for_pupil_panel())
    template_name = "reviews/pupil_panel.html"
    if request.htmx:
        template_name += "#panel"
    return render(
        request,
        template_name,
        {
            "pupil": pupil,
            "current": next((plan for plan in plans if plan.is_current), None),
            "draft": next((plan for plan in plans if plan.is_draft), None),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_create(request, pk):
    """Draft a pupil's plan: what we know, targets, provision, home targets, review date."""
    pupil = get_object_or_404(Pupil.objects.writable_by(request.user).for_summary(), pk=pk)
    existing = pupil.support_plans.open().first()
    if existing is not None:
        messages.info(
            request,
            "This pupil already has a plan in progress. Change the draft, or start a revision "
            "of the plan in force.",
        )
        return redirect(existing)
    today = date.today()
    form = SupportPlanForm(
        _posted(request),
        initial={"review_due_on": default_review_date(pupil.school, today)},
        school=pupil.school,
        today=today,
    )
    targets = target_formset(_posted(request), instance=SupportPlan(), pupil=pupil, blank_rows=3)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        plan = save_plan(form, targets, pupil=pupil, by=request.user)
        messages.success(request, "Draft plan saved. Now choose strategies for class teachers.")
        _warn_about_target_count(request, plan)
        return redirect("reviews:plan_strategies", pk=plan.pk)
    return render(
        request,
        "reviews/plan_form.html",
        {"pupil": pupil, "form": form, "targets": targets, "plan": None},
    )


@require_GET
@permission_required("reviews.view_supportplan", raise_exception=True)
def plan_detail(request, pk):
    """One version of a plan: targets, strategies, agreement, views and its review."""
    plan = get_object_or_404(_plans(request).for_detail(), pk=pk)
    pupil = plan.pupil
    AccessLog.record(request, pupil=pupil, what="support plan")
    if plan.is_current:
        ReadReceipt.mark_seen(
            user=request.user, pupil=pupil, document=ReadReceipt.Document.PLAN, version=plan.pk
        )
    review = getattr(plan, "review", None)
    to_agree = plan.parties_yet_to_agree()
    return render(
        request,
        "reviews/plan_detail.html",
        {
            "plan": plan,
            "pupil": pupil,
            "responses": plan.responses_by_party(),
            "not_agreed": services.not_agreed_message(plan) if plan.is_draft else "",
            "agreement_form": AgreementForm(parties=to_agree) if to_agree else None,
            "activate_form": ActivateForm() if plan.is_ready_to_put_in_place() else None,
            "views": plan.views_by_party(),
            "review": review,
            "next_plan": plan.next_cycle_plan() if review else None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_edit(request, pk):
    """Change a draft. Agreed plans are never edited: start a revision instead."""
    plan = _plan(request, pk, _writable_plans(request).drafts())
    form = SupportPlanForm(_posted(request), instance=plan, school=plan.pupil.school)
    targets = target_formset(_posted(request), instance=plan, pupil=plan.pupil, blank_rows=1)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        withdrawn = services.save_draft(plan_form=form, targets=targets, by=request.user)
        _warn_agreements_withdrawn(request, withdrawn)
        messages.success(request, "Draft plan saved.")
        _warn_about_target_count(request, plan)
        return redirect(plan)
    return render(
        request,
        "reviews/plan_form.html",
        {"pupil": plan.pupil, "form": form, "targets": targets, "plan": plan},
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_strategies(request, pk):
    """A draft's strategies for class teachers: edit them, or pick more from the library."""
    plan = _plan(request, pk, _writable_plans(request).drafts())
    school = plan.pupil.school
    library = StrategyFilter(
        request.GET,
        queryset=Strategy.objects.available_to(school)
        .exclude(pk__in=plan.strategies.exclude(strategy=None).values("strategy_id"))
        .select_related("school"),
        school=school,
    )
    context = {"plan": plan, "pupil": plan.pupil, "library": library, "school": school,
               "strategies": library.qs[:LIBRARY_PAGE_SIZE]}  # fmt: skip
    if request.htmx:
        return render(request, "reviews/plan_strategies.html#library", context)
    chosen = PlanStrategyFormSet(
        request.POST if request.POST.get("action") == "save" else None,
        instance=plan,
        prefix="chosen",
    )
    own = OwnStrategyForm(request.POST if request.POST.get("action") == "own" else None)
    if request.method == "POST":
        if chosen.is_bound and chosen.is_valid():
            withdrawn = services.save_draft_strategies(plan=plan, formset=chosen)
            _warn_agreements_withdrawn(request, withdrawn)
            messages.success(request, "Strategies saved.")
            return redirect(plan)
        if own.is_bound and own.is_valid():
            withdrawn = services.add_draft_strategy(plan=plan, text=own.cleaned_data["text"])
            _warn_agreements_withdrawn(request, withdrawn)
            messages.success(request, "Strategy added.")
            return redirect("reviews:plan_strategies", pk=plan.pk)
    return render(request, "reviews/plan_strategies.html", context | {"chosen": chosen, "own": own})


@require_POST
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_strategy_add(request, pk):
    """Add a library strategy to a draft; its wording can then be edited for this pupil."""
    plan = _plan(request, pk, _writable_plans(request).drafts())
    form = StrategyPickForm(request.POST, school=plan.pupil.school)
    url = reverse("reviews:plan_strategies", args=[plan.pk])
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["strategy"]))
        return redirect(url)
    strategy = form.cleaned_data["strategy"]
    withdrawn = services.add_draft_strategy(plan=plan, text=strategy.text, strategy=strategy)
    _warn_agreements_withdrawn(request, withdrawn)
    messages.success(request, f"Added “{strategy.title}”.")
    query = request.POST.get("query", "")
    return redirect(f"{url}?{query}#library" if query else f"{url}#chosen")


@require_POST
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_agree(request, pk):
    """Record the teacher's or SENCO's agreement, or the parent's or pupil's response."""
    plan = _plan(request, pk, _writable_plans(request).drafts())
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.record_agreement(
                plan=plan, party=form.cleaned_data["party"], by=request.user,
                method=form.cleaned_data["method"], on=form.cleaned_data["agreed_on"],
                response=form.cleaned_data["response"], text=form.cleaned_data["text"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            plan.refresh_from_db(fields=["status"])
            if plan.status == SupportPlan.Status.AGREED:
                messages.success(request, "Everyone has agreed: the plan is agreed.")
            else:
                messages.success(request, "Response recorded.")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(plan)


@require_POST
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_answer(request, pk):
    """Answer the question a parent or pupil asked about the plan."""
    plan = _plan(request, pk, _writable_plans(request).open())
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_question(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Answer recorded.")
    else:
        messages.error(request, "Write the answer.")
    return redirect(plan)


@require_POST
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_activate(request, pk):
    """Put a plan in place from today, after consulting; without everyone's agreement, say why."""
    plan = _plan(request, pk, _writable_plans(request).filter(status__in=ACTIVATABLE))
    form = ActivateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.activate_plan(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The plan is in place.")
    return redirect(plan)


@require_POST
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_revise(request, pk):
    """Start a revision: a new draft version; the agreed version stays as it was."""
    plan = _plan(request, pk, _writable_plans(request).current())
    try:
        revision = services.revise_plan(plan=plan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(plan)
    messages.success(request, f"Version {revision.version} started as a draft.")
    return redirect(revision)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.contribute_views", raise_exception=True)
def plan_views(request, pk):
    """Views for the review: ask for them in advance, then record them as they come in."""
    plan = _plan(request, pk, _writable_plans(request).open())
    can_ask = request.user.has_perm("reviews.manage_plans")
    action = request.POST.get("action")
    ask = AskViewsForm(request.POST if action == "ask" else None) if can_ask else None
    record = StaffViewForm(request.POST if action == "record" else None)
    if ask is not None and ask.is_bound and ask.is_valid():
        services.ask_for_views(plan=plan, parties=ask.cleaned_data["parties"])
        messages.success(request, "Recorded who was asked for their views.")
        return redirect("reviews:plan_views", pk=plan.pk)
    if record.is_bound and record.is_valid():
        services.record_view(plan=plan, by=request.user, **record.cleaned_data)
        messages.success(request, "Views recorded.")
        return redirect("reviews:plan_views", pk=plan.pk)
    gathered = {view.party: view for view in plan.views.select_related("given_by")}
    return render(
        request,
        "reviews/plan_views.html",
        {
            "plan": plan,
            "pupil": plan.pupil,
            "ask": ask,
            "record": record,
            "views": [(label, gathered.get(party)) for party, label in ReviewView.Party.choices],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_plans", raise_exception=True)
def plan_review(request, pk):
    """Record the review: progress per target, the decision; the next cycle opens from it."""
    plan = _plan(request, pk, _writable_plans(request).active())
    targets = plan.targets.order_by("order", "pk")
    form = ReviewForm(_posted(request), targets=targets, initial={"held_on": date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            following = services.close_review(
                plan=plan,
                held_on=form.cleaned_data["held_on"],
                decision=form.cleaned_data["decision"],
                summary=form.cleaned_data["summary"],
                progress=form.progress(),
                recorded_by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if following is None and plan.pupil.sen_stage == SenStage.EHCP:
                messages.success(
                    request,
                    "Review recorded. No further support plan cycle opens; the pupil keeps "
                    "the EHC plan (E) until the local authority ceases it.",
                )
                return redirect(plan)
            if following is None:
                messages.success(request, "Review recorded. The pupil has left SEN support.")
                return redirect(plan)
            messages.success(
                request, "Review recorded. The next cycle's plan is ready as a draft to check."
            )
            return redirect(following)
    views = plan.views.select_related("given_by").filter(received_on__isnull=False)
    return render(
        request,
        "reviews/plan_review.html",
        {"plan": plan, "pupil": plan.pupil, "form": form, "views": views},
    )


def _warn_agreements_withdrawn(request, withdrawn):
    if withdrawn:
        messages.warning(
            request,
            f"The draft changed, so the agreement of {', '.join(withdrawn)} was cleared. "
            "Ask again, so that everyone agrees the same wording.",
        )


# The plan and its review record as PDFs, from the same template bodies as the pages.


@require_GET
@permission_required_any("reviews.view_supportplan", "reviews.take_part_as_parent")
def plan_pdf(request, pk):
    """One version of a support plan as a PDF, for staff and the pupil's own parents."""
    plan = get_object_or_404(SupportPlan.objects.visible_to(request.user).for_detail(), pk=pk)
    pupil = plan.pupil
    staff = request.user.has_perm("reviews.view_supportplan")
    if staff:
        AccessLog.record(request, pupil=pupil, what="support plan (PDF)")
    title = f"{pupil.full_name}: {pupil.school.plan_label}"
    context = document_context(pupil, title, plan=plan, for_parent=not staff, **review_record(plan))
    pdf = render_pdf("reviews/pdf/plan.html", context, request=request)
    return pdf_response(
        pdf, filename=f"plan-{slugify(pupil.full_name)}-{plan.cycle}-{plan.version}"
    )


def review_record(plan):
    """What reviews/includes/_review_record.html needs beside the plan; no review, no record."""
    review = getattr(plan, "review", None)
    if review is None:
        return {"review": None}
    return {"review": review, "views": plan.views_by_party(), "next_plan": plan.next_cycle_plan()}


def review_context(plan):
    """The review record's context; `plan` comes from SupportPlan.objects.for_review_record()."""
    pupil = plan.pupil
    return document_context(
        pupil,
        f"{pupil.full_name}: review of the {pupil.school.plan_label}",
        plan=plan,
        **review_record(plan),
    )


@require_GET
@permission_required_any("reviews.view_supportplan", "reviews.take_part_as_parent")
def review_pdf(request, pk):
    """The record of a plan's review as a PDF; a plan not yet reviewed has none (404)."""
    plan = get_object_or_404(
        SupportPlan.objects.visible_to(request.user).for_review_record(), pk=pk
    )
    pupil = plan.pupil
    if request.user.has_perm("reviews.view_supportplan"):
        AccessLog.record(request, pupil=pupil, what="review record (PDF)")
    pdf = render_pdf("reviews/pdf/review.html", review_context(plan), request=request)
    return pdf_response(
        pdf, filename=f"review-{slugify(pupil.full_name)}-{plan.cycle}-{plan.version}"
    )
