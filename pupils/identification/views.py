"""Identification: concerns, triage, evidence, decisions, referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.identification.filters import ConcernQueueFilter
from pupils.identification.forms import (
    AssessmentResultForm,
    ConcernForm,
    ConcernStatusForm,
    ConcernViewForm,
    DecisionForm,
    EvidenceForm,
    InstrumentForm,
    ObservationForm,
    ReferralForm,
    RoundRobinForm,
    ServiceForm,
)
from pupils.identification.workflow import decide_concern, notify_sencos, send_round_robin
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    Concern,
    ConcernEvidence,
    EvidenceSource,
    Pupil,
    Referral,
    RoundRobinRequest,
    SpecialistService,
    Task,
)
from sendhub.models import AccessLog

# Concerns -----------------------------------------------------------------------


def _concern(request, pk):
    concerns = Concern.objects.visible_to(request.user).select_related(
        "pupil__form", "raised_by", "decided_by"
    )
    return get_object_or_404(concerns, pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_raise(request):
    """One screen, made for a phone: what was noticed, where, which area, what was tried."""
    initial = {}
    if request.GET.get("pupil", "").isdigit():
        initial["pupil"] = request.GET["pupil"]
    form = ConcernForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if form.is_valid():
        concern = form.save(commit=False)
        concern.raised_by = request.user
        concern.save()
        transaction.on_commit(lambda: notify_sencos(concern, request=request))
        messages.success(
            request,
            f"Thank you. Your concern about {concern.pupil.full_name} has gone to the SENCO.",
        )
        return redirect("pupils:concern_mine")
    return render(request, "pupils/concern_form.html", {"form": form})


@require_GET
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_mine(request):
    """The concerns this person raised, with their status, and round robins waiting for them."""
    concerns = (
        Concern.objects.filter(raised_by=request.user)
        .filter(pupil__in=Pupil.objects.visible_to(request.user))
        .select_related("pupil")
    )
    asked = (
        RoundRobinRequest.objects.addressed_to(request.user)
        .select_related("concern__pupil", "response")
        .order_by("-sent_at", "-pk")
    )
    return render(request, "pupils/concern_mine.html", {"concerns": concerns, "asked": asked})


@require_GET
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_queue(request):
    """The SENCO's triage queue: open concerns oldest first; htmx swaps just the rows."""
    queue_filter = ConcernQueueFilter(
        request.GET, queryset=Concern.objects.visible_to(request.user).for_queue()
    )
    template_name = "pupils/concern_queue.html"
    if request.htmx:
        template_name += "#results"
    return render(request, template_name, {"filter": queue_filter, "concerns": queue_filter.qs})


@require_GET
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_detail(request, pk):
    """The raiser sees what they wrote and its status; the SENCO the evidence workspace."""
    concern = _concern(request, pk)
    if not request.user.has_perm("pupils.triage_concerns"):
        return render(request, "pupils/concern_detail.html", {"concern": concern})
    AccessLog.record(request, pupil=concern.pupil, what="concern and evidence")
    return render(request, "pupils/concern_detail.html", _workspace(request, concern))


def _workspace(request, concern, **forms):
    rows = {row.source: row for row in concern.evidence.select_related("updated_by")}
    checklist = [
        {
            "source": source,
            "row": rows.get(source.value),
            "form": forms.get(f"evidence_{source.value}")
            or EvidenceForm(instance=rows.get(source.value), prefix=source.value),
        }
        for source in EvidenceSource
    ]
    school = concern.pupil.school
    return {
        "concern": concern,
        "checklist": checklist,
        "evidence_in": sum(1 for row in rows.values() if row.status == ConcernEvidence.Status.IN),
        "evidence_total": len(EvidenceSource),
        "round_robin": concern.round_robin.select_related("teacher", "response").order_by(
            "teacher__last_name", "pk"
        ),
        "observations": concern.observations.select_related("observed_by"),
        "views": concern.views.select_related("recorded_by"),
        "assessments": AssessmentResult.objects.filter(pupil=concern.pupil)
        .for_profile()
        .select_related("pupil"),
        "tasks": concern.tasks.select_related("assigned_to"),
        "referrals": concern.referrals.select_related("service"),
        "status_form": ConcernStatusForm(initial={"status": concern.status}),
        "observation_form": forms.get("observation_form") or ObservationForm(),
        "view_form": forms.get("view_form") or ConcernViewForm(),
        "decision_form": forms.get("decision_form")
        or DecisionForm(school=school, initial={"decision": concern.decision or None}),
    }


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_status(request, pk):
    """Move a concern along the queue (in progress, awaiting evidence)."""
    concern = _concern(request, pk)
    form = ConcernStatusForm(request.POST)
    if form.is_valid() and concern.status != Concern.Status.DECIDED:
        concern.status = form.cleaned_data["status"]
        concern.save(update_fields=["status"])
        messages.success(request, f"Marked as {concern.get_status_display().lower()}.")
    return redirect(concern)


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_evidence(request, pk, source):
    """Tick an evidence source in or missing, with a note."""
    concern = _concern(request, pk)
    if source not in EvidenceSource.values:
        raise Http404("Unknown evidence source.")
    row = concern.evidence.filter(source=source).first() or ConcernEvidence(
        concern=concern, source=source
    )
    form = EvidenceForm(request.POST, instance=row, prefix=source)
    if form.is_valid():
        row = form.save(commit=False)
        row.updated_by = request.user
        row.save()
        if concern.status == Concern.Status.NEW:
            concern.status = Concern.Status.IN_PROGRESS
            concern.save(update_fields=["status"])
        messages.success(request, f"{row.get_source_display()}: {row.get_status_display()}.")
        return redirect(f"{concern.get_absolute_url()}#evidence")
    return render(
        request,
        "pupils/concern_detail.html",
        _workspace(request, concern, **{f"evidence_{source}": form}),
        status=400,
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_round_robin(request, pk):
    """Ask every teacher of the pupil the round robin questions."""
    concern = _concern(request, pk)
    created = send_round_robin(concern=concern, sent_by=request.user)
    if created:
        messages.success(
            request, f"Questions sent to {len(created)} teacher{'s' if len(created) != 1 else ''}."
        )
    else:
        messages.info(request, "Every teacher of this pupil has already been asked.")
    return redirect(f"{concern.get_absolute_url()}#round-robin")


@require_http_methods(["GET", "POST"])
@permission_required("pupils.raise_concern", raise_exception=True)
def round_robin_answer(request, pk):
    """A teacher answers the round robin questions about a pupil they teach."""
    asked = get_object_or_404(
        RoundRobinRequest.objects.addressed_to(request.user).select_related(
            "concern__pupil", "response"
        ),
        pk=pk,
    )
    answered = getattr(asked, "response", None)
    form = None if answered else RoundRobinForm(request.POST or None)
    if form is not None and form.is_valid():
        response = form.save(commit=False)
        response.request = asked
        response.save()
        messages.success(request, "Thank you: your answers are with the SENCO.")
        return redirect("pupils:concern_mine")
    return render(
        request,
        "pupils/round_robin_answer.html",
        {"asked": asked, "pupil": asked.concern.pupil, "form": form, "answered": answered},
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_observation(request, pk):
    """Add an observation note (not in the future)."""
    concern = _concern(request, pk)
    form = ObservationForm(request.POST)
    if form.is_valid():
        note = form.save(commit=False)
        note.concern = concern
        note.observed_by = request.user
        note.save()
        messages.success(request, "Observation saved.")
        return redirect(f"{concern.get_absolute_url()}#observations")
    return render(
        request,
        "pupils/concern_detail.html",
        _workspace(request, concern, observation_form=form),
        status=400,
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_view(request, pk):
    """Record the pupil's or the parents' views, with date and method."""
    concern = _concern(request, pk)
    form = ConcernViewForm(request.POST)
    if form.is_valid():
        view = form.save(commit=False)
        view.concern = concern
        view.recorded_by = request.user
        view.save()
        messages.success(request, f"{view.get_whose_display()}: views saved.")
        return redirect(f"{concern.get_absolute_url()}#views")
    return render(
        request,
        "pupils/concern_detail.html",
        _workspace(request, concern, view_form=form),
        status=400,
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_decide(request, pk):
    """Record the decision and everything that follows from it (one transaction)."""
    concern = _concern(request, pk)
    form = DecisionForm(request.POST, school=concern.pupil.school)
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
            decide_concern(
                concern=concern,
                decision=data["decision"],
                rationale=data["rationale"],
                decided_by=request.user,
                look_again_on=data["look_again_on"],
                needs=[data["primary_need"]] if data["primary_need"] else None,
                parent_informed=informed,
                service=data["service"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"Decision recorded: {concern.get_decision_display()}.")
            return redirect(concern)
    return render(
        request,
        "pupils/concern_detail.html",
        _workspace(request, concern, decision_form=form),
        status=400,
    )


@require_GET
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_attachment(request, pk):
    """The work sample or photo attached to a concern (same scope as the concern)."""
    concern = _concern(request, pk)
    if not concern.attachment:
        raise Http404("No attachment.")
    return FileResponse(
        concern.attachment.open("rb"), as_attachment=True, filename=concern.attachment_name
    )


TASKS_PAGE_SIZE = 50


@require_GET
@permission_required("pupils.triage_concerns", raise_exception=True)
def task_list(request):
    """My follow-up tasks about pupils I can see: open ones by due date, or done ones."""
    mine = Task.objects.for_user(request.user).visible_to(request.user)
    show = "done" if request.GET.get("show") == "done" else "open"
    if show == "done":
        tasks = mine.done().order_by("-done_at", "-pk")
    else:
        tasks = mine.open().order_by("due_on", "created_at", "pk")
    page = Paginator(tasks.for_list(), TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pupils/task_list.html",
        {"page": page, "show": show, "counts": mine.counts()},
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def task_done(request, pk):
    """Tick off a follow-up task assigned to me."""
    task = get_object_or_404(
        Task.objects.for_user(request.user).visible_to(request.user),
        pk=pk,
    )
    if task.done_at is None:
        from django.utils import timezone

        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    messages.success(request, f"Done: {task.title}.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(task.concern or "reports:home")


# Assessments -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("pupils.view_full_file", raise_exception=True)
def pupil_assessments(request, pk):
    """A pupil's assessment results (full SEN file); the SENCO adds new ones."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user).select_related("form"), pk=pk)
    can_add = request.user.has_perm("pupils.triage_concerns")
    form = None
    if can_add:
        form = AssessmentResultForm(
            request.POST or None, school=pupil.school, instance=AssessmentResult(pupil=pupil)
        )
    elif request.method == "POST":
        raise Http404
    if form is not None and request.method == "POST" and form.is_valid():
        result = form.save(commit=False)
        result.recorded_by = request.user
        result.concern = pupil.concerns.needing_triage().order_by("-raised_at").first()
        result.save()
        messages.success(request, f"{result.instrument} result saved.")
        if result.age_warning:
            messages.warning(request, result.age_warning)
        return redirect("pupils:assessments", pk=pupil.pk)
    results = list(AssessmentResult.objects.filter(pupil=pupil).for_profile())
    for result in results:
        result.pupil = pupil
    return render(
        request,
        "pupils/assessment_list.html",
        {"pupil": pupil, "results": results, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


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
    return render(
        request,
        "pupils/instrument_list.html",
        {"instruments": instruments, "form": form},
        status=400 if form.errors else 200,
    )


# Specialist services and referrals ---------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("pupils.view_full_file", raise_exception=True)
def service_list(request):
    """The directory of outside services and their contacts; the SENCO keeps it."""
    school = request.user.school
    can_add = request.user.has_perm("pupils.triage_concerns")
    if request.method == "POST" and not can_add:
        raise Http404
    form = (
        ServiceForm(request.POST or None, instance=SpecialistService(school=school))
        if can_add
        else None
    )
    if form is not None and form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.name} added.")
        return redirect("pupils:services")
    return render(
        request,
        "pupils/service_list.html",
        {"services": SpecialistService.objects.filter(school=school), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.view_full_file", raise_exception=True)
def pupil_referrals(request, pk):
    """A pupil's referrals with waiting times; the SENCO adds one."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user).select_related("form"), pk=pk)
    can_add = request.user.has_perm("pupils.triage_concerns")
    if request.method == "POST" and not can_add:
        raise Http404
    form = None
    if can_add:
        form = ReferralForm(
            request.POST or None,
            request.FILES or None,
            school=pupil.school,
            instance=Referral(pupil=pupil, requested_by=request.user),
        )
    if form is not None and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Referral saved.")
        return redirect("pupils:referrals", pk=pupil.pk)
    referrals = Referral.objects.filter(pupil=pupil).select_related("service", "requested_by")
    return render(
        request,
        "pupils/referral_list.html",
        {
            "pupil": pupil,
            "referrals": referrals,
            "form": form,
            "show_restricted": request.user.has_perm("pupils.view_restricted"),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.triage_concerns", raise_exception=True)
def referral_edit(request, pk):
    """Record when the pupil was seen and the report arrived; attach the report."""
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("pupil__form", "service"), pk=pk
    )
    form = ReferralForm(
        request.POST or None, request.FILES or None, school=referral.pupil.school, instance=referral
    )
    if form.is_valid():
        form.save()
        messages.success(request, "Referral updated.")
        return redirect("pupils:referrals", pk=referral.pupil_id)
    return render(
        request,
        "pupils/referral_form.html",
        {"referral": referral, "pupil": referral.pupil, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required("pupils.view_restricted", raise_exception=True)
def referral_report(request, pk):
    """The specialist's report: restricted tier, and every opening is logged."""
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("pupil"), pk=pk
    )
    if not referral.report:
        raise Http404("No report attached.")
    AccessLog.record(request, pupil=referral.pupil, what="specialist report")
    name = referral.report.name.rsplit("/", 1)[-1]
    return FileResponse(referral.report.open("rb"), as_attachment=True, filename=name)
