from datetime import date

from django import forms
from django.db import transaction
from django.forms import inlineformset_factory
from django.urls import reverse

from provision.models import GroupMember, ProvisionGroup, Strategy
from pupils.models import Task, parents_of
from reviews.models import (
    MAX_WEEKS_TO_REVIEW,
    TARGETS_MAX,
    TARGETS_MIN,
    PlanAgreement,
    PlanReview,
    PlanStrategy,
    PlanTarget,
    ReviewView,
    SupportPlan,
    TargetProgress,
    latest_review_date,
)
from sendhub.forms import use_school_layers
from sendhub.notifications.services import notify

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupportPlanForm(forms.ModelForm):
    """The plan's wording and review date; targets are a formset alongside."""

    class Meta:
        model = SupportPlan
        fields = ["layer", "assess_summary", "provision_notes", "home_targets", "review_due_on"]
        widgets = {
            "review_due_on": DATE_INPUT,
            "assess_summary": forms.Textarea(attrs={"rows": 4}),
            "provision_notes": forms.Textarea(attrs={"rows": 3}),
            "home_targets": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, school, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()
        use_school_layers(self, school)

    def clean_review_due_on(self):
        """At least termly (docs/graduated-approach.md)."""
        due = self.cleaned_data["review_due_on"]
        if due <= self.today:
            raise forms.ValidationError("Choose a review date after today.")
        latest = latest_review_date(self.today)
        if due > latest:
            raise forms.ValidationError(
                f"Plans are reviewed at least termly: choose a date no later than "
                f"{latest:%d %B %Y} ({MAX_WEEKS_TO_REVIEW} weeks from today)."
            )
        return due


class PlanTargetForm(forms.ModelForm):
    """One target row. An extra row is optional as a whole: left blank it is skipped,
    but once anything is typed in it, every part of the target is needed."""

    class Meta:
        model = PlanTarget
        fields = ["outcome", "success_criteria", "baseline", "owner", "groups"]
        widgets = {
            "success_criteria": forms.Textarea(attrs={"rows": 2}),
            "groups": forms.CheckboxSelectMultiple,
        }
        labels = {"groups": "Intervention groups that deliver it (optional)"}

    def __init__(self, *args, groups=None, group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only groups the pupil has a place in (groups_for_target below), their labels
        # worked out once for every row of the formset.
        field = self.fields["groups"]
        field.queryset = groups if groups is not None else ProvisionGroup.objects.none()
        field.choices = list(group_choices)
        self.needed_once_used = []
        if self.empty_permitted:
            self.needed_once_used = [name for name, f in self.fields.items() if f.required]
            for name in self.needed_once_used:
                self.fields[name].required = False  # no "required" mark on an optional row

    def clean(self):
        data = super().clean()
        if not data.get("DELETE"):
            for name in self.needed_once_used:
                if not data.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            self.fields[name].error_messages["required"], code="required"
                        ),
                    )
        return data


def groups_for_target(pupil):
    """The intervention groups a target may name: those the pupil has a place in now."""
    return (
        ProvisionGroup.objects.filter(
            pk__in=GroupMember.objects.filter(pupil=pupil).current_on(date.today()).values("group")
        )
        .select_related("intervention")
        .order_by("name")
    )


def target_formset(data=None, *, instance, pupil, blank_rows=0):
    """Targets for a plan: at least one, at most six (3-4 advised)."""
    formset_class = inlineformset_factory(
        SupportPlan,
        PlanTarget,
        form=PlanTargetForm,
        extra=blank_rows,
        min_num=TARGETS_MIN,
        max_num=TARGETS_MAX,
        validate_min=True,
        validate_max=True,
        can_delete=True,
    )
    groups = groups_for_target(pupil)
    choices = [(group.pk, f"{group.name} ({group.intervention.name})") for group in groups]
    return formset_class(
        data,
        instance=instance,
        prefix="targets",
        queryset=PlanTarget.objects.prefetch_related("groups"),
        form_kwargs={"groups": groups, "group_choices": choices},
    )


@transaction.atomic
def save_plan(form, targets, *, pupil, by):
    """Save the plan and its targets together, numbering targets in the order given."""
    plan = form.save(commit=False)
    plan.pupil = pupil
    drafting = plan.pk is None
    if drafting:
        plan.created_by = by
        plan.cycle = (
            pupil.support_plans.order_by("-cycle").values_list("cycle", flat=True).first() or 0
        ) + 1
    plan.save()
    targets.instance = plan
    targets.save(commit=False)
    for target in targets.deleted_objects:
        target.delete()
    kept = [
        f
        for f in targets.forms
        if f not in targets.deleted_forms and (f.instance.pk or f.has_changed())
    ]
    for order, target_form in enumerate(kept, 1):
        target_form.instance.plan = plan
        target_form.instance.order = order
        target_form.instance.save()
        target_form.instance.groups.set(target_form.cleaned_data.get("groups") or [])
    if drafting:  # the job a decision asked for is now done; parents are asked to agree
        Task.objects.close(kind=Task.Kind.DRAFT_PLAN, pupil=pupil)
        notify(
            parents_of(pupil),
            title="A draft support plan is ready for your views and agreement",
            url=reverse("portal:plan_respond", args=[plan.pk]),
            school=pupil.school,
        )
    return plan


PlanStrategyFormSet = inlineformset_factory(
    SupportPlan,
    PlanStrategy,
    fields=["text"],
    extra=0,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)


class StrategyPickForm(forms.Form):
    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(),
        error_messages={"required": "Choose a strategy to add.",
                        "invalid_choice": "That strategy is not in your library."},
    )  # fmt: skip

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = Strategy.objects.available_to(school)


class OwnStrategyForm(forms.Form):
    text = forms.CharField(
        label="Add a strategy of your own",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AgreementForm(forms.Form):
    """Staff record a party's response: the teacher's and SENCO's agreement, or the
    parent's or pupil's agreement, disagreement or question (given at a meeting, say)."""

    party = forms.ChoiceField(label="Who", choices=PlanAgreement.Party.choices)
    response = forms.ChoiceField(
        label="Their response",
        choices=PlanAgreement.Response.choices,
        initial=PlanAgreement.Response.AGREE,
    )
    text = forms.CharField(
        label="Their reason or question",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when they disagree or ask a question.",
    )
    agreed_on = forms.DateField(label="On", initial=date.today, widget=DATE_INPUT)
    method = forms.CharField(
        label="How it was given",
        max_length=200,
        required=False,
        help_text="For example: at the plan meeting, by phone, with symbols (for the pupil).",
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            # Offer only the parties whose agreement is still to record.
            self.fields["party"].choices = [(party.value, party.label) for party in parties]

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data["agreed_on"]
        if agreed_on > date.today():
            raise forms.ValidationError("A response is recorded once given: today or earlier.")
        return agreed_on

    def clean(self):
        data = super().clean()
        if "party" in data and "response" in data:
            PlanAgreement(
                party=data["party"], response=data["response"], text=data.get("text", "")
            ).clean()
        return data


class AnswerForm(forms.Form):
    party = forms.ChoiceField(choices=PlanAgreement.Party.choices, widget=forms.HiddenInput)
    answer = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ActivateForm(forms.Form):
    reason = forms.CharField(
        label="Why the school is going ahead",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Needed when the parent or the pupil did not agree: what they said, what "
        "you did about it, and when you will look at it again.",
    )


class AskViewsForm(forms.Form):
    parties = forms.MultipleChoiceField(
        label="Ask for views from",
        choices=ReviewView.Party.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class StaffViewForm(forms.Form):
    party = forms.ChoiceField(label="Whose views", choices=ReviewView.Party.choices)
    text = forms.CharField(label="Their views", widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.CharField(
        label="How they were gathered",
        max_length=200,
        required=False,
        help_text="For example: conversation, symbols, rating scale, questionnaire.",
    )


class ParentViewForm(forms.Form):
    text = forms.CharField(
        label="What you think",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="How things are going at home, what is helping, and anything you are "
        "worried about. The school will read this before the review meeting.",
    )


class ParentResponseForm(forms.Form):
    """A parent's response to a proposed plan on the portal, in plain words."""

    response = forms.ChoiceField(
        label="What do you think of the plan?",
        choices=[
            (PlanAgreement.Response.AGREE, "I agree with the plan"),
            (PlanAgreement.Response.DISAGREE, "I do not agree with part of it"),
            (PlanAgreement.Response.QUESTION, "I have a question"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one answer."},
    )
    text = forms.CharField(
        label="Tell us why, or ask your question",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If you do not agree, tell us which part and why. The SENCO will read it "
        "and get back to you.",
    )

    def clean(self):
        data = super().clean()
        response = data.get("response")
        if (
            response
            and response != PlanAgreement.Response.AGREE
            and not data.get("text", "").strip()
        ):
            if response == PlanAgreement.Response.QUESTION:
                self.add_error("text", "Write your question.")
            else:
                self.add_error("text", "Tell us which part you do not agree with, and why.")
        return data


class ReviewForm(forms.ModelForm):
    """The review meeting: progress on each target, the decision and a summary."""

    class Meta:
        model = PlanReview
        fields = ["held_on", "decision", "summary"]
        widgets = {"held_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"rating_{target.pk}"] = forms.ChoiceField(
                label=f"Progress: {target.outcome}",
                choices=[("", "Choose…"), *TargetProgress.Rating.choices],
            )
            self.fields[f"evidence_{target.pk}"] = forms.CharField(
                label="Evidence", widget=forms.Textarea(attrs={"rows": 2})
            )

    def target_fields(self):
        """(target, rating field, evidence field) for the template."""
        return [
            (target, self[f"rating_{target.pk}"], self[f"evidence_{target.pk}"])
            for target in self.targets
        ]

    def progress(self):
        data = self.cleaned_data
        return {
            target.pk: (data[f"rating_{target.pk}"], data[f"evidence_{target.pk}"])
            for target in self.targets
        }
