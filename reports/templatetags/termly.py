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


@register.filter
def shown_pct(value):
    """A percentage, "not shown" where it is withheld to protect small numbers, or "no
    figure" where there is none (no pupil in the group)."""
    if value == "":  # the template's missing group
        return "no figure"
    return "not shown" if value is None else f"{value}%"


GAP_WHO = {"SEN support": "pupils on SEN support", "EHC plan": "pupils with an EHC plan"}


def _points(value):
    value = abs(value)
    return f"{value:g} point" if value == 1 else f"{value:g} points"


@register.filter
def gap_sentence(gap, year_ago_label):
    """
    One gap to pupils with no SEN in plain words: how far below or above, and whether it is
    closing against the same term a year before. gap: a row of a section's "gaps".
    """
    who = GAP_WHO.get(gap["label"], gap["label"])
    now = gap["now"]
    if now is None:
        return f"The gap for {who} is not shown, to protect small numbers."
    if now == 0:
        where = "level with pupils with no SEN"
    else:
        where = f"{_points(now)} {'below' if now < 0 else 'above'} pupils with no SEN"
    if gap["closing"] is None:
        since = f"there is no figure for {year_ago_label} to compare with"
    elif gap["closing"]:
        since = f"the gap is closing: {_points(gap['change'])} narrower than in {year_ago_label}"
    elif not gap["change"]:
        since = f"the gap is not closing: the same size as in {year_ago_label}"
    else:
        since = f"the gap is not closing: {_points(gap['change'])} wider than in {year_ago_label}"
    return f"{who[0].upper()}{who[1:]} are {where}; {since}."
