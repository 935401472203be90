"""Showing an anonymised figure (reports/anonymise.py) in a page or a PDF."""

from django import template
from django.utils.html import format_html

from reports.anonymise import SECONDARY

register = template.Library()


@register.filter
def fig(value):
    """A figure as text: its number, "fewer than 5", or "not shown" (hidden to protect one)."""
    if value is None:
        return "–"
    if value.get("n") is not None:
        return format_html('<span class="fig">{}</span>', value["n"])
    if value.get("why") == SECONDARY:
        return format_html('<span class="fig-hidden">{}<sup>*</sup></span>', "not shown")
    return format_html('<span class="fig-small">{}</span>', "fewer than 5")


@register.filter
def pct(value):
    """A percentage, or a dash where it is withheld."""
    return "–" if value is None else f"{value}%"


@register.filter
def get_section(figures, key):
    return figures.get(key) or {}
