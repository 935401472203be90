from datetime import date, timedelta

from django import forms
from django.db.models import Q

from provision.models import (
    CostSettings,
    GroupMember,
    GroupSlot,
    Intervention,
    MeasureKind,
    MissedReason,
    NotionalBudget,
    ProvisionGroup,
    Session,
    Strategy,
)
from provision.models.catalogue import TESTED_KINDS
from pupils.codes import BroadArea
from pupils.models import AssessmentInstrument
from pupils.models.assessments import AGE_EQUIVALENT_RANGE, MAX_AGE_EQUIVALENT_MONTHS
from pupils.register.forms import DateInput
from pupils.relationships.forms import StaffMultipleChoiceField, staff_at
from sendhub.forms import use_school_layers
from sendhub.models import School
from sendhub.roles import Role

# Who may be named as one of a group's staff.
GROUP_STAFF_ROLES = (Role.TEACHING_ASSISTANT, Role.TEACHER, Role.SENCO)


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["broad_area", "layer", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        use_school_layers(self, school)


# What a measure's scores are, for a sentence ("scores recorded as ratings").
RECORDED_AS = {
    MeasureKind.STANDARDISED: "standardised scores",
    MeasureKind.AGE_EQUIVALENT: "age-equivalents in months",
    MeasureKind.RATING: "ratings",
    MeasureKind.CHECKLIST: "checklist scores",
}


class InterventionForm(forms.ModelForm):
    """One entry of the school's catalogue (Code of Practice 6.76)."""

    areas = forms.MultipleChoiceField(
        label="Areas of need",
        choices=BroadArea.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area of need."},
    )

    class Meta:
        model = Intervention
        fields = [
            "name",
            "areas",
            "layer",
            "delivery",
            "group_size",
            "sessions_per_week",
            "minutes_per_session",
            "typical_weeks",
            "staff_role",
            "measure_kind",
            "measure_name",
            "instrument",
            "entry_criteria",
            "exit_criteria",
            "evidence_base",
            "resource_cost",
            "is_active",
        ]
        widgets = {
            "entry_criteria": forms.Textarea(attrs={"rows": 2}),
            "exit_criteria": forms.Textarea(attrs={"rows": 2}),
            "evidence_base": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        use_school_layers(self, school)
        self.fields["instrument"].queryset = AssessmentInstrument.objects.filter(school=school)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Intervention.objects.for_school(self.instance.school).exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError("Your catalogue already has an intervention of that name.")
        return name

    @property
    def changes_test(self):
        """An existing entry whose scores would now be results on another test, or none."""
        return self.instance.pk is not None and bool(
            {"instrument", "measure_kind"} & set(self.changed_data)
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        places = GroupMember.objects.filter(group__intervention=self.instance)
        test, kind = cleaned.get("instrument"), cleaned.get("measure_kind")
        if "measure_kind" in self.changed_data and kind:
            self._check_no_scores_yet(places)
        elif self.changes_test and test is not None and kind in TESTED_KINDS:
            self._check_recorded_scores(places.not_archived(), test, kind)
        return cleaned

    def _check_no_scores_yet(self, places):
        """Scores already recorded keep the measure they were taken on: a rating of 3 is not
        a reading age of 3 months."""
        scored = places.filter(Q(entry_score__isnull=False) | Q(exit_score__isnull=False))
        if count := scored.count():
            who = "1 pupil's place has" if count == 1 else f"{count} pupils' places have"
            old = RECORDED_AS[self.instance.measure_kind]
            self.add_error(
                "measure_kind",
                f"{who} scores recorded as {old}, which another measure would misread. "
                "Add a new catalogue entry for the new measure instead.",
            )

    def _check_recorded_scores(self, places, test, kind):
        """Dated scores already recorded in the groups become results on the new test
        (relink_scores in provision/services.py): each must be one that test can give."""
        problems = [
            problem
            for entry, entry_on, exit_score, exit_on in places.values_list(
                "entry_score", "entry_on", "exit_score", "exit_on"
            )
            if (problem := problem_with_test_score(entry, kind) if entry_on else "")
            or (problem := problem_with_test_score(exit_score, kind) if exit_on else "")
        ]
        if problems:
            who = (
                "1 pupil's place has a score"
                if len(problems) == 1
                else f"{len(problems)} pupils' places have scores"
            )
            self.add_error(
                "instrument",
                f"{who} that {test.name} cannot give ({problems[0].format(test=test.name)}) "
                "Correct those scores in the groups first, or keep the test as it was.",
            )


class ProvisionGroupForm(forms.ModelForm):
    """Start a running group of one of the school's interventions."""

    staff = StaffMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Run by"
    )

    class Meta:
        model = ProvisionGroup
        fields = [
            "intervention",
            "name",
            "staff",
            "start_on",
            "end_on",
            "planned_sessions",
            "notes",
        ]
        widgets = {
            "start_on": DateInput(),
            "end_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["intervention"].queryset = Intervention.objects.for_school(school).active()
        self.fields["staff"].queryset = staff_at(school, GROUP_STAFF_ROLES)
        self.fields["planned_sessions"].required = False
        self.fields[
            "planned_sessions"
        ].help_text = "Leave blank for the intervention's sessions a week × typical weeks."

    def clean(self):
        cleaned = super().clean()
        intervention = cleaned.get("intervention")
        if not cleaned.get("planned_sessions") and intervention:
            cleaned["planned_sessions"] = intervention.planned_sessions
            self.instance.planned_sessions = intervention.planned_sessions
        return cleaned


class GroupSlotForm(forms.ModelForm):
    class Meta:
        model = GroupSlot
        fields = ["weekday", "starts_at", "location"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


GroupSlotFormSet = forms.inlineformset_factory(
    ProvisionGroup,
    GroupSlot,
    form=GroupSlotForm,
    extra=3,
    max_num=10,
    can_delete=False,
    min_num=1,
    validate_min=True,
)


# How far ahead or back a place can start: a group planned for next year, or one recorded
# late, not a typing slip (31/12/9999 or 01/01/0001).
JOIN_AHEAD_DAYS = 366
JOIN_BACK_DAYS = 5 * 366


class MemberAddForm(forms.ModelForm):
    """Add a pupil to a group from a date, with their entry score if it is known."""

    class Meta:
        model = GroupMember
        fields = ["pupil", "joined_on", "entry_score", "entry_on"]
        widgets = {"joined_on": DateInput(), "entry_on": DateInput()}

    def __init__(self, *args, group, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        current = group.members.filter(left_on__isnull=True).values("pupil_id")
        self.fields["pupil"].queryset = pupils.on_roll().exclude(pk__in=current)
        self.fields["joined_on"].initial = date.today()

    def clean_joined_on(self):
        joined, today = self.cleaned_data["joined_on"], date.today()
        if (
            not today - timedelta(days=JOIN_BACK_DAYS)
            <= joined
            <= today + timedelta(days=JOIN_AHEAD_DAYS)
        ):
            raise forms.ValidationError(
                "A place can start up to five years back or a year ahead. Check the date."
            )
        return joined

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("entry_score") is not None and not cleaned.get("entry_on"):
            self.add_error("entry_on", "Enter the date of the entry test.")
        _check_test_scores(self, self.instance.group.intervention, ["entry"])
        return cleaned


class MemberLeaveForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["left_on", "reached_exit"]
        widgets = {"left_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].required = True
        self.fields["left_on"].initial = date.today()


class MemberScoresForm(forms.ModelForm):
    """Entry and exit scores on the intervention's measure."""

    class Meta:
        model = GroupMember
        fields = ["entry_score", "entry_on", "exit_score", "exit_on", "reached_exit"]
        widgets = {"entry_on": DateInput(), "exit_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("entry_score", "exit_score"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        member = self.instance
        # No double entry: a missing entry score starts as the pupil's latest result on the test.
        self.latest_result = member.latest_result() if member.entry_score is None else None
        if self.latest_result:
            self.initial |= {
                "entry_score": member.score_in(self.latest_result),
                "entry_on": self.latest_result.taken_on,
            }

    def clean(self):
        cleaned = super().clean()
        for score, on in (("entry_score", "entry_on"), ("exit_score", "exit_on")):
            if cleaned.get(score) is not None and not cleaned.get(on):
                self.add_error(on, "Enter the date of the test.")
        _check_test_scores(self, self.instance.group.intervention, ["entry", "exit"])
        return cleaned


def _check_test_scores(form, intervention, sides):
    """Scores that go into a pupil's assessment results must be results a test can give."""
    if not intervention.uses_assessments:
        return
    for side in sides:
        score, on = form.cleaned_data.get(f"{side}_score"), form.cleaned_data.get(f"{side}_on")
        if on and on > date.today():
            form.add_error(f"{side}_on", "A test date cannot be in the future.")
        if score is None or score == getattr(form.instance, f"{side}_score"):
            continue  # a score saved before is not refused again for a later edit
        if problem := problem_with_test_score(score, intervention.measure_kind):
            form.add_error(f"{side}_score", problem.format(test=intervention.instrument.name))


def problem_with_test_score(score, kind):
    """Why a test cannot give this score on this measure ("{test}" is the test's name), or ""."""
    if score is None:
        return ""
    if score != score.to_integral_value():
        return "{test} gives whole numbers."
    if kind == MeasureKind.STANDARDISED and not 40 <= score <= 160:
        return "A standardised score is between 40 and 160 (mean 100)."
    if kind == MeasureKind.AGE_EQUIVALENT and not 0 <= score <= MAX_AGE_EQUIVALENT_MONTHS:
        return AGE_EQUIVALENT_RANGE
    return ""


class SessionLogForm(forms.Form):
    """One tap: delivered (everyone present unless marked absent) or missed with a reason."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=Session.Status.choices)
    missed_reason = forms.ChoiceField(
        label="Why was it missed?", choices=MissedReason.choices, required=False
    )
    note = forms.CharField(max_length=500, required=False)
    absent = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, group, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.today = today or date.today()
        self.fields["absent"].choices = [
            (member.pupil_id, member.pupil_id) for member in group.members.all()
        ]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > self.today:
            raise forms.ValidationError("A session cannot be logged before it happens.")
        if day < self.group.start_on or (self.group.end_on and day > self.group.end_on):
            raise forms.ValidationError("The group was not running that day.")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Session.Status.MISSED and not cleaned.get("missed_reason"):
            self.add_error("missed_reason", "Say why the session was missed.")
        return cleaned


class CostSettingsForm(forms.ModelForm):
    class Meta:
        model = CostSettings
        fields = [
            "ta_hourly_rate",
            "ta_on_cost_percent",
            "teacher_hourly_rate",
            "teacher_on_cost_percent",
            "specialist_hourly_rate",
            "specialist_on_cost_percent",
            "other_hourly_rate",
            "other_on_cost_percent",
            "element_2_threshold",
        ]


NotionalBudgetFormSet = forms.inlineformset_factory(
    School, NotionalBudget, fields=["starts_in", "amount"], extra=1, can_delete=True
)
