"""Filters for the EHC review compliance dashboard."""

import django_filters

from reviews import deadlines
from reviews.models import EHCPlan
from reviews.models.annual_reviews import STEP_LABELS

STATES = [(state.value, state.label) for state in deadlines.Status if state != "done"]


def _year_choices():
    return [(year, "Reception" if year == 0 else f"Year {year}") for year in range(-2, 15)]


class ComplianceFilter(django_filters.FilterSet):
    """Year group is filtered in SQL; the state and next step are worked out per row."""

    year_group = django_filters.TypedChoiceFilter(
        field_name="pupil__year_group", choices=_year_choices, coerce=int, label="Year group"
    )
    state = django_filters.ChoiceFilter(choices=STATES, method="keep", label="State")
    step = django_filters.ChoiceFilter(
        choices=list(STEP_LABELS.items()), method="keep", label="Next step"
    )

    class Meta:
        model = EHCPlan
        fields = ["year_group", "state", "step"]

    def keep(self, queryset, name, value):
        return queryset  # applied to the computed rows in the view
