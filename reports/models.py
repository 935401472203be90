from reports.termly.models import TermlyReport, TermlyReportVersion

__all__ = ["TermlyReport", "TermlyReportVersion"]
