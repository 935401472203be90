"""
Running groups: an intervention delivered by named staff to named pupils on a weekly
timetable (Code of Practice 6.76). A 1:1 is a group of one.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from provision import impact
from provision.models.catalogue import MeasureKind
from pupils.models import AssessmentResult, Pupil, PupilRecordQuerySet
from sendhub.roles import Role

# Which field of a pupil's assessment result holds a score on each tested measure.
_RESULT_FIELD = {
    MeasureKind.STANDARDISED: "standardised_score",
    MeasureKind.AGE_EQUIVALENT: "age_equivalent_months",
}

# Roles that may run a group themselves (be one of its staff).
RUNNING_ROLES = (Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT)


def _acting_school_id(user, roles):
    """The school of the role this person acts in now, if it is one of `roles`."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.school_id is None or membership.role not in roles:
        return None
    return membership.school_id


def week_start(day):
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class ProvisionGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Groups this person may read in the role they act in now (docs/provision.md).

        The SENCO and senior leaders see every group of their school; a teacher or TA
        the groups they run and, read-only, groups with a pupil they can see; a parent
        only groups their own child is in.
        """
        school_id = _acting_school_id(user, (*RUNNING_ROLES, Role.PARENT))
        if school_id is None:
            return self.none()
        in_school = self.filter(school_id=school_id)
        if user.membership.role in (Role.SENCO, Role.SENIOR_LEADER):
            return in_school
        with_visible_pupil = GroupMember.objects.filter(
            group_id=OuterRef("pk"), pupil__in=Pupil.objects.visible_to(user)
        )
        if user.membership.role == Role.PARENT:
            return in_school.filter(Exists(with_visible_pupil))
        runs = ProvisionGroup.staff.through.objects.filter(
            provisiongroup_id=OuterRef("pk"), user_id=user.pk
        )
        return in_school.filter(Exists(runs) | Exists(with_visible_pupil))

    def run_by(self, user):
        """Groups this person runs (is one of the staff of) at the school they act for now."""
        school_id = _acting_school_id(user, RUNNING_ROLES)
        if school_id is None:
            return self.none()
        return self.filter(school_id=school_id, staff=user)

    def managed_by(self, user):
        """Groups whose members, scores and sessions this person keeps: the SENCO's school, or
        the groups they run."""
        school_id = _acting_school_id(user, (Role.SENCO,))
        if school_id is not None:
            return self.filter(school_id=school_id)
        return self.run_by(user)

    def running_on(self, day):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), start_on__lte=day)

    def running_between(self, first, last):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=first), start_on__lte=last)

    def with_costing(self, first, last):
        """
        Annotate what costing a group between two dates needs, counted in SQL: sessions
        delivered, and whether its resources fall in these dates (they count once, in the
        year the group starts). The adults who run it are counted by provision/maps.py.
        """
        from provision.models.sessions import Session

        delivered = Session.objects.filter(
            group_id=OuterRef("pk"), status=Session.Status.DELIVERED, date__range=(first, last)
        )
        return self.annotate(
            delivered_in_period=_count(delivered),
            starts_in_period=Q(start_on__range=(first, last)),
        )

    def with_counts(self):
        """Annotate current members and sessions delivered and missed."""
        from provision.models.sessions import Session

        today = date.today()
        return self.annotate(
            member_count=Count(
                "members",
                filter=Q(members__joined_on__lte=today)
                & (Q(members__left_on__isnull=True) | Q(members__left_on__gte=today)),
                distinct=True,
            ),
            delivered_count=Count(
                "sessions", filter=Q(sessions__status=Session.Status.DELIVERED), distinct=True
            ),
            missed_count=Count(
                "sessions", filter=Q(sessions__status=Session.Status.MISSED), distinct=True
            ),
        )

    def for_list(self):
        """The group list: intervention, staff, timetable and counts."""
        return (
            self.with_counts()
            .select_related("intervention")
            .prefetch_related(
                Prefetch("staff", queryset=_staff_names()),
                "slots",
            )
            .order_by("-start_on", "name", "pk")
        )

    def for_detail(self, user):
        """The group page: members this person may see with their attendance, staff, slots."""
        members = (
            GroupMember.objects.visible_to(user)
            .with_attendance()
            .select_related("pupil")
            .order_by("left_on", "pupil__last_name", "pupil__first_name", "pk")
        )
        return (
            self.with_counts()
            .select_related("intervention", "school")
            .prefetch_related(
                Prefetch("staff", queryset=_staff_names()),
                "slots",
                Prefetch("members", queryset=members, to_attr="visible_members"),
            )
        )

    def for_today(self, user, today):
        """The groups this person runs this week with slots, members and this week's logs."""
        from provision.models.sessions import Session

        monday = week_start(today)
        # A pupil who has left school is archived: no longer on any register to mark.
        members = (
            GroupMember.objects.filter(
                Q(left_on__isnull=True) | Q(left_on__gte=monday), joined_on__lte=today
            )
            .not_archived()
            .select_related("pupil")
        )
        return (
            self.run_by(user)
            .running_between(monday, today)
            .select_related("intervention")
            .prefetch_related(
                "slots",
                Prefetch(
                    "members",
                    queryset=members.order_by("pupil__last_name", "pupil__first_name", "pk"),
                    to_attr="week_members",
                ),
                Prefetch(
                    "sessions",
                    queryset=Session.objects.filter(date__gte=monday, date__lte=today).annotate(
                        present_count=Count("attendance", filter=Q(attendance__present=True)),
                        register_count=Count("attendance"),
                    ),
                    to_attr="week_sessions",
                ),
            )
            .order_by("name", "pk")
        )


def _count(queryset):
    """A correlated COUNT(*) of a queryset, as a subquery annotation (0 when empty)."""
    counted = queryset.order_by().annotate(n=models.Func(models.Value(1), function="COUNT"))
    return models.functions.Coalesce(
        models.Subquery(counted.values("n")[:1]), 0, output_field=models.IntegerField()
    )


def _staff_names():
    from sendhub.models import User

    return User.objects.only("id", "first_name", "last_name", "email").order_by(
        "first_name", "last_name"
    )


class ProvisionGroup(models.Model):
    """A running group of an intervention: its staff, pupils, dates and weekly timetable."""

    school = models.ForeignKey(
        "sendhub.School", on_delete=models.PROTECT, related_name="provision_groups"
    )
    intervention = models.ForeignKey(
        "provision.Intervention", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(max_length=120, help_text="For example: Year 7 reading, autumn 2.")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="provision_groups",
        help_text="The adults who run it; they see the group and log its sessions.",
    )
    start_on = models.DateField("starts on")
    end_on = models.DateField("ends on", null=True, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(
        "sessions planned", help_text="For fidelity: sessions delivered ÷ sessions planned."
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ProvisionGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="provision_group_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("provision:group_detail", args=[self.pk])

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "A group cannot end before it starts."})
        if (
            self.intervention_id
            and self.school_id
            and self.intervention.school_id != self.school_id
        ):
            raise ValidationError({"intervention": "Choose one of your school's interventions."})

    def runs_on(self, day):
        """The group is running on `day` and has a slot on that weekday (slots prefetched)."""
        if day < self.start_on or (self.end_on and day > self.end_on):
            return False
        return any(slot.weekday == day.weekday() for slot in self.slots.all())

    def slots_on(self, day):
        return [slot for slot in self.slots.all() if slot.weekday == day.weekday()]

    @property
    def fidelity(self):
        """Sessions delivered as a percentage of those planned (needs with_counts())."""
        return impact.fidelity(self.delivered_count, self.planned_sessions)

    @property
    def measure_kind(self):
        return self.intervention.measure_kind


class GroupSlot(models.Model):
    """One weekly timetable slot of a group: the day, the start time and the room."""

    group = models.ForeignKey(ProvisionGroup, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField("day", choices=Weekday.choices)
    starts_at = models.TimeField("starts at")
    location = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["weekday", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__in=Weekday.values), name="group_slot_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}"


class GroupMemberQuerySet(PupilRecordQuerySet):
    def visible_to(self, user):
        """Members whose pupil this person may see, and every member of a group they run."""
        return self.filter(
            Q(pupil__in=Pupil.objects.visible_to(user))
            | Q(group__in=ProvisionGroup.objects.run_by(user))
        )

    def current_on(self, day):
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)

    def during(self, first, last):
        """Places held on at least one day between two dates, in a group still running then
        (a place in a group that has ended is over, whether or not a leaving day was kept)."""
        return self.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=first),
            Q(group__end_on__isnull=True) | Q(group__end_on__gte=first),
            joined_on__lte=last,
        )

    def with_delivery(self, first, last):
        """
        Annotate each place's sessions between two dates, while the pupil was a member:
        sessions_planned (the group's logged sessions, delivered or missed) and
        sessions_attended (delivered ones the pupil was at).
        """
        from provision.models.sessions import Session, SessionAttendance

        last_day = models.functions.Coalesce(
            OuterRef("left_on"), models.Value(last), output_field=models.DateField()
        )
        logged = Session.objects.filter(
            group_id=OuterRef("group_id"),
            date__gte=OuterRef("joined_on"),
            date__range=(first, last),
        ).filter(date__lte=last_day)
        attended = SessionAttendance.objects.filter(
            pupil_id=OuterRef("pupil_id"),
            session__group_id=OuterRef("group_id"),
            session__status=Session.Status.DELIVERED,
            session__date__gte=OuterRef("joined_on"),
            session__date__range=(first, last),
            present=True,
        ).filter(session__date__lte=last_day)
        return self.annotate(
            sessions_planned=_count(logged),
            sessions_attended=_count(attended),
        )

    def for_map(self, first, last):
        """The rows of a provision map: each place held between two dates, with delivery."""
        return (
            self.during(first, last)
            .with_delivery(first, last)
            .select_related("pupil__form", "group__intervention")
            .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "group__name", "pk")
        )

    def planned_and_delivered(self, first, last):
        """
        Each pupil's provision between two dates, planned against delivered, in sessions and
        minutes, summed over their places in SQL: one row per pupil (for EHCP section F).
        """
        minutes = models.F("group__intervention__minutes_per_session")
        return (
            self.during(first, last)
            .with_delivery(first, last)
            .annotate(
                minutes_planned=models.F("sessions_planned") * minutes,
                minutes_attended=models.F("sessions_attended") * minutes,
            )
            .order_by()
            .values("pupil_id")
            .annotate(
                places=Count("pk"),
                planned_sessions=models.Sum("sessions_planned"),
                delivered_sessions=models.Sum("sessions_attended"),
                planned_minutes=models.Sum("minutes_planned"),
                delivered_minutes=models.Sum("minutes_attended"),
            )
            .order_by("pupil_id")
        )

    def with_attendance(self):
        """Annotate sessions_attended: delivered sessions of the group this pupil was at."""
        from provision.models.sessions import SessionAttendance

        attended = (
            SessionAttendance.objects.filter(
                pupil_id=OuterRef("pupil_id"), session__group_id=OuterRef("group_id"), present=True
            )
            .values("pupil_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            sessions_attended=models.functions.Coalesce(models.Subquery(attended), 0)
        )


class GroupMember(models.Model):
    """A pupil's place in a group, with entry and exit scores on the intervention's measure."""

    pupil_path = "pupil"

    group = models.ForeignKey(ProvisionGroup, on_delete=models.PROTECT, related_name="members")
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="provision_places"
    )
    joined_on = models.DateField("joined on")
    left_on = models.DateField("left on", null=True, blank=True)
    entry_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    entry_on = models.DateField("entry test on", null=True, blank=True)
    exit_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    exit_on = models.DateField("exit test on", null=True, blank=True)
    reached_exit = models.BooleanField(
        "met the exit criteria", default=False, help_text="The intervention's exit criteria."
    )
    # The pupil's assessment results these scores are, when the measure is a test they take.
    entry_result = models.ForeignKey(
        "pupils.AssessmentResult",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exit_result = models.ForeignKey(
        "pupils.AssessmentResult",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["group", "pupil__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "pupil"],
                condition=Q(left_on__isnull=True),
                name="group_member_one_open_place",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="group_member_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(exit_on__isnull=True)
                | Q(entry_on__isnull=True)
                | Q(exit_on__gte=models.F("entry_on")),
                name="group_member_exit_test_after_entry",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} in {self.group}"

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "A pupil cannot leave before joining."})
        if self.exit_on and self.entry_on and self.exit_on < self.entry_on:
            raise ValidationError({"exit_on": "The exit test comes after the entry test."})

    def is_current_on(self, day):
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)

    def latest_result(self):
        """
        The pupil's latest result on the intervention's test from the term before they joined
        (13 weeks) to two weeks after (an entry test is often done in the first sessions).
        """
        intervention = self.group.intervention
        if not intervention.uses_assessments:
            return None
        field = _RESULT_FIELD[intervention.measure_kind]
        return (
            AssessmentResult.objects.filter(
                pupil_id=self.pupil_id,
                instrument_id=intervention.instrument_id,
                taken_on__gte=self.joined_on - timedelta(weeks=13),
                taken_on__lte=self.joined_on + timedelta(days=14),
                **{f"{field}__isnull": False},
            )
            .order_by("-taken_on", "-pk")
            .first()
        )

    def score_in(self, result):
        """A pupil's assessment result as a score on this intervention's measure."""
        return getattr(result, _RESULT_FIELD[self.group.intervention.measure_kind])

    def use_latest_result(self):
        """Take a missing entry score from the pupil's latest result on the test."""
        if self.entry_score is None and (result := self.latest_result()):
            self.entry_score = self.score_in(result)
            self.entry_on = result.taken_on
            self.entry_result = result

    def record_results(self, *, by):
        """
        Keep the entry and exit scores in the pupil's assessment results, so nobody types a
        score twice: a score that is one of their results links to it; a new score adds a
        result (marked as recorded from this group), and a corrected one changes the result
        this group added (its history keeps the old value). Call after saving.
        """
        intervention = self.group.intervention
        if not intervention.uses_assessments:
            # No longer a test's scores (the catalogue entry changed): the results stay in
            # the pupil's history, but these scores are not them any more.
            if self.entry_result_id or self.exit_result_id:
                self.entry_result = self.exit_result = None
                self.save(update_fields=["entry_result", "exit_result"])
            return
        field = _RESULT_FIELD[intervention.measure_kind]
        for side in ("entry", "exit"):
            score, on = getattr(self, f"{side}_score"), getattr(self, f"{side}_on")
            linked = getattr(self, f"{side}_result")
            source = f"{side.capitalize()} score in {self.group.name}"
            if score is None or on is None:
                setattr(self, f"{side}_result", None)
                continue
            value = round(score)
            if (
                linked
                and linked.instrument_id == intervention.instrument_id
                and getattr(linked, field) == value
                and linked.taken_on == on
            ):
                continue
            same = AssessmentResult.objects.filter(
                pupil_id=self.pupil_id,
                instrument_id=intervention.instrument_id,
                taken_on=on,
                **{field: value},
            ).first()
            if same is None and linked is not None and self._owns(linked, source):
                # A result this group added: corrected in place (its history keeps the old
                # value), and moved to the entry's test if the catalogue entry changed test.
                same = linked
                if (
                    same.instrument_id != intervention.instrument_id
                    or getattr(same, field) != value
                ):
                    # Whatever was kept with the old score (a raw score, a percentile, the
                    # other measure) described it, on its test: none of it fits the new one.
                    same.raw_score = same.percentile = None
                    for other in _RESULT_FIELD.values():
                        setattr(same, other, None)
                setattr(same, field, value)
                same.instrument_id = intervention.instrument_id
                same.taken_on = on
                same.save()
            elif same is None:
                same = AssessmentResult.objects.create(
                    pupil_id=self.pupil_id,
                    instrument_id=intervention.instrument_id,
                    taken_on=on,
                    assessor=by.get_full_name() or by.email,
                    source=source,
                    recorded_by=by,
                    **{field: value},
                )
            setattr(self, f"{side}_result", same)
        self.save(update_fields=["entry_result", "exit_result"])

    def _owns(self, result, source):
        """Whether this place may change the result: it added it, and no other place has
        taken it as its own score since (another group's entry score, say)."""
        if result.source != source:
            return False
        shared = Q(entry_result=result) | Q(exit_result=result)
        return not GroupMember.objects.filter(shared).exclude(pk=self.pk).exists()

    @property
    def has_left(self):
        return self.left_on is not None and self.left_on < date.today()

    @property
    def is_finished(self):
        """Entry and exit are both recorded, so impact can be worked out."""
        return self.entry_score is not None and self.exit_score is not None

    @property
    def impact(self):
        """
        The change from entry to exit on the intervention's measure (docs/provision-impact.md).

        Age-equivalent measures give a ratio gain and its band; standardised scores the
        change and the effect in standard deviations; other measures the raw change.
        """
        if not self.is_finished:
            return None
        kind = self.group.intervention.measure_kind
        change = self.exit_score - self.entry_score
        if kind == MeasureKind.AGE_EQUIVALENT:
            months = (
                impact.months_between(self.entry_on, self.exit_on)
                if self.entry_on and self.exit_on
                else None
            )
            ratio = impact.ratio_gain(self.entry_score, self.exit_score, months)
            return {
                "kind": kind,
                "change": change,
                "months": months,
                "ratio_gain": ratio,
                "band": impact.ratio_gain_band(ratio),
                "label": impact.ratio_gain_label(ratio),
            }
        if kind == MeasureKind.STANDARDISED:
            points, effect_sd = impact.standardised_change(self.entry_score, self.exit_score)
            return {"kind": kind, "change": points, "effect_sd": effect_sd}
        return {"kind": kind, "change": change}
