"""The `in` lookup on integer columns leaves out values the column cannot hold."""

import pytest

from pupils.models import TeachingGroup
from sendhub.models import User
from tests.factories import SchoolFactory, TeachingGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_BIG = 99999999999999999999999


def test_an_id_too_big_for_the_column_matches_nothing_instead_of_failing():
    user = UserFactory()
    assert list(User.objects.filter(pk__in=[TOO_BIG])) == []
    assert list(User.objects.filter(pk__in=[TOO_BIG, user.pk, -TOO_BIG])) == [user]


def test_a_multiple_choice_form_refuses_a_made_up_id_with_a_message():
    from django import forms

    school = SchoolFactory()
    group = TeachingGroupFactory(school=school)

    class Pick(forms.Form):
        groups = forms.ModelMultipleChoiceField(TeachingGroup.objects.all())

    form = Pick({"groups": [str(TOO_BIG)]})
    assert not form.is_valid()
    assert "not one of the available choices" in form.errors["groups"][0]
    assert Pick({"groups": [str(group.pk)]}).is_valid()
