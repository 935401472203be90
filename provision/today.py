"""
"Today's sessions": what a member of staff should log now, built from one named QuerySet.

The TA's home page shows this first (reports imports it; provision never imports reports).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from provision.models import MissedReason, ProvisionGroup, week_start


@dataclass
class DueSession:
    """One day a group of mine meets: today's (logged or not) or an earlier day this week
    not logged yet."""

    group: ProvisionGroup
    day: date
    slots: list
    members: list
    is_today: bool = True
    session: object = None  # the Session once logged
    token: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def is_logged(self):
        return self.session is not None

    @property
    def missed_reasons(self):
        return MissedReason.choices

    @property
    def key(self):
        return f"{self.group.pk}-{self.day:%Y%m%d}"


def sessions_due(user, today=None):
    """Today's sessions of the groups this person runs, then earlier days of this week not
    yet logged (oldest first)."""
    today = today or date.today()
    groups = list(ProvisionGroup.objects.for_today(user, today))
    due_today, catch_up = [], []
    for group in groups:
        logged = {session.date: session for session in group.week_sessions}
        day = week_start(today)
        while day <= today:
            if group.runs_on(day) and (day == today or day not in logged):
                item = DueSession(
                    group=group,
                    day=day,
                    slots=group.slots_on(day),
                    members=[m for m in group.week_members if m.is_current_on(day)],
                    session=logged.get(day),
                    is_today=day == today,
                )
                (due_today if day == today else catch_up).append(item)
            day += timedelta(days=1)
    due_today.sort(key=lambda item: (item.slots[0].starts_at, item.group.name))
    catch_up.sort(key=lambda item: (item.day, item.group.name))
    return due_today + catch_up
