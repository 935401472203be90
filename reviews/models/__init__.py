"""Models of the reviews app, one module per feature; import them from here."""

from reviews.models.annual_reviews import (  # noqa: F401
    AnnualReview,
    AnnualReviewQuerySet,
    CalendarFeed,
    Step,
    TransferYears,
    next_review_for,
)
from reviews.models.ehcp import (  # noqa: F401
    EHCPlan,
    EHCPlanQuerySet,
)
from reviews.models.ehcp_sections import (  # noqa: F401
    SCHOOL_WEEKS_PER_YEAR,
    AdulthoodDomain,
    EHCPlanNeed,
    EHCPlanOutcome,
    EHCPlanProvision,
    ShortfallTolerance,
)
from reviews.models.needs_assessments import (  # noqa: F401
    EventKind,
    NeedsAssessmentEvent,
    NeedsAssessmentRequest,
)
from reviews.models.plans import (  # noqa: F401
    DUE_SOON_DAYS,
    MAX_WEEKS_TO_REVIEW,
    TARGETS_ADVISED,
    TARGETS_MAX,
    TARGETS_MIN,
    Layer,
    PlanAgreement,
    PlanReview,
    PlanStrategy,
    PlanTarget,
    ReviewView,
    StandingAgreementManager,
    SupportPlan,
    SupportPlanQuerySet,
    TargetProgress,
    current_plan_outcomes,
    current_plans_prefetch,
    default_review_date,
    latest_review_date,
    with_plan_unread_by,
)
from reviews.models.review_workflow import (  # noqa: F401, E402
    AdviceLink,
    Contributor,
    FamilyView,
    Letterhead,
    MeetingRecord,
    OutcomeReview,
    ReminderSent,
)
