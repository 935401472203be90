"""Forms for opening a review and recording its steps."""

from datetime import date

from django import forms

from pupils.register.forms import DateInput
from reviews.models import AnnualReview, ShortfallTolerance, TransferYears

STEP_FIELDS = [
    "meeting_on",
    "invitations_sent_on",
    "advice_requested_on",
    "advice_circulated_on",
    "report_sent_on",
    "la_decision",
    "la_decision_on",
    "amendments_proposed_on",
    "amended_plan_issued_on",
]


class ReviewOpenForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of review", choices=AnnualReview.Kind.choices)


class ReviewStepsForm(forms.ModelForm):
    """The dates each step was done; the meeting may be a booked date still to come."""

    class Meta:
        model = AnnualReview
        fields = STEP_FIELDS
        widgets = {name: DateInput() for name in STEP_FIELDS if name != "la_decision"}

    def clean(self):
        cleaned = super().clean()
        today = date.today()
        for name in STEP_FIELDS:
            value = cleaned.get(name)
            if name not in ("meeting_on", "la_decision") and value and value > today:
                self.add_error(name, "This date is in the future: record a step once it is done.")
        return cleaned


class TransferYearsForm(forms.ModelForm):
    class Meta:
        model = TransferYears
        fields = ["years"]


class ShortfallToleranceForm(forms.ModelForm):
    """How far below plan an EHC plan's section F hours may fall before a line is flagged."""

    class Meta:
        model = ShortfallTolerance
        fields = ["percent"]
        labels = {"percent": "Section F shortfall tolerance (%)"}
        error_messages = {
            "percent": {
                "max_value": "Choose 50%% or less: a wider tolerance would hide plans "
                "that are not being delivered.",
                "required": "Enter a percentage from 0 to 50.",
                "invalid": "Enter a whole number from 0 to 50.",
            }
        }
