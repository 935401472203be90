from datetime import date

from django import forms

from pupils.forms import DateInput
from pupils.models import PASSPORT_SECTIONS, OnePageProfile, ParentMeeting, PassportVersion

TEXT = {"rows": 2}


class PassportForm(forms.ModelForm):
    """The pupil's passport in their own words; saving makes a new version."""

    class Meta:
        model = PassportVersion
        fields = [field for field, _ in PASSPORT_SECTIONS] + [
            "voice_method",
            "voice_notes",
            "captured_on",
        ]
        widgets = {field: forms.Textarea(attrs=TEXT) for field, _ in PASSPORT_SECTIONS} | {
            "captured_on": DateInput()
        }

    def clean_captured_on(self):
        value = self.cleaned_data["captured_on"]
        if value > date.today():
            raise forms.ValidationError("This date is in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(field) for field, _ in PASSPORT_SECTIONS):
            raise forms.ValidationError("Write at least one section of the passport.")
        return cleaned

    def content_changed(self, current):
        """True when the sections differ from the current version (or there is none)."""
        if current is None:
            return True
        return any(
            self.cleaned_data[field] != getattr(current, field) for field, _ in PASSPORT_SECTIONS
        )


class OnePageProfileForm(forms.ModelForm):
    class Meta:
        model = OnePageProfile
        fields = ["admired_for", "important_to_me", "how_to_support_me", "voice_method"]
        widgets = {
            "admired_for": forms.Textarea(attrs={"rows": 3}),
            "important_to_me": forms.Textarea(attrs={"rows": 3}),
            "how_to_support_me": forms.Textarea(attrs={"rows": 3}),
        }


class ParentMeetingForm(forms.ModelForm):
    class Meta:
        model = ParentMeeting
        fields = ["held_on", "held_with", "purpose", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
