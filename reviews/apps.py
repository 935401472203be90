from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from pupils import history
        from pupils.passports.targets import register_target_source
        from reviews import models
        from sendhub.roles import SEN_TEAM, SUPPORTING_STAFF, Role, grant

        # Support plans: staff read the plans of pupils they can see and give their
        # views; the SENCO writes and reviews them; parents take part in their child's.
        grant(SEN_TEAM + SUPPORTING_STAFF, "reviews.view_supportplan")
        grant((Role.SENCO,) + SUPPORTING_STAFF, "reviews.contribute_views")
        grant((Role.SENCO,), "reviews.manage_plans")
        grant((Role.PARENT,), "reviews.take_part_as_parent")

        # EHC plans: the SENCO records what the local authority decided; senior leaders read.
        grant(SEN_TEAM, "reviews.view_ehcplan")
        grant((Role.SENCO,), "reviews.record_ehc_plan")

        # EHC needs assessment requests: the SENCO records each step; senior leaders read.
        grant(SEN_TEAM, "reviews.view_needsassessmentrequest")
        grant((Role.SENCO,), "reviews.manage_needs_assessments")

        # EHC plan reviews: the SENCO records each step; senior leaders read the clock.
        grant(SEN_TEAM, "reviews.view_annualreview")
        grant((Role.SENCO,), "reviews.manage_annual_reviews")
        # How far section F delivery may fall behind plan before it is flagged: a school
        # setting the SENCO or a senior leader sets.
        grant(SEN_TEAM, "reviews.change_shortfalltolerance")
        # Staff who teach or support a pupil give advice when the SENCO asks them; the
        # request itself (Contributor.user) decides whose, so a TA asked for none sees none.
        grant(SUPPORTING_STAFF, "reviews.give_review_advice")

        # Plans and reviews belong on the pupil's history page; pupils cannot import them.
        history.register(models.SupportPlan, "pupil")
        history.register(models.PlanTarget, "plan__pupil", name_field="outcome")
        history.register(models.PlanStrategy, "plan__pupil", name_field="text")
        history.register(models.PlanAgreement, "plan__pupil", name_field="party")
        history.register(models.PlanReview, "plan__pupil", name_field="held_on")
        history.register(models.TargetProgress, "review__plan__pupil", name_field="target")
        history.register(models.ReviewView, "plan__pupil", name_field="party")
        history.register(models.EHCPlan, "pupil", name_field="issued_on")
        history.register(models.AnnualReview, "plan__pupil", name_field="starts_from")
        history.register(models.Contributor, "review__plan__pupil", name_field="name")
        history.register(models.FamilyView, "review__plan__pupil", name_field="party")
        history.register(models.MeetingRecord, "review__plan__pupil", name_field="recommendation")
        history.register(models.OutcomeReview, "meeting__review__plan__pupil", name_field="outcome")
        history.register(models.EHCPlanNeed, "plan__pupil", name_field="description")
        history.register(models.EHCPlanOutcome, "plan__pupil", name_field="outcome")
        history.register(models.EHCPlanProvision, "plan__pupil", name_field="description")
        history.register(models.NeedsAssessmentRequest, "pupil", name_field="received_on")
        history.register(models.NeedsAssessmentEvent, "request__pupil", name_field="kind")

        # "My targets" on a passport are the current plan's outcomes.
        register_target_source(models.current_plan_outcomes)

        # The MIS import records the plans a school's MIS already holds through the plan
        # record, the only way onto stage E.
        from pupils.register.ehc_plans import register_plan_recorder
        from reviews.ehc_plans.services import record_plan_from_mis

        register_plan_recorder(record_plan_from_mis)
