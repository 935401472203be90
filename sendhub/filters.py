import django_filters
from django import forms
from django.db.models import Q

from sendhub.forms import SCHOOL_ROLE_CHOICES
from sendhub.models import Membership

# A name, a UPN or a few words is all a search box needs. Longer input (a pasted
# document, or an attack) is cut here, so no query grows with it: thousands of words
# or a 50,000-character LIKE pattern would otherwise take the database down or fail.
SEARCH_MAX_LENGTH = 100


class SearchField(forms.CharField):
    """Search text, spaces tidied and cut to SEARCH_MAX_LENGTH characters."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split())[:SEARCH_MAX_LENGTH].strip()


class SearchFilter(django_filters.CharFilter):
    """A search box's filter: never more than SEARCH_MAX_LENGTH characters of words."""

    field_class = SearchField


class PeopleFilter(django_filters.FilterSet):
    """People page filters, applied after User.objects.at_school(school)."""

    q = SearchFilter(method="filter_search", label="Name or email")
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
