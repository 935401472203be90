"""Forms for the people, views, advice and meeting of an EHC plan review."""

from datetime import date

from django import forms

from pupils.register.forms import DateInput
from reviews.models import (
    AnnualReview,
    Contributor,
    FamilyView,
    Letterhead,
    MeetingRecord,
    OutcomeReview,
)


class ContributorForm(forms.ModelForm):
    class Meta:
        model = Contributor
        fields = ["name", "role", "job_title", "email"]


class ChooseContributorsForm(forms.Form):
    """Tick the people to invite or ask for advice."""

    contributors = forms.ModelMultipleChoiceField(
        queryset=Contributor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one person."},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributors"].queryset = review.contributors.all()


class AdviceForm(forms.Form):
    advice = forms.CharField(
        label="Your advice",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text="Progress towards the plan's outcomes, what is working, what should change, "
        "and anything the plan should say about the next year.",
    )


class FamilyViewForm(forms.ModelForm):
    """Views in plain words: what is going well, what is hard, hopes (Children and Families Act 2014 s19)."""

    class Meta:
        model = FamilyView
        fields = ["going_well", "hard", "hopes"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name, "").strip() for name in self.Meta.fields):
            raise forms.ValidationError("Write something in at least one box.")
        return cleaned


class ParentViewForm(FamilyViewForm):
    class Meta(FamilyViewForm.Meta):
        labels = {
            "going_well": "What is going well for your child?",
            "hard": "What is hard, or worries you?",
            "hopes": "What do you hope for next year, and for the future?",
        }


class PupilViewForm(FamilyViewForm):
    class Meta(FamilyViewForm.Meta):
        fields = [*FamilyViewForm.Meta.fields, "how_given"]
        widgets = FamilyViewForm.Meta.widgets
        labels = {
            "going_well": "What I like and what is going well",
            "hard": "What I find hard",
            "hopes": "What I want for the future",
        }


class MeetingForm(forms.ModelForm):
    held_on = forms.DateField(label="Meeting held on", widget=DateInput())

    class Meta:
        model = MeetingRecord
        fields = [
            "attended", "pupil_views", "pfa_employment", "pfa_independent_living",
            "pfa_community", "pfa_health", "recommendation", "reasons", "amendments",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in fields if name != "recommendation"
        }
        widgets["recommendation"] = forms.RadioSelect

    def __init__(self, *args, preparing_for_adulthood=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = AnnualReview.Decision.choices  # no blank radio
        if not preparing_for_adulthood:
            for name in ("pfa_employment", "pfa_independent_living", "pfa_community", "pfa_health"):
                del self.fields[name]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > date.today():
            raise forms.ValidationError("Record the meeting once it has been held.")
        return held_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recommendation") == "amend" and not cleaned.get("amendments", "").strip():
            self.add_error("amendments", "Say which amendments the meeting recommends.")
        return cleaned


class OutcomeReviewForm(forms.ModelForm):
    class Meta:
        model = OutcomeReview
        fields = ["plan_outcome", "outcome", "progress", "still_right"]
        widgets = {
            "plan_outcome": forms.HiddenInput,
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "progress": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this plan's section E lines can be named, whatever the POST says.
        self.fields["plan_outcome"].queryset = plan.outcomes.all()


OutcomeFormSet = forms.modelformset_factory(
    OutcomeReview, form=OutcomeReviewForm, extra=2, can_delete=False
)


class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = ["address", "phone", "email", "signatory_name", "signatory_role"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
