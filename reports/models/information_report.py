"""The SEN information report: versions a school drafts and publishes each year.

Every school must publish one on its website and update it every year (SEND Regulations
2014 regulation 51 and Schedule 1; Code of Practice 6.79 to 6.83). A published version is
frozen: a change is a new draft, published in turn. Nothing is deleted.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

# A published report older than this is due its yearly update (Code of Practice 6.79).
UPDATE_DUE_AFTER = timedelta(days=365)

academic_year_validator = RegexValidator(
    r"^20[0-9]{2}/[0-9]{2}$", "Write the academic year like 2026/27."
)


@dataclass(frozen=True)
class Section:
    field: str
    title: str  # a heading parents understand
    schedule: str  # the Schedule 1 paragraphs it answers


# The report's headings, in the order the report shows them, each answering one or more
# paragraphs of Schedule 1 to the SEND Regulations 2014.
SECTIONS = [
    Section("kinds_of_need", "The kinds of special educational needs we provide for", "1"),
    Section("identification", "How we find out whether a child has SEN", "2"),
    Section("consulting", "How we listen to and involve parents and pupils", "7 and 8"),
    Section("progress", "How we check and review progress", "3(b)"),
    Section("transitions", "Moving between classes, schools and into adulthood", "12"),
    Section("teaching", "How we teach and adapt the curriculum", "3(c), 3(d) and 3(e)"),
    Section("staff", "Staff expertise, training, equipment and facilities", "5 and 6"),
    Section("effectiveness", "How we know our support is working", "3(a)"),
    Section("activities", "Taking part in everything the school offers", "3(f)"),
    Section("wellbeing", "Support for emotional, mental and social development", "3(g)"),
    Section("other_bodies", "Working with other services and supporting families", "10 and 11"),
    Section("complaints", "If you are unhappy or want to complain", "9"),
    Section("contacts", "Who to contact, and the local offer", "4 and 13"),
]
SECTION_FIELDS = [section.field for section in SECTIONS]


class InformationReportQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)

    def drafts(self):
        return self.filter(status=InformationReport.Status.DRAFT)

    def published(self):
        return self.filter(status=InformationReport.Status.PUBLISHED)

    def latest_published(self):
        """The version the public page shows: the one published last, or None."""
        return self.published().order_by("-published_at", "-number").first()

    def for_list(self):
        return self.select_related("created_by", "published_by").order_by("-number")


def _section_field(section):
    return models.TextField(section.title, blank=True)


class InformationReport(models.Model):
    """One version of a school's SEN information report: a draft, or published and frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    school = models.ForeignKey(
        "sendhub.School", on_delete=models.PROTECT, related_name="information_reports"
    )
    number = models.PositiveSmallIntegerField("version")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    academic_year = models.CharField(
        max_length=7, validators=[academic_year_validator], help_text="For example 2026/27."
    )
    kinds_of_need = _section_field(SECTIONS[0])
    identification = _section_field(SECTIONS[1])
    consulting = _section_field(SECTIONS[2])
    progress = _section_field(SECTIONS[3])
    transitions = _section_field(SECTIONS[4])
    teaching = _section_field(SECTIONS[5])
    staff = _section_field(SECTIONS[6])
    effectiveness = _section_field(SECTIONS[7])
    activities = _section_field(SECTIONS[8])
    wellbeing = _section_field(SECTIONS[9])
    other_bodies = _section_field(SECTIONS[10])
    complaints = _section_field(SECTIONS[11])
    contacts = _section_field(SECTIONS[12])
    # The SENCO's name and contact details are part of the report (Schedule 1 paragraph 4).
    senco_name = models.CharField("SENCO's name", max_length=120, blank=True)
    senco_email = models.EmailField("SENCO's email address", blank=True)
    senco_phone = models.CharField("SENCO's phone number", max_length=40, blank=True)
    local_offer_url = models.URLField(
        "link to the local authority's local offer",
        blank=True,
        help_text="Where your local authority publishes its local offer (Schedule 1 paragraph 13).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = InformationReportQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]),
                name="information_report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="information_report_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["school", "number"], name="information_report_unique_number"
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status="draft"),
                name="information_report_one_draft",
            ),
        ]
        permissions = [
            ("publish_informationreport", "Can publish the school's SEN information report"),
        ]

    def __str__(self):
        return f"SEN information report {self.academic_year} (version {self.number})"

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == self.Status.PUBLISHED:
            raise ValueError("A published version is frozen: start a new draft instead.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def get_absolute_url(self):
        return reverse("reports:information_report_version", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def sections(self):
        """[(section, text)] in the report's order."""
        return [(section, getattr(self, section.field)) for section in SECTIONS]

    def missing_sections(self):
        return [section for section in SECTIONS if not getattr(self, section.field).strip()]

    def is_due_for_update(self, now=None):
        """Published more than a year ago: the report is updated every year (CoP 6.79)."""
        if self.published_at is None:
            return False
        return (now or timezone.now()) - self.published_at > UPDATE_DUE_AFTER

    def publish(self, *, by, now=None):
        """Freeze this draft as the published version."""
        if not self.is_draft:
            raise ValueError("Only a draft can be published.")
        self.status = self.Status.PUBLISHED
        self.published_by = by
        self.published_at = now or timezone.now()
        self._change_reason = "Published"
        self.save()

    @classmethod
    def start_draft(cls, *, school, by, academic_year, from_version=None, defaults=None):
        """A new draft: a copy of from_version's text, or else the defaults given."""
        last = cls.objects.for_school(school).order_by("-number").values_list("number", flat=True)
        number = (last.first() or 0) + 1
        copied = ["senco_name", "senco_email", "senco_phone", "local_offer_url", *SECTION_FIELDS]
        if from_version is not None:
            values = {name: getattr(from_version, name) for name in copied}
        else:
            values = {name: value for name, value in (defaults or {}).items() if name in copied}
        return cls.objects.create(
            school=school, number=number, academic_year=academic_year, created_by=by, **values
        )
