from django import forms

from sendhub.models import LAYER_NAME_FIELDS, Layer, School


class SchoolSettingsForm(forms.ModelForm):
    """What the school calls things and how often it reviews (SEND-reference.md §4)."""

    class Meta:
        model = School
        fields = [
            "plan_label",
            "review_cadence_weeks",
            "passport_stale_days",
            "uses_layers",
            *LAYER_NAME_FIELDS.values(),
        ]
        labels = {
            "plan_label": "What your school calls a support plan",
            "review_cadence_weeks": "Weeks between reviews",
            "passport_stale_days": "Days before a passport needs checking with the pupil",
            "uses_layers": "Our school puts each plan in a support layer",
        }
        help_texts = {
            "plan_label": "For example: SEN support plan, IEP, My Plan, Individual Support Plan.",
            "passport_stale_days": "A passport not checked with the pupil for this long is "
            "flagged as due for a check.",
            "uses_layers": "Turn this off if your school does not use layers: plans will not "
            "ask for or show one.",
        }
        widgets = {
            "review_cadence_weeks": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "passport_stale_days": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_label"].error_messages["required"] = (
            "Enter what your school calls a support plan."
        )
        for layer, name in LAYER_NAME_FIELDS.items():
            field = self.fields[name]
            field.label = f"Our name for the {layer.label.lower()} layer"
            field.help_text = f"Leave blank to use “{layer.label}”."

    def layer_fields(self):
        return [self[name] for name in LAYER_NAME_FIELDS.values()]

    def clean(self):
        cleaned = super().clean()
        names = {}
        for layer in Layer:
            name = (cleaned.get(LAYER_NAME_FIELDS[layer]) or "").strip() or layer.label
            other = names.get(name.casefold())
            if other is not None:
                self.add_error(
                    LAYER_NAME_FIELDS[layer],
                    f"“{name}” is already the name of the {other.label.lower()} layer: "
                    "give each layer its own name.",
                )
            names.setdefault(name.casefold(), layer)
        return cleaned
