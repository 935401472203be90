"""EHC plan section lines and needs assessment requests for tests and the access walk."""

from datetime import date

from reviews.models import EHCPlanNeed, NeedsAssessmentRequest
from sendhub.roles import Role
from tests.reviews.ehc_plan_data import ehc_plan_kwargs


def plan_section_kwargs(world, role, in_scope):
    """Section B of a plan in force, in or out of the role's scope."""
    return {"plan_pk": ehc_plan_kwargs(world, role, in_scope)["pk"], "section": "needs"}


def plan_line_kwargs(world, role, in_scope):
    """A section B line of a plan in force, in or out of the role's scope."""
    kwargs = plan_section_kwargs(world, role, in_scope)
    need = EHCPlanNeed.objects.filter(plan_id=kwargs["plan_pk"]).first()
    if need is None:
        need = EHCPlanNeed.objects.create(
            plan_id=kwargs["plan_pk"], area="CI", description="Social communication."
        )
    return kwargs | {"pk": need.pk}


def make_request(pupil, *, received_on=date(2025, 9, 1), by=None, **fields):
    return NeedsAssessmentRequest.objects.create(
        pupil=pupil,
        requested_by=fields.pop("requested_by", NeedsAssessmentRequest.Requester.SCHOOL),
        local_authority=fields.pop("local_authority", "Kent"),
        sent_on=fields.pop("sent_on", received_on),
        received_on=received_on,
        reasons=fields.pop("reasons", "Little progress after two cycles of SEN support."),
        requested_by_user=by,
        **fields,
    )


def needs_assessment_kwargs(world, role, in_scope):
    """A request for a world pupil in or out of the role's scope."""
    if in_scope:
        pupil = world.taught
    elif role in (Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN):
        pupil = world.elsewhere
    else:
        pupil = world.untaught
    record = pupil.needs_assessment_requests.first() or make_request(pupil)
    return {"pk": record.pk}
