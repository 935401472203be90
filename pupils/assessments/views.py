"""
Assessments, instruments, specialist services and referrals.

Everyone with the full SEN file reads these pages; only the SENCO adds to them. Each
page is a GET view, and each addition a POST view of its own with its own permission.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.assessments.forms import AssessmentResultForm, InstrumentForm, ReferralForm, ServiceForm
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    Pupil,
    Referral,
    SpecialistService,
    sees_whole_restricted_tier,
)
from sendhub.models import AccessLog


def _pupil(request, pk):
    return get_object_or_404(Pupil.objects.visible_to(request.user).select_related("form"), pk=pk)


def _pupil_to_change(request, pk):
    """A pupil whose file may change: a leaver's is archived and read-only (404)."""
    pupils = Pupil.objects.writable_by(request.user).select_related("form")
    return get_object_or_404(pupils, pk=pk)


def _render_with_form(request, template_name, context, form):
    """The page again with the form's errors (400), or fresh (200)."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template_name, context | {"form": form}, status=status)


# Assessment results ----------------------------------------------------------------


def _assessments_page(request, pupil, form):
    results = list(AssessmentResult.objects.filter(pupil=pupil).for_profile())
    for result in results:
        result.pupil = pupil
    return _render_with_form(
        request, "pupils/assessment_list.html", {"pupil": pupil, "results": results}, form
    )


def _assessment_form(pupil, data=None):
    return AssessmentResultForm(data, school=pupil.school, instance=AssessmentResult(pupil=pupil))


@require_GET
@permission_required("pupils.view_full_file", raise_exception=True)
def pupil_assessments(request, pk):
    """A pupil's assessment results (full SEN file); the SENCO also sees the form to add one."""
    pupil = _pupil(request, pk)
    can_add = request.user.has_perm("pupils.triage_concerns") and not pupil.has_left
    return _assessments_page(request, pupil, _assessment_form(pupil) if can_add else None)


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def assessment_add(request, pk):
    """Record an assessment result, linked to the pupil's open concern if there is one."""
    pupil = _pupil_to_change(request, pk)
    form = _assessment_form(pupil, request.POST)
    if not form.is_valid():
        return _assessments_page(request, pupil, form)
    result = form.save(commit=False)
    result.recorded_by = request.user
    result.concern = pupil.concerns.needing_triage().order_by("-raised_at").first()
    result.save()
    messages.success(request, f"{result.instrument} result saved.")
    if result.age_warning:
        messages.warning(request, result.age_warning)
    return redirect("pupils:assessments", pk=pupil.pk)


@require_http_methods(["GET", "POST"])
@permission_required("pupils.triage_concerns", raise_exception=True)
def instrument_list(request):
    """The school's list of screening and diagnostic instruments."""
    school = request.user.school
    form = InstrumentForm(request.POST or None, instance=AssessmentInstrument(school=school))
    if form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.name} added.")
        return redirect("pupils:instruments")
    instruments = AssessmentInstrument.objects.filter(school=school)
    return _render_with_form(
        request, "pupils/instrument_list.html", {"instruments": instruments}, form
    )


# Specialist services ---------------------------------------------------------------


def _services_page(request, form):
    services = SpecialistService.objects.filter(school=request.user.school)
    return _render_with_form(request, "pupils/service_list.html", {"services": services}, form)


def _service_form(request, data=None):
    return ServiceForm(data, instance=SpecialistService(school=request.user.school))


@require_GET
@permission_required("pupils.view_full_file", raise_exception=True)
def service_list(request):
    """The directory of outside services and their contacts; the SENCO keeps it."""
    can_add = request.user.has_perm("pupils.triage_concerns")
    return _services_page(request, _service_form(request) if can_add else None)


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def service_add(request):
    form = _service_form(request, request.POST)
    if not form.is_valid():
        return _services_page(request, form)
    form.save()
    messages.success(request, f"{form.instance.name} added.")
    return redirect("pupils:services")


# Referrals --------------------------------------------------------------------------


def _referrals_page(request, pupil, form):
    referrals = Referral.objects.filter(pupil=pupil).select_related("service", "requested_by")
    context = {
        "pupil": pupil,
        "referrals": referrals,
        "show_restricted": sees_whole_restricted_tier(request.user),
    }
    return _render_with_form(request, "pupils/referral_list.html", context, form)


def _referral_form(request, pupil, data=None, files=None):
    return ReferralForm(
        data,
        files,
        school=pupil.school,
        instance=Referral(pupil=pupil, requested_by=request.user),
    )


@require_GET
@permission_required("pupils.view_full_file", raise_exception=True)
def pupil_referrals(request, pk):
    """A pupil's referrals with waiting times; the SENCO also sees the form to add one."""
    pupil = _pupil(request, pk)
    can_add = request.user.has_perm("pupils.triage_concerns") and not pupil.has_left
    return _referrals_page(request, pupil, _referral_form(request, pupil) if can_add else None)


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def referral_add(request, pk):
    pupil = _pupil_to_change(request, pk)
    form = _referral_form(request, pupil, request.POST, request.FILES)
    if not form.is_valid():
        return _referrals_page(request, pupil, form)
    form.save()
    messages.success(request, "Referral saved.")
    return redirect("pupils:referrals", pk=pupil.pk)


@require_http_methods(["GET", "POST"])
@permission_required("pupils.triage_concerns", raise_exception=True)
def referral_edit(request, pk):
    """Record when the pupil was seen and the report arrived; attach the report."""
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user)
        .filter(pupil__in=Pupil.objects.not_archived())
        .select_related("pupil__form", "service"),
        pk=pk,
    )
    form = ReferralForm(
        request.POST or None, request.FILES or None, school=referral.pupil.school, instance=referral
    )
    if form.is_valid():
        form.save()
        messages.success(request, "Referral updated.")
        return redirect("pupils:referrals", pk=referral.pupil_id)
    return _render_with_form(
        request, "pupils/referral_form.html", {"referral": referral, "pupil": referral.pupil}, form
    )


@require_GET
@permission_required("pupils.view_restricted", raise_exception=True)
def referral_report(request, pk):
    """The specialist's report: restricted tier, and every opening is logged."""
    referral = get_object_or_404(
        Referral.objects.restricted_visible_to(request.user).select_related("pupil"), pk=pk
    )
    if not referral.report:
        raise Http404("No report attached.")
    AccessLog.record(request, pupil=referral.pupil, what="specialist report")
    name = referral.report.name.rsplit("/", 1)[-1]
    return FileResponse(referral.report.open("rb"), as_attachment=True, filename=name)
