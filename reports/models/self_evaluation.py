"""The SEND self-evaluation: leaders' judgements, the evidence behind them, and their actions.

A draft shows the evidence live; finalising keeps the evidence as it stood that day, so a
finalised self-evaluation is frozen. A new draft copies the last one's words and actions.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reports.models.information_report import academic_year_validator


@dataclass(frozen=True)
class Heading:
    key: str
    title: str
    prompt: str


# The headings an inspector asks about for pupils with SEND.
HEADINGS = [
    Heading(
        "achievement",
        "Achievement and attendance",
        "How well pupils with SEND achieve and attend, compared with their peers and nationally.",
    ),
    Heading(
        "provision",
        "Quality and impact of provision",
        "How well the extra help is delivered, and what difference it makes.",
    ),
    Heading(
        "identification",
        "Identification of need",
        "How quickly a concern leads to a decision, and how accurate identification is.",
    ),
    Heading(
        "views",
        "Parents' and pupils' views",
        "How parents and pupils are consulted, and what they say.",
    ),
    Heading(
        "leadership",
        "Leadership of SEND",
        "How leaders know what works, what they are doing about it, and how far they have got.",
    ),
]
HEADING_KEYS = [heading.key for heading in HEADINGS]


class Grade(models.TextChoices):
    """The school's own judgement, on the scale of Ofsted's report cards."""

    EXCEPTIONAL = "exceptional", "Exceptional"
    STRONG = "strong", "Strong standard"
    EXPECTED = "expected", "Expected standard"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    URGENT = "urgent", "Urgent improvement"


def _grade_field(heading):
    return models.CharField(
        f"{heading.title}: our judgement", max_length=20, choices=Grade.choices, blank=True
    )


def _text_field(heading):
    return models.TextField(f"{heading.title}: what we think and why", blank=True)


class SelfEvaluationQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)

    def drafts(self):
        return self.filter(status=SelfEvaluation.Status.DRAFT)

    def for_list(self):
        return (
            self.select_related("created_by", "finalised_by")
            .annotate(action_count=models.Count("actions"))
            .order_by("-number")
        )


class SelfEvaluation(models.Model):
    """One version of the school's SEND self-evaluation."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINALISED = "finalised", "Finalised"

    school = models.ForeignKey(
        "sendhub.School", on_delete=models.PROTECT, related_name="self_evaluations"
    )
    number = models.PositiveSmallIntegerField("version")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    academic_year = models.CharField(
        max_length=7, validators=[academic_year_validator], help_text="For example 2026/27."
    )
    achievement_grade = _grade_field(HEADINGS[0])
    achievement_text = _text_field(HEADINGS[0])
    provision_grade = _grade_field(HEADINGS[1])
    provision_text = _text_field(HEADINGS[1])
    identification_grade = _grade_field(HEADINGS[2])
    identification_text = _text_field(HEADINGS[2])
    views_grade = _grade_field(HEADINGS[3])
    views_text = _text_field(HEADINGS[3])
    leadership_grade = _grade_field(HEADINGS[4])
    leadership_text = _text_field(HEADINGS[4])
    # The evidence as it stood when finalised; empty while a draft (shown live).
    evidence = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = SelfEvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "finalised"]),
                name="self_evaluation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", finalised_at__isnull=True)
                | Q(status="finalised", finalised_at__isnull=False),
                name="self_evaluation_finalised_has_date",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}_grade__in": ["", *Grade.values]}),
                    name=f"self_evaluation_{key}_grade_valid",
                )
                for key in HEADING_KEYS
            ],
            models.UniqueConstraint(
                fields=["school", "number"], name="self_evaluation_unique_number"
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(status="draft"), name="self_evaluation_one_draft"
            ),
        ]

    def __str__(self):
        return f"SEND self-evaluation {self.academic_year} (version {self.number})"

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == self.Status.FINALISED:
            raise ValueError("A finalised self-evaluation is frozen: start a new draft instead.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def get_absolute_url(self):
        return reverse("reports:self_evaluation_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def judgements(self):
        """[(heading, grade label, text)] in the order of HEADINGS."""
        return [
            (
                heading,
                getattr(self, f"get_{heading.key}_grade_display")(),
                getattr(self, f"{heading.key}_text"),
            )
            for heading in HEADINGS
        ]

    def finalise(self, *, by, evidence, now=None):
        """Freeze this draft with the evidence as it stands now."""
        if not self.is_draft:
            raise ValueError("Only a draft can be finalised.")
        self.status = self.Status.FINALISED
        self.evidence = evidence
        self.finalised_by = by
        self.finalised_at = now or timezone.now()
        self._change_reason = "Finalised"
        self.save()

    @classmethod
    @transaction.atomic
    def start_draft(cls, *, school, by, academic_year):
        """A new draft, carrying over the last version's judgements and actions."""
        last = cls.objects.for_school(school).order_by("-number").first()
        copied = [f"{key}_{part}" for key in HEADING_KEYS for part in ("grade", "text")]
        values = {name: getattr(last, name) for name in copied} if last else {}
        draft = cls.objects.create(
            school=school,
            number=(last.number + 1) if last else 1,
            academic_year=academic_year,
            created_by=by,
            **values,
        )
        if last:
            SelfEvaluationAction.objects.bulk_create(
                SelfEvaluationAction(
                    evaluation=draft,
                    heading=action.heading,
                    action=action.action,
                    owner=action.owner,
                    due_on=action.due_on,
                    rag=action.rag,
                    progress=action.progress,
                )
                for action in last.actions.all()
            )
        return draft


class SelfEvaluationAction(models.Model):
    """One action leaders are taking, who owns it, when it is due and how far it has got."""

    class Rag(models.TextChoices):
        RED = "red", "Red: off track"
        AMBER = "amber", "Amber: some progress"
        GREEN = "green", "Green: on track or done"

    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.PROTECT, related_name="actions")
    heading = models.CharField(
        "for",
        max_length=20,
        choices=[(heading.key, heading.title) for heading in HEADINGS],
        default="leadership",
    )
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due_on = models.DateField("due by")
    rag = models.CharField("progress", max_length=5, choices=Rag.choices, default=Rag.AMBER)
    progress = models.TextField("progress so far", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rag__in=["red", "amber", "green"]),
                name="self_evaluation_action_rag_valid",
            ),
            models.CheckConstraint(
                condition=Q(heading__in=HEADING_KEYS),
                name="self_evaluation_action_heading_valid",
            ),
        ]

    def __str__(self):
        return self.action
