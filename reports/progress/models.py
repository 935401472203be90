"""
Termly progress data: one PupilTerm per pupil per term (attendance, suspensions,
exclusion and a snapshot of the facts pupils are grouped by, as they were that term),
and its Assessment points, one per subject. ProgressImport is an uploaded MIS file
between its preview and being applied. See docs/progress-data.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pupils.codes import BroadArea, CensusCode, NeedType
from pupils.models import Pupil, PupilRecordQuerySet
from reports.progress.scales import Band, Progress, Scale
from reports.progress.terms import Term, TermName
from sendhub.models import School


class Subject(models.TextChoices):
    READING = "reading", "Reading"
    WRITING = "writing", "Writing"
    MATHS = "maths", "Maths"
    ENGLISH = "english", "English"
    SCIENCE = "science", "Science"
    READING_AGE = "reading_age", "Reading age"


# A term has at most about 14 school weeks of 10 sessions (morning and afternoon).
MAX_TERM_SESSIONS = 200
# Suspensions total at most 45 school days in a school year.
MAX_SUSPENSION_DAYS = 45


class PupilTermQuerySet(PupilRecordQuerySet):
    def for_term(self, school, term):
        return self.filter(school=school, academic_year=term.year, term=term.term)

    def for_terms(self, school, terms):
        wanted = Q()
        for term in terms:
            wanted |= Q(academic_year=term.year, term=term.term)
        return self.filter(wanted, school=school)

    def terms_held(self, school):
        """The terms this school has data for, oldest first."""
        rows = (
            self.filter(school=school)
            .values_list("academic_year", "term")
            .distinct()
            .order_by("academic_year", "term")
        )
        return [Term(year, term) for year, term in rows]


class PupilTerm(models.Model):
    """One pupil's term: attendance, suspensions and the grouping facts of that term."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="terms")
    academic_year = models.SmallIntegerField(help_text="The year the school year starts in")
    term = models.PositiveSmallIntegerField(choices=TermName.choices)

    # The snapshot: as it was on the term's census day.
    sen_status = models.CharField("SEN status", max_length=1, choices=CensusCode.choices)
    primary_need = models.CharField(max_length=4, choices=NeedType.choices, blank=True)
    primary_area = models.CharField(
        "primary area of need", max_length=4, choices=BroadArea.choices, blank=True
    )
    year_group = models.SmallIntegerField()
    gender = models.CharField(max_length=1, choices=Pupil.Gender.choices)
    disadvantaged = models.BooleanField("free school meals", default=False)
    summer_born = models.BooleanField(default=False)

    sessions_possible = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_attended = models.PositiveSmallIntegerField(null=True, blank=True)
    suspensions = models.PositiveSmallIntegerField(default=0)
    suspension_days = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    permanently_excluded = models.BooleanField(default=False)

    # Who recorded it, when, and from where (a file's name, or hand entry).
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=255, blank=True)

    objects = PupilTermQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "term", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "academic_year", "term"], name="pupilterm_one_per_pupil_term"
            ),
            models.CheckConstraint(condition=Q(term__in=[1, 2, 3]), name="pupilterm_term_valid"),
            models.CheckConstraint(
                condition=Q(sen_status__in=["N", "K", "E"]), name="pupilterm_sen_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sessions_attended__lte=F("sessions_possible"))
                | Q(sessions_attended__isnull=True),
                name="pupilterm_attended_within_possible",
            ),
            models.CheckConstraint(
                condition=Q(suspension_days__gte=0, suspension_days__lte=MAX_SUSPENSION_DAYS),
                name="pupilterm_suspension_days_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "academic_year", "term"], name="pupilterm_school_term")
        ]

    def __str__(self):
        return f"{self.pupil_id} {self.term_ref}"

    @property
    def term_ref(self):
        return Term(self.academic_year, self.term)

    @property
    def attendance_percent(self):
        if not self.sessions_possible or self.sessions_attended is None:
            return None
        return round(100 * self.sessions_attended / self.sessions_possible, 1)


class AssessmentQuerySet(PupilRecordQuerySet):
    def for_term(self, school, term):
        return self.filter(
            pupil_term__school=school,
            pupil_term__academic_year=term.year,
            pupil_term__term=term.term,
        )


class Assessment(models.Model):
    """One assessment point: a pupil's subject in a term, raw and normalised."""

    pupil_path = "pupil_term__pupil"

    pupil_term = models.ForeignKey(PupilTerm, on_delete=models.CASCADE, related_name="assessments")
    subject = models.CharField(max_length=12, choices=Subject.choices)
    scale = models.CharField(max_length=12, choices=Scale.choices)
    raw_value = models.CharField(max_length=20)
    score = models.DecimalField("normalised score", max_digits=4, decimal_places=1)
    band = models.CharField("attainment", max_length=5, choices=Band.choices)
    progress = models.CharField(max_length=8, choices=Progress.choices, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["pupil_term", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil_term", "subject"], name="assessment_one_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(band__in=["below", "at", "above"]), name="assessment_band_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__in=["", "below", "expected", "above"]),
                name="assessment_progress_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()}: {self.raw_value}"


class ProgressImportQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school).select_related("uploaded_by")


class ProgressImport(models.Model):
    """
    An uploaded termly MIS file between its preview and being applied.

    The file is a working copy, dropped once applied; the row stays as the record of who
    replaced which term, when, and how many rows it had (result).
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "Checked, not applied"
        APPLIED = "applied", "Applied"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    academic_year = models.SmallIntegerField()
    term = models.PositiveSmallIntegerField(choices=TermName.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    # The rows as read once at upload (pupils/mis_import/reading.py Sheet.to_json): the
    # preview and the apply both use these, so the file is never parsed a second time.
    sheet = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = ProgressImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["preview", "applied"]), name="progressimport_status_valid"
            ),
        ]
        permissions = [
            ("view_progress", "Can view progress, attendance and exclusion analysis"),
            ("import_progress", "Can import and enter termly progress data"),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def term_ref(self):
        return Term(self.academic_year, self.term)

    @property
    def is_applied(self):
        return self.status == self.Status.APPLIED
