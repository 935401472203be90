import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

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


class PlainSelect(forms.Select):
    """
    A single-choice select whose options are written in Python rather than through one
    template render each: a filter listing a school's 500 classes spent most of its
    sidebar's time in Django's option templates. Same markup; grouped choices fall back.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Not list(): that asks a ModelChoiceIterator's len(), a COUNT query of its own.
        choices = [choice for choice in self.choices]  # noqa: C416
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        values = self.format_value(value)
        chosen = values[0] if values else None
        options = []
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value == chosen
            chosen = None if selected else chosen  # only the first match, as Django does
            options.append((option_value, " selected" if selected else "", label))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )
