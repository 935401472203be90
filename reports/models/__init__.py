"""Models of the reports app, one module per feature; import them from here."""

from reports.models.information_report import (  # noqa: F401
    SECTION_FIELDS,
    SECTIONS,
    UPDATE_DUE_AFTER,
    InformationReport,
    InformationReportQuerySet,
    Section,
)
from reports.models.self_evaluation import (  # noqa: F401
    HEADING_KEYS,
    HEADINGS,
    Grade,
    Heading,
    SelfEvaluation,
    SelfEvaluationAction,
    SelfEvaluationQuerySet,
)
from reports.progress.models import (  # noqa: F401
    Assessment,
    ProgressImport,
    PupilTerm,
    Subject,
)
from reports.termly.models import TermlyReport, TermlyReportVersion  # noqa: F401
