from django import forms

from reports.termly.figures import SECTIONS

COMMENTARY_MAX = 2000


class CommentaryForm(forms.Form):
    """The SENCO's short commentary, one box per section of the report."""

    def __init__(self, *args, initial_commentary=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title in SECTIONS.items():
            self.fields[key] = forms.CharField(
                label=f"Commentary: {title}",
                required=False,
                max_length=COMMENTARY_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(initial_commentary or {}).get(key, ""),
                help_text="Plain English for governors. Do not name or describe a pupil.",
            )

    def commentary(self):
        return {key: text.strip() for key, text in self.cleaned_data.items() if text.strip()}
