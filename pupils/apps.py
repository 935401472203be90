from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"

    def ready(self):
        from pupils import codes, history, models

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
        # suspected_areas is a JSON list of broad-area codes (SEND-reference.md §3): show labels.
        history.register(
            models.Concern, "pupil", value_choices={"suspected_areas": codes.BroadArea.choices}
        )
        # Restricted tier (SEND-reference.md §1): medical conditions and specialist reports.
        history.register(models.MedicalCondition, "pupil", restricted=True, name_field="condition")
        history.register(
            models.Referral, "pupil", restricted_fields=["report"], name_field="service"
        )
        history.register(models.PassportVersion, "passport__pupil", name_field="number")
        history.register(models.ConcernEvidence, "concern__pupil", name_field="source")
        history.register(models.ObservationNote, "concern__pupil", name_field="observed_on")
        history.register(models.ConcernView, "concern__pupil", name_field="whose")
        history.register(models.RoundRobinResponse, "request__concern__pupil")
