"""Provision maps (Code of Practice 6.76): the school's costed map, a class's, a pupil's."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from provision.exports import map_rows, xlsx_response
from provision.filters import ProvisionMapFilter
from provision.forms import CostSettingsForm, NotionalBudgetFormSet
from provision.maps import (
    SECTIONS,
    Period,
    classes_for_map,
    map_totals,
    provision_map,
    school_costs,
)
from provision.models import CostSettings, GroupMember
from pupils.models import Pupil
from pupils.register.exports import record_download
from sendhub.pdf import pdf_response, render_pdf

MAP_TEMPLATE = "provision/map.html"
# What the school map and its exports show of each place: a large school's map has a row
# per place, and loading only these columns saves about a quarter of its Python time.
SCHOOL_MAP_FIELDS = [
    "group_id", "pupil_id", "joined_on", "left_on",
    "pupil__upn", "pupil__first_name", "pupil__last_name", "pupil__year_group",
    "pupil__sen_stage", "pupil__form__name",
    "group__name", "group__intervention__name", "group__intervention__areas",
    "group__intervention__layer", "group__intervention__sessions_per_week",
    "group__intervention__minutes_per_session",
]  # fmt: skip


def _school_map(request):
    """The filtered, costed whole-school map the page and its exports share."""
    school = request.user.school
    period = Period.from_key(request.GET.get("period"))
    places = (
        GroupMember.objects.visible_to(request.user)
        .for_map(*period.first_last)
        .only(*SCHOOL_MAP_FIELDS)
    )
    filters = ProvisionMapFilter(request.GET, queryset=places, school=school)
    costs = school_costs(school, period)
    by = request.GET.get("by") if request.GET.get("by") in SECTIONS else ""
    sections = provision_map(filters.qs, by=by, school=school, costs=costs)
    return {
        "school": school,
        "period": period,
        "periods": Period.choices(),
        "by": by,
        "section_choices": SECTIONS,
        "filters": filters,
        "costs": costs,
        "sections": sections,
        "totals": map_totals(sections),
        "costed": True,
    }


@require_GET
@permission_required("provision.view_costs", raise_exception=True)
def map_school(request):
    """The whole school's costed provision map, by year, class, need, layer or stage."""
    template_name = MAP_TEMPLATE
    if request.htmx:
        template_name += "#map"
    return render(request, template_name, _school_map(request))


@require_GET
@permission_required("provision.view_costs", raise_exception=True)
def map_xlsx(request):
    """The map on screen, with the same filters, as a spreadsheet."""
    context = _school_map(request)
    rows = list(map_rows(context["sections"], costed=True))
    record_download(request, what="Provision map XLSX", rows=context["totals"]["pupils"])
    stem = f"provision-map-{context['school'].urn}-{context['period'].key}"
    return xlsx_response(rows, filename_stem=stem)


@require_GET
@permission_required("provision.view_costs", raise_exception=True)
def map_pdf(request):
    """The map on screen, with the same filters, as an A4 landscape document."""
    context = _school_map(request)
    record_download(request, what="Provision map PDF", rows=context["totals"]["pupils"])
    context |= {"document_title": "Provision map", "printed_on": date.today()}
    pdf = render_pdf("provision/pdf/map.html", context, request=request)
    return pdf_response(pdf, filename=f"provision-map-{context['period'].key}")


def _class_map(request, pk):
    teaching_group = get_object_or_404(classes_for_map(request.user), pk=pk)
    period = Period.from_key(request.GET.get("period"))
    places = (
        GroupMember.objects.visible_to(request.user)
        .filter(pupil__teaching_groups=teaching_group)
        .for_map(*period.first_last)
    )
    sections = provision_map(places, school=teaching_group.school, title=teaching_group.name)
    return {
        "school": teaching_group.school,
        "teaching_group": teaching_group,
        "period": period,
        "periods": Period.choices(),
        "sections": sections,
        "totals": map_totals(sections),
        "costed": False,
    }


@require_GET
@permission_required("provision.view_provision_map", raise_exception=True)
def map_class(request, pk):
    """A class's provision map: what its teacher needs to know, without costs."""
    template_name = "provision/map_class.html"
    if request.htmx:
        template_name += "#map"
    return render(request, template_name, _class_map(request, pk))


@require_GET
@permission_required("provision.view_provision_map", raise_exception=True)
def map_class_pdf(request, pk):
    context = _class_map(request, pk)
    context |= {
        "document_title": f"Provision map: {context['teaching_group'].name}",
        "printed_on": date.today(),
    }
    pdf = render_pdf("provision/pdf/map.html", context, request=request)
    return pdf_response(pdf, filename=f"provision-map-{context['period'].key}")


def _pupil_map(request, pk, *, costed):
    pupil = get_object_or_404(
        Pupil.objects.visible_to(request.user).select_related("school", "form"), pk=pk
    )
    period = Period.from_key(request.GET.get("period"))
    places = GroupMember.objects.visible_to(request.user).filter(pupil=pupil)
    costs = school_costs(pupil.school, period) if costed else None
    sections = provision_map(
        places.for_map(*period.first_last), school=pupil.school, costs=costs, title=pupil.full_name
    )
    total = costs.pupil_totals.get(pupil.pk, 0) if costed else None
    return {
        "pupil": pupil,
        "school": pupil.school,
        "period": period,
        "periods": Period.choices(),
        "sections": sections,
        "totals": map_totals(sections),
        "costs": costs,
        "costed": costed,
        "above_threshold": max(total - costs.threshold, 0) if costed else None,
        "needs": pupil.needs.all(),
    }


@require_GET
@permission_required("provision.view_provision_map", raise_exception=True)
def map_pupil(request, pk):
    """A pupil's provision this year, planned against delivered, without costs."""
    return render(request, "provision/map_pupil.html", _pupil_map(request, pk, costed=False))


@require_GET
@permission_required("provision.view_costs", raise_exception=True)
def map_pupil_costed(request, pk):
    """A pupil's costed provision map: the shape a local authority asks for with an EHC needs
    assessment request or a top-up application."""
    return render(request, "provision/map_pupil.html", _pupil_map(request, pk, costed=True))


@require_GET
@permission_required("provision.view_costs", raise_exception=True)
def map_pupil_pdf(request, pk):
    context = _pupil_map(request, pk, costed=True)
    context |= {"document_title": "Costed provision map", "printed_on": date.today()}
    pdf = render_pdf("provision/pdf/map_pupil.html", context, request=request)
    return pdf_response(pdf, filename=f"costed-provision-map-{context['period'].key}")


@require_http_methods(["GET", "POST"])
@permission_required("provision.change_costsettings", raise_exception=True)
@transaction.atomic
def cost_settings(request):
    """What each kind of adult costs an hour, the element 2 threshold, the notional budgets."""
    school = request.user.school
    data = request.POST if request.method == "POST" else None
    current = CostSettings.for_school(school)
    rates = current.hourly_costs
    form = CostSettingsForm(data, instance=current)
    budgets = NotionalBudgetFormSet(data, instance=school, prefix="budgets")
    if request.method == "POST" and form.is_valid() and budgets.is_valid():
        form.save()
        budgets.save()
        messages.success(request, "Cost settings saved.")
        return redirect("provision:cost_settings")
    return render(
        request,
        "provision/cost_settings_form.html",
        {"form": form, "budgets": budgets, "rates": rates},
        status=400 if form.is_bound else 200,
    )
