"""
EHC needs assessment requests: recording the request, the LA's steps on its clock, the
final plan that puts the pupil on E, and the request pack for the LA (docs/ehcp-clock.md).
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from provision.maps import Period, map_totals, provision_map, school_costs
from provision.models import GroupMember
from pupils.codes import NeedType
from pupils.models import Pupil
from pupils.register.forms import DateInput
from reviews.ehc_plans.services import record_plan_issued
from reviews.models import (
    EventKind,
    NeedsAssessmentEvent,
    NeedsAssessmentRequest,
    ReviewView,
    SupportPlan,
)
from sendhub.models import AccessLog
from sendhub.pdf import document_context, pdf_response, render_pdf


def _not_in_future(value):
    if value and value > date.today():
        raise forms.ValidationError("This date is in the future.")
    return value


class RequestForm(forms.ModelForm):
    class Meta:
        model = NeedsAssessmentRequest
        fields = [
            "requested_by",
            "local_authority",
            "sent_on",
            "received_on",
            "reasons",
            "support_plans",
            "plan_reviews",
            "assessment_results",
            "sent_provision_map",
            "sent_views",
        ]
        widgets = {
            "sent_on": DateInput(),
            "received_on": DateInput(),
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "support_plans": forms.CheckboxSelectMultiple,
            "plan_reviews": forms.CheckboxSelectMultiple,
            "assessment_results": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, pupil, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("local_authority", pupil.school.local_authority)
        super().__init__(*args, **kwargs)
        self.instance.pupil = pupil
        plans = pupil.support_plans.exclude(status=SupportPlan.Status.DRAFT)
        self.fields["support_plans"].queryset = plans.order_by("-cycle", "-version")
        self.fields["plan_reviews"].queryset = (
            self.fields["plan_reviews"]
            .queryset.filter(plan__pupil=pupil)
            .select_related("plan")
            .order_by("-held_on")
        )
        self.fields["plan_reviews"].label_from_instance = lambda review: (
            f"Review held {review.held_on:%d/%m/%Y}: {review.get_decision_display()}"
        )
        self.fields["assessment_results"].queryset = pupil.assessments.select_related(
            "instrument"
        ).order_by("-taken_on")

    def clean_sent_on(self):
        return _not_in_future(self.cleaned_data.get("sent_on"))

    def clean_received_on(self):
        return _not_in_future(self.cleaned_data.get("received_on"))

    @transaction.atomic
    def save(self, commit=True):
        return super().save(commit=commit)


class EventForm(forms.ModelForm):
    """A step the LA, the family or the tribunal took; the final plan has its own form."""

    class Meta:
        model = NeedsAssessmentEvent
        fields = ["kind", "on", "notes"]
        widgets = {"on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, request_record, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.request = request_record
        self.fields["kind"].choices = [
            choice for choice in EventKind.choices if choice[0] != EventKind.FINAL_ISSUED
        ]

    def clean_on(self):
        on = _not_in_future(self.cleaned_data.get("on"))
        if on and on < self.instance.request.sent_on:
            raise forms.ValidationError("This is before the request was sent.")
        return on


class FinalPlanForm(forms.Form):
    issued_on = forms.DateField(label="Final plan issued on", widget=DateInput())
    primary_need = forms.ChoiceField(
        label="Primary need named in the plan (section B)",
        choices=[("", "Keep the current ranking")] + list(NeedType.choices),
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _ranking(pupil, primary):
    """The pupil's needs with the plan's primary need first (None keeps the ranking)."""
    if not primary:
        return None
    return [primary] + [need.code for need in pupil.needs.order_by("rank") if need.code != primary]


def _requests(request):
    return NeedsAssessmentRequest.objects.visible_to(request.user)


def _pupil(request, pk, *, to_change=False):
    pupils = Pupil.objects.writable_by if to_change else Pupil.objects.visible_to
    return get_object_or_404(pupils(request.user).select_related("school"), pk=pk)


@require_GET
@permission_required("reviews.view_needsassessmentrequest", raise_exception=True)
def request_list(request):
    """Every EHC needs assessment request in the SENCO's school, with its next step due."""
    today = date.today()
    rows = list(_requests(request).for_list())
    open_rows = [row for row in rows if row.is_open]
    for row in rows:
        row.next = row.next_step(today)
    return render(
        request,
        "reviews/needsassessment_list.html",
        {"requests": rows, "open_count": len(open_rows), "today": today},
    )


@require_GET
@permission_required("reviews.view_needsassessmentrequest", raise_exception=True)
def pupil_requests(request, pk):
    """The requests on the pupil's page (loaded into it by htmx)."""
    pupil = _pupil(request, pk)
    today = date.today()
    rows = list(pupil.needs_assessment_requests.for_list())
    for row in rows:
        row.next = row.next_step(today)
    template_name = "reviews/needsassessment_panel.html"
    if request.htmx:
        template_name += "#panel"
    return render(request, template_name, {"pupil": pupil, "requests": rows})


@require_http_methods(["GET", "POST"])
@permission_required("reviews.manage_needs_assessments", raise_exception=True)
def request_create(request, pk):
    """Record a request for an EHC needs assessment and the evidence sent with it."""
    pupil = _pupil(request, pk, to_change=True)
    form = RequestForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        form.instance.requested_by_user = request.user
        record = form.save()
        messages.success(request, "Request recorded. The local authority's clock has started.")
        return redirect(record)
    return render(
        request,
        "reviews/needsassessment_form.html",
        {"pupil": pupil, "form": form},
        status=400 if form.is_bound else 200,
    )


def _detail(request, record, *, event_form=None, final_form=None, status=200):
    today = date.today()
    context = {
        "record": record,
        "pupil": record.pupil,
        "steps": record.steps(today),
        "event_form": event_form or EventForm(request_record=record),
        "final_form": final_form or FinalPlanForm(),
        "can_issue": record.is_open
        and any(event.kind == EventKind.DECIDED_TO_ISSUE for event in record.events.all()),
    }
    return render(request, "reviews/needsassessment_detail.html", context, status=status)


@require_GET
@permission_required("reviews.view_needsassessmentrequest", raise_exception=True)
def request_detail(request, pk):
    """One request: its statutory steps with due dates and owners, events and evidence."""
    record = get_object_or_404(_requests(request).for_page(), pk=pk)
    return _detail(request, record)


@require_POST
@permission_required("reviews.manage_needs_assessments", raise_exception=True)
def event_record(request, pk):
    """Record a step: a decision, a draft plan, comments, mediation or an appeal."""
    record = get_object_or_404(_requests(request).not_archived().for_page(), pk=pk)
    form = EventForm(request.POST, request_record=record)
    if form.is_valid():
        form.instance.recorded_by = request.user
        form.save()
        messages.success(request, f"Recorded: {form.instance.get_kind_display().lower()}.")
        return redirect(record)
    return _detail(request, record, event_form=form, status=400)


@require_POST
@permission_required("reviews.record_ehc_plan", raise_exception=True)
@transaction.atomic
def final_plan_record(request, pk):
    """The LA issued the final plan: record it through the EHC plan record (the pupil goes
    onto E) and close the request."""
    record = get_object_or_404(_requests(request).not_archived().for_page(), pk=pk)
    form = FinalPlanForm(request.POST)
    if form.is_valid() and record.is_open:
        data = form.cleaned_data
        try:
            with transaction.atomic():
                plan = record_plan_issued(
                    pupil=record.pupil,
                    issued_on=data["issued_on"],
                    local_authority=record.local_authority,
                    notes=data["notes"],
                    needs=_ranking(record.pupil, data["primary_need"]),
                    by=request.user,
                )
                record.plan = plan
                record.save(update_fields=["plan"])
                NeedsAssessmentEvent.objects.create(
                    request=record,
                    kind=EventKind.FINAL_ISSUED,
                    on=data["issued_on"],
                    notes=data["notes"],
                    recorded_by=request.user,
                )
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, f"Final plan recorded: {record.pupil.full_name} is on E.")
            return redirect("reviews:ehc_plan", pk=record.pupil_id)
    elif form.is_valid():
        form.add_error(None, "This request is closed already.")
    return _detail(request, record, final_form=form, status=400)


def request_pack(record, today):
    """What the request pack PDF holds: the request, the evidence and the costed map."""
    pupil = record.pupil
    plans = list(
        record.support_plans.select_related("review")
        .prefetch_related(
            "targets",
            Prefetch(
                "views",
                queryset=ReviewView.objects.filter(
                    party__in=[ReviewView.Party.PUPIL, ReviewView.Party.PARENT]
                ).exclude(text=""),
                to_attr="family_views",
            ),
        )
        .order_by("cycle", "version")
    )
    context = {"record": record, "plans": plans, "steps": record.steps(today)}
    if record.sent_provision_map:
        period = Period.holding(record.sent_on)
        costs = school_costs(pupil.school, period)
        places = GroupMember.objects.filter(pupil=pupil).for_map(*period.first_last)
        sections = provision_map(places, school=pupil.school, costs=costs, title=pupil.full_name)
        context |= {
            "period": period,
            "sections": sections,
            "totals": map_totals(sections),
            "costs": costs,
            "costed": True,
        }
    return context


@require_GET
@permission_required("reviews.manage_needs_assessments", raise_exception=True)
def request_pack_pdf(request, pk):
    """The request pack for the local authority, as a PDF."""
    record = get_object_or_404(_requests(request).for_page(), pk=pk)
    pupil = record.pupil
    AccessLog.record(request, pupil=pupil, what="EHC needs assessment request pack (PDF)")
    context = document_context(
        pupil,
        f"{pupil.full_name}: request for an EHC needs assessment",
        needs=pupil.needs.all(),
        **request_pack(record, date.today()),
    )
    pdf = render_pdf("reviews/pdf/needs_assessment.html", context, request=request)
    return pdf_response(pdf, filename=f"ehc-needs-assessment-{slugify(pupil.full_name)}")
