"""
Sections B, E and F of an EHC plan as lines the SENCO copies from the LA's plan, and the
section F hours delivered against plan (docs/ehcp-sections.md).
"""

from datetime import date

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from provision.models import ProvisionGroup, Session, SessionAttendance
from pupils.register.forms import DateInput
from reviews.models import EHCPlan, EHCPlanNeed, EHCPlanOutcome, EHCPlanProvision
from reviews.models.ehcp_sections import (
    ShortfallTolerance,
    academic_year_start,
    delivery_for,
    share_of_year_to_date,
)

END_FIELDS = ["ended_on", "end_reason"]


class LineForm(forms.ModelForm):
    """A line of the plan; the end fields show only once the line exists."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if self.instance.pk is None:
            for name in END_FIELDS:
                del self.fields[name]
        else:
            self.fields["ended_on"].help_text = (
                "Only when the local authority takes this line out of the plan at an "
                "amendment. The line is kept, marked as ended."
            )

    def clean_ended_on(self):
        ended_on = self.cleaned_data.get("ended_on")
        if ended_on and ended_on > date.today():
            raise forms.ValidationError("This date is in the future.")
        return ended_on


class NeedForm(LineForm):
    class Meta:
        model = EHCPlanNeed
        fields = ["area", "description", "order", *END_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "ended_on": DateInput()}
        labels = {"order": "Position in the section"}


class OutcomeForm(LineForm):
    class Meta:
        model = EHCPlanOutcome
        fields = ["outcome", "area", "adulthood_domain", "target_date", "order", *END_FIELDS]
        widgets = {
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "target_date": DateInput(),
            "ended_on": DateInput(),
        }
        labels = {"order": "Position in the section"}


class ProvisionForm(LineForm):
    class Meta:
        model = EHCPlanProvision
        fields = [
            "description",
            "outcomes",
            "provided_by",
            "hours_per_year",
            "sessions_per_week",
            "minutes_per_session",
            "group",
            "order",
            *END_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.CheckboxSelectMultiple,
            "ended_on": DateInput(),
        }
        labels = {"order": "Position in the section"}
        help_texts = {
            "hours_per_year": "As the plan quantifies it; or give sessions a week and minutes "
            "a session below (a school year counts as 38 weeks).",
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["outcomes"].queryset = plan.outcomes.current()
        # Only groups this pupil has a place in: the delivered hours are theirs.
        self.fields["group"].queryset = (
            ProvisionGroup.objects.filter(members__pupil_id=plan.pupil_id)
            .select_related("intervention")
            .distinct()
            .order_by("name")
        )
        self.fields["group"].label_from_instance = lambda group: (
            f"{group.name} ({group.intervention.name})"
        )

    @transaction.atomic
    def save(self, commit=True):
        return super().save(commit=commit)


SECTIONS = {
    "needs": ("B", "Special educational needs", EHCPlanNeed, NeedForm),
    "outcomes": ("E", "Outcomes", EHCPlanOutcome, OutcomeForm),
    "provision": ("F", "Special educational provision", EHCPlanProvision, ProvisionForm),
}


def plan_sections(plan, today):
    """Sections B, E and F of a plan, current lines first, with F's delivery this year.

    Three queries for the lines, one for the outcomes each F line works towards, one for
    attendance and one for the school's tolerance, whatever the number of lines.
    """
    needs = list(plan.needs.order_by("ended_on", "order", "pk"))
    outcomes = list(plan.outcomes.order_by("ended_on", "order", "pk"))
    provision = list(
        plan.provision_lines.select_related("group__intervention")
        .prefetch_related(Prefetch("outcomes", queryset=EHCPlanOutcome.objects.order_by("order")))
        .order_by("ended_on", "order", "pk")
    )
    attach_delivery(plan, provision, today)
    since = max(academic_year_start(today), plan.issued_on)
    return {"needs": needs, "outcomes": outcomes, "provision": provision, "since": since}


def delivered_minutes(pupil_id, group_ids, first, last):
    """Minutes of delivered sessions the pupil attended, per group, between two dates."""
    if not group_ids:
        return {}
    rows = (
        SessionAttendance.objects.filter(
            pupil_id=pupil_id,
            present=True,
            session__status=Session.Status.DELIVERED,
            session__group_id__in=group_ids,
            session__date__range=(first, last),
        )
        .values("session__group_id")
        .annotate(minutes=Sum("session__group__intervention__minutes_per_session"))
        .order_by()
    )
    return {row["session__group_id"]: row["minutes"] for row in rows}


def attach_delivery(plan, lines, today, tolerance=None):
    """Set line.delivery on each current F line: planned, due to date, delivered, shortfall."""
    current = [line for line in lines if line.is_current]
    if not current:
        return
    first = max(academic_year_start(today), plan.issued_on)
    minutes = delivered_minutes(
        plan.pupil_id, {line.group_id for line in current if line.group_id}, first, today
    )
    if tolerance is None:
        tolerance = ShortfallTolerance.for_school(plan.pupil.school_id)
    share = share_of_year_to_date(today, since=plan.issued_on)
    for line in current:
        done = minutes.get(line.group_id, 0) if line.group_id else None
        line.delivery = delivery_for(line, done, share, tolerance)
    plan.shortfall_tolerance = tolerance


def _plan(request, plan_pk):
    plans = EHCPlan.objects.writable_by(request.user).in_force().select_related("pupil__school")
    return get_object_or_404(plans, pk=plan_pk)


def _section(section):
    if section not in SECTIONS:
        raise Http404("No such section.")
    return SECTIONS[section]


def _line_page(request, plan, section, form, line, status=200):
    letter, title, _model, _form = SECTIONS[section]
    template_name = "reviews/ehcplan_line_form.html"
    if request.htmx:
        # htmx swaps no 4xx response: the form with its errors comes back as a 200.
        template_name += "#line-form"
        status = 200
    context = {
        "plan": plan,
        "pupil": plan.pupil,
        "section": section,
        "letter": letter,
        "title": title,
        "form": form,
        "line": line,
    }
    return render(request, template_name, context, status=status)


def _saved(request, plan):
    url = f"{plan.get_absolute_url()}#sections"
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.record_ehc_plan", raise_exception=True)
def ehc_plan_line_add(request, plan_pk, section):
    """Add a line to section B, E or F of the plan in force."""
    plan = _plan(request, plan_pk)
    form_class = _section(section)[3]
    if request.method == "POST":
        form = form_class(request.POST, plan=plan)
        if form.is_valid():
            form.save()
            return _saved(request, plan)
        return _line_page(request, plan, section, form, None, status=400)
    return _line_page(request, plan, section, form_class(plan=plan), None)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.record_ehc_plan", raise_exception=True)
def ehc_plan_line_edit(request, plan_pk, section, pk):
    """Correct a line, or end it when the local authority takes it out of the plan."""
    plan = _plan(request, plan_pk)
    _letter, _title, model, form_class = _section(section)
    line = get_object_or_404(model.objects.filter(plan=plan), pk=pk)
    if request.method == "POST":
        form = form_class(request.POST, instance=line, plan=plan)
        if form.is_valid():
            form.save()
            return _saved(request, plan)
        return _line_page(request, plan, section, form, line, status=400)
    return _line_page(request, plan, section, form_class(instance=line, plan=plan), line)
