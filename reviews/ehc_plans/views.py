"""The EHC plan page: the local authority's plan as recorded, and recording its issue or end."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from pupils.models import Pupil
from reviews.ehc_plans.forms import PlanCeasedForm, PlanIssuedForm
from reviews.ehc_plans.sections import plan_sections
from reviews.ehc_plans.services import record_plan_ceased, record_plan_issued
from reviews.models import EHCPlan


def _pupil(request, pk, *, to_change=False):
    pupils = Pupil.objects.writable_by if to_change else Pupil.objects.visible_to
    return get_object_or_404(pupils(request.user).for_summary(), pk=pk)


def _page(request, pupil, *, issued_form=None, ceased_form=None, status=200):
    plans = list(pupil.ehc_plans.for_page())
    in_force = next((plan for plan in plans if plan.is_in_force), None)
    sections = None
    if in_force:
        in_force.pupil = pupil
        sections = plan_sections(in_force, date.today())
    requests = list(pupil.needs_assessment_requests.for_list())
    for row in requests:
        row.next = row.next_step(date.today())
    context = {
        "requests": requests,
        "sections": sections,
        "pupil": pupil,
        "plans": plans,
        "in_force": in_force,
        "issued_form": issued_form or PlanIssuedForm(pupil=pupil),
        "ceased_form": ceased_form or PlanCeasedForm(),
    }
    return render(request, "reviews/ehcplan_detail.html", context, status=status)


def _add_errors(form, error):
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@require_GET
@permission_required("reviews.view_ehcplan", raise_exception=True)
def ehc_plan(request, pk):
    """A pupil's EHC plans as the local authority issued and ceased them."""
    return _page(request, _pupil(request, pk))


@require_POST
@permission_required("reviews.record_ehc_plan", raise_exception=True)
def ehc_plan_issue(request, pk):
    """Record that the local authority issued a plan: the pupil goes onto E."""
    pupil = _pupil(request, pk, to_change=True)
    form = PlanIssuedForm(request.POST, pupil=pupil)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_plan_issued(
                pupil=pupil,
                issued_on=data["issued_on"],
                local_authority=data["local_authority"],
                needs=data["needs"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"EHC plan recorded: {pupil.full_name} is on E.")
            return redirect("reviews:ehc_plan", pk=pupil.pk)
    return _page(request, pupil, issued_form=form, status=400)


@require_POST
@permission_required("reviews.record_ehc_plan", raise_exception=True)
def ehc_plan_cease(request, pk):
    """Record that the local authority ceased the plan: the pupil leaves E for K or N."""
    plans = EHCPlan.objects.writable_by(request.user).in_force().select_related("pupil")
    plan = get_object_or_404(plans, pk=pk)
    form = PlanCeasedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_plan_ceased(
                plan=plan,
                ceased_on=data["ceased_on"],
                reason=data["reason"],
                stage=data["stage"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The plan is recorded as ceased.")
            return redirect("reviews:ehc_plan", pk=plan.pupil_id)
    pupil = _pupil(request, plan.pupil_id)
    return _page(request, pupil, ceased_form=form, status=400)
