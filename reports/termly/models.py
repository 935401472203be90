"""The governors' termly SEND report: a live draft per term and its published versions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from reports.termly.terms import TERM_NAMES, Term
from sendhub.models import School
from sendhub.roles import SEN_TEAM, Role


class TermlyReportQuerySet(models.QuerySet):
    def for_school_of(self, user):
        """Drafts of the school this person is acting for (the SEN team edits them)."""
        membership = getattr(user, "membership", None)
        if membership is None or membership.school_id is None or membership.role not in SEN_TEAM:
            return self.none()
        return self.filter(school_id=membership.school_id)


class TermlyReport(models.Model):
    """
    One school's report for one term: the SENCO's commentary, edited until published.

    The figures of a draft are worked out afresh each time it is shown; publishing freezes
    them with the commentary in a TermlyReportVersion. Editing after publishing makes the
    report a draft again until it is republished as the next version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    TERM_CHOICES = [(key, label) for key, label in TERM_NAMES.items()]

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The school year starts in September of it.")
    term = models.CharField(max_length=6, choices=TERM_CHOICES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    commentary = models.JSONField(default=dict, blank=True, help_text="{section: text}")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = TermlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "term"], name="termly_report_one_per_term"
            ),
            models.CheckConstraint(
                condition=Q(term__in=list(TERM_NAMES)), name="termly_report_term_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="termly_report_status_valid"
            ),
        ]
        permissions = [
            ("edit_termly_report", "Can write and publish the governors' termly SEND report"),
            ("read_termly_report", "Can read published termly SEND reports"),
        ]

    def __str__(self):
        return f"{self.school} {self.term_period.label}"

    def get_absolute_url(self):
        return reverse("reports:termly_edit", args=[self.year, self.term])

    @property
    def term_period(self):
        return Term.of(self.school, self.year, self.term)


class TermlyReportVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Published versions this person may read: their own school's (the SEN team and
        governors), or every school of their trust (a trust SEND lead).
        """
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        if membership.role == Role.TRUST_LEAD and membership.trust_id:
            return self.filter(report__school__trust_id=membership.trust_id)
        if membership.role in (*SEN_TEAM, Role.GOVERNOR) and membership.school_id:
            return self.filter(report__school_id=membership.school_id)
        return self.none()

    def latest_per_term(self):
        """Only the newest version of each term's report."""
        newer = TermlyReportVersion.objects.filter(
            report_id=models.OuterRef("report_id"), number__gt=models.OuterRef("number")
        )
        return self.exclude(models.Exists(newer))

    def for_list(self):
        """Newest term first (a school year, then summer, spring, autumn), newest version first."""
        term_order = models.Case(
            *[models.When(report__term=name, then=i) for i, name in enumerate(TERM_NAMES)],
            output_field=models.IntegerField(),
        )
        return self.select_related("report__school", "published_by").order_by(
            "-report__year", -term_order, "-number", "-pk"
        )


class TermlyReportVersion(models.Model):
    """A published report: the figures and commentary exactly as governors read them."""

    report = models.ForeignKey(TermlyReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # Anonymised figures only (reports/anonymise.py): no count from 1 to 4 is stored.
    snapshot = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = TermlyReportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="termly_version_unique"),
        ]

    def __str__(self):
        return f"{self.report}, version {self.number}"

    def get_absolute_url(self):
        return reverse("reports:termly_version", args=[self.pk])
