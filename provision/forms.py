from django import forms

from provision.models import Strategy
from sendhub.forms import use_school_layers


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["broad_area", "layer", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        use_school_layers(self, school)
