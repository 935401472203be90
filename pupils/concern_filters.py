import django_filters

from pupils import codes
from pupils.models import Concern

QUEUE_STATUSES = [
    ("open", "To triage (open, or due to look again)"),
    *Concern.Status.choices,
    ("all", "All concerns"),
]


class ConcernQueueFilter(django_filters.FilterSet):
    """Triage queue filters, applied after Concern.objects.visible_to(user)."""

    status = django_filters.ChoiceFilter(
        choices=QUEUE_STATUSES, method="filter_status", empty_label=None, label="Status"
    )
    year_group = django_filters.NumberFilter(field_name="pupil__year_group", label="Year group")
    area = django_filters.ChoiceFilter(
        choices=[(a.value, a.label) for a in codes.BroadArea if a != codes.BroadArea.OTHER],
        method="filter_area",
        label="Suspected area",
    )

    class Meta:
        model = Concern
        fields = ["status", "year_group", "area"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.needing_triage()
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_area(self, queryset, name, value):
        # A JSON list of codes; matching the quoted code works on SQLite and PostgreSQL.
        return queryset.filter(suspected_areas__icontains=f'"{value}"')
