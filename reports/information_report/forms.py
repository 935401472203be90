from django import forms

from reports.models import SECTION_FIELDS, SECTIONS, InformationReport

TEXT_ROWS = 5


class InformationReportForm(forms.ModelForm):
    """A draft's text under each heading, and the SENCO's contact details."""

    local_offer_url = forms.URLField(
        label=InformationReport._meta.get_field("local_offer_url").verbose_name.capitalize(),
        help_text=InformationReport._meta.get_field("local_offer_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = InformationReport
        fields = [
            "academic_year",
            *SECTION_FIELDS,
            "senco_name",
            "senco_email",
            "senco_phone",
            "local_offer_url",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": TEXT_ROWS}) for name in SECTION_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The heading above each box names it; the label says what goes in.
        for section in SECTIONS:
            field = self.fields[section.field]
            field.label = "What we tell parents"
            field.widget.attrs["aria-label"] = f"{section.title}: what we tell parents"


class PublishForm(forms.Form):
    """Publishing needs every heading written and a way to reach the SENCO (Schedule 1)."""

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report

    def clean(self):
        report = self.report
        problems = [
            f"Write something under “{section.title}”." for section in report.missing_sections()
        ]
        if not report.senco_name.strip():
            problems.append("Give the SENCO's name (Schedule 1 paragraph 4).")
        if not (report.senco_email or report.senco_phone.strip()):
            problems.append("Give an email address or phone number for the SENCO.")
        if not report.local_offer_url:
            problems.append("Give the link to the local authority's local offer.")
        if problems:
            raise forms.ValidationError(problems)
        return super().clean()
