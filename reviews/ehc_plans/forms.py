"""Forms for recording what the local authority decided about an EHC plan."""

from datetime import date

from django import forms

from pupils import codes
from pupils.register.forms import DateInput
from pupils.register.services import rerank_needs
from reviews.ehc_plans.services import STAGES_AFTER_CESSATION


def _not_in_future(value):
    if value > date.today():
        raise forms.ValidationError("This date is in the future.")
    return value


class PlanIssuedForm(forms.Form):
    """The final plan as the local authority issued it (Children and Families Act 2014 s37)."""

    local_authority = forms.CharField(
        label="Issued by (local authority)",
        max_length=100,
        help_text="The local authority that issued and maintains the plan.",
    )
    issued_on = forms.DateField(
        label="Final plan issued on",
        widget=DateInput(),
        help_text="The date on the final plan. The pupil is on E from this date.",
    )
    primary_need = forms.ChoiceField(
        label="Primary need named in the plan (section B)",
        choices=[("", "Keep the current ranking")] + list(codes.NeedType.choices),
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, pupil, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("local_authority", pupil.school.local_authority)
        super().__init__(*args, **kwargs)
        self.current_needs = [need.code for need in pupil.needs.all()]
        field = self.fields["primary_need"]
        if self.current_needs:
            ranking = "; ".join(
                f"{rank}. {codes.NeedType(code).label}"
                for rank, code in enumerate(self.current_needs, 1)
            )
            field.help_text = f"Current ranking: {ranking}. Choose a need to make it rank 1."
        else:
            field.choices = [("", "—")] + list(codes.NeedType.choices)
            field.help_text = "The pupil has no recorded need yet: a pupil on E needs one."

    def clean_issued_on(self):
        return _not_in_future(self.cleaned_data["issued_on"])

    def clean(self):
        cleaned = super().clean()
        primary = cleaned.get("primary_need", "")
        cleaned["needs"] = rerank_needs(self.current_needs, primary=primary)
        if not [code for code in cleaned["needs"] if code != codes.NeedType.NSA]:
            self.add_error(
                "primary_need", "Choose the primary need the plan names: a pupil on E needs one."
            )
        return cleaned


class PlanCeasedForm(forms.Form):
    """The local authority's decision to cease the plan (Children and Families Act 2014 s45)."""

    ceased_on = forms.DateField(
        label="Plan ceased on",
        widget=DateInput(),
        help_text="The date in the local authority's decision letter.",
    )
    reason = forms.CharField(
        label="The local authority's decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the plan ceased, as the decision letter says.",
    )
    stage = forms.ChoiceField(
        label="On the register from then",
        choices=[(stage, codes.SenStage(stage).label) for stage in STAGES_AFTER_CESSATION],
        widget=forms.RadioSelect,
        help_text="SEN support keeps the pupil's ranked needs; no SEN takes them off the register.",
    )

    def clean_ceased_on(self):
        return _not_in_future(self.cleaned_data["ceased_on"])
