from datetime import date

import factory
from stdnum.gb import upn as stdnum_upn

from pupils.models import ParentLink, Pupil, SupportAssignment, TeachingGroup
from sendhub.models import Membership, School, Trust, User


def valid_upn(serial, la=383, estab=4012, year=14):
    body = f"{la:03d}{estab:04d}{year:02d}{serial % 1000:03d}"
    return stdnum_upn.calc_check_digit(body) + body


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"School {n}")
    phase = School.Phase.SECONDARY
    local_authority = "Leeds"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = "teacher"


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(lambda n: valid_upn(n + 1, year=10 + (n // 1000) % 10))
    first_name = factory.Sequence(lambda n: f"Pupil{n}")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = date(2013, 3, 14)
    year_group = 8
    joined_on = date(2024, 9, 1)


class TeachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingGroup

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = TeachingGroup.Kind.CLASS
    year_group = 8


class SupportAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportAssignment

    staff = factory.SubFactory(UserFactory)
    pupil = factory.SubFactory(PupilFactory)
    starts_on = date(2024, 9, 1)


class ParentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentLink

    parent = factory.SubFactory(UserFactory)
    pupil = factory.SubFactory(PupilFactory)
    relationship = ParentLink.Relationship.MOTHER
