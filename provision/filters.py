import django_filters
from django import forms

from provision.models import Strategy
from pupils.codes import BroadArea
from sendhub.filters import SearchFilter
from sendhub.models import Layer

# How many strategies a search shows at once.
LIBRARY_PAGE_SIZE = 60


class StrategyFilter(django_filters.FilterSet):
    """Search the strategy library by words, broad area of need and layer."""

    q = SearchFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "for example: reading"}),
    )
    area = django_filters.ChoiceFilter(
        label="Area of need", field_name="broad_area", choices=BroadArea.choices, empty_label="Any"
    )
    layer = django_filters.ChoiceFilter(label="Layer", choices=Layer.choices, empty_label="Any")

    class Meta:
        model = Strategy
        fields = []

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        if school.uses_layers:
            self.filters["layer"].extra["choices"] = school.layer_choices()
        else:
            del self.filters["layer"]

    def search(self, queryset, name, value):
        return queryset.matching(text=value.strip())
