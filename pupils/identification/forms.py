"""Forms for identification: concerns, evidence, decisions, assessments, referrals."""

from datetime import date

from django import forms
from django.db import transaction
from django.utils import timezone

from pupils import codes
from pupils.models import (
    Concern,
    ConcernEvidence,
    ConcernView,
    EvidenceSource,
    ObservationNote,
    ParentInformed,
    Pupil,
    RoundRobinResponse,
    SpecialistService,
)
from pupils.register.forms import DateInput
from pupils.register.services import rerank_needs

AREA_CHOICES = [(a.value, a.label) for a in codes.BroadArea if a != codes.BroadArea.OTHER] + [
    ("unsure", "Not sure yet")
]


SEARCH_MAX_LENGTH = 50
SEARCH_MIN_LENGTH = 2


class PupilSearchForm(forms.Form):
    """What was typed to find a pupil: short, so a search stays cheap."""

    q = forms.CharField(
        label="Find a pupil",
        max_length=SEARCH_MAX_LENGTH,
        min_length=SEARCH_MIN_LENGTH,
        required=False,
        help_text="Type part of a name, a UPN or a form.",
        error_messages={
            "max_length": f"Type at most {SEARCH_MAX_LENGTH} letters.",
            "min_length": f"Type at least {SEARCH_MIN_LENGTH} letters.",
        },
    )


class ConcernForm(forms.ModelForm):
    """One phone-sized screen: who, what, where, which area, what was tried, a sample.

    The pupil is found by searching (the page lists matches and recent pupils as
    radio buttons), never from a list of the whole roll: the field only validates.
    """

    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(),
        label="Pupil",
        widget=forms.HiddenInput,
        error_messages={"required": "Find the pupil and choose them."},
    )
    suspected_areas = forms.MultipleChoiceField(
        label="Which areas of need might it be?",
        choices=AREA_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that fit, or “Not sure yet”.",
    )

    class Meta:
        model = Concern
        fields = ["pupil", "noticed", "contexts", "suspected_areas", "tried_already", "attachment"]
        widgets = {
            "noticed": forms.Textarea(attrs={"rows": 3}),
            "tried_already": forms.Textarea(attrs={"rows": 2}),
            "attachment": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.doc,.docx,.odt,.jpg,.jpeg,.png,.heic,image/*"}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = Pupil.objects.writable_by(user).on_roll()

    def clean_suspected_areas(self):
        return [code for code in self.cleaned_data["suspected_areas"] if code != "unsure"]


# The four broad areas (Code of Practice 6.28-6.35) in words a parent would use.
PARENT_AREA_CHOICES = [
    (codes.BroadArea.COMMUNICATION.value, "Talking, listening, or getting on with other children"),
    (codes.BroadArea.COGNITION.value, "Reading, writing, maths, or remembering things"),
    (codes.BroadArea.SEMH.value, "Feelings, worries, or behaviour"),
    (codes.BroadArea.SENSORY_PHYSICAL.value, "Seeing, hearing, moving, or their body"),
    ("unsure", "I am not sure"),
]
PARENT_PLACES = [
    ("home", "At home"),
    ("homework", "With homework"),
    ("friends", "With friends"),
    ("journey", "Getting to school"),
    ("mornings", "Mornings or bedtime"),
    ("school", "At school, in lessons"),
]
NOTICED_MAX = 3000


class ParentConcernForm(forms.ModelForm):
    """A parent's worry about their own child, in their words; saved as a Concern."""

    field_order = [
        "noticed",
        "places",
        "places_other",
        "suspected_areas",
        "tried_already",
        "attachment",
    ]
    noticed = forms.CharField(
        label="What have you noticed?",
        help_text="Say what happens, in your own words.",
        max_length=NOTICED_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Please tell us what you have noticed.",
            "max_length": "Please make this shorter (up to 3,000 letters).",
        },
    )
    places = forms.MultipleChoiceField(
        label="Where or when does it happen? (optional)",
        choices=PARENT_PLACES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that fit.",
    )
    places_other = forms.CharField(
        label="Anywhere else? (optional)",
        max_length=150,
        required=False,
        error_messages={"max_length": "Please make this shorter (up to 150 letters)."},
    )
    suspected_areas = forms.MultipleChoiceField(
        label="Is it about any of these? (optional)",
        choices=PARENT_AREA_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tried_already = forms.CharField(
        label="Is there anything that helps? (optional)",
        help_text="For example: a quiet place, extra time, doing it together.",
        max_length=NOTICED_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Please make this shorter (up to 3,000 letters)."},
    )

    class Meta:
        model = Concern
        fields = ["noticed", "suspected_areas", "tried_already", "attachment"]
        labels = {"attachment": "Add a photo or a document (optional)"}
        help_texts = {
            "attachment": "For example, a photo of homework or a letter. "
            "A photo, PDF or Word file, up to 10 MB."
        }
        widgets = {
            "attachment": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.doc,.docx,.odt,.jpg,.jpeg,.png,.heic,image/*"}
            ),
        }

    def clean_suspected_areas(self):
        return [code for code in self.cleaned_data["suspected_areas"] if code != "unsure"]

    def clean(self):
        cleaned = super().clean()
        labels = dict(PARENT_PLACES)
        places = [labels[value] for value in cleaned.get("places", [])]
        if cleaned.get("places_other"):
            places.append(cleaned["places_other"])
        self.instance.contexts = ", ".join(places)
        return cleaned

    def save(self, commit=True, *, pupil, parent):
        """Raise the concern as the staff form does, marked as from a parent."""
        self.instance.pupil = pupil
        self.instance.raised_by = parent
        self.instance.raised_by_parent = True
        return super().save(commit=commit)


class ConcernStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Concern.Status.IN_PROGRESS, Concern.Status.IN_PROGRESS.label),
            (Concern.Status.AWAITING_EVIDENCE, Concern.Status.AWAITING_EVIDENCE.label),
        ]
    )


def _day(when):
    return f"{when.day} {when:%b %Y}"


def evidence_on_record(concern, *, views, round_robin, observations, assessments):
    """Checklist sources already evidenced by records on the concern, each with what shows it."""
    on_record = {}
    for whose, source in [
        (ConcernView.Whose.PARENT, EvidenceSource.PARENT_VIEWS),
        (ConcernView.Whose.PUPIL, EvidenceSource.PUPIL_VIEWS),
    ]:
        dates = [view.gathered_on for view in views if view.whose == whose]
        if dates:
            on_record[source] = f"Views recorded {_day(max(dates))}"
    answered = sum(1 for asked in round_robin if hasattr(asked, "response"))
    if round_robin and answered == len(round_robin):
        on_record[EvidenceSource.ROUND_ROBIN] = f"All {answered} teachers have answered"
    if observations:
        latest = max(note.observed_on for note in observations)
        on_record[EvidenceSource.OBSERVATION] = f"Observation recorded {_day(latest)}"
    since = timezone.localdate(concern.raised_at)
    recent = [result for result in assessments if result.taken_on >= since]
    if recent:
        latest = max(recent, key=lambda result: result.taken_on)
        on_record[EvidenceSource.ASSESSMENTS] = f"{latest.instrument} on {_day(latest.taken_on)}"
    return on_record


def evidence_still_to_come(*, round_robin):
    """Sources partly in: round robin answers still awaited, for the checklist's hints."""
    answered = sum(1 for asked in round_robin if hasattr(asked, "response"))
    if round_robin and answered < len(round_robin):
        return {EvidenceSource.ROUND_ROBIN: f"{answered} of {len(round_robin)} teachers answered"}
    return {}


class EvidenceChecklistForm(forms.Form):
    """The whole evidence checklist in one form: a tick and a note for every source."""

    def __init__(self, *args, concern, rows, on_record, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.concern, self.rows, self.on_record = concern, rows, on_record
        self.hints = on_record | (hints or {})
        note_length = ConcernEvidence._meta.get_field("note").max_length
        for source in EvidenceSource:
            row = rows.get(source.value)
            self.fields[f"{source.value}-in"] = forms.BooleanField(
                required=False,
                label=source.label,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                initial=source.value in on_record
                or (row is not None and row.status == ConcernEvidence.Status.IN),
            )
            self.fields[f"{source.value}-note"] = forms.CharField(
                required=False,
                max_length=note_length,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                label=f"Note on {source.label[0].lower()}{source.label[1:]}",
                initial=row.note if row else "",
            )

    def ticked_count(self):
        """How many sources are in, as saved or as shown by records on the concern."""
        return sum(1 for source in EvidenceSource if self.fields[f"{source.value}-in"].initial)

    def items(self):
        """One entry per source, in checklist order, for the template."""
        for source in EvidenceSource:
            row = self.rows.get(source.value)
            tick, note = self[f"{source.value}-in"], self[f"{source.value}-note"]
            if source.value in self.hints:
                tick.field.widget.attrs["aria-describedby"] = f"{tick.auto_id}-hint"
            if note.errors:
                note.field.widget.attrs.update(
                    {
                        "class": "form-control form-control-sm is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{note.auto_id}-error",
                    }
                )
            yield {
                "source": source,
                "row": row,
                "tick": tick,
                "note": note,
                "hint": self.hints.get(source.value, ""),
                "on_record": source.value in self.on_record,
            }

    @transaction.atomic
    def save(self, *, by):
        """Write every changed source, or none: a failure rolls the whole checklist back."""
        rows = {row.source: row for row in self.concern.evidence.select_for_update()}
        changed = []
        for source in EvidenceSource:
            status = (
                ConcernEvidence.Status.IN
                if self.cleaned_data[f"{source.value}-in"]
                else ConcernEvidence.Status.MISSING
            )
            note = self.cleaned_data[f"{source.value}-note"]
            row = rows.get(source.value)
            if row is None and status == ConcernEvidence.Status.MISSING and not note:
                continue  # untouched and still missing: nothing to record
            if row is not None and (row.status, row.note) == (status, note):
                continue
            row = row or ConcernEvidence(concern=self.concern, source=source.value)
            row.status, row.note, row.updated_by = status, note, by
            row.save()
            changed.append(row)
        if changed and self.concern.status == Concern.Status.NEW:
            self.concern.status = Concern.Status.IN_PROGRESS
            self.concern.save(update_fields=["status"])
        return changed


class RoundRobinForm(forms.ModelForm):
    class Meta:
        model = RoundRobinResponse
        fields = ["level", "strengths", "difficulties", "what_helps"]
        widgets = {
            "level": forms.RadioSelect,
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "difficulties": forms.Textarea(attrs={"rows": 2}),
            "what_helps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty "---------" choice: the answer is required.
        self.fields["level"].choices = RoundRobinResponse.Level.choices


class ObservationForm(forms.ModelForm):
    class Meta:
        model = ObservationNote
        fields = ["observed_on", "setting", "note"]
        widgets = {"observed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class ConcernViewForm(forms.ModelForm):
    class Meta:
        model = ConcernView
        fields = ["whose", "gathered_on", "method", "summary"]
        widgets = {"gathered_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    """The SENCO's decision; the workflow itself is pupils.identification.decide_concern."""

    decision = forms.ChoiceField(
        choices=Concern.Decision.choices, widget=forms.RadioSelect, label="Decision"
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why (the rationale)"
    )
    look_again_on = forms.DateField(
        required=False, widget=DateInput(), label="Look again on (monitor)"
    )
    primary_need = forms.ChoiceField(
        choices=[("", "Not yet assessed (NSA)")] + list(codes.NeedType.choices),
        required=False,
        label="Primary need (SEN support or EHC request)",
    )
    add_need = forms.ChoiceField(
        choices=[("", "—")] + list(codes.NeedType.choices),
        required=False,
        label="Add a need (optional)",
        help_text="It goes after the needs already recorded.",
    )
    service = forms.ModelChoiceField(
        queryset=SpecialistService.objects.none(), required=False, label="Refer to (referral)"
    )
    informed_on = forms.DateField(
        required=False, widget=DateInput(), label="Parents were told on (leave blank if not yet)"
    )
    informed_method = forms.ChoiceField(
        choices=[("", "—")] + list(ParentInformed.Method.choices),
        required=False,
        label="How parents were told",
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = SpecialistService.objects.filter(school=pupil.school_id)
        self.current_needs = [need.code for need in pupil.needs.order_by("rank")]
        if self.current_needs:
            # Show the ranking the decision starts from; nothing on it is dropped.
            ranking = "; ".join(
                f"{rank}. {codes.NeedType(code).label}"
                for rank, code in enumerate(self.current_needs, 1)
            )
            primary = self.fields["primary_need"]
            primary.label = "Primary need"
            primary.choices = [("", "Keep the current ranking")] + list(codes.NeedType.choices)
            primary.help_text = (
                f"Current ranking: {ranking}. Choosing another need makes it the primary need; "
                "the others keep their order."
            )

    def clean_informed_on(self):
        value = self.cleaned_data["informed_on"]
        if value and value > date.today():
            raise forms.ValidationError("This date is in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("informed_on") and not cleaned.get("informed_method"):
            self.add_error("informed_method", "Say how the parents were told.")
        primary, added = cleaned.get("primary_need", ""), cleaned.get("add_need", "")
        cleaned["needs"] = (
            rerank_needs(self.current_needs, primary=primary, added=added)
            if primary or added
            else None
        )
        return cleaned
