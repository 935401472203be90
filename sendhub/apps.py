from django.apps import AppConfig


class SendhubConfig(AppConfig):
    name = "sendhub"
    verbose_name = "SENDhub"

    def ready(self):
        from sendhub import checks  # noqa: F401
        from sendhub.roles import Role, grant

        # The school's own words and review cadence: the SENCO runs them, a head owns
        # compliance, the office keeps the school's set-up.
        grant((Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN), "sendhub.change_school_settings")
        # People: adding staff and parents and giving their roles. The office keeps the
        # list; a head answers for who can see children's records (least privilege).
        grant((Role.SENIOR_LEADER, Role.ADMIN), "sendhub.manage_people")
        # Who gave whom access: the head answers for who can see children's records.
        grant((Role.SENIOR_LEADER,), "sendhub.view_access_grants")
