from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"

    def ready(self):
        from sendhub.roles import SEN_TEAM, SUPPORTING_STAFF, Role, grant

        # The strategy library holds no pupil data: every member of staff who plans
        # support reads it; the SENCO adds the school's own strategies.
        grant(SEN_TEAM + SUPPORTING_STAFF, "provision.view_strategy")
        grant((Role.SENCO,), "provision.add_strategy")
