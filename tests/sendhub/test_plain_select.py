"""PlainSelect: a filter's select written in Python, the same markup as Django's Select."""

import re

import pytest
from django import forms

from pupils.models import TeachingGroup
from sendhub.filters import PlainSelect
from tests.factories import TeachingGroupFactory


def _field(widget, school):
    return forms.ModelChoiceField(
        TeachingGroup.objects.filter(school=school).order_by("name"),
        empty_label="Any",
        widget=widget(attrs={"class": "form-select"}),
    )


def _render(field, value):
    return field.widget.render("form", field.prepare_value(value), {"id": "id_form"})


@pytest.mark.parametrize("chosen", [None, "", "second", "nowhere"])
def test_plain_select_writes_what_djangos_select_writes(world, chosen):
    TeachingGroupFactory(school=world.school, name="7 <Ma> & 2")
    second = TeachingGroupFactory(school=world.school, name="9 Sc1")
    value = str(second.pk) if chosen == "second" else chosen
    django_html = _render(_field(forms.Select, world.school), value)
    plain_html = _render(_field(PlainSelect, world.school), value)

    assert re.sub(r"\s+", "", plain_html) == re.sub(r"\s+", "", django_html)
    assert "7 &lt;Ma&gt; &amp; 2" in plain_html
    assert plain_html.count(" selected") == (0 if chosen == "nowhere" else 1)
    if chosen == "second":
        assert f'<option value="{second.pk}" selected>9 Sc1</option>' in plain_html


def test_plain_select_reads_its_choices_in_one_query(world, django_assert_num_queries):
    for name in ("7A", "7B", "7C"):
        TeachingGroupFactory(school=world.school, name=name)
    field = _field(PlainSelect, world.school)
    with django_assert_num_queries(1):
        html = _render(field, None)
    assert html.count("<option") == 1 + TeachingGroup.objects.filter(school=world.school).count()
