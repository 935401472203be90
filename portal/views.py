"""The parent portal: a parent sees only their own child (see docs/access.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.plans import plans_for_parent
from portal.provision import provision_for_parent
from pupils.identification.forms import ParentConcernForm
from pupils.identification.workflow import notify_sencos
from pupils.models import Concern, Pupil
from reviews import services
from reviews.forms import ParentResponseForm, ParentViewForm
from reviews.models import PlanAgreement, ReviewView, SupportPlan


@require_GET
@permission_required("pupils.view_own_child", raise_exception=True)
def child(request, pk):
    """Everything about one of my children: passport, plan and targets, reviews, meetings."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user).for_portal(), pk=pk)
    # A missing one-to-one raises an error that is also an AttributeError.
    passport = getattr(pupil, "passport", None)
    profile = getattr(pupil, "one_page_profile", None)
    if passport is not None:
        passport.pupil = pupil
    return render(
        request,
        "portal/child.html",
        {
            "pupil": pupil,
            "passport": passport,
            "version": passport.current if passport else None,
            "profile": profile,
            **plans_for_parent(pupil),
            **provision_for_parent(pupil),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.raise_concern_as_parent", raise_exception=True)
def concern_raise(request, pk):
    """A parent tells the school about a worry about one of their own children."""
    pupil = get_object_or_404(Pupil.objects.writable_by(request.user), pk=pk)
    form = ParentConcernForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        concern = form.save(pupil=pupil, parent=request.user)
        transaction.on_commit(lambda: notify_sencos(concern, request=request))
        messages.success(
            request,
            "Thank you. We have sent this to the SENCO, who will look at it. "
            "You can see how it is going on this page.",
        )
        return redirect("portal:concerns")
    return render(
        request,
        "portal/concern_form.html",
        {"pupil": pupil, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required("pupils.raise_concern_as_parent", raise_exception=True)
def concerns(request):
    """The worries this parent shared, each with a plain status and no staff notes."""
    return render(
        request,
        "portal/concern_list.html",
        {
            "concerns": Concern.objects.raised_as_parent_by(request.user),
            "children": Pupil.objects.visible_to(request.user).order_by("first_name", "pk"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("reviews.take_part_as_parent", raise_exception=True)
def plan_respond(request, pk):
    """
    A parent reads the proposed plan in plain words and agrees, disagrees (saying why) or
    asks a question (Code of Practice 6.48). Once they agree, the page is gone.
    """
    plan = get_object_or_404(
        SupportPlan.objects.writable_by(request.user)
        .awaiting_parent_agreement()
        .select_related("pupil__school")
        .prefetch_related("targets", "strategies"),
        pk=pk,
    )
    mine = PlanAgreement.objects.filter(plan=plan, party=PlanAgreement.Party.PARENT).first()
    form = ParentResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_agreement(
                plan=plan, party=PlanAgreement.Party.PARENT, by=request.user,
                method="On the parent portal", **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, THANKS[form.cleaned_data["response"]])
        return redirect("portal:child", pk=plan.pupil_id)
    return render(
        request,
        "portal/plan_respond.html",
        {"plan": plan, "pupil": plan.pupil, "form": form, "mine": mine},
        status=400 if form.errors else 200,
    )


THANKS = {
    PlanAgreement.Response.AGREE: "Thank you. We have recorded that you agree the plan.",
    PlanAgreement.Response.DISAGREE: "Thank you. We have recorded that you do not agree, and "
    "why. The SENCO will contact you to talk about it.",
    PlanAgreement.Response.QUESTION: "Thank you. The SENCO will answer your question; you "
    "will see the answer on this page.",
}


@require_http_methods(["GET", "POST"])
@permission_required("reviews.take_part_as_parent", raise_exception=True)
def plan_views(request, pk):
    """A parent tells the school what they think before the review ("My parents think")."""
    plan = get_object_or_404(
        SupportPlan.objects.writable_by(request.user).open().select_related("pupil"), pk=pk
    )
    mine = ReviewView.objects.filter(plan=plan, party=ReviewView.Party.PARENT).first()
    form = ParentViewForm(
        request.POST if request.method == "POST" else None,
        initial={"text": mine.text if mine else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.record_view(
            plan=plan, party=ReviewView.Party.PARENT, text=form.cleaned_data["text"],
            method="Parent portal", by=request.user,
        )  # fmt: skip
        messages.success(request, "Thank you. The school will read your views before the review.")
        return redirect("portal:child", pk=plan.pupil_id)
    return render(
        request,
        "portal/plan_views.html",
        {"plan": plan, "pupil": plan.pupil, "form": form, "mine": mine},
    )
