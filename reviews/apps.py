from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from pupils import history
        from reviews import models

        # Plans and reviews belong on the pupil's history page; pupils cannot import them.
        history.register(models.SupportPlan, "pupil")
        history.register(models.PlanTarget, "plan__pupil", name_field="outcome")
        history.register(models.PlanStrategy, "plan__pupil", name_field="text")
        history.register(models.PlanAgreement, "plan__pupil", name_field="party")
        history.register(models.PlanReview, "plan__pupil", name_field="held_on")
        history.register(models.TargetProgress, "review__plan__pupil", name_field="target")
        history.register(models.ReviewView, "plan__pupil", name_field="party")
