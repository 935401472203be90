from datetime import date

from django import forms

from pupils.models import PASSPORT_SECTIONS, OnePageProfile, ParentMeeting, PassportVersion
from pupils.passports.photos import clean_photo
from pupils.register.forms import DateInput

TEXT = {"rows": 2}


class PassportForm(forms.ModelForm):
    """The pupil's passport in their own words; saving makes a new version."""

    photo = forms.FileField(
        label="Photo (optional)",
        required=False,
        help_text="A JPEG, PNG or WebP photo of the pupil, up to 5 MB. It is made smaller "
        "and the camera's details (such as where it was taken) are removed.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(
        label="Remove the photo", required=False, help_text="Earlier versions keep it."
    )
    field_order = ["photo", "remove_photo"]

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

    def __init__(self, *args, has_photo=False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_photo:
            self.fields["photo"].label = "Replace the photo (optional)"
        else:
            del self.fields["remove_photo"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return clean_photo(upload) if upload else None

    def clean_captured_on(self):
        value = self.cleaned_data["captured_on"]
        if value > date.today():
            raise forms.ValidationError("This date is in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and cleaned.get("remove_photo"):
            self.add_error(
                "remove_photo", "Either choose a new photo or remove the photo, not both."
            )
        if not any(cleaned.get(field) for field, _ in PASSPORT_SECTIONS):
            raise forms.ValidationError("Write at least one section of the passport.")
        return cleaned

    def photo_changed(self):
        return bool(self.cleaned_data.get("photo") or self.cleaned_data.get("remove_photo"))

    def content_changed(self, current):
        """True when the sections or photo differ from the current version (or there is none)."""
        if current is None or self.photo_changed():
            return True
        return any(
            self.cleaned_data[field] != getattr(current, field) for field, _ in PASSPORT_SECTIONS
        )

    def version_content(self):
        """Keyword arguments for Passport.save_version: the sections, plus any photo change."""
        content = {field: self.cleaned_data[field] for field in self.Meta.fields}
        if self.cleaned_data.get("photo"):
            content["photo"] = self.cleaned_data["photo"]
        elif self.cleaned_data.get("remove_photo"):
            content["photo"] = ""
        return content


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
