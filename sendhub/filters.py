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


# Django's input widgets draw <input> through input.html and attrs.html (two template
# renders per box, one per checkbox of a list); these are the templates that hold nothing else.
PLAIN_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "search", "number", "date", "email", "checkbox", "checkbox_option")
}


def _input_attrs(attrs):
    """attrs.html in Python: True writes the bare name, False leaves it out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PlainInputMixin:
    """An input widget written in Python: the same markup as Django's input.html."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name not in PLAIN_INPUT_TEMPLATES or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if value is None else format_html(' value="{}"', value),
            _input_attrs(widget["attrs"]),
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainNumberInput(PlainInputMixin, forms.NumberInput):
    pass


class PlainDateInput(PlainInputMixin, forms.DateInput):
    pass


class PlainCheckboxInput(PlainInputMixin, forms.CheckboxInput):
    pass


class PlainCheckboxSelectMultiple(PlainInputMixin, forms.CheckboxSelectMultiple):
    """Each box ({{ option.tag }} in templates/includes/_filter_field.html) in Python."""


PLAIN_WIDGETS = {
    forms.Select: PlainSelect,
    forms.TextInput: PlainTextInput,
    forms.NumberInput: PlainNumberInput,
    forms.DateInput: PlainDateInput,
    forms.CheckboxInput: PlainCheckboxInput,
    forms.CheckboxSelectMultiple: PlainCheckboxSelectMultiple,
}


def plain_widgets(form):
    """
    Give a form's fields the Plain widgets above in place of Django's, keeping everything
    else about each widget (choices, attributes, input type). A filter sidebar of fifteen
    fields otherwise spends most of its time in sixty small widget template renders. The
    form's fields are its own copies (Django deep-copies them per form), so nothing shared
    changes.
    """
    for field in form.fields.values():
        plain = PLAIN_WIDGETS.get(type(field.widget))
        if plain is not None:
            field.widget.__class__ = plain
