import django_filters
from django import forms
from django.db.models import F, Q

from pupils import codes
from pupils.models import Pupil, RegisterEntry, TeachingGroup
from sendhub.filters import PlainSelect, SearchFilter, plain_widgets

STATUS_CHOICES = [
    ("register", "On the register (K and E)"),
    ("K", "SEN support (K)"),
    ("E", "EHC plan (E)"),
    ("assessment_requested", "EHC needs assessment requested"),
    ("monitoring", "Monitoring (not on register)"),
    ("N", "Not on the register"),
    ("all", "All pupils"),
]

FLAG_FILTERS = {
    "fsm": ("Free school meals", Q(free_school_meals=True)),
    "pp": ("Pupil premium", Q(pupil_premium=True)),
    "eal": ("EAL", Q(eal=True)),
    "cla": ("Looked after", Q(looked_after=True)),
    "pla": ("Previously looked after", Q(previously_looked_after=True)),
    "disabled": ("Disabled (Equality Act)", Q(is_disabled=True)),
    "summer": ("Summer-born", Q(date_of_birth__month__in=codes.SUMMER_BORN_MONTHS)),
}

SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "year": ("year_group", "last_name", "first_name", "pk"),
    "-year": ("-year_group", "last_name", "first_name", "pk"),
    "stage": ("sen_stage", "last_name", "first_name", "pk"),
    "-stage": ("-sen_stage", "last_name", "first_name", "pk"),
    "since": ("sen_since", "last_name", "pk"),
    "-since": ("-sen_since", "last_name", "pk"),
    # From the pupil's plans (Pupil.objects.with_plan_summary); no plan sorts last.
    "review": (F("plan_review_due_on").asc(nulls_last=True), "last_name", "pk"),
    "-review": (F("plan_review_due_on").desc(nulls_last=True), "last_name", "pk"),
    "plan": (F("plan_status").asc(nulls_last=True), "last_name", "pk"),
    "-plan": (F("plan_status").desc(nulls_last=True), "last_name", "pk"),
    "layer": (F("plan_layer").asc(nulls_last=True), "last_name", "pk"),
    "-layer": (F("plan_layer").desc(nulls_last=True), "last_name", "pk"),
}


class RegisterFilter(django_filters.FilterSet):
    """Register filters, applied after Pupil.objects.visible_to(user)."""

    q = SearchFilter(method="filter_search", label="Name or UPN")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=None, label="Status"
    )
    need = django_filters.ChoiceFilter(
        choices=codes.NeedType.choices, method="filter_need", label="Type of need (any rank)"
    )
    area = django_filters.ChoiceFilter(
        choices=codes.BroadArea.choices, method="filter_area", label="Broad area"
    )
    # The year groups a pupil can be in (Pupil's check constraint); anything else is ignored.
    year_group = django_filters.NumberFilter(
        label="Year group", min_value=-2, max_value=14, max_digits=2, decimal_places=0
    )
    form = django_filters.ModelChoiceFilter(
        queryset=TeachingGroup.objects.none(), label="Form", widget=PlainSelect
    )
    flags = django_filters.MultipleChoiceFilter(
        choices=[(key, label) for key, (label, _) in FLAG_FILTERS.items()],
        method="filter_flags",
        label="Flags (all must apply)",
        widget=forms.CheckboxSelectMultiple,
    )
    added_from = django_filters.DateFilter(method="filter_noop", label="Joined register from")
    added_to = django_filters.DateFilter(method="filter_noop", label="Joined register to")
    joined_as = django_filters.ChoiceFilter(
        choices=[("K", "SEN support (K)"), ("E", "EHC plan (E)")],
        method="filter_noop",
        label="Joined as",
        empty_label="K or E",
    )
    removed_from = django_filters.DateFilter(method="filter_noop", label="Left register from")
    removed_to = django_filters.DateFilter(method="filter_noop", label="Left register to")
    parents_informed = django_filters.ChoiceFilter(
        choices=[
            ("no", "SEN support, not told since joining it"),
            ("yes", "SEN support, told since joining it"),
        ],
        method="filter_parents_informed",
        label="Parents told (s68)",
    )
    include_left = django_filters.BooleanFilter(
        method="filter_noop", label="Include leavers", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], method="filter_noop", label="Sort"
    )

    class Meta:
        model = Pupil
        fields = []

    def __init__(self, data=None, *args, school=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "register")
        super().__init__(data, *args, **kwargs)
        self.form.fields["form"].queryset = TeachingGroup.objects.filter(
            school=school, kind=TeachingGroup.Kind.FORM
        )
        for name in ("added_from", "added_to", "removed_from", "removed_to"):
            self.form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
        bootstrap_classes(self.form)

    @property
    def qs(self):
        qs = super().qs
        data = self.form.cleaned_data
        if not data.get("include_left"):
            qs = qs.on_roll()
        if data.get("added_from") or data.get("added_to") or data.get("joined_as"):
            joins = RegisterEntry.objects.joining_register().between(
                data.get("added_from"), data.get("added_to")
            )
            if data.get("joined_as"):
                joins = joins.filter(stage__in=codes.stages_for_census_code(data["joined_as"]))
            qs = qs.filter(pk__in=joins.values("pupil_id"))
        if data.get("removed_from") or data.get("removed_to"):
            leaves = RegisterEntry.objects.leaving_register().between(
                data.get("removed_from"), data.get("removed_to")
            )
            qs = qs.filter(pk__in=leaves.values("pupil_id"))
        qs = qs.with_plan_summary()
        return qs.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"]))

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(upn__iexact=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if value == "register":
            return queryset.on_register()
        if value in ("K", "E", "N"):
            return queryset.with_census_code(value)
        if value in ("monitoring", "assessment_requested"):
            return queryset.filter(sen_stage=value)
        return queryset

    def filter_need(self, queryset, name, value):
        return queryset.filter(needs__code=value)

    def filter_area(self, queryset, name, value):
        return queryset.filter(needs__rank=1, needs__code__in=codes.needs_in_area(value))

    def filter_flags(self, queryset, name, value):
        for key in value:
            queryset = queryset.filter(FLAG_FILTERS[key][1])
        return queryset

    def filter_parents_informed(self, queryset, name, value):
        if value == "no":
            return queryset.without_parent_informed()
        return queryset.with_parent_informed()


def bootstrap_classes(form):
    """Bootstrap 5 classes on each widget, for templates/includes/_filter_field.html, and
    the widgets drawn in Python (sendhub.filters.plain_widgets): same markup, less time."""
    plain_widgets(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
