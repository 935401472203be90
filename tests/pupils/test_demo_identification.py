"""The demo seed has concerns in every state, assessments, services and referrals."""

import pytest
from django.core.management import call_command
from django.db.models import F

from pupils.models import (
    AssessmentResult,
    Concern,
    OnePageProfile,
    ParentMeeting,
    PassportVersion,
    Referral,
    RegisterEntry,
    RoundRobinRequest,
    SpecialistService,
    Task,
)

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seed_demo_has_identification_in_every_state():
    call_command("seed_demo")
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert statuses == set(Concern.Status.values)
    decisions = set(Concern.objects.exclude(decision="").values_list("decision", flat=True))
    assert decisions == set(Concern.Decision.values)
    assert Concern.objects.filter(raised_by__email="teacher@demo.sendhub.test").count() == 2
    from_parent = Concern.objects.filter(raised_by__email="parent@demo.sendhub.test")
    assert sorted(from_parent.values_list("status", "raised_by_parent")) == [
        ("in_progress", True),
        ("new", True),
    ]
    # One monitored concern has come back on its date; one is still in the future.
    monitored = Concern.objects.filter(decision="monitor")
    assert [c.is_due_to_look_again for c in monitored.order_by("look_again_on")] == [True, False]
    assert RegisterEntry.objects.filter(source="concern", stage="sen_support").count() == 1
    assert Task.objects.filter(title__startswith="Draft a support plan").count() == 2
    assert RoundRobinRequest.objects.filter(
        teacher__email="teacher@demo.sendhub.test", response__isnull=True
    ).exists()
    assert AssessmentResult.objects.count() >= 12
    assert SpecialistService.objects.count() == 5
    assert Referral.objects.filter(seen_on__isnull=True).exists()
    assert Referral.objects.filter(report_received_on__isnull=False).exists()
    # Nothing at this school is dated before the pupil joined it: register history,
    # passports (the pupil's views), one-page profiles and meetings with parents.
    assert RegisterEntry.objects.exists()
    assert not RegisterEntry.objects.filter(effective_on__lt=F("pupil__joined_on")).exists()
    assert PassportVersion.objects.exists()
    assert not PassportVersion.objects.filter(
        captured_on__lt=F("passport__pupil__joined_on")
    ).exists()
    assert not OnePageProfile.objects.filter(updated_on__lt=F("pupil__joined_on")).exists()
    assert not ParentMeeting.objects.filter(held_on__lt=F("pupil__joined_on")).exists()
