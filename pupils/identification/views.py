"""Identification: concerns, triage, evidence, decisions, referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.identification.filters import ConcernQueueFilter
from pupils.identification.forms import (
    ConcernForm,
    ConcernStatusForm,
    ConcernViewForm,
    DecisionForm,
    EvidenceChecklistForm,
    ObservationForm,
    PupilSearchForm,
    RoundRobinForm,
    evidence_on_record,
    evidence_still_to_come,
)
from pupils.identification.workflow import decide_concern, notify_sencos, send_round_robin
from pupils.models import (
    AssessmentResult,
    Concern,
    EvidenceSource,
    Pupil,
    RecentPupil,
    RoundRobinRequest,
)
from sendhub.models import AccessLog
from sendhub.text import is_digits

# Concerns -----------------------------------------------------------------------

# The concern form lists at most this many matches, and this many recent pupils.
SEARCH_RESULTS = 10
RECENT_PUPILS = 5
QUEUE_PAGE_SIZE = 50


def _concern(request, pk, *, to_change=False):
    """A concern to read, or (to_change) to act on: a leaver's are archived and read-only."""
    concerns = Concern.objects.writable_by if to_change else Concern.objects.visible_to
    concerns = concerns(request.user).select_related("pupil__form", "raised_by", "decided_by")
    return get_object_or_404(concerns, pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_raise(request):
    """One screen, made for a phone: find the pupil, what was noticed, where, what was tried.

    The pupil is found by typing (`?q=`; htmx swaps just the choices) among the pupils
    this person may see, with the last few they opened or raised a concern about.
    """
    user = request.user
    form = ConcernForm(request.POST or None, request.FILES or None, user=user)
    if form.is_valid():
        concern = form.save(commit=False)
        concern.raised_by = user
        concern.save()
        RecentPupil.remember(user=user, pupil=concern.pupil)
        transaction.on_commit(lambda: notify_sencos(concern, request=request))
        messages.success(
            request,
            f"Thank you. Your concern about {concern.pupil.full_name} has gone to the SENCO.",
        )
        return redirect("pupils:concern_mine")
    search = PupilSearchForm(request.GET)
    chosen = request.POST.get("pupil") or request.GET.get("pupil", "")
    context = {"form": form, "search": search, **_pupil_choices(user, search, chosen)}
    template_name = "pupils/concern_form.html"
    if request.htmx:
        template_name += "#pupil-choices"
    return render(request, template_name, context)


def _pupil_choices(user, search, chosen):
    """The pupils to choose from: the one chosen, what the search matched, recent pupils."""
    pupils = Pupil.objects.visible_to(user).on_roll().select_related("form")
    chosen_pupil = pupils.filter(pk=chosen).first() if is_digits(chosen) else None
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(pupils.matching(search.cleaned_data["q"])[:SEARCH_RESULTS])
    shown = {pupil.pk for pupil in results or []} | {getattr(chosen_pupil, "pk", None)}
    recent = [p for p in pupils.recently_seen_by(user)[:RECENT_PUPILS] if p.pk not in shown]
    if chosen_pupil in (results or []):
        chosen_pupil = None  # already among the matches, checked there
    return {
        "chosen_pupil": chosen_pupil,
        "chosen_pk": int(chosen) if is_digits(chosen) else None,
        "results": results,
        "recent": recent,
    }


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
    page = Paginator(queue_filter.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "pupils/concern_queue.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "filter": queue_filter,
            "concerns": page.object_list,
            "page": page,
            "query": query.urlencode(),
        },
    )


@require_GET
@permission_required("pupils.raise_concern", raise_exception=True)
def concern_detail(request, pk):
    """The raiser sees what they wrote and its status; the SENCO the evidence workspace."""
    concern = _concern(request, pk)
    if not request.user.has_perm("pupils.triage_concerns"):
        return render(request, "pupils/concern_detail.html", {"concern": concern})
    AccessLog.record(request, pupil=concern.pupil, what="concern and evidence")
    return render(request, "pupils/concern_detail.html", _workspace(request, concern))


def _recorded(concern):
    """The records that evidence a concern, fetched once for both the lists and the checklist."""
    return {
        "round_robin": list(
            concern.round_robin.select_related("teacher", "response").order_by(
                "teacher__last_name", "pk"
            )
        ),
        "observations": list(concern.observations.select_related("observed_by")),
        "views": list(concern.views.select_related("recorded_by")),
        "assessments": list(
            AssessmentResult.objects.filter(pupil=concern.pupil)
            .for_profile()
            .select_related("pupil")
        ),
    }


def _checklist_form(concern, recorded, data=None):
    return EvidenceChecklistForm(
        data,
        concern=concern,
        rows={row.source: row for row in concern.evidence.select_related("updated_by")},
        on_record=evidence_on_record(concern, **recorded),
        hints=evidence_still_to_come(round_robin=recorded["round_robin"]),
    )


def _workspace(request, concern, recorded=None, **forms):
    recorded = recorded or _recorded(concern)
    checklist_form = forms.get("checklist_form") or _checklist_form(concern, recorded)
    return {
        "concern": concern,
        "checklist_form": checklist_form,
        "evidence_in": checklist_form.ticked_count(),
        "evidence_total": len(EvidenceSource),
        **recorded,
        "tasks": concern.tasks.select_related("assigned_to"),
        "referrals": concern.referrals.select_related("service"),
        "status_form": ConcernStatusForm(initial={"status": concern.status}),
        "observation_form": forms.get("observation_form") or ObservationForm(),
        "view_form": forms.get("view_form") or ConcernViewForm(),
        "decision_form": forms.get("decision_form")
        or DecisionForm(pupil=concern.pupil, initial={"decision": concern.decision or None}),
    }


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_status(request, pk):
    """Move a concern along the queue (in progress, awaiting evidence)."""
    concern = _concern(request, pk, to_change=True)
    form = ConcernStatusForm(request.POST)
    if form.is_valid() and concern.status != Concern.Status.DECIDED:
        concern.status = form.cleaned_data["status"]
        concern.save(update_fields=["status"])
        messages.success(request, f"Marked as {concern.get_status_display().lower()}.")
    return redirect(concern)


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_evidence(request, pk):
    """Save the whole evidence checklist at once: every source's tick and note, or nothing."""
    concern = _concern(request, pk, to_change=True)
    recorded = _recorded(concern)
    form = _checklist_form(concern, recorded, data=request.POST)
    if form.is_valid():
        changed = form.save(by=request.user)
        if changed:
            messages.success(
                request,
                f"Evidence checklist saved ({len(changed)} change{'s' if len(changed) != 1 else ''}).",
            )
        else:
            messages.info(request, "Evidence checklist saved; nothing had changed.")
        return redirect(f"{concern.get_absolute_url()}#evidence")
    return render(
        request,
        "pupils/concern_detail.html",
        _workspace(request, concern, recorded, checklist_form=form),
        status=400,
    )


@require_POST
@permission_required("pupils.triage_concerns", raise_exception=True)
def concern_round_robin(request, pk):
    """Ask every teacher of the pupil the round robin questions."""
    concern = _concern(request, pk, to_change=True)
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
    concern = _concern(request, pk, to_change=True)
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
    concern = _concern(request, pk, to_change=True)
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
    concern = _concern(request, pk, to_change=True)
    form = DecisionForm(request.POST, pupil=concern.pupil)
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
                needs=data["needs"],
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
