"""
SEN support plans: the assess-plan-do-review cycle (Code of Practice 6.44-6.56), the
strategy library, reviews and the views gathered for them.

One SupportPlan row per cycle and version. An agreed plan is never edited: a change
is a revision (a new version, `previous` pointing at the old one), and closing a
review opens the next cycle (reviews/services.py).
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pupils.models import Pupil, PupilRecordQuerySet, ReadReceipt
from sendhub.models import MAX_WEEKS_TO_REVIEW, Layer

# MAX_WEEKS_TO_REVIEW (the termly limit) and Layer live beside School, whose settings
# use them: the default review cadence and the school's own names for the layers.
TARGETS_MIN, TARGETS_MAX = 1, 6
TARGETS_ADVISED = (3, 4)  # three or four clear targets work best
DUE_SOON_DAYS = 14


def latest_review_date(start):
    """The last date a review may be set for, for a plan written on `start`."""
    return start + timedelta(weeks=MAX_WEEKS_TO_REVIEW)


def default_review_date(school, start):
    """The school's cadence from `start`, never later than the termly limit."""
    return min(start + timedelta(weeks=school.review_cadence_weeks), latest_review_date(start))


class SupportPlanQuerySet(PupilRecordQuerySet):
    def open(self):
        """Plans still being written or in force: a draft, agreed or active (not yet reviewed)."""
        return self.filter(status__in=SupportPlan.OPEN_STATUSES)

    def current(self):
        """Plans in force: agreed or active (a draft is not yet in force)."""
        return self.filter(status__in=[SupportPlan.Status.AGREED, SupportPlan.Status.ACTIVE])

    def drafts(self):
        return self.filter(status=SupportPlan.Status.DRAFT)

    def active(self):
        """Plans that have been put in place: the only ones that can be reviewed."""
        return self.filter(status=SupportPlan.Status.ACTIVE)

    def due_for_review(self, today, within_days=DUE_SOON_DAYS):
        """Plans in force whose review falls between today and `within_days` from now."""
        return self.current().filter(
            review_due_on__gte=today, review_due_on__lte=today + timedelta(days=within_days)
        )

    def overdue(self, today):
        """Plans in force whose review date has passed without a review."""
        return self.current().filter(review_due_on__lt=today)

    def awaiting_parent_agreement(self):
        """Draft plans the parents have not yet agreed (no response, a question or disagreement)."""
        return self.drafts().exclude(Exists(PlanAgreement.objects.parent_agreed(OuterRef("pk"))))

    def awaiting_views(self):
        """Plans not yet reviewed with someone's views asked for and not yet received."""
        asked = ReviewView.objects.filter(
            plan=OuterRef("pk"), asked_on__isnull=False, received_on__isnull=True
        )
        return self.open().filter(Exists(asked))

    def for_list(self):
        return self.select_related("pupil", "created_by").order_by("-cycle", "-version")

    def for_pupil_panel(self):
        """What the panel on a pupil's page shows: open plans with targets and strategies."""
        return (
            self.open()
            .prefetch_related(
                models.Prefetch("targets", queryset=PlanTarget.objects.in_order()),
                models.Prefetch(
                    "strategies", queryset=PlanStrategy.objects.order_by("order", "pk")
                ),
            )
            .order_by("-cycle", "-version")
        )

    def for_worklist(self):
        """A dashboard worklist: each plan with its pupil and form, one query."""
        return self.select_related("pupil__form")

    def for_detail(self):
        """What the plan page shows: targets, strategies, agreements, views and its review."""
        return self.select_related(
            "pupil__school", "pupil__form", "created_by", "put_in_place_by"
        ).prefetch_related(
            models.Prefetch("targets", queryset=PlanTarget.objects.in_order()),
            models.Prefetch("strategies", queryset=PlanStrategy.objects.order_by("order", "pk")),
            models.Prefetch(
                "agreements",
                queryset=PlanAgreement.objects.select_related("agreed_by", "answered_by"),
            ),
            models.Prefetch(
                "agreements",
                queryset=PlanAgreement.all_objects.filter(withdrawn_at__isnull=False)
                .select_related("agreed_by", "answered_by")
                .order_by("-withdrawn_at", "-pk"),
                to_attr="earlier_responses",
            ),
            models.Prefetch("views", queryset=ReviewView.objects.select_related("given_by")),
            models.Prefetch(
                "review__progress", queryset=TargetProgress.objects.select_related("target")
            ),
            "review__recorded_by",
        )

    def for_review_record(self):
        """Reviewed plans, with what the review record shows: progress, views, who recorded it."""
        return (
            self.filter(review__isnull=False)
            .select_related(
                "pupil__school", "pupil__form", "review__recorded_by", "put_in_place_by"
            )
            .prefetch_related(
                models.Prefetch(
                    "review__progress", queryset=TargetProgress.objects.select_related("target")
                ),
                models.Prefetch("views", queryset=ReviewView.objects.select_related("given_by")),
            )
        )


class SupportPlan(models.Model):
    """One version of a pupil's support plan for one assess-plan-do-review cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        ACTIVE = "active", "Active"
        REVIEWED = "reviewed", "Reviewed"
        SUPERSEDED = "superseded", "Replaced by a revision"

    OPEN_STATUSES = (Status.DRAFT, Status.AGREED, Status.ACTIVE)

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_plans")
    cycle = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    layer = models.CharField(
        "support layer", max_length=20, choices=Layer.choices, default=Layer.TARGETED
    )
    assess_summary = models.TextField(
        "what we know (assess)",
        help_text="The pupil's needs, the evidence used, and what the pupil and parents said.",
    )
    provision_notes = models.TextField(
        "provision and interventions",
        blank=True,
        help_text="Extra help: groups, interventions, who runs them and how often.",
    )
    home_targets = models.TextField(
        "home targets", blank=True, help_text="Things parents can work on with their child at home."
    )
    review_due_on = models.DateField("review by")
    starts_on = models.DateField("in place from", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers"
    )
    # Agreement is sought, not required (Children and Families Act 2014 s66; Code of
    # Practice 6.48): a plan put in place without everyone's agreement says why.
    going_ahead_reason = models.TextField(
        "why the school went ahead",
        blank=True,
        help_text="Who did not agree, what was done about it, and when it will be looked at again.",
    )
    put_in_place_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        ordering = ["pupil", "-cycle", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "agreed", "active", "reviewed", "superseded"]),
                name="plan_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(layer__in=[layer.value for layer in Layer]), name="plan_layer_valid"
            ),
            models.UniqueConstraint(
                fields=["pupil", "cycle", "version"], name="plan_unique_cycle_version"
            ),
            # One draft and one plan in force at a time for each pupil.
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="draft"), name="plan_one_draft_per_pupil"
            ),
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(status__in=["agreed", "active"]),
                name="plan_one_in_force_per_pupil",
            ),
        ]
        permissions = [
            ("manage_plans", "Can draft, agree and review support plans"),
            ("contribute_views", "Can record views for a support plan review"),
            ("take_part_as_parent", "Can agree their own child's plan and add their views"),
        ]

    def __str__(self):
        return f"{self.pupil}: cycle {self.cycle}, version {self.version}"

    def get_absolute_url(self):
        return reverse("reviews:plan_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_current(self):
        return self.status in (self.Status.AGREED, self.Status.ACTIVE)

    @property
    def is_active(self):
        """Put in place, so running: an agreed plan not yet in place has nothing to review."""
        return self.status == self.Status.ACTIVE

    def is_ready_to_put_in_place(self):
        """A draft or agreed plan the class teacher and SENCO have both agreed (prefetched)."""
        return self.status in (self.Status.DRAFT, self.Status.AGREED) and all(
            party in self.agreed_parties() for party in PlanAgreement.SCHOOL
        )

    def parties_yet_to_agree(self):
        """Parties of a draft whose agreement is not recorded: the ones staff can still record."""
        if not self.is_draft:
            return []
        agreed = self.agreed_parties()
        return [party for party in PlanAgreement.Party if party not in agreed]

    def is_overdue_on(self, day):
        return self.is_current and self.review_due_on < day

    @property
    def is_overdue(self):
        return self.is_overdue_on(date.today())

    def agreed_parties(self):
        """Parties whose standing response is agreement (reads the prefetched agreements)."""
        return {
            a.party for a in self.agreements.all() if a.response == PlanAgreement.Response.AGREE
        }

    def missing_parties(self):
        """Parties who have not responded to this version at all."""
        responded = {agreement.party for agreement in self.agreements.all()}
        return [p for p in PlanAgreement.Party if p not in responded]

    def responses_by_party(self):
        """(party, standing response or None) for every party, in the parties' order."""
        given = {agreement.party: agreement for agreement in self.agreements.all()}
        return [(party, given.get(party)) for party in PlanAgreement.Party]

    def parties_not_agreed(self):
        """
        The consulted parties (parent, pupil) who did not agree: they disagreed, asked a
        question that is not yet answered, or gave no response.
        """
        given = {agreement.party: agreement for agreement in self.agreements.all()}
        return [
            party
            for party in PlanAgreement.CONSULTED
            if party not in given or not given[party].counts_as_consulted
        ]

    def views_by_party(self):
        """(label, view or None) for pupil, parent, teacher and TA (reads the prefetched views)."""
        given = {view.party: view for view in self.views.all()}
        return [(label, given.get(party)) for party, label in ReviewView.Party.choices]

    def next_cycle_plan(self):
        """The plan for the cycle this plan's review opened, as it stands now (None on exit)."""
        following = self.pupil.support_plans.filter(cycle=self.cycle + 1).exclude(
            status=self.Status.SUPERSEDED
        )
        # A revision in draft sits beside the version in force: show the one in force.
        return min(following, key=lambda plan: (plan.is_draft, -plan.version), default=None)


class PlanTargetQuerySet(models.QuerySet):
    def in_order(self):
        """Targets in the plan's order, with the intervention groups that deliver each."""
        return self.order_by("order", "pk").prefetch_related("groups__intervention")


class PlanTarget(models.Model):
    """An outcome the plan works towards, with how success will be seen."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="targets")
    order = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField("target", max_length=300)
    success_criteria = models.TextField("we will know it is met when")
    baseline = models.CharField("starting point", max_length=300)
    owner = models.CharField(
        "who leads it", max_length=120, help_text="For example: class teacher, TA, SENCO."
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The intervention groups that deliver it: only groups the pupil has a place in.
    groups = models.ManyToManyField(
        "provision.ProvisionGroup", blank=True, related_name="plan_targets"
    )

    history = HistoricalRecords()
    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.outcome


class PlanStrategy(models.Model):
    """A strategy for class teachers on this plan, picked from the library or written here."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="strategies")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("strategy")
    strategy = models.ForeignKey(
        "provision.Strategy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "plan strategies"

    def __str__(self):
        return self.text


class AgreementQuerySet(models.QuerySet):
    def parent_agreed(self, plan):
        """The parent's standing agreement with `plan` (a pk or an OuterRef)."""
        return self.filter(
            plan_id=plan, party=PlanAgreement.Party.PARENT, response=PlanAgreement.Response.AGREE
        )


class StandingAgreementManager(models.Manager.from_queryset(AgreementQuerySet)):
    """
    Responses that still stand: one withdrawn because the draft changed, or because the
    party responded again, no longer counts.
    """

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class PlanAgreement(models.Model):
    """
    One party's response to this version of the plan: agreed, disagreed (with the reason)
    or asked a question (Code of Practice 6.48). Teacher and SENCO only agree; the parent
    and the pupil are consulted, and the school may go ahead without their agreement
    (Children and Families Act 2014 s66).
    """

    class Party(models.TextChoices):
        TEACHER = "teacher", "Class teacher"
        SENCO = "senco", "SENCO"
        PARENT = "parent", "Parent or carer"
        PUPIL = "pupil", "Pupil"

    class Response(models.TextChoices):
        AGREE = "agree", "Agreed"
        DISAGREE = "disagree", "Disagreed"
        QUESTION = "question", "Asked a question"

    # The school's own sign-off: the plan is not put in place without it.
    SCHOOL = (Party.TEACHER, Party.SENCO)
    # Consulted: their agreement is sought, not required.
    CONSULTED = (Party.PARENT, Party.PUPIL)

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="agreements")
    party = models.CharField(max_length=10, choices=Party.choices)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.AGREE)
    text = models.TextField(
        "reason or question", blank=True, help_text="Why they disagree, or what they asked."
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField("on", default=date.today)
    method = models.CharField(
        "how it was given",
        max_length=200,
        blank=True,
        help_text="For example: at the plan meeting, by phone, on the parent portal.",
    )
    answer = models.TextField("the school's answer", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the draft changed after this response, or the party responded again.",
    )

    history = HistoricalRecords()
    all_objects = models.Manager()
    objects = StandingAgreementManager()

    class Meta:
        ordering = ["agreed_on", "pk"]
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "party"],
                condition=Q(withdrawn_at__isnull=True),
                name="agreement_one_standing_per_party",
            ),
            models.CheckConstraint(
                condition=Q(party__in=["teacher", "senco", "parent", "pupil"]),
                name="agreement_party_valid",
            ),
            models.CheckConstraint(
                condition=Q(response__in=["agree", "disagree", "question"]),
                name="agreement_response_valid",
            ),
            # A disagreement gives its reason; a question says what was asked.
            models.CheckConstraint(
                condition=Q(response="agree") | ~Q(text=""), name="agreement_reason_given"
            ),
            # The teacher and the SENCO write the plan: they agree it, or change it.
            models.CheckConstraint(
                condition=Q(response="agree") | Q(party__in=["parent", "pupil"]),
                name="agreement_school_only_agrees",
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} {self.get_response_display().lower()}: {self.plan}"

    def clean(self):
        if self.response != self.Response.AGREE and not self.text.strip():
            raise ValidationError({"text": self.reason_required_message()})
        if self.response != self.Response.AGREE and self.party in self.SCHOOL:
            raise ValidationError(
                {"response": "The class teacher and the SENCO agree the plan, or change it."}
            )

    def reason_required_message(self):
        if self.response == self.Response.QUESTION:
            return "Write the question."
        return "Write why they disagree."

    @property
    def is_agreement(self):
        return self.response == self.Response.AGREE

    @property
    def is_open_question(self):
        return self.response == self.Response.QUESTION and not self.answer

    @property
    def counts_as_consulted(self):
        """Agreed, or asked a question the school has answered."""
        return self.is_agreement or (self.response == self.Response.QUESTION and bool(self.answer))


class PlanReview(models.Model):
    """The review that closes a plan's cycle (one per plan)."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        CHANGE = "change", "Change the plan"
        ESCALATE = "escalate", "Escalate: ask for an EHC needs assessment"
        REDUCE = "reduce", "Reduce the support"
        EXIT = "exit", "Exit SEN support"

    plan = models.OneToOneField(SupportPlan, on_delete=models.PROTECT, related_name="review")
    held_on = models.DateField("review held on")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    summary = models.TextField("what we agreed")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["continue", "change", "escalate", "reduce", "exit"]),
                name="review_decision_valid",
            ),
        ]

    def __str__(self):
        return f"Review of {self.plan} on {self.held_on}"


class TargetProgress(models.Model):
    """How far one target was met at the review, and the evidence."""

    class Rating(models.TextChoices):
        NOT_MET = "not_met", "Not met"
        PARTLY = "partly", "Partly met"
        MET = "met", "Met"
        EXCEEDED = "exceeded", "Exceeded"

    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="progress")
    target = models.OneToOneField(PlanTarget, on_delete=models.PROTECT, related_name="progress")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    evidence = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["target__order", "target__pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=["not_met", "partly", "met", "exceeded"]),
                name="progress_rating_valid",
            ),
        ]

    def __str__(self):
        return f"{self.target}: {self.get_rating_display()}"

    @property
    def carries_over(self):
        return self.rating in (self.Rating.NOT_MET, self.Rating.PARTLY)


class ReviewView(models.Model):
    """Views of the pupil, parents, teacher or TA for a plan's review: asked for, then given."""

    class Party(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        PARENT = "parent", "Parent or carer"
        TEACHER = "teacher", "Teacher"
        TA = "ta", "Teaching assistant"

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="views")
    party = models.CharField(max_length=10, choices=Party.choices)
    asked_on = models.DateField("asked on", null=True, blank=True)
    received_on = models.DateField("received on", null=True, blank=True)
    text = models.TextField("views", blank=True)
    method = models.CharField(
        "how they were gathered",
        max_length=200,
        blank=True,
        help_text="For example: conversation, symbols, questionnaire, parent portal.",
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["party", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="view_one_per_party"),
            models.CheckConstraint(
                condition=Q(party__in=["pupil", "parent", "teacher", "ta"]),
                name="view_party_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} views on {self.plan}"

    @property
    def is_received(self):
        return self.received_on is not None


def current_plans_prefetch(to_attr="current_plans"):
    """Prefetch a pupil's plan in force with its targets and strategies (class view, PDFs)."""
    return models.Prefetch(
        "support_plans",
        queryset=SupportPlan.objects.current().prefetch_related(
            models.Prefetch("targets", queryset=PlanTarget.objects.in_order()),
            models.Prefetch("strategies", queryset=PlanStrategy.objects.order_by("order", "pk")),
        ),
        to_attr=to_attr,
    )


def with_plan_unread_by(pupils, user):
    """Annotate `plan_unread`: the plan in force is newer than the one this user last opened."""
    seen = models.functions.Coalesce(
        ReadReceipt.seen_version_for(user, ReadReceipt.Document.PLAN), 0
    )
    newer = SupportPlan.objects.current().filter(
        pupil_id=OuterRef("pk"), pk__gt=OuterRef("seen_plan_version")
    )
    return pupils.annotate(seen_plan_version=seen).annotate(plan_unread=Exists(newer))


def current_plan_outcomes(pupil):
    """The outcomes of the support plan in force, in order (empty when there is none)."""
    return list(
        PlanTarget.objects.filter(plan__pupil=pupil, plan__in=pupil.support_plans.current())
        .order_by("order", "pk")
        .values_list("outcome", flat=True)
    )
