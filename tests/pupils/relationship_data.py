"""Parent links, TA support and classes in and out of a role's scope."""

from sendhub.roles import Role
from tests.factories import ParentLinkFactory, SupportAssignmentFactory, TeachingGroupFactory

WHOLE_SCHOOL = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN}


def _out_of_scope_pupil(world, role):
    return world.elsewhere if role in WHOLE_SCHOOL else world.untaught


def parent_link_kwargs(world, role, in_scope):
    """The taught pupil's parent link, or a link to a pupil this role must not reach."""
    if in_scope:
        return {"pk": world.taught.parent_links.get().pk}
    return {"pk": ParentLinkFactory(pupil=_out_of_scope_pupil(world, role)).pk}


def support_kwargs(world, role, in_scope):
    """The taught pupil's TA support, or support of a pupil this role must not reach."""
    if in_scope:
        return {"pk": world.taught.support_assignments.get().pk}
    pupil = _out_of_scope_pupil(world, role)
    return {"pk": SupportAssignmentFactory(pupil=pupil, staff=world.user(Role.TEACHER)).pk}


def group_kwargs(world, role, in_scope):
    """A class at the role's school, or one at another school of the same trust."""
    if in_scope:
        return {"pk": world.group.pk}
    return {"pk": TeachingGroupFactory(school=world.other_school, name="8 Ma1").pk}
