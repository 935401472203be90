from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from sendhub.roles import SEN_TEAM, Role, grant

        # The governors' termly SEND report: the SENCO and the head write and publish it;
        # governors and trust SEND leads read what was published (docs/anonymised-reports.md).
        grant(SEN_TEAM, "reports.edit_termly_report", "reports.read_termly_report")
        grant((Role.GOVERNOR, Role.TRUST_LEAD), "reports.read_termly_report")
