from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pupils import codes
from pupils.history import change_history
from pupils.models import (
    Concern,
    MedicalCondition,
    Pupil,
    RecentPupil,
    sees_whole_restricted_tier,
)
from pupils.register import census as census_module
from pupils.register import exports
from pupils.register.context_forms import (
    ContextFlagsForm,
    medical_conditions_formset,
    save_context_and_flags,
)
from pupils.register.filters import RegisterFilter
from pupils.register.forms import ParentInformedForm, RegisterChangeForm
from pupils.register.services import record_register_change
from sendhub.decorators import permission_required_any
from sendhub.models import AccessLog

REGISTER_PAGE_SIZE = 50
PK_MARK = 987654321  # stands for a pupil's pk in a reversed URL (_set_profile_urls)
# The profile shows the latest few assessment results; the assessments page has them all.
PROFILE_RESULTS = 5


def _filtered_register(request):
    scoped = Pupil.objects.visible_to(request.user)
    return RegisterFilter(request.GET, queryset=scoped, school=request.user.school)


@require_GET
@permission_required("pupils.view_register", raise_exception=True)
def register(request):
    """The SEN register: filter, search, sort and page; htmx swaps just the results."""
    register_filter = _filtered_register(request)
    pupils = register_filter.qs
    page = Paginator(pupils.for_register(), REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    _set_profile_urls(page)
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "pupils/register.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "filter": register_filter,
            "page": page,
            "headline": pupils.register_summary(
                roll=Pupil.objects.visible_to(request.user).on_roll().count()
            ),
            "query": query.urlencode(),
            "sort": request.GET.get("sort") or "name",
        },
    )


def _set_profile_urls(pupils):
    """
    Each row's profile link from one reverse(): a reverse() per row (i18n and URL resolver
    lookups) was about a tenth of the register's time. Same URL as Pupil.get_absolute_url.
    """
    head, _, tail = reverse("pupils:detail", args=[PK_MARK]).rpartition(str(PK_MARK))
    for pupil in pupils:
        pupil.profile_url = f"{head}{pupil.pk}{tail}"


@require_GET
@permission_required("pupils.export_register", raise_exception=True)
def register_export(request, file_format):
    """Exactly the pupils the register shows with the same filters, as CSV or XLSX."""
    if file_format not in exports.FORMATS:
        raise Http404("Unknown export format.")
    pupils = _filtered_register(request).qs.for_register()
    response, count = exports.register_response(pupils, file_format, school=request.user.school)
    exports.record_download(
        request, what=f"SEN register export ({file_format.upper()})", rows=count
    )
    return response


@require_GET
@permission_required_any(
    "pupils.view_full_file", "pupils.view_sen_summary", "pupils.view_own_child"
)
def pupil_detail(request, pk):
    """The pupil's SEN profile: the full file for the SEN team, the summary for others."""
    user = request.user
    if user.has_perm("pupils.view_full_file"):
        pupils = Pupil.objects.visible_to(user).for_profile().with_passport_state_for(user)
        pupil = get_object_or_404(pupils, pk=pk)
        AccessLog.record(request, pupil=pupil, what="full SEN file")
        results = list(pupil.assessments.for_profile()[: PROFILE_RESULTS + 1])
        for result in results:
            result.pupil = pupil  # the age warning reads the pupil's date of birth
        template_name = "pupils/pupil_detail.html"
        context = {
            "timeline": pupil.register_entries.for_timeline(),
            "show_restricted": sees_whole_restricted_tier(user),
            "medical_conditions": MedicalCondition.objects.restricted_visible_to(user)
            .current()
            .filter(pupil=pupil),
            "results": results[:PROFILE_RESULTS],
            "more_results": len(results) > PROFILE_RESULTS,
        }
    else:
        pupils = Pupil.objects.visible_to(user).for_summary().with_passport_state_for(user)
        pupil = get_object_or_404(pupils, pk=pk)
        template_name = "pupils/pupil_summary.html"
        context = {}
    concerns = []
    if user.has_perm("pupils.raise_concern"):
        concerns = Concern.objects.visible_to(user).filter(pupil=pupil).for_pupil_page()
        RecentPupil.remember(user=user, pupil=pupil)
    return render(request, template_name, {"pupil": pupil, "open_concerns": concerns, **context})


@require_GET
@permission_required("pupils.view_pupil_history", raise_exception=True)
def pupil_history(request, pk):
    """Who changed this pupil's record and who opened their file."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "pupils/pupil_history.html",
        {
            "pupil": pupil,
            "changes": change_history(pupil, user=request.user),
            "reads": AccessLog.objects.for_pupil(pupil.pk)[:200],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.change_register", raise_exception=True)
def pupil_change_status(request, pk):
    """Record a register decision: stage and ranked needs, with who, why and evidence."""
    pupil = get_object_or_404(Pupil.objects.writable_by(request.user).for_summary(), pk=pk)
    form = RegisterChangeForm(request.POST or None, pupil=pupil)
    if form.is_valid():
        data = form.cleaned_data
        informed = None
        if data["informed_on"]:
            informed = {
                "informed_on": data["informed_on"],
                "method": data["informed_method"],
                "informed_by": request.user,
            }
        try:
            record_register_change(
                pupil=pupil,
                stage=data["stage"],
                needs=data["needs"],
                effective_on=data["effective_on"],
                reason=data["reason"],
                evidence=data["evidence"],
                decided_by=request.user,
                recorded_by=request.user,
                corrects=data["corrects"],
                parent_informed=informed,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Register updated for {pupil.full_name}.")
            if data["joining_register"] and not informed:
                messages.warning(
                    request,
                    "Parents must be told the school is making SEN provision "
                    "(Children and Families Act 2014 s68). Record how they were told.",
                )
                return redirect("pupils:parent_informed", pk=pupil.pk)
            return redirect(pupil)
    return render(request, "pupils/pupil_change_status.html", {"pupil": pupil, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("pupils.change_register", raise_exception=True)
def pupil_context(request, pk):
    """Edit disability, context flags and medical conditions."""
    pupil = get_object_or_404(Pupil.objects.writable_by(request.user), pk=pk)
    data = request.POST if request.method == "POST" else None
    form = ContextFlagsForm(data, instance=pupil)
    conditions = None
    if sees_whole_restricted_tier(request.user):
        conditions = medical_conditions_formset(pupil, data)
    if data is not None and form.is_valid() and (conditions is None or conditions.is_valid()):
        done = save_context_and_flags(pupil=pupil, form=form, conditions=conditions)
        if done:
            messages.success(request, f"Saved for {pupil.full_name}: {'; '.join(done)}.")
        else:
            messages.info(request, "Nothing was changed.")
        return redirect(pupil)
    ended = pupil.medical_conditions.filter(ended_on__isnull=False) if conditions else []
    return render(
        request,
        "pupils/pupil_context_form.html",
        {"pupil": pupil, "form": form, "conditions": conditions, "ended_conditions": ended},
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.change_register", raise_exception=True)
def pupil_parent_informed(request, pk):
    """Record when and how parents were told about SEN provision (CFA 2014 s68)."""
    pupil = get_object_or_404(Pupil.objects.writable_by(request.user), pk=pk)
    form = ParentInformedForm(request.POST or None)
    if form.is_valid():
        record = form.save(commit=False)
        record.pupil = pupil
        record.informed_by = request.user
        record.entry = pupil.register_entries.in_force().order_by("-effective_on", "-pk").first()
        record.save()
        messages.success(request, "Recorded how parents were told.")
        return redirect(pupil)
    return render(request, "pupils/pupil_parent_informed.html", {"pupil": pupil, "form": form})


def _census_date(request):
    """The date asked for, or the latest census day; None with a message if unreadable."""
    raw = request.GET.get("date")
    if not raw:
        return codes.latest_census_day(date.today()), None
    try:
        when = date.fromisoformat(raw)
    except ValueError:
        return None, "Give the date as a calendar date, for example 2026-10-01."
    if when > date.today():
        return None, "The census extract is for a date that has passed: choose today or earlier."
    return when, None


@require_GET
@permission_required("pupils.export_register", raise_exception=True)
def census(request):
    """The census extract for a date: the register as it stood then, with counts."""
    when, error = _census_date(request)
    summary = None
    if when:
        pupils = Pupil.objects.visible_to(request.user)
        summary = census_module.census_summary(census_module.census_rows(pupils, when))
    days = [
        {"season": season.title(), "day": day}
        for year in (date.today().year - 1, date.today().year)
        for season, day in sorted(codes.census_days(year).items(), key=lambda item: item[1])
        if day <= date.today()
    ]
    return render(
        request,
        "pupils/census.html",
        {
            "when": when,
            "error": error,
            "summary": summary,
            "census_days": days[-4:],
            "next_census_day": codes.next_census_day(date.today()),
        },
    )


@require_GET
@permission_required("pupils.export_register", raise_exception=True)
def census_export(request, file_format):
    if file_format not in exports.FORMATS:
        raise Http404("Unknown export format.")
    when, error = _census_date(request)
    if error:
        raise Http404(error)
    rows = list(census_module.census_rows(Pupil.objects.visible_to(request.user), when))
    stem = f"census-{request.user.school.urn}-{when:%Y-%m-%d}"
    response = exports.dataframe_response(rows, census_module.CENSUS_COLUMNS, file_format, stem)
    exports.record_download(
        request, what=f"census extract ({file_format.upper()}) for {when:%Y-%m-%d}", rows=len(rows)
    )
    return response


@require_GET
@permission_required("pupils.view_register", raise_exception=True)
def movement(request):
    """Joiners and leavers of the register per term over the last three school years."""
    years = census_module.recent_school_years(date.today())
    rows = census_module.movement(
        Pupil.objects.visible_to(request.user), school_years=years, until=date.today()
    )
    return render(request, "pupils/movement.html", {"rows": rows})
