"""Models of the platform, one module per feature; import them from here."""

from sendhub.jobs.models import Job, JobQuerySet  # noqa: F401
from sendhub.models.access_grants import (  # noqa: F401
    AccessGrant,
    AccessGrantQuerySet,
    Grant,
)
from sendhub.models.audit import (  # noqa: F401
    AccessLog,
    AccessLogQuerySet,
    AccountEvent,
)
from sendhub.models.memberships import (  # noqa: F401
    Membership,
    MembershipQuerySet,
)
from sendhub.models.national import (  # noqa: F401
    NationalComparison,
    NationalComparisonQuerySet,
)
from sendhub.models.people import (  # noqa: F401
    Trust,
    User,
    UserManager,
    UserQuerySet,
)
from sendhub.models.schools import (  # noqa: F401
    DAYS_IN_MONTH,
    LAYER_NAME_FIELDS,
    MAX_WEEKS_TO_REVIEW,
    MONTHS,
    TERM_END_FIELDS,
    Layer,
    School,
)
from sendhub.notifications.models import EmailChoice, Notification  # noqa: F401
