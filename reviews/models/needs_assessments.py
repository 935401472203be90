"""
Requests for an EHC needs assessment and what the local authority did with each.

A school, a parent or a young person may ask the local authority to assess (Children and
Families Act 2014 s36(1); Code of Practice 9.14-9.19). The LA's clock runs from the day
it received the request (SEND Regulations 2014 regs 3-13); reviews/deadlines.py counts
it and docs/ehcp-clock.md explains it. Each step is a dated event the SENCO records as
the LA's letters arrive; nothing is edited away, and corrections are kept in history.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.models import Pupil, PupilRecordQuerySet
from reviews import deadlines

SCHOOL = "School"
LA = "Local authority"
FAMILY = "Parent or young person"


class EventKind(models.TextChoices):
    DECIDED_TO_ASSESS = "assess", "LA decided to assess"
    REFUSED_TO_ASSESS = "refuse_assess", "LA refused to assess"
    DECIDED_TO_ISSUE = "issue", "LA decided to issue a plan"
    REFUSED_TO_ISSUE = "refuse_issue", "LA decided not to issue a plan"
    DRAFT_SENT = "draft", "Draft plan sent"
    COMMENTS_SENT = "comments", "Comments on the draft sent"
    FINAL_ISSUED = "final", "Final plan issued"
    MEDIATION = "mediation", "Mediation"
    APPEAL_LODGED = "appeal", "Appeal to the tribunal lodged"
    TRIBUNAL_HEARING = "hearing", "Tribunal hearing"
    TRIBUNAL_DECISION = "tribunal_decision", "Tribunal decision"
    WITHDRAWN = "withdrawn", "Request withdrawn"


# Events that end the request: nothing more falls due after them, unless an appeal follows.
CLOSING = {EventKind.REFUSED_TO_ASSESS, EventKind.REFUSED_TO_ISSUE, EventKind.WITHDRAWN}


@dataclass(frozen=True)
class RequestStep:
    """One statutory step of a request: what, who owns it, when it is due, where it stands."""

    label: str
    owner: str
    due: deadlines.Due
    done_on: date | None
    status: deadlines.Status
    law: str


class NeedsAssessmentRequestQuerySet(PupilRecordQuerySet):
    def open(self):
        """Requests still running: no final plan, refusal or withdrawal recorded."""
        return self.exclude(events__kind__in=[*CLOSING, EventKind.FINAL_ISSUED])

    def with_events(self):
        return self.prefetch_related(
            Prefetch(
                "events",
                queryset=NeedsAssessmentEvent.objects.select_related("recorded_by").order_by(
                    "on", "pk"
                ),
            )
        )

    def for_list(self):
        """The SENCO's list: each request with its pupil and events, newest first."""
        return self.select_related("pupil", "plan").with_events().order_by("-received_on", "-pk")

    def for_page(self):
        return (
            self.select_related("pupil", "plan", "requested_by_user")
            .with_events()
            .prefetch_related("support_plans", "plan_reviews", "assessment_results__instrument")
        )


class NeedsAssessmentRequest(models.Model):
    """A request to the local authority for an EHC needs assessment of one pupil."""

    class Requester(models.TextChoices):
        SCHOOL = "school", "The school"
        PARENT = "parent", "A parent"
        YOUNG_PERSON = "young_person", "The young person"

    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="needs_assessment_requests"
    )
    requested_by = models.CharField("who asked", max_length=20, choices=Requester.choices)
    local_authority = models.CharField("local authority", max_length=100)
    sent_on = models.DateField("request sent on")
    received_on = models.DateField(
        "LA received it on",
        help_text="The LA's clock runs from this day (SEND Regulations 2014 reg 5(1)).",
    )
    reasons = models.TextField(
        "why an assessment is needed",
        help_text="What the school has tried, and why the pupil may need an EHC plan "
        "(Code of Practice 9.14).",
    )
    support_plans = models.ManyToManyField(
        "reviews.SupportPlan", blank=True, related_name="+", verbose_name="support plans sent"
    )
    plan_reviews = models.ManyToManyField(
        "reviews.PlanReview", blank=True, related_name="+", verbose_name="plan reviews sent"
    )
    assessment_results = models.ManyToManyField(
        "pupils.AssessmentResult", blank=True, related_name="+", verbose_name="assessments sent"
    )
    sent_provision_map = models.BooleanField("the costed provision map was sent", default=True)
    sent_views = models.BooleanField("the views of the child and parents were sent", default=True)
    plan = models.OneToOneField(
        "reviews.EHCPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_assessment_request",
        verbose_name="the plan it led to",
    )
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = NeedsAssessmentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "EHC needs assessment request"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__gte=models.F("sent_on")),
                name="needsassessment_received_after_sent",
            ),
        ]
        permissions = [
            ("manage_needs_assessments", "Can record EHC needs assessment requests"),
        ]

    def __str__(self):
        return f"EHC needs assessment request for {self.pupil}, {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reviews:needs_assessment", args=[self.pk])

    def clean(self):
        if self.sent_on and self.received_on and self.received_on < self.sent_on:
            raise ValidationError(
                {"received_on": "The LA cannot receive the request before it was sent."}
            )

    def _first(self, *kinds):
        """The first recorded event of these kinds, from the prefetched events."""
        return next((event for event in self.events.all() if event.kind in kinds), None)

    @property
    def closed_by(self):
        return self._first(*CLOSING)

    @property
    def final_event(self):
        return self._first(EventKind.FINAL_ISSUED)

    @property
    def is_open(self):
        return self.closed_by is None and self.final_event is None

    def steps(self, today):
        """The statutory steps with due dates, owners and status (SEND Regulations 2014)."""
        clock = deadlines.ehc_needs_assessment(self.received_on)
        assess = self._first(EventKind.DECIDED_TO_ASSESS, EventKind.REFUSED_TO_ASSESS)
        issue = self._first(EventKind.DECIDED_TO_ISSUE, EventKind.REFUSED_TO_ISSUE)
        draft = self._first(EventKind.DRAFT_SENT)
        comments = self._first(EventKind.COMMENTS_SENT)
        final = self.final_event
        closed = self.closed_by
        rows = [
            ("Decision whether to assess", LA, clock.decide_to_assess_by, assess, "reg 5(1)"),
        ]
        if assess is None or assess.kind == EventKind.DECIDED_TO_ASSESS:
            rows.append(
                (
                    "Decision whether to issue a plan",
                    LA,
                    clock.decide_to_issue_by,
                    issue,
                    "reg 10(1)",
                )
            )
        if issue is None or issue.kind == EventKind.DECIDED_TO_ISSUE:
            if draft is not None:
                rows.append(
                    (
                        "Comments on the draft plan",
                        FAMILY,
                        deadlines.draft_comments_by(draft.on),
                        comments,
                        "reg 13(1)(a)",
                    )
                )
            rows.append(("Final plan issued", LA, clock.final_plan_by, final, "reg 13(2)"))
        steps = []
        for label, owner, due, event, law in rows:
            done_on = event.on if event else None
            # After a refusal or withdrawal, later steps are not due: shown as closed.
            if closed and event is None:
                status = deadlines.Status.DONE
            else:
                status = deadlines.status(due, today, done=done_on)
            steps.append(
                RequestStep(label, owner, due, done_on, status, f"SEND Regulations 2014 {law}")
            )
        return steps

    def next_step(self, today):
        return next(
            (step for step in self.steps(today) if step.status != deadlines.Status.DONE), None
        )


class NeedsAssessmentEventQuerySet(PupilRecordQuerySet):
    pass


class NeedsAssessmentEvent(models.Model):
    """One dated step of a request: a decision, a draft, a plan, mediation or an appeal."""

    pupil_path = "request__pupil"

    request = models.ForeignKey(
        NeedsAssessmentRequest, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("what happened", max_length=20, choices=EventKind.choices)
    on = models.DateField("on")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = NeedsAssessmentEventQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.on:%d/%m/%Y}"
