from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from sendhub.roles import Role, grant

        # Anonymised figures for every school of the trust (reports/trust/).
        grant((Role.TRUST_LEAD,), "reports.view_trust_rollup")
