"""Schools for the access walk of the trust lead's pages."""

from tests.factories import SchoolFactory, TrustFactory


def trust_school_kwargs(world, role, in_scope):
    """A school of the world's trust, or one of another trust (out of the lead's scope)."""
    if in_scope:
        return {"pk": world.school.pk}
    return {"pk": SchoolFactory(trust=TrustFactory()).pk}
