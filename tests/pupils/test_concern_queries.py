"""Identification pages run the same number of queries with 1 row as with many."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.identification.workflow import decide_concern, send_round_robin
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    ConcernEvidence,
    ConcernView,
    ObservationNote,
    RoundRobinResponse,
)
from sendhub.roles import Role
from tests.conftest import count_queries, make_member
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.concern_data import make_service, raise_concern, referral_kwargs


def grow_concerns(world, n):
    """n more concerns in the queue, each about a new pupil, raised by the teacher."""
    concerns = []
    for _ in range(n):
        pupil = PupilFactory(school=world.school)
        world.group.pupils.add(pupil)
        concerns.append(raise_concern(pupil, world.user(Role.TEACHER), suspected_areas=["CL"]))
    return concerns


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (Role.SENCO, "pupils:concern_queue"),
        (Role.TEACHER, "pupils:concern_mine"),
        (Role.SENCO, "reports:home"),
    ],
)
def test_concern_lists_do_not_grow(client, world, role, name):
    grow_concerns(world, 1)
    client.force_login(world.user(role))
    url = reverse(name)
    client.get(url)
    small = count_queries(client, url)
    grow_concerns(world, 7)
    assert count_queries(client, url) == small


def test_queue_filtered_by_who_raised_does_not_grow(client, world):
    grow_concerns(world, 1)
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:concern_queue") + "?raised_by=staff"
    client.get(url)
    small = count_queries(client, url)
    grow_concerns(world, 7)
    assert count_queries(client, url) == small


def test_round_robin_list_on_my_concerns_does_not_grow(client, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    send_round_robin(concern=raise_concern(world.taught, senco), sent_by=senco)
    client.force_login(teacher)
    url = reverse("pupils:concern_mine")
    small = count_queries(client, url)
    for concern in grow_concerns(world, 5):
        asked = send_round_robin(concern=concern, sent_by=senco)[0]
        RoundRobinResponse.objects.create(request=asked, level="some")
    assert count_queries(client, url) == small


def add_workspace_rows(world, concern, n, instrument):
    senco = world.user(Role.SENCO)
    sources = ["observation", "work_scrutiny", "assessments", "other_eal", "other_age"]
    done = concern.evidence.count()
    for index in range(done, done + n):
        teacher = make_member(Role.TEACHER, school=world.school)
        group = TeachingGroupFactory(school=world.school)
        group.teachers.add(teacher)
        group.pupils.add(concern.pupil)
        ConcernEvidence.objects.create(concern=concern, source=sources[index], updated_by=senco)
        ObservationNote.objects.create(
            concern=concern, observed_on=date(2025, 10, 1), setting="Maths", note="n",
            observed_by=senco,
        )  # fmt: skip
        ConcernView.objects.create(
            concern=concern, whose="parent", gathered_on=date(2025, 10, 1), method="phone",
            summary="s", recorded_by=senco,
        )  # fmt: skip
        AssessmentResult.objects.create(
            pupil=concern.pupil, instrument=instrument, taken_on=date(2025, 10, 1),
            assessor="SENCO", standardised_score=90, recorded_by=senco,
        )  # fmt: skip
    for asked in send_round_robin(concern=concern, sent_by=senco):
        RoundRobinResponse.objects.create(request=asked, level="some", strengths="s")


def test_evidence_workspace_does_not_grow(client, world):
    senco = world.user(Role.SENCO)
    instrument = AssessmentInstrument.objects.create(
        school=world.school, name="Screener", kind="screening"
    )
    make_service(world.school)
    concern = raise_concern(world.taught, world.user(Role.TEACHER))
    add_workspace_rows(world, concern, 1, instrument)
    client.force_login(senco)
    url = reverse("pupils:concern_detail", args=[concern.pk])
    small = count_queries(client, url)
    add_workspace_rows(world, concern, 4, instrument)
    make_service(world.school, "CAMHS Leeds")
    assert count_queries(client, url) == small


def test_decided_concern_with_tasks_does_not_grow(client, world):
    senco = world.user(Role.SENCO)
    one = raise_concern(world.taught, senco)
    decide_concern(concern=one, decision="no_further_action", rationale="r", decided_by=senco)
    client.force_login(senco)
    small = count_queries(client, reverse("pupils:concern_detail", args=[one.pk]))
    many = raise_concern(world.untaught, senco)
    decide_concern(concern=many, decision="ehc_request", rationale="r", decided_by=senco)
    assert many.tasks.count() == 4
    assert count_queries(client, reverse("pupils:concern_detail", args=[many.pk])) == small


def test_raisers_view_of_a_concern_is_fixed(client, world):
    teacher = world.user(Role.TEACHER)
    concern = raise_concern(world.taught, teacher)
    client.force_login(teacher)
    url = reverse("pupils:concern_detail", args=[concern.pk])
    small = count_queries(client, url)
    grow_concerns(world, 4)
    assert count_queries(client, url) == small


def test_pupil_assessments_referrals_and_directories_do_not_grow(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    urls = [
        reverse("pupils:assessments", args=[world.taught.pk]),
        reverse("pupils:referrals", args=[world.taught.pk]),
        reverse("pupils:instruments"),
        reverse("pupils:services"),
    ]

    def add(n):
        for _ in range(n):
            index = AssessmentInstrument.objects.count()
            instrument = AssessmentInstrument.objects.create(
                school=world.school, name=f"Test {index}", kind="diagnostic"
            )
            AssessmentResult.objects.create(
                pupil=world.taught, instrument=instrument, taken_on=date(2025, 10, 1),
                assessor="EP", standardised_score=101, recorded_by=senco,
            )  # fmt: skip
            make_service(world.school, f"Service {index}")
            referral_kwargs(world, Role.SENCO, True)

    add(1)
    small = [count_queries(client, url) for url in urls]
    add(6)
    assert [count_queries(client, url) for url in urls] == small


def test_referral_edit_and_round_robin_answer_are_fixed(client, world):
    senco = world.user(Role.SENCO)
    referral_pk = referral_kwargs(world, Role.SENCO, True)["pk"]
    client.force_login(senco)
    url = reverse("pupils:referral_edit", args=[referral_pk])
    small = count_queries(client, url)
    for index in range(4):
        make_service(world.school, f"Other {index}")
    assert count_queries(client, url) == small

    concern = raise_concern(world.taught, senco)
    asked = send_round_robin(concern=concern, sent_by=senco)[0]
    client.force_login(world.user(Role.TEACHER))
    url = reverse("pupils:round_robin_answer", args=[asked.pk])
    small = count_queries(client, url)
    RoundRobinResponse.objects.create(request=asked, level="none")
    assert count_queries(client, url) <= small


def test_referral_report_download_is_fixed(client, world):
    """Opening a specialist report costs the same with one referral as with many."""
    client.force_login(world.user(Role.SENCO))
    url = reverse("pupils:referral_report", args=[referral_kwargs(world, Role.SENCO, True)["pk"]])
    small = count_queries(client, url)
    for _ in range(5):
        referral_kwargs(world, Role.SENCO, True)
        referral_kwargs(world, Role.SENCO, False)
    assert count_queries(client, url) == small


def test_queue_filters_by_age_and_pages(client, world):
    """The dashboard's concerns count opens here: oldest first, filterable by age, paginated."""
    from datetime import timedelta

    from django.utils import timezone

    from pupils.identification.views import QUEUE_PAGE_SIZE
    from pupils.models import Concern
    from tests.pupils.concern_data import raise_concern

    old = raise_concern(world.taught, world.user(Role.TEACHER))
    Concern.objects.filter(pk=old.pk).update(raised_at=timezone.now() - timedelta(days=20))
    for _ in range(QUEUE_PAGE_SIZE):
        raise_concern(world.untaught, world.user(Role.SENCO))
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:concern_queue")).content.decode()
    assert "page=2" in page
    aged = client.get(reverse("pupils:concern_queue"), {"older_than": "14"})
    assert [c.pk for c in aged.context["concerns"]] == [old.pk]
