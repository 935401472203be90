"""Provision workflows that change several rows at once."""

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from provision.models import Session, SessionAttendance


class AlreadyLogged(Exception):
    """Someone else has already logged this group's session for that day."""

    def __init__(self, session):
        super().__init__(f"{session.group} is already logged for {session.date}.")
        self.session = session


@transaction.atomic
def log_session(*, group, date, status, by, token, missed_reason="", note="", absent_pupil_ids=()):
    """
    Log one session of a group; return (session, created).

    The same token again (a double tap, a retry on a slow connection) returns the
    session it logged the first time and writes nothing. A delivered session records
    attendance for each pupil who was a member on the day, present unless named absent;
    a pupil who left before the day or joined after it is not on the register, nor is a
    pupil who has left school (their file is archived and read-only).
    """
    existing = Session.objects.filter(group=group, token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            session = Session.objects.create(
                group=group,
                date=date,
                status=status,
                missed_reason=missed_reason if status == Session.Status.MISSED else "",
                note=note,
                logged_by=by,
                token=token,
            )
    except IntegrityError:
        # Two submits racing with one token, or another adult logged the day first.
        existing = Session.objects.filter(group=group, token=token).first()
        if existing is not None:
            return existing, False
        raise AlreadyLogged(Session.objects.get(group=group, date=date)) from None
    if session.is_delivered:
        absent = set(absent_pupil_ids)
        members = group.members.current_on(date).not_archived().values_list("pupil_id", flat=True)
        bulk_create_with_history(
            [
                SessionAttendance(
                    session=session, pupil_id=pupil_id, present=pupil_id not in absent
                )
                for pupil_id in members
            ],
            SessionAttendance,
            default_user=by,
        )
    return session, True
