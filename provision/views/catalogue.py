"""The school's catalogue of interventions (Code of Practice 6.76)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from provision.forms import InterventionForm
from provision.models import Intervention
from provision.services import relink_scores
from provision.starter import STARTER_INTERVENTIONS, add_starter_catalogue


@require_GET
@permission_required("provision.view_intervention", raise_exception=True)
def catalogue(request):
    """Every intervention the school offers, with entry and exit criteria and cost inputs."""
    school = request.user.school
    interventions = Intervention.objects.for_school(school).for_catalogue()
    return render(
        request,
        "provision/intervention_list.html",
        {
            "school": school,
            "interventions": interventions,
            "starter_count": len(STARTER_INTERVENTIONS),
        },
    )


@require_POST
@permission_required("provision.add_intervention", raise_exception=True)
def catalogue_starter(request):
    """Add SENDhub's starter interventions the school does not have yet."""
    added = add_starter_catalogue(request.user.school)
    messages.success(
        request,
        f"{added} starter intervention{'s' if added != 1 else ''} added. Edit them to suit.",
    )
    return redirect("provision:catalogue")


@require_http_methods(["GET", "POST"])
@permission_required("provision.add_intervention", raise_exception=True)
def intervention_create(request):
    """Add an intervention to the school's catalogue."""
    return _intervention_form(request, Intervention())


@require_http_methods(["GET", "POST"])
@permission_required("provision.change_intervention", raise_exception=True)
def intervention_edit(request, pk):
    """Change, or stop offering, one of the school's interventions."""
    intervention = get_object_or_404(Intervention.objects.for_school(request.user.school), pk=pk)
    return _intervention_form(request, intervention)


def _intervention_form(request, intervention):
    school = request.user.school
    data = request.POST if request.method == "POST" else None
    form = InterventionForm(data, instance=intervention, school=school)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            relinked = relink_scores(saved, by=request.user) if form.changes_test else 0
        messages.success(request, f"“{saved.name}” saved in the catalogue.")
        if relinked:
            messages.info(request, _relinked_message(saved, relinked))
        return redirect("provision:catalogue")
    return render(
        request,
        "provision/intervention_form.html",
        {"form": form, "intervention": intervention},
        status=400 if form.is_bound else 200,
    )


def _relinked_message(intervention, relinked):
    places = "1 pupil's scores" if relinked == 1 else f"{relinked} pupils' scores"
    if intervention.uses_assessments:
        return f"{places} in its groups are now results on {intervention.instrument.name}."
    return f"{places} in its groups stay in the groups; they are no longer test results."
