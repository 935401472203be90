"""The school's own words for things SENDhub names (School settings)."""

from django import template

from sendhub.models import Layer

register = template.Library()


@register.filter
def layer_label(value, school):
    """`{{ plan.layer|layer_label:school }}`: the school's name for a layer, or the standard one."""
    if school is None:
        try:
            return Layer(value).label
        except ValueError:
            return value
    return school.layer_label(value)
