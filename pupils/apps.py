from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"

    def ready(self):
        from pupils import codes, history, models

        grant_permissions()

        history.register(models.Pupil, "id")
        for model, name_field in [
            (models.ParentLink, "parent"),
            (models.SupportAssignment, "staff"),
            (models.ParentInformed, ""),
            (models.Passport, ""),
            (models.OnePageProfile, ""),
            (models.ParentMeeting, "held_on"),
            (models.AssessmentResult, "instrument"),
            (models.Task, "title"),
        ]:
            history.register(model, "pupil", name_field=name_field)
        # suspected_areas is a JSON list of broad-area codes (Code of Practice 6.28-6.35):
        # show their labels.
        history.register(
            models.Concern, "pupil", value_choices={"suspected_areas": codes.BroadArea.choices}
        )
        # Restricted tier (docs/access.md): medical conditions and specialist reports.
        history.register(models.MedicalCondition, "pupil", restricted=True, name_field="condition")
        history.register(
            models.Referral, "pupil", restricted_fields=["report"], name_field="service"
        )
        history.register(models.PassportVersion, "passport__pupil", name_field="number")
        history.register(models.ConcernEvidence, "concern__pupil", name_field="source")
        history.register(models.ObservationNote, "concern__pupil", name_field="observed_on")
        history.register(models.ConcernView, "concern__pupil", name_field="whose")
        history.register(models.RoundRobinResponse, "request__concern__pupil")


def grant_permissions():
    """What each role may do with pupils' records (the access tiers of the roles)."""
    from sendhub.roles import SEN_TEAM, SUPPORTING_STAFF, Role, grant

    senco, office, parent = (Role.SENCO,), (Role.ADMIN,), (Role.PARENT,)
    # Tier 2 (the full SEN file) and tier 3 (restricted): the SEN team.
    grant(
        SEN_TEAM,
        "pupils.view_register",
        "pupils.view_full_file",
        "pupils.view_sen_summary",
        "pupils.view_pupil_history",
        "pupils.export_register",
    )
    # Tier 3 (restricted): the permission only opens the door; which records each person
    # may open is decided in the query (RestrictedRecordQuerySet.restricted_visible_to):
    # the SENCO's pupils, senior leaders where the school allows, otherwise records
    # naming the person.
    grant(SEN_TEAM + SUPPORTING_STAFF, "pupils.view_restricted")
    # Tier 1, the need-to-know summary: staff who teach or support the pupil.
    grant(SUPPORTING_STAFF, "pupils.view_sen_summary")
    # Passports and parent meetings (Code of Practice 6.65): read by the SEN team and the
    # pupil's staff; kept up to date by the SENCO and the staff who know the pupil.
    grant(SEN_TEAM + SUPPORTING_STAFF, "pupils.view_passport", "pupils.view_parentmeeting")
    grant(senco + SUPPORTING_STAFF, "pupils.change_passport")
    grant((Role.SENCO, Role.TEACHER), "pupils.record_parent_meeting")
    # Any member of staff who works with pupils raises a concern; the SENCO triages.
    grant(SEN_TEAM + SUPPORTING_STAFF, "pupils.raise_concern")
    grant(senco, "pupils.change_register", "pupils.triage_concerns")
    # Follow-up tasks: whoever is given one (by a decision, or the SENCO handing it on)
    # sees and ticks off their own; the SENCO hands them on (reassign_task).
    grant(senco + SUPPORTING_STAFF, "pupils.change_task")
    grant(senco, "pupils.reassign_task")
    # The MIS import: the SENCO and the office.
    grant(senco + office, "pupils.import_pupils")
    # Who sees whom opens records to people (docs/access.md). The office keeps the roll
    # and parent links; class teachers and TA support open pupils' SEN summaries to
    # staff, so the SENCO, who knows each pupil's needs, gives them; a senior leader
    # checks it all.
    grant(senco + office, "pupils.view_relationships", "pupils.manage_relationships")
    grant(senco, "pupils.assign_staff")
    grant((Role.SENIOR_LEADER,), "pupils.view_relationships")
    # A parent sees their own child and shares a worry through the portal only: the
    # staff permission "pupils.raise_concern" would open staff concern pages.
    grant(
        parent,
        "pupils.view_own_child",
        "pupils.view_passport",
        "pupils.raise_concern_as_parent",
    )
