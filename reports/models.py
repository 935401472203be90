"""Models of the reports app, one module per feature; import them from here."""

from reports.progress.models import (  # noqa: F401
    Assessment,
    ProgressImport,
    PupilTerm,
    Subject,
)
