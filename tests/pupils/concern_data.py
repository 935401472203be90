"""Concerns, round robins, referrals and tasks for tests."""

from datetime import date

from django.core.files.base import ContentFile

from pupils.models import (
    Concern,
    Referral,
    RoundRobinRequest,
    SpecialistService,
    Task,
)
from sendhub.roles import Role
from tests.upload_files import PDF  # noqa: F401 (a real, small PDF)

SEN_TEAM = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN}


def raise_concern(pupil, by, **fields):
    concern = Concern(
        pupil=pupil,
        raised_by=by,
        noticed=fields.pop("noticed", "Finds copying from the board hard; reverses b and d."),
        contexts=fields.pop("contexts", "English, science"),
        suspected_areas=fields.pop("suspected_areas", ["CL"]),
        **fields,
    )
    concern.attachment.save("work-sample.pdf", ContentFile(PDF), save=False)
    concern.save()
    return concern


def out_of_scope_pupil(world, role):
    return world.elsewhere if role in SEN_TEAM else world.untaught


def concern_kwargs(world, role, in_scope):
    """A concern the role raised about a pupil it sees, or one about a pupil it must not see."""
    user = world.user(role)
    pupil = world.taught if in_scope else out_of_scope_pupil(world, role)
    return {"pk": raise_concern(pupil, user).pk}


def round_robin_kwargs(world, role, in_scope):
    """A round robin question to this person, about a pupil in or out of their scope."""
    user = world.user(role)
    pupil = world.taught if in_scope else out_of_scope_pupil(world, role)
    concern = raise_concern(pupil, world.user(Role.SENCO))
    asked = RoundRobinRequest.objects.create(
        concern=concern, teacher=user, sent_by=world.user(Role.SENCO)
    )
    return {"pk": asked.pk}


def make_service(school, name="Leeds Educational Psychology Service"):
    return SpecialistService.objects.get_or_create(
        school=school, name=name, defaults={"kind": SpecialistService.Kind.EP}
    )[0]


def referral_kwargs(world, role, in_scope):
    """A referral (with its report attached) for a pupil in or out of scope."""
    pupil = world.taught if in_scope else out_of_scope_pupil(world, role)
    referral = Referral(
        pupil=pupil,
        service=make_service(pupil.school),
        requested_on=date(2025, 10, 1),
        requested_by=world.user(Role.SENCO),
    )
    referral.report.save("ep-report.pdf", ContentFile(PDF), save=False)
    referral.save()
    return {"pk": referral.pk}


def task_kwargs(world, role, in_scope):
    pupil = world.taught if in_scope else out_of_scope_pupil(world, role)
    task = Task.objects.create(
        school=world.school,
        pupil=pupil,
        assigned_to=world.user(role),
        title="Draft a support plan",
        due_on=date(2026, 1, 1),
    )
    return {"pk": task.pk}
