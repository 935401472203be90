"""Models of the provision app, one module per feature; import them from here."""

from provision.models.catalogue import (  # noqa: F401
    Delivery,
    Intervention,
    InterventionQuerySet,
    MeasureKind,
    StaffRole,
)
from provision.models.costs import CostSettings, NotionalBudget  # noqa: F401
from provision.models.groups import (  # noqa: F401
    GroupMember,
    GroupMemberQuerySet,
    GroupSlot,
    ProvisionGroup,
    ProvisionGroupQuerySet,
    Weekday,
    week_start,
)
from provision.models.sessions import (  # noqa: F401
    MissedReason,
    Session,
    SessionAttendance,
    SessionAttendanceQuerySet,
    SessionStatus,
)
from provision.models.strategies import Strategy, StrategyQuerySet  # noqa: F401
