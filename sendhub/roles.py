"""Roles a person can hold at a school (or trust), and what each role may do.

SEND-reference.md §1 ("Who uses it") is the source for what each role sees.
Permissions are ordinary Django permission strings declared in model Meta, so
views use @permission_required; sendhub.backends.RoleBackend answers them from
the person's *current* membership.
"""

from django.db import models


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    GOVERNOR = "governor", "Governor"
    PARENT = "parent", "Parent or carer"
    TRUST_LEAD = "trust_lead", "Trust SEND lead"
    ADMIN = "admin", "School administrator"


STAFF_ROLES = {Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.ADMIN}

# Tier 2 (full SEN file) and tier 3 (restricted) reads, SEND-reference.md §1.
_FULL_FILE = {
    "pupils.view_register",
    "pupils.view_full_file",
    "pupils.view_sen_summary",
    "pupils.view_restricted",
    "pupils.view_pupil_history",
}
# Passports (§4): staff who teach or support a pupil read them and may record the
# pupil's views; meetings with parents are kept (Code of Practice 6.65).
_PASSPORT_READ = {"pupils.view_passport", "pupils.view_parentmeeting"}
_PASSPORT_WRITE = {"pupils.change_passport"}
# Support plans (§4): staff read the plans of pupils they teach and give their views.
_PLAN_READ = {"reviews.view_supportplan", "reviews.view_strategy"}
# The school's own words and review cadence (§4: configuration). The SENCO runs them; a
# head or senior leader owns compliance (§1) and the office keeps the school's set-up.
_SCHOOL_SETTINGS = {"sendhub.change_school_settings"}
# People (the /school/people/ page): adding staff and parents, giving and ending their
# roles, sending invitations. The office (school administrator) keeps the school's list
# of people, and a head or senior leader answers for who can see children's records
# (§1, §9 least privilege). The SENCO runs SEND, not accounts, so does not hold it; nor
# do teachers, TAs, governors or parents. A trust lead role is never given here.
_MANAGE_PEOPLE = {"sendhub.manage_people"}
# Who sees whom (SEND-reference.md §1): parent links, TA support and class teachers open
# pupils' records to parents, TAs and teachers. The SENCO and the office (school
# administrator) keep them; a senior leader can check them but not change them.
_RELATIONSHIPS_READ = {"pupils.view_relationships"}
_RELATIONSHIPS_WRITE = _RELATIONSHIPS_READ | {"pupils.manage_relationships"}

ROLE_PERMISSIONS = {
    Role.SENCO: _FULL_FILE
    | _PASSPORT_READ
    | _PASSPORT_WRITE
    | _PLAN_READ
    | {
        "pupils.change_register",
        "pupils.import_pupils",
        "pupils.export_register",
        "pupils.record_parent_meeting",
        "pupils.raise_concern",
        "pupils.triage_concerns",
        "reviews.manage_plans",
        "reviews.contribute_views",
        "reviews.add_strategy",
    }
    | _SCHOOL_SETTINGS
    | _RELATIONSHIPS_WRITE,
    Role.SENIOR_LEADER: _FULL_FILE
    | _PASSPORT_READ
    | _PLAN_READ
    | _SCHOOL_SETTINGS
    | _MANAGE_PEOPLE
    | _RELATIONSHIPS_READ
    | {"pupils.export_register", "pupils.raise_concern"},
    Role.TEACHER: _PASSPORT_READ
    | _PASSPORT_WRITE
    | _PLAN_READ
    | {
        "pupils.view_sen_summary",
        "pupils.record_parent_meeting",
        "pupils.raise_concern",
        "reviews.contribute_views",
    },
    Role.TEACHING_ASSISTANT: _PASSPORT_READ
    | _PASSPORT_WRITE
    | _PLAN_READ
    | {"pupils.view_sen_summary", "pupils.raise_concern", "reviews.contribute_views"},
    Role.GOVERNOR: {"reports.view_anonymised_reports"},
    # A parent tells the school about a worry through the portal only (§3 step 1): the
    # staff permission "pupils.raise_concern" would open staff concern pages.
    Role.PARENT: {
        "pupils.view_own_child",
        "pupils.view_passport",
        "reviews.take_part_as_parent",
        "pupils.raise_concern_as_parent",
    },
    Role.TRUST_LEAD: {"reports.view_anonymised_reports", "reports.view_trust_reports"},
    Role.ADMIN: {"pupils.import_pupils", "pupils.view_roll"}
    | _SCHOOL_SETTINGS
    | _MANAGE_PEOPLE
    | _RELATIONSHIPS_WRITE,
}
