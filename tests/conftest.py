"""Shared actors: one school with a person in every role, pupils in and out of their scope."""

import time
from dataclasses import dataclass

import pytest

from pupils.models import Pupil
from sendhub.middleware import SESSION_LAST_SEEN_KEY
from sendhub.roles import Role
from tests.factories import (
    MembershipFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolFactory,
    SupportAssignmentFactory,
    TeachingGroupFactory,
    TrustFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    """A school with one person per role and pupils each role can or cannot see."""

    school: object
    other_school: object
    users: dict
    taught: Pupil  # taught by the teacher, supported by the TA, child of the parent
    untaught: Pupil  # same school, nobody's but the SEN team's
    elsewhere: Pupil  # another school of the same trust
    group: object

    def user(self, role):
        return self.users[role]


def make_member(role, *, school=None, trust=None, **user_fields):
    user = UserFactory(**user_fields)
    if role == Role.TRUST_LEAD:
        MembershipFactory(user=user, role=role, school=None, trust=trust)
    else:
        MembershipFactory(user=user, role=role, school=school)
    return user


@pytest.fixture
def world(db):
    trust = TrustFactory()
    school = SchoolFactory(trust=trust, name="Oakfield Academy")
    other = SchoolFactory(trust=trust, name="Beechwood Primary")
    users = {
        role: make_member(role, school=school, trust=trust, first_name=role.label.split()[0])
        for role in Role
    }
    taught = PupilFactory(school=school, first_name="Taught", last_name="Pupil")
    untaught = PupilFactory(school=school, first_name="Untaught", last_name="Pupil")
    elsewhere = PupilFactory(school=other, first_name="Elsewhere", last_name="Pupil")
    group = TeachingGroupFactory(school=school, name="8 En1")
    group.teachers.add(users[Role.TEACHER])
    group.pupils.add(taught)
    SupportAssignmentFactory(staff=users[Role.TEACHING_ASSISTANT], pupil=taught)
    ParentLinkFactory(parent=users[Role.PARENT], pupil=taught)
    return World(
        school=school,
        other_school=other,
        users=users,
        taught=taught,
        untaught=untaught,
        elsewhere=elsewhere,
        group=group,
    )


@pytest.fixture
def login(client):
    """Sign the test client in as a user (in their first role)."""

    def _login(user):
        client.force_login(user)
        # Start the idle clock now, as signing in does, so that the first page read is
        # like every other (the clock is written at most once a minute).
        session = client.session
        session[SESSION_LAST_SEEN_KEY] = time.time()
        session.save()
        return client

    return _login


@pytest.fixture
def senco_client(world, login):
    return login(world.user(Role.SENCO))
