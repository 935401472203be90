"""
The SENCO's "Context and flags" page: disability, context flags and medical conditions.

Disability (Equality Act 2010) is a separate attribute from SEN;
gender, FSM / pupil premium, EAL, looked-after / previously looked-after, attendance
and exclusions are the context flags used in analysis. Medical conditions are the
restricted tier (docs/access.md) and are ended, never deleted.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.db import transaction

from pupils.models import MedicalCondition, Pupil

MAX_EXCLUSIONS = 999


class ContextFlagsForm(forms.ModelForm):
    attendance_percent = forms.DecimalField(
        label="Attendance this school year (%)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
        help_text="A percentage from 0 to 100, with at most one decimal place, e.g. 95.2. "
        "Leave blank if not known.",
        error_messages={
            "invalid": "Enter attendance as a number from 0 to 100, for example 95.2.",
            "min_value": "Attendance cannot be below 0%%.",
            "max_value": "Attendance cannot be above 100%%.",
            "max_decimal_places": "Give attendance to one decimal place at most, e.g. 95.2.",
            "max_digits": "Enter attendance as a number from 0 to 100, for example 95.2.",
            "max_whole_digits": "Attendance cannot be above 100%%.",
        },
    )
    exclusions_count = forms.IntegerField(
        label="Suspensions and exclusions",
        min_value=0,
        max_value=MAX_EXCLUSIONS,
        widget=forms.NumberInput(attrs={"min": "0", "max": str(MAX_EXCLUSIONS)}),
        help_text="How many suspensions (fixed-term exclusions) and permanent exclusions "
        "the pupil has had. 0 if none.",
        error_messages={
            "required": "Enter the number of suspensions and exclusions (0 if none).",
            "invalid": "Enter a whole number, such as 0 or 2.",
            "min_value": "The number of suspensions and exclusions cannot be below 0.",
            "max_value": f"That is more than {MAX_EXCLUSIONS}. Check the number.",
        },
    )
    reason = forms.CharField(
        label="Why are you changing this? (optional)",
        required=False,
        max_length=200,
        help_text="Kept in the pupil's change history, e.g. “Attendance figure from the MIS”.",
    )

    class Meta:
        model = Pupil
        fields = [
            "gender",
            "is_disabled",
            "disability_notes",
            "free_school_meals",
            "pupil_premium",
            "eal",
            "looked_after",
            "previously_looked_after",
            "attendance_percent",
            "exclusions_count",
        ]
        labels = {
            "is_disabled": "Disabled (Equality Act 2010)",
            "disability_notes": "About the disability and reasonable adjustments",
            "free_school_meals": "Eligible for free school meals",
            "pupil_premium": "Pupil premium",
            "eal": "English as an additional language (EAL)",
            "looked_after": "Looked after now (child looked after, CLA)",
            "previously_looked_after": "Previously looked after",
        }
        help_texts = {
            "is_disabled": "A long-term (a year or more) condition with a substantial effect on "
            "day-to-day life.",
            "previously_looked_after": "Left care through adoption, a special guardianship "
            "order or a child arrangements order.",
        }
        widgets = {"disability_notes": forms.Textarea(attrs={"rows": 2})}

    def clean_exclusions_count(self):
        value = self.cleaned_data["exclusions_count"]
        return 0 if value is None else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("looked_after") and cleaned.get("previously_looked_after"):
            self.add_error(
                "previously_looked_after",
                "A pupil who is looked after now is not “previously looked after”. "
                "Untick one of them.",
            )
        if cleaned.get("disability_notes", "").strip() and not cleaned.get("is_disabled"):
            self.add_error(
                "is_disabled",
                "You have written about a disability: tick “Disabled” too, or clear the notes.",
            )
        return cleaned

    @property
    def changed_fields(self):
        return [name for name in self.changed_data if name != "reason"]


class MedicalConditionForm(forms.ModelForm):
    end = forms.BooleanField(
        label="No longer applies",
        required=False,
        help_text="The condition stays in the history, marked as ended today.",
    )

    class Meta:
        model = MedicalCondition
        fields = ["condition", "has_care_plan", "notes"]
        labels = {"condition": "Condition", "notes": "Notes for staff"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "condition": {
                "required": "Give the medical condition a name, for example Asthma.",
                "max_length": "Shorten the condition's name to 200 characters or fewer.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["end"]
            # Adding one is optional; once anything is filled in, clean_condition asks for a name.
            self.fields["condition"].required = False

    def clean_condition(self):
        value = self.cleaned_data["condition"].strip()
        if not value:
            raise forms.ValidationError("Give the medical condition a name, for example Asthma.")
        return value


class BaseMedicalConditionFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        names = {}
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            data = getattr(form, "cleaned_data", {})
            if data.get("end") or not data.get("condition"):
                continue
            key = data["condition"].casefold()
            if key in names:
                form.add_error("condition", f"“{data['condition']}” is already listed above.")
            names[key] = True


MedicalConditionFormSet = forms.modelformset_factory(
    MedicalCondition,
    form=MedicalConditionForm,
    formset=BaseMedicalConditionFormSet,
    extra=1,
    can_delete=False,
)


def medical_conditions_formset(pupil, data=None):
    return MedicalConditionFormSet(
        data,
        queryset=pupil.medical_conditions.current().order_by("condition", "pk"),
        prefix="medical",
    )


@transaction.atomic
def save_context_and_flags(*, pupil, form, conditions=None, today=None):
    """
    Save the flags and medical conditions together; each change keeps its history row.

    Returns a list of plain-English lines saying what changed (empty when nothing did).
    The person making the change is recorded by simple-history's request middleware.
    """
    today = today or date.today()
    reason = form.cleaned_data.get("reason") or "Context and flags updated"
    done = []
    if form.changed_fields:
        pupil = form.save(commit=False)
        pupil._change_reason = reason
        pupil.save(update_fields=form.changed_fields)
        done += [str(Pupil._meta.get_field(name).verbose_name) for name in form.changed_fields]
    for condition_form in conditions.forms if conditions is not None else []:
        if not condition_form.has_changed():
            continue
        condition = condition_form.instance
        if condition_form.cleaned_data.get("end"):
            condition = MedicalCondition.objects.get(pk=condition.pk)  # unsaved edits dropped
            condition.ended_on = today
            condition._change_reason = f"{reason}: {condition.condition} no longer applies"
            condition.save(update_fields=["ended_on"])
            done.append(f"ended {condition.condition}")
            continue
        added = condition.pk is None
        condition = condition_form.save(commit=False)
        condition.pupil = pupil
        condition._change_reason = f"{reason}: added {condition.condition}" if added else reason
        condition.save()
        done.append(f"{'added' if added else 'updated'} {condition.condition}")
    return done
