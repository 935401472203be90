from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from sendhub.roles import SEN_TEAM, grant

        # Progress, attendance and exclusion data: the SEN team reads the analysis and
        # brings in each term's data (docs/progress-data.md).
        grant(SEN_TEAM, "reports.view_progress", "reports.import_progress")
