"""Forms for the termly progress import and hand entry (reports/progress/views.py)."""

from django import forms
from django.core.exceptions import ValidationError

from pupils.mis_import.cells import CellError
from pupils.mis_import.reading import ImportFileError, check_upload, read_sheet
from reports.progress.models import MAX_SUSPENSION_DAYS, MAX_TERM_SESSIONS, Subject
from reports.progress.scales import Progress, age_in_months, read_assessment
from reports.progress.terms import Term, term_choices

# What a school records by hand, by phase: reading, writing and maths in a primary
# school; English and maths in a secondary school.
PHASE_SUBJECTS = {
    "primary": [Subject.READING, Subject.WRITING, Subject.MATHS],
    "secondary": [Subject.ENGLISH, Subject.MATHS],
}
OTHER_SUBJECTS = [Subject.READING, Subject.WRITING, Subject.MATHS, Subject.ENGLISH]


def phase_subjects(school):
    return PHASE_SUBJECTS.get(school.phase, OTHER_SUBJECTS)


class TermField(forms.ChoiceField):
    def __init__(self, *, latest, **kwargs):
        super().__init__(choices=term_choices(latest), **kwargs)

    def clean(self, value):
        return Term.from_slug(super().clean(value))


class ProgressUploadForm(forms.Form):
    term = forms.ChoiceField(label="Term the file is for")
    file = forms.FileField(
        label="MIS export",
        help_text="A CSV (.csv) or Excel (.xlsx) file of up to 5 MB, one row per pupil.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, latest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"] = TermField(latest=latest, label="Term the file is for")
        self.fields["term"].initial = latest.slug
        self.order_fields(["term", "file"])

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


class ClassTermForm(forms.Form):
    """Which class and term to enter by hand."""

    group = forms.ModelChoiceField(queryset=None, label="Class or form", empty_label=None)

    def __init__(self, *args, groups, latest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["term"] = TermField(latest=latest, label="Term")
        self.fields["term"].initial = latest.slug


class PupilTermEntryForm(forms.Form):
    """One pupil's term, by hand: attendance, suspensions and each subject's result."""

    sessions_possible = forms.IntegerField(
        label="Sessions possible", required=False, min_value=0, max_value=MAX_TERM_SESSIONS
    )
    sessions_attended = forms.IntegerField(
        label="Sessions attended", required=False, min_value=0, max_value=MAX_TERM_SESSIONS
    )
    suspensions = forms.IntegerField(label="Suspensions", required=False, min_value=0, max_value=99)
    suspension_days = forms.DecimalField(
        label="Days suspended",
        required=False,
        min_value=0,
        max_value=MAX_SUSPENSION_DAYS,
        decimal_places=1,
        step_size=0.5,
    )
    permanently_excluded = forms.BooleanField(label="Permanently excluded", required=False)

    def __init__(self, *args, pupil, term, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil, self.term, self.subjects = pupil, term, subjects
        progress = [("", "Not recorded"), *Progress.choices]
        for subject in subjects:
            label = Subject(subject).label
            self.fields[subject] = forms.CharField(
                label=f"{label} result",
                required=False,
                max_length=20,
            )
            self.fields[f"{subject}_progress"] = forms.ChoiceField(
                label=f"{label} progress", choices=progress, required=False
            )

    def clean(self):
        cleaned = super().clean()
        possible, attended = cleaned.get("sessions_possible"), cleaned.get("sessions_attended")
        if (possible is None) != (attended is None):
            self.add_error(
                "sessions_attended" if attended is None else "sessions_possible",
                "Give both sessions possible and sessions attended, or neither.",
            )
        elif possible is not None and attended > possible:
            self.add_error(
                "sessions_attended",
                f"Attended ({attended}) cannot be more than possible ({possible}).",
            )
        if cleaned.get("suspension_days") and not cleaned.get("suspensions"):
            self.add_error("suspensions", "Days suspended are given: how many suspensions?")
        age = age_in_months(self.pupil.date_of_birth, self.term.census_day)
        self.points = []
        for subject in self.subjects:
            raw = (cleaned.get(subject) or "").strip()
            progress = cleaned.get(f"{subject}_progress") or ""
            if not raw:
                if progress:
                    self.add_error(subject, "Progress is chosen: give the result too.")
                continue
            try:
                scale, text, score, band = read_assessment(raw, age_months=age)
            except CellError as exc:
                self.add_error(subject, str(exc))
                continue
            self.points.append(
                {"subject": subject, "scale": scale, "raw_value": text, "score": score,
                 "band": band, "progress": progress}
            )  # fmt: skip
        return cleaned

    def subject_fields(self):
        return [
            self[name] for subject in self.subjects for name in (subject, f"{subject}_progress")
        ]

    def is_blank(self):
        return not any(value not in (None, "", False) for value in self.cleaned_data.values())

    def values(self):
        data = self.cleaned_data
        return {
            "sessions_possible": data.get("sessions_possible"),
            "sessions_attended": data.get("sessions_attended"),
            "suspensions": data.get("suspensions") or 0,
            "suspension_days": data.get("suspension_days") or 0,
            "permanently_excluded": bool(data.get("permanently_excluded")),
        }

    @classmethod
    def initial_for(cls, row):
        """A saved PupilTerm (with its assessments prefetched) as the form's initial data."""
        if row is None:
            return {}
        initial = {
            "sessions_possible": row.sessions_possible,
            "sessions_attended": row.sessions_attended,
            "suspensions": row.suspensions,
            "suspension_days": row.suspension_days,
            "permanently_excluded": row.permanently_excluded,
        }
        for point in row.assessments.all():
            initial[point.subject] = point.raw_value
            initial[f"{point.subject}_progress"] = point.progress
        return initial
