from datetime import date

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from pupils import codes
from pupils.models import ParentInformed, RegisterEntry

NEED_CHOICES = [("", "—")] + list(codes.NeedType.choices)
# E is written only by the EHC plan record (Children and Families Act 2014 s37, s45).
SCHOOL_STAGE_CHOICES = [c for c in codes.SenStage.choices if c[0] != codes.SenStage.EHCP]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegisterChangeForm(forms.Form):
    """A SENCO's decision about a pupil's SEN stage and needs."""

    stage = forms.ChoiceField(
        label="SEN stage",
        choices=SCHOOL_STAGE_CHOICES,
        help_text="An EHC plan (E) is recorded on the pupil's EHC plan page, when the local "
        "authority issues it.",
    )
    primary_need = forms.ChoiceField(
        label="Primary need (rank 1)", choices=NEED_CHOICES, required=False
    )
    secondary_need = forms.ChoiceField(
        label="Secondary need (rank 2)", choices=NEED_CHOICES, required=False
    )
    other_needs = forms.MultipleChoiceField(
        label="Other needs (optional)",
        choices=codes.NeedType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    effective_on = forms.DateField(label="Takes effect on", widget=DateInput(), initial=date.today)
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The rationale for the decision.",
    )
    evidence = forms.CharField(
        label="Evidence used",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: observation, standardised scores, views of pupil and parents.",
    )
    corrects = forms.ModelChoiceField(
        label="This corrects an earlier entry",
        queryset=RegisterEntry.objects.none(),
        required=False,
        help_text="Choose an entry only if it was recorded wrongly. It stays on record, marked as corrected.",
    )
    informed_on = forms.DateField(label="Parents told on", widget=DateInput(), required=False)
    informed_method = forms.ChoiceField(
        label="How parents were told",
        choices=[("", "—")] + list(ParentInformed.Method.choices),
        required=False,
    )

    def __init__(self, *args, pupil, **kwargs):
        self.pupil = pupil
        initial = kwargs.setdefault("initial", {})
        current = [need.code for need in pupil.needs.all()]
        initial.setdefault("stage", pupil.sen_stage)
        initial.setdefault("primary_need", current[0] if current else "")
        initial.setdefault("secondary_need", current[1] if len(current) > 1 else "")
        initial.setdefault("other_needs", current[2:])
        super().__init__(*args, **kwargs)
        if pupil.sen_stage == codes.SenStage.EHCP:
            # The plan record owns the stage: needs may be re-ranked here, E stays.
            stage = self.fields["stage"]
            stage.choices = [(codes.SenStage.EHCP, codes.SenStage.EHCP.label)]
            stage.disabled = True
            stage.help_text = format_html(
                "{} has an EHC plan, so the stage belongs to the plan record: only the local "
                'authority ceases a plan. See the <a href="{}">EHC plan page</a>.',
                pupil.full_name,
                reverse("reviews:ehc_plan", args=[pupil.pk]),
            )
        self.fields["corrects"].queryset = pupil.register_entries.in_force().order_by(
            "-effective_on"
        )

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value > date.today():
            raise forms.ValidationError("A register decision cannot take effect in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        primary, secondary = cleaned.get("primary_need"), cleaned.get("secondary_need")
        others = cleaned.get("other_needs") or []
        stage = cleaned.get("stage")
        if secondary and not primary:
            self.add_error("secondary_need", "Choose a primary need before a secondary one.")
        if primary and primary == secondary:
            self.add_error(
                "secondary_need", "The secondary need must differ from the primary need."
            )
        if stage in codes.REGISTER_STAGES and not primary:
            self.add_error(
                "primary_need",
                "A pupil on the register needs a primary type of need. Use NSA if there has been "
                "no specialist assessment yet.",
            )
        cleaned["needs"] = [c for c in [primary, secondary, *others] if c]
        if stage:
            # The NSA rule (pupils/codes.py), shown on the field that holds NSA.
            nsa_field = {primary: "primary_need", secondary: "secondary_need"}.get(
                codes.NeedType.NSA, "other_needs"
            )
            for problem in codes.need_errors(stage, cleaned["needs"]):
                self.add_error(nsa_field, problem)
        # Parents must be told when SEN support starts for a pupil without an EHC plan
        # (Children and Families Act 2014 s68): on joining K, or coming back to it.
        joining = (
            stage in codes.SenStage.values
            and codes.census_code_for_stage(stage) == codes.CensusCode.K
            and self.pupil.census_code != codes.CensusCode.K
        )
        informed_on, method = cleaned.get("informed_on"), cleaned.get("informed_method")
        if bool(informed_on) != bool(method):
            self.add_error(
                "informed_on" if not informed_on else "informed_method",
                "Give both the date and how parents were told, or neither.",
            )
        if informed_on and informed_on > date.today():
            self.add_error("informed_on", "This date is in the future.")
        cleaned["joining_register"] = joining
        return cleaned


class ParentInformedForm(forms.ModelForm):
    class Meta:
        model = ParentInformed
        fields = ["informed_on", "method", "note"]
        labels = {"informed_on": "Parents told on", "method": "How", "note": "Note (optional)"}
        widgets = {"informed_on": DateInput()}

    def clean_informed_on(self):
        value = self.cleaned_data["informed_on"]
        if value > date.today():
            raise forms.ValidationError("This date is in the future.")
        return value
