"""Forms for assessment results, instruments, specialist services and referrals."""

from django import forms

from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    Referral,
    SpecialistService,
)
from pupils.register.forms import DateInput
from sendhub.models import Membership, User
from sendhub.roles import Role


class AssessmentResultForm(forms.ModelForm):
    class Meta:
        model = AssessmentResult
        fields = [
            "instrument",
            "taken_on",
            "assessor",
            "raw_score",
            "standardised_score",
            "age_equivalent_months",
            "percentile",
        ]
        widgets = {"taken_on": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = AssessmentInstrument.objects.filter(school=school)

    def clean(self):
        cleaned = super().clean()
        instrument = cleaned.get("instrument")
        if instrument and not instrument.standardised and cleaned.get("standardised_score"):
            self.add_error(
                "standardised_score", f"{instrument.name} does not give standardised scores."
            )
        return cleaned


def _unique_name_in_school(form, model):
    name = form.cleaned_data["name"]
    if model.objects.filter(school_id=form.instance.school_id, name__iexact=name).exists():
        raise forms.ValidationError(f"“{name}” is already in the list.")
    return name


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = AssessmentInstrument
        fields = ["name", "kind", "standardised", "min_age_months", "max_age_months"]

    def clean_name(self):
        return _unique_name_in_school(self, AssessmentInstrument)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age_months"), cleaned.get("max_age_months")
        if low is not None and high is not None and low > high:
            self.add_error("max_age_months", "The oldest age must be at least the youngest.")
        return cleaned


class ServiceForm(forms.ModelForm):
    class Meta:
        model = SpecialistService
        fields = ["name", "kind", "contact", "phone", "email", "notes"]

    def clean_name(self):
        return _unique_name_in_school(self, SpecialistService)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "service",
            "requested_on",
            "seen_on",
            "report_received_on",
            "report",
            "notes",
            "named_staff",
        ]
        widgets = {
            "requested_on": DateInput(),
            "seen_on": DateInput(),
            "report_received_on": DateInput(),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = SpecialistService.objects.filter(school=school)
        # The report is restricted (tier 3): staff named here may open it besides the SENCO.
        current = Membership.objects.current().filter(
            school=school, role__in=[Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT]
        )
        named = self.fields["named_staff"]
        named.queryset = (
            User.objects.filter(memberships__in=current)
            .distinct()
            .order_by("last_name", "first_name")
        )
        named.widget = forms.CheckboxSelectMultiple()
        named.label = "Staff who may also open the report"
        named.required = False
