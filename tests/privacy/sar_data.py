"""A pupil with a record of every kind, for the subject access and retention tests."""

from datetime import date, timedelta

from pupils.models import MedicalCondition
from reviews.annual_reviews.services import open_annual_review
from sendhub.models import AccessLog
from sendhub.roles import Role
from tests.provision.provision_data import deliver, reading_group
from tests.pupils.concern_data import (
    raise_concern,
    referral_kwargs,
    round_robin_kwargs,
    task_kwargs,
)
from tests.pupils.passport_data import give_photo, give_profile
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.plan_data import reviewed_plan


def enrich(world, pupil=None):
    """Give world.taught (or `pupil`, swapped in as taught) a record of every kind."""
    senco = world.user(Role.SENCO)
    pupil = pupil or world.taught
    world.taught = pupil
    raise_concern(pupil, world.user(Role.TEACHER))
    round_robin_kwargs(world, Role.TEACHER, True)
    referral_kwargs(world, Role.SENCO, True)
    task_kwargs(world, Role.SENCO, True)
    give_photo(pupil, senco)
    give_profile(pupil, senco)
    group = reading_group(world)
    deliver(group, date.today() - timedelta(days=10), 3, by=world.user(Role.TEACHING_ASSISTANT))
    plan = issue_plan(pupil, senco, needs=["SLCN"])
    open_annual_review(plan=plan, kind="annual", by=senco)
    reviewed_plan(pupil, senco)
    MedicalCondition.objects.create(pupil=pupil, condition="Type 1 diabetes", has_care_plan=True)
    AccessLog.objects.create(
        user=senco, role=Role.SENCO, school=pupil.school, pupil_id=pupil.pk,
        what="full SEN file", path=f"/pupils/{pupil.pk}/",
    )  # fmt: skip
    return pupil
