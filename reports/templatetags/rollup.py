"""One suppressed count as table text: a filter, because an include per cell of a
100-school table costs more than all the roll-up's queries."""

from django import template
from django.utils.html import format_html

from reports.anonymise import SECONDARY

register = template.Library()

HIDDEN = format_html('<span class="text-nowrap">{}</span>', "fewer than 5")
NOT_SHOWN = format_html('<span class="text-nowrap">{}</span>', "not shown")


@register.filter
def suppressed(figure):
    """{"n": count or None (1-4), "percent": ...} as "fewer than 5", "12" or "12 (3.4%)"."""
    if figure["n"] is None:
        # A figure hidden only so that another cannot be worked back may be any size.
        return NOT_SHOWN if figure.get("why") == SECONDARY else HIDDEN
    if figure["percent"] is None:
        return figure["n"]
    return format_html(
        '{} <span class="text-body-secondary text-nowrap">({}%)</span>',
        figure["n"],
        figure["percent"],
    )
