"""Forms for the MIS import screens (pupils/mis_import/views.py)."""

from django import forms
from django.core.exceptions import ValidationError

from pupils.mis_import.reading import FIELDS, ImportFileError, check_upload, read_sheet

NOT_IN_FILE = ""


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="MIS export",
        help_text="A CSV (.csv) or Excel (.xlsx) file of up to 5 MB, one row per pupil.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    full_roll = forms.BooleanField(
        label="This file is the whole school roll",
        required=False,
        help_text="Pupils who are not in the file will be marked as left. "
        "They are archived, never deleted.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
            content = upload.read()
            sheet = read_sheet(content, upload.name)
        except ImportFileError as exc:
            raise ValidationError(str(exc)) from None
        if not sheet.rows:
            raise ValidationError("The file has a header row but no pupils under it.")
        self.content, self.sheet = content, sheet
        return upload


class ColumnMappingForm(forms.Form):
    """Which column of the file holds each SENDhub field."""

    full_roll = ImportUploadForm.base_fields["full_roll"]

    def __init__(self, *args, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "Not in this file")] + [(h, h) for h in headers]
        fields = {}
        for field in FIELDS:
            fields[field.key] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=field.required,
                error_messages={"required": f"Choose the column that holds {field.label}."},
            )
        self.fields = {**fields, "full_roll": self.fields["full_roll"]}

    def clean(self):
        cleaned = super().clean()
        used = {}
        for field in FIELDS:
            header = cleaned.get(field.key)
            if not header:
                continue
            if header in used:
                self.add_error(
                    field.key,
                    f"“{header}” is already chosen for {used[header]}. Choose each column once.",
                )
            used.setdefault(header, field.label)
        return cleaned

    def mapping(self):
        return {f.key: self.cleaned_data[f.key] for f in FIELDS if self.cleaned_data[f.key]}
