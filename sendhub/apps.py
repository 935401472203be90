from django.apps import AppConfig


class SendhubConfig(AppConfig):
    name = "sendhub"
    verbose_name = "SENDhub"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sendhub import checks, lookups  # noqa: F401  (checks registers itself)
        from sendhub.middleware import start_idle_clock
        from sendhub.roles import Role, grant

        user_logged_in.connect(start_idle_clock, dispatch_uid="sendhub-start-idle-clock")
        lookups.register()

        # The school's own words and review cadence: the SENCO runs them, a head owns
        # compliance, the office keeps the school's set-up.
        grant((Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN), "sendhub.change_school_settings")
        # People: adding staff and parents and giving their roles. The office keeps the
        # list; a head answers for who can see children's records (least privilege).
        grant((Role.SENIOR_LEADER, Role.ADMIN), "sendhub.manage_people")
        # National figures the dashboards compare with: entered when DfE publishes new
        # ones, by the office or a head, for their own school.
        grant((Role.SENIOR_LEADER, Role.ADMIN), "sendhub.add_nationalcomparison")
        # Who gave whom access: the head answers for who can see children's records.
        grant((Role.SENIOR_LEADER,), "sendhub.view_access_grants")
        # A colleague's lost phone: a senior leader (the head) resets their two-step
        # sign-in, with a reason kept in the account log (docs/two-factor.md).
        grant((Role.SENIOR_LEADER,), "sendhub.reset_two_factor")
        # A trust lead has no school and so no head: another lead of the same trust resets.
        grant((Role.TRUST_LEAD,), "sendhub.reset_trust_two_factor")
