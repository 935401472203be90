"""The strategy library: the starter set and each school's own strategies."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from provision.filters import LIBRARY_PAGE_SIZE, StrategyFilter
from provision.forms import StrategyForm
from provision.models import Strategy

# Strategy library -----------------------------------------------------------------


@require_GET
@permission_required("provision.view_strategy", raise_exception=True)
def strategy_list(request):
    """The strategy library: the starter set and the school's own, by area and layer."""
    school = request.user.school
    library = StrategyFilter(
        request.GET,
        queryset=Strategy.objects.available_to(school).select_related("school"),
        school=school,
    )
    template_name = "provision/strategy_list.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {"library": library, "school": school, "strategies": library.qs[: LIBRARY_PAGE_SIZE * 2]},
    )


@require_http_methods(["GET", "POST"])
@permission_required("provision.add_strategy", raise_exception=True)
def strategy_create(request):
    """Add one of the school's own strategies to the library."""
    form = StrategyForm(
        request.POST if request.method == "POST" else None, school=request.user.school
    )
    if request.method == "POST" and form.is_valid():
        strategy = form.save(commit=False)
        strategy.school = request.user.school
        strategy.created_by = request.user
        strategy.save()
        messages.success(request, f"“{strategy.title}” added to the library.")
        return redirect("provision:strategy_list")
    return render(request, "provision/strategy_form.html", {"form": form})
