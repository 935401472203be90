"""Provision workflows that change several rows at once."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from provision.models import GroupMember, Session, SessionAttendance


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


def end_places_of_leavers(sender, *, pupils, user=None, reason="", **kwargs):
    """Pupils who leave the school leave their intervention groups on the same day
    (pupils.signals.pupils_left, sent inside the import's transaction). A place that was to
    end later ends on the leaving day; scores stay with the place, and history records it."""
    left_on = {pupil.pk: pupil.left_on for pupil in pupils if pupil.left_on}
    places = [
        place
        for place in GroupMember.objects.filter(pupil_id__in=left_on)
        if place.left_on is None or place.left_on > left_on[place.pupil_id]
    ]
    for place in places:
        place.left_on = max(left_on[place.pupil_id], place.joined_on)
    if places:
        bulk_update_with_history(
            places,
            GroupMember,
            ["left_on"],
            batch_size=500,
            default_user=user,
            default_change_reason=reason or "Left the school",
        )


@transaction.atomic
def relink_scores(intervention, *, by):
    """
    After an intervention changes its test, make its groups' dated entry and exit scores
    results on the new test (GroupMember.record_results): a result a group added, and no
    other place took as its own, moves to the new test; a score that was one of the pupil's
    own results on the old test is added to the new one; a measure no longer from a test
    keeps its scores in the groups only. Places of pupils who have left are not changed:
    their files are archived and read-only. Returns how many places were relinked.
    """
    dated = Q(entry_score__isnull=False, entry_on__isnull=False)
    dated |= Q(exit_score__isnull=False, exit_on__isnull=False)
    linked = Q(entry_result__isnull=False) | Q(exit_result__isnull=False)
    members = (
        GroupMember.objects.filter(group__intervention=intervention)
        .not_archived()
        .filter(dated | linked)
        .select_related("group__intervention", "entry_result", "exit_result")
    )
    relinked = 0
    for member in members:
        before = (member.entry_result_id, member.exit_result_id)
        member.group.intervention = intervention
        member.record_results(by=by)
        after = (member.entry_result_id, member.exit_result_id)
        relinked += any(after) if intervention.uses_assessments else any(before)
    return relinked
