from datetime import timedelta

import django_filters
from django.utils import timezone

from pupils import codes
from pupils.models import Concern

QUEUE_STATUSES = [
    ("open", "To triage (open, or due to look again)"),
    *Concern.Status.choices,
    ("all", "All concerns"),
]

RAISED_BY = [("staff", "Staff"), ("parent", "A parent or carer")]


class ConcernQueueFilter(django_filters.FilterSet):
    """Triage queue filters, applied after Concern.objects.visible_to(user)."""

    status = django_filters.ChoiceFilter(
        choices=QUEUE_STATUSES, method="filter_status", empty_label=None, label="Status"
    )
    year_group = django_filters.NumberFilter(
        field_name="pupil__year_group", label="Year group",
        min_value=-2, max_value=14, max_digits=2, decimal_places=0,
    )  # fmt: skip
    area = django_filters.ChoiceFilter(
        choices=[(a.value, a.label) for a in codes.BroadArea if a != codes.BroadArea.OTHER],
        method="filter_area",
        label="Suspected area",
    )
    raised_by = django_filters.ChoiceFilter(
        choices=RAISED_BY, method="filter_raised_by", empty_label="Anyone", label="Raised by"
    )
    older_than = django_filters.ChoiceFilter(
        choices=[("7", "Over a week"), ("14", "Over two weeks"), ("28", "Over four weeks")],
        method="filter_older_than",
        empty_label="Any age",
        label="Age",
    )

    class Meta:
        model = Concern
        fields = ["status", "year_group", "area", "raised_by", "older_than"]

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

    def filter_raised_by(self, queryset, name, value):
        # A parent's worry from the portal is marked raised_by_parent.
        return queryset.filter(raised_by_parent=(value == "parent"))

    def filter_older_than(self, queryset, name, value):
        return queryset.filter(raised_at__lt=timezone.now() - timedelta(days=int(value)))
