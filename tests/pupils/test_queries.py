"""Register pages run a fixed number of queries whatever the number of pupils."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import (
    AssessmentInstrument,
    AssessmentResult,
    MedicalCondition,
    ParentInformed,
    Pupil,
)
from pupils.register.services import record_register_change
from reviews.models import SupportPlan
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import ParentLinkFactory, PupilFactory, TeachingGroupFactory
from tests.pupils.passport_data import give_passport
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.plan_data import make_plan

pytestmark = pytest.mark.django_db
NEEDS = ["SLCN", "ASD", "SPLD", "SEMH", "MLD", "HI"]


def add_pupils(world, count, *, start=0):
    senco = world.user(Role.SENCO)
    form = TeachingGroupFactory(school=world.school, kind="form")
    for index in range(start, start + count):
        pupil = PupilFactory(school=world.school, form=form, free_school_meals=index % 2 == 0)
        record_register_change(
            pupil=pupil,
            stage=SenStage.SEN_SUPPORT,
            needs=[NEEDS[index % 6], NEEDS[(index + 2) % 6]],
            effective_on=date(2025, 9, 1),
            reason="Query-count data",
            decided_by=senco,
            recorded_by=senco,
            parent_informed={"informed_on": date(2025, 9, 2), "method": "phone",
                             "informed_by": senco},
        )  # fmt: skip
        if index % 3 == 0:
            issue_plan(pupil, senco, on=date(2025, 9, 1))
        elif index % 3 == 1:  # a support plan in force: the register's plan columns fill
            make_plan(pupil, senco, status="active")


@pytest.mark.parametrize(
    ("url_name", "params", "headers"),
    [
        ("pupils:register", {}, {}),
        ("pupils:register", {"need": "SLCN", "sort": "-since"}, {}),
        ("pupils:register", {"flags": "fsm"}, {"HTTP_HX_REQUEST": "true"}),
        ("pupils:register", {"sort": "review"}, {}),
        ("pupils:register", {"sort": "-layer"}, {}),
        ("pupils:census", {"date": "2025-10-02"}, {}),
        ("pupils:movement", {}, {}),
    ],
)
def test_register_pages_do_not_grow(client, world, url_name, params, headers):
    client.force_login(world.user(Role.SENCO))
    add_pupils(world, 1)
    client.get(reverse("reports:home"))
    small = count_queries(client, reverse(url_name), params, **headers)
    add_pupils(world, 30, start=1)
    large = count_queries(client, reverse(url_name), params, **headers)
    assert large == small, f"{url_name}: {small} queries with 1 pupil, {large} with 31"


def test_register_export_does_not_grow(client, world):
    client.force_login(world.user(Role.SENCO))
    add_pupils(world, 1)
    small = count_queries(client, reverse("pupils:register_export", args=["csv"]))
    add_pupils(world, 20, start=1)
    assert count_queries(client, reverse("pupils:register_export", args=["csv"])) == small


def enrich(world, pupil, times, start=0):
    """More entries, parents, s68 records, conditions, results, plans and history for one pupil."""
    senco = world.user(Role.SENCO)
    for index in range(start, start + times):
        record_register_change(
            pupil=pupil,
            stage=SenStage.SEN_SUPPORT if index % 2 == 0 else SenStage.ASSESSMENT_REQUESTED,
            needs=[NEEDS[index % 6]],
            effective_on=date(2024, 9, 1 + index),
            reason=f"Decision {index}",
            decided_by=senco,
            recorded_by=senco,
        )
        ParentLinkFactory(pupil=pupil)
        ParentInformed.objects.create(pupil=pupil, informed_on=date(2024, 9, 2 + index),
                                      method="letter", informed_by=senco)  # fmt: skip
        MedicalCondition.objects.create(pupil=pupil, condition=f"Condition {index}")
        # Results on the profile's Assessments card, each on its own instrument.
        instrument = AssessmentInstrument.objects.create(
            school=pupil.school, name=f"Instrument {index}", kind="screening", max_age_months=120
        )
        AssessmentResult.objects.create(pupil=pupil, instrument=instrument, assessor="SENCO",
                                        taken_on=date(2024, 9, 1 + index), standardised_score=88,
                                        recorded_by=senco)  # fmt: skip
        pupil.attendance_percent = 90 + index
        pupil.save()
        # Plan, passport and parent-link changes, kept in history by other apps' models.
        plan = make_plan(pupil, senco, status=SupportPlan.Status.REVIEWED, cycle=index + 1,
                         targets=2)  # fmt: skip
        target = plan.targets.first()
        target.outcome = f"Changed target {index}"
        target.save()
        give_passport(pupil, senco, enjoy=f"Version {index}")
        link = pupil.parent_links.current().last()
        link.ended_on = date(2025, 1, 1 + index)
        link.end_reason = "Moved away"
        link.save()


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("pupils:detail", Role.SENCO),
        ("pupils:detail", Role.TEACHER),
        ("pupils:history", Role.SENCO),
        ("pupils:change_status", Role.SENCO),
        ("pupils:parent_informed", Role.SENCO),
    ],
)
def test_pupil_pages_do_not_grow(client, world, url_name, role):
    pupil = world.taught
    enrich(world, pupil, 1)
    client.force_login(world.user(role))
    url = reverse(url_name, args=[pupil.pk])
    client.get(url)
    small = count_queries(client, url)
    enrich(world, pupil, 8, start=1)
    large = count_queries(client, url)
    assert large == small, f"{url_name} as {role}: {small} then {large}"


@pytest.mark.parametrize(
    ("url_name", "args", "params"),
    [
        ("pupils:register_export", ["xlsx"], {"flags": "fsm"}),
        ("pupils:census_export", ["csv"], {"date": "2025-10-02"}),
        ("pupils:census_export", ["xlsx"], {"date": "2025-10-02"}),
        ("pupils:movement", [], {}),
    ],
)
def test_downloads_and_movement_do_not_grow(client, world, url_name, args, params):
    client.force_login(world.user(Role.SENCO))
    add_pupils(world, 1)
    url = reverse(url_name, args=args)
    client.get(url, params)
    small = count_queries(client, url, params)
    add_pupils(world, 20, start=1)
    # Later decisions and leavers give the movement table more to count, not more queries.
    for pupil in Pupil.objects.filter(school=world.school, sen_stage="sen_support")[:5]:
        record_register_change(pupil=pupil, stage=SenStage.NONE, needs=[],
                               effective_on=date(2025, 12, 1), reason="Off",
                               decided_by=world.user(Role.SENCO), recorded_by=None)  # fmt: skip
    assert count_queries(client, url, params) == small, (
        f"{url_name} {args}: {small} queries at first"
    )
