from django import forms

from reports.models import HEADING_KEYS, SelfEvaluation, SelfEvaluationAction


class SelfEvaluationForm(forms.ModelForm):
    """Leaders' judgement and words under each heading."""

    class Meta:
        model = SelfEvaluation
        fields = [
            "academic_year",
            *[f"{key}_{part}" for key in HEADING_KEYS for part in ("grade", "text")],
        ]
        widgets = {f"{key}_text": forms.Textarea(attrs={"rows": 5}) for key in HEADING_KEYS}


class ActionForm(forms.ModelForm):
    class Meta:
        model = SelfEvaluationAction
        fields = ["heading", "action", "owner", "due_on", "rag", "progress"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress": forms.Textarea(attrs={"rows": 2}),
        }


ActionFormSet = forms.inlineformset_factory(
    SelfEvaluation,
    SelfEvaluationAction,
    form=ActionForm,
    extra=2,
    can_delete=False,
)
