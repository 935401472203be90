import django_filters
from django.db.models import Q

from sendhub.forms import SCHOOL_ROLE_CHOICES
from sendhub.models import Membership


class PeopleFilter(django_filters.FilterSet):
    """People page filters, applied after User.objects.at_school(school)."""

    q = django_filters.CharFilter(method="filter_search", label="Name or email")
    role = django_filters.ChoiceFilter(
        choices=SCHOOL_ROLE_CHOICES, method="filter_role", empty_label="Any role", label="Role"
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        return queryset

    def filter_role(self, queryset, name, value):
        holders = Membership.objects.current().filter(school=self.school, role=value)
        return queryset.filter(pk__in=holders.values("user_id"))
