"""Demo trust, schools and people for `manage.py seed_demo`. Deterministic for a given seed."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from sendhub.models import Membership, School, Trust, User
from sendhub.roles import Role

# The demo's published password, printed by `make run` (not a secret).
DEMO_PASSWORD = "sendhub-demo"  # noqa: S105  # nosec B105
DEMO_DOMAIN = "demo.sendhub.test"

FIRST_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Poppy", "Evie", "Ella", "Willow", "Aisha", "Zara", "Maryam", "Hannah",
    "Chloe", "Ruby", "Maya", "Layla", "Nia", "Priya", "Amara", "Sienna", "Ellie", "Harper",
    "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie",
    "Henry", "Theodore", "Freddie", "Jack", "Charlie", "Theo", "Alfie", "Jacob", "Thomas",
    "Finley", "Isaac", "Joshua", "Ethan", "Yusuf", "Kai", "Reuben", "Dylan", "Samuel",
    "Tomasz", "Kwame", "Ibrahim", "Rory", "Lewis", "Callum", "Aarav", "Daniel", "Mason",
]  # fmt: skip
# FIRST_NAMES lists girls' names first, then boys': a pupil's or parent's name fits their gender.
GIRLS_NAMES = FIRST_NAMES[:30]
BOYS_NAMES = FIRST_NAMES[30:]
LAST_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper",
    "Hill", "Ward", "Hughes", "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee",
    "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker", "James", "Bennett",
    "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook", "Singh",
    "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Ali", "Hussain", "Ahmed",
    "Kowalski", "Nowak", "Okafor", "Mensah", "Campbell", "Murphy", "Graham", "Price",
]  # fmt: skip


@dataclass
class DemoPeople:
    trust: Trust
    school: School
    second_school: School
    password_hash: str
    named: dict = field(default_factory=dict)  # role -> User for the printed logins
    teachers: list = field(default_factory=list)
    tas: list = field(default_factory=list)


def build_people(rng, *, teacher_count=50, ta_count=8):
    """The trust, two schools, and ~60 staff at the main school with one login per role."""
    password_hash = make_password(DEMO_PASSWORD)
    trust = Trust.objects.create(name="Northern Lights Learning Trust")
    school = School.objects.create(
        urn="137421",
        name="Oakfield Academy",
        phase=School.Phase.SECONDARY,
        local_authority="Leeds",
        trust=trust,
    )
    second = School.objects.create(
        urn="107892",
        name="Beechwood Primary School",
        phase=School.Phase.PRIMARY,
        local_authority="Leeds",
        trust=trust,
    )
    people = DemoPeople(
        trust=trust, school=school, second_school=second, password_hash=password_hash
    )

    def person(local, first, last):
        return User.objects.create(
            email=f"{local}@{DEMO_DOMAIN}", first_name=first, last_name=last, password=password_hash
        )

    named = [
        ("senco", Role.SENCO, "Sam", "Okonjo", "SENCO"),
        ("head", Role.SENIOR_LEADER, "Helen", "Marsh", "Headteacher"),
        ("teacher", Role.TEACHER, "Jordan", "Ellis", "Teacher of English"),
        ("ta", Role.TEACHING_ASSISTANT, "Priya", "Sharma", "Teaching assistant"),
        ("governor", Role.GOVERNOR, "Graham", "Whitaker", "SEND governor"),
        ("admin", Role.ADMIN, "Alex", "Morgan", "Data manager"),
    ]
    memberships = []
    for local, role, first, last, title in named:
        user = person(local, first, last)
        people.named[role] = user
        memberships.append(Membership(user=user, role=role, school=school, job_title=title))
    trust_lead = person("trustlead", "Tara", "Lindqvist")
    people.named[Role.TRUST_LEAD] = trust_lead
    memberships.append(Membership(user=trust_lead, role=Role.TRUST_LEAD, trust=trust))
    # The SENCO also runs SEN at the trust's primary school: a person with two schools.
    memberships.append(
        Membership(user=people.named[Role.SENCO], role=Role.SENCO, school=second, job_title="SENCO")
    )

    people.teachers = [people.named[Role.TEACHER]]
    for n in range(teacher_count - 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user = person(f"staff{n + 1:03d}", first, last)
        people.teachers.append(user)
        memberships.append(Membership(user=user, role=Role.TEACHER, school=school))
    people.tas = [people.named[Role.TEACHING_ASSISTANT]]
    for n in range(ta_count - 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user = person(f"ta{n + 1:02d}", first, last)
        people.tas.append(user)
        memberships.append(Membership(user=user, role=Role.TEACHING_ASSISTANT, school=school))
    Membership.objects.bulk_create(memberships)
    return people
