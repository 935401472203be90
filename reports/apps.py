from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        grant_permissions()
        register_jobs()


def register_jobs():
    """Long PDFs made in the background (sendhub/jobs)."""
    from reports.classes import CLASS_SHEET, make_class_sheet_pdf
    from reports.termly.jobs import KIND, make_termly_draft_pdf
    from sendhub.jobs import registry

    registry.register(
        CLASS_SHEET,
        make_class_sheet_pdf,
        permission="pupils.view_sen_summary",
        label="All my classes (PDF)",
    )
    registry.register(
        KIND,
        make_termly_draft_pdf,
        permission="reports.edit_termly_report",
        label="Termly SEND report (draft PDF)",
    )


def grant_permissions():
    """Who reads and writes the school's SEN information report and SEND self-evaluation."""
    from sendhub.roles import SEN_TEAM, Role, grant

    # The SENCO drafts and publishes the information report; senior leaders read the drafts.
    grant(SEN_TEAM, "reports.view_informationreport")
    grant((Role.SENCO,), "reports.change_informationreport", "reports.publish_informationreport")
    # The self-evaluation is leaders' own: governors and trust leads hold them to account
    # with anonymised figures instead, so they do not see it here.
    grant(SEN_TEAM, "reports.view_selfevaluation", "reports.change_selfevaluation")
    # Anonymised figures for every school of the trust (reports/trust/).
    grant((Role.TRUST_LEAD,), "reports.view_trust_rollup")
    # Progress, attendance and exclusion data: the SEN team reads the analysis and
    # brings in each term's data (docs/progress-data.md).
    grant(SEN_TEAM, "reports.view_progress", "reports.import_progress")
    # The governors' termly SEND report: the SENCO and the head write and publish it;
    # governors and trust SEND leads read what was published (docs/anonymised-reports.md).
    grant(SEN_TEAM, "reports.edit_termly_report", "reports.read_termly_report")
    grant((Role.GOVERNOR, Role.TRUST_LEAD), "reports.read_termly_report")
