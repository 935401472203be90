"""The demo's passports and parent meetings look like a real school's."""

import random
from datetime import date

import pytest

from demo.passports import seed_passports
from pupils import codes
from pupils.codes import SenStage
from pupils.models import OnePageProfile, ParentMeeting, Passport, PassportVersion, Pupil
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def test_demo_passports_are_varied_and_some_need_attention(world):
    senco = world.user(Role.SENCO)
    pupils = [PupilFactory(school=world.school) for _ in range(24)]
    for index, pupil in enumerate(pupils):
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=[["SPLD", "ASD", "SEMH", "HI"][index % 4]],
            effective_on=date(2025, 9, 1), reason="Demo test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    staff = [senco, world.user(Role.TEACHER)]
    counts = seed_passports(
        random.Random(1), world.school, staff=staff, today=TODAY, named_child=pupils[7]
    )
    passports = list(Passport.objects.select_related("pupil__school"))
    assert 18 <= counts["passports"] == len(passports) < 24  # most, not all
    assert Passport.objects.filter(pupil=pupils[7]).exists()  # the demo parent's child
    stale = [p for p in passports if p.is_stale_on(TODAY)]
    assert 2 <= len(stale) < len(passports) // 2
    assert PassportVersion.objects.count() > len(passports)  # some have several versions
    assert PassportVersion.objects.values("voice_method").distinct().count() >= 4
    expected = codes.parent_meetings_expected(TODAY, world.school.term_end_days())
    rarely = Pupil.objects.filter(school=world.school).parents_met_fewer_than(
        expected.by_end_of_term, TODAY
    )
    assert 0 < rarely.count() < len(pupils)
    assert not rarely.filter(pk=pupils[7].pk).exists()
    assert ParentMeeting.objects.filter(pupil=pupils[7], held_on__gt=TODAY).exists()
    assert not ParentMeeting.objects.filter(held_on__lt=date(2025, 9, 1)).exists()


def test_demo_passports_and_meetings_are_never_dated_before_the_pupil_joined(world):
    """A pupil who joined this term has no views, profile or meetings from before it."""
    senco = world.user(Role.SENCO)
    joined = date(2026, 1, 5)
    pupils = [PupilFactory(school=world.school, joined_on=joined) for _ in range(12)]
    for pupil in pupils:
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SPLD"], effective_on=joined,
            reason="Demo test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    seed_passports(random.Random(3), world.school, staff=[senco], today=TODAY)
    assert PassportVersion.objects.filter(passport__pupil__in=pupils).count() >= 10
    assert not PassportVersion.objects.filter(captured_on__lt=joined).exists()
    assert not OnePageProfile.objects.filter(updated_on__lt=joined).exists()
    assert not ParentMeeting.objects.filter(held_on__lt=joined).exists()


def test_demo_meetings_fall_on_school_days(world):
    """Seeded on 1 December, booked meetings land in term time: never on a weekend and never in
    the Christmas break, so a parent is not invited to a review on Christmas Day."""
    senco = world.user(Role.SENCO)
    pupils = [PupilFactory(school=world.school, joined_on=date(2024, 9, 2)) for _ in range(30)]
    for pupil in pupils:
        record_register_change(
            pupil=pupil, stage=SenStage.SEN_SUPPORT, needs=["SLCN"], effective_on=date(2024, 9, 2),
            reason="Demo test", decided_by=senco, recorded_by=senco,
        )  # fmt: skip
    seed_passports(random.Random(5), world.school, staff=[senco], today=date(2026, 12, 1))
    days = list(ParentMeeting.objects.values_list("held_on", flat=True))
    assert any(day > date(2026, 12, 1) for day in days)  # some are booked ahead
    assert all(day.weekday() < 5 for day in days)
    assert not [d for d in days if (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 3)]
