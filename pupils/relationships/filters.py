import django_filters

from pupils.models import TeachingGroup


class ClassListFilter(django_filters.FilterSet):
    """Classes page filters, applied after TeachingGroup.objects.at_school_of(user)."""

    kind = django_filters.ChoiceFilter(
        choices=TeachingGroup.Kind.choices, label="Forms or classes", empty_label="All"
    )
    year_group = django_filters.ChoiceFilter(label="Year group", empty_label="All years")

    class Meta:
        model = TeachingGroup
        fields = ["kind", "year_group"]

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year_group"].extra["choices"] = [
            (str(year), "Reception" if year == 0 else f"Year {year}") for year in years
        ]
