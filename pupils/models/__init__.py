"""Models of the pupils app, one module per feature; import them from here."""

from pupils.models.assessments import (  # noqa: F401
    AssessmentInstrument,
    AssessmentResult,
    AssessmentResultQuerySet,
    Referral,
    ReferralQuerySet,
    SpecialistService,
)
from pupils.models.concerns import (  # noqa: F401
    ATTACHMENT_SIGNATURES,
    CONCERN_ATTACHMENT_MAX_BYTES,
    CONCERN_ATTACHMENT_TYPES,
    PARENT_DECISION_WORDS,
    Concern,
    ConcernEvidence,
    ConcernQuerySet,
    ConcernView,
    EvidenceSource,
    ObservationNote,
    RoundRobinRequest,
    RoundRobinRequestQuerySet,
    RoundRobinResponse,
    months_old_on,
    validate_document_or_image,
    validate_not_in_future,
)
from pupils.models.mis_import import (  # noqa: F401
    ImportBatch,
    ImportBatchQuerySet,
    ImportMapping,
)
from pupils.models.passports import (  # noqa: F401
    PASSPORT_SECTIONS,
    OnePageProfile,
    ParentMeeting,
    ParentMeetingQuerySet,
    Passport,
    PassportVersion,
    PupilVoiceMethod,
    ReadReceipt,
    passport_photo_path,
)
from pupils.models.pupil import (  # noqa: F401
    Pupil,
    PupilQuerySet,
    PupilRecordQuerySet,
    RecentPupil,
    RestrictedRecordQuerySet,
    sees_whole_restricted_tier,
)
from pupils.models.register import (  # noqa: F401
    MedicalCondition,
    MedicalConditionQuerySet,
    ParentInformed,
    PupilNeed,
    RegisterEntry,
    RegisterEntryQuerySet,
)
from pupils.models.relationships import (  # noqa: F401
    ParentLink,
    ParentLinkQuerySet,
    SupportAssignment,
    SupportAssignmentQuerySet,
    TeachingGroup,
    TeachingGroupQuerySet,
    parents_of,
    staff_who_teach,
)
from pupils.models.tasks import (  # noqa: F401
    Task,
    TaskQuerySet,
)
