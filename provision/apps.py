from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"

    def ready(self):
        from provision import models, services
        from pupils import history
        from pupils.signals import pupils_left

        grant_permissions()
        pupils_left.connect(services.end_places_of_leavers, dispatch_uid="provision-leavers")

        # Provision a pupil receives is part of their record (docs/access.md).
        history.register(models.GroupMember, "pupil", name_field="group")
        history.register(models.SessionAttendance, "pupil", name_field="session")


def grant_permissions():
    """What each role may do with provision (docs/provision.md, "Who sees and does what")."""
    from sendhub.roles import SEN_TEAM, SUPPORTING_STAFF, Role, grant

    senco, ta = (Role.SENCO,), (Role.TEACHING_ASSISTANT,)
    # The strategy library holds no pupil data: every member of staff who plans
    # support reads it; the SENCO adds the school's own strategies.
    grant(SEN_TEAM + SUPPORTING_STAFF, "provision.view_strategy")
    grant(senco, "provision.add_strategy")
    # The catalogue and the groups: the SEN team reads everything; teachers and TAs read
    # the groups they run or whose pupils they can see (the querysets scope which).
    grant(
        SEN_TEAM + SUPPORTING_STAFF, "provision.view_intervention", "provision.view_provisiongroup"
    )
    grant(senco, "provision.add_intervention", "provision.change_intervention")
    grant(senco, "provision.add_provisiongroup")
    # Logging sessions and keeping members and their scores: the SENCO for any group, a
    # TA for the groups they run (ProvisionGroup.objects.managed_by).
    grant(senco + ta, "provision.add_session", "provision.change_groupmember")
    # Provision maps: staff who teach read their classes' and pupils' provision without
    # costs; costs, and the settings behind them, are for the SEN team (docs/provision-costs.md).
    grant(SEN_TEAM + (Role.TEACHER,), "provision.view_provision_map")
    grant(SEN_TEAM, "provision.view_costs", "provision.change_costsettings")
