"""PlainSelect: a filter's select written in Python, the same markup as Django's Select."""

import re

import pytest
from django import forms

from pupils.models import TeachingGroup
from sendhub.filters import PlainSelect, plain_widgets
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


class _Form(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>'}))
    year = forms.IntegerField(required=False, min_value=-2, max_value=14)
    on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    left = forms.BooleanField(required=False, widget=forms.CheckboxInput)
    flags = forms.MultipleChoiceField(
        required=False,
        choices=[("fsm", "Free school meals"), ("eal", "EAL & <more>")],
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.ChoiceField(required=False, choices=[("", "Any"), ("K", "SEN support")])


def _widgets_html(form):
    parts = [str(form[name]) for name in ("q", "year", "on", "left", "stage")]
    parts += [option.tag() for option in form["flags"]]
    return re.sub(r"\s+", "", "".join(parts))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": "O'Brien <b>", "year": "7", "on": "2026-09-01", "left": "on", "flags": ["eal"]},
        {"year": "x", "flags": ["fsm", "eal"], "stage": "K"},
    ],
)
def test_plain_widgets_write_what_djangos_widgets_write(data):
    django_form = _Form(data or None)
    plain_form = _Form(data or None)
    plain_widgets(plain_form)

    assert type(plain_form.fields["q"].widget).__name__ == "PlainTextInput"
    assert type(plain_form.fields["flags"].widget).__name__ == "PlainCheckboxSelectMultiple"
    assert type(django_form.fields["q"].widget) is forms.TextInput  # its own copy changed only
    assert _widgets_html(plain_form) == _widgets_html(django_form)
    if data.get("q"):
        assert 'value="O&#x27;Brien &lt;b&gt;"' in str(plain_form["q"])


def test_register_sidebar_keeps_its_checkboxes(senco_client):
    html = senco_client.get("/pupils/register/?flags=fsm&include_left=on").content.decode()
    assert '<legend class="form-label fs-6">Flags (all must apply)</legend>' in html
    assert 'value="fsm" class="form-check-input" id="id_flags_0" checked>' in html
    assert '<div class="mb-3 form-check"><input type="checkbox" name="include_left"' in html
