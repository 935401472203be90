import django_filters
from django import forms

from provision.models import GroupMember, Strategy
from pupils.codes import BroadArea, SenStage
from pupils.models import TeachingGroup
from pupils.register.filters import bootstrap_classes
from sendhub.filters import PlainSelect, SearchFilter
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


class ProvisionMapFilter(django_filters.FilterSet):
    """Narrow a provision map (after scoping) by year group, class, need, layer and stage."""

    year = django_filters.NumberFilter(label="Year group", field_name="pupil__year_group")
    form = django_filters.ModelChoiceFilter(
        label="Class",
        field_name="pupil__teaching_groups",
        queryset=None,
        empty_label="Any",
        widget=PlainSelect,
    )
    area = django_filters.ChoiceFilter(
        label="Area of need", choices=BroadArea.choices, empty_label="Any", method="in_area"
    )
    layer = django_filters.ChoiceFilter(
        label="Layer", field_name="group__intervention__layer", choices=Layer.choices,
        empty_label="Any",
    )  # fmt: skip
    stage = django_filters.ChoiceFilter(
        label="SEN stage",
        field_name="pupil__sen_stage",
        choices=[(SenStage.SEN_SUPPORT, "SEN support"), (SenStage.EHCP, "EHC plan")],
        empty_label="Any",
    )

    class Meta:
        model = GroupMember
        fields = []

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["form"].queryset = TeachingGroup.objects.filter(school=school)
        self.filters["layer"].extra["choices"] = school.layer_choices()
        # Plain Bootstrap widgets (templates/includes/_filter_field.html), not crispy: cheaper.
        bootstrap_classes(self.form)

    def in_area(self, queryset, name, value):
        # areas is a JSON list of codes; matching the quoted code works on every database.
        return queryset.filter(group__intervention__areas__icontains=f'"{value}"')
