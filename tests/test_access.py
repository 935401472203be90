"""
Every URL, every role (docs/access.md).

ACCESS lists each named URL with the status each role gets for an object in its
scope; test_every_url_is_listed fails when a URL is added without an entry.
For object URLs, every role that may open the page gets 404 for an object out
of its scope.
"""

import copy
import traceback
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlsafe_base64_encode

from sendhub.roles import Role
from tests.conftest import table_row_counts
from tests.factories import MembershipFactory, TeachingGroupFactory
from tests.provision import provision_data as provision
from tests.pupils.concern_data import (
    concern_kwargs,
    referral_kwargs,
    round_robin_kwargs,
    task_kwargs,
)
from tests.pupils.import_files import batch_kwargs
from tests.pupils.passport_data import with_documents, with_photos
from tests.pupils.relationship_data import group_kwargs, parent_link_kwargs, support_kwargs
from tests.reports.progress_data import APPLIED_KWARGS, PREVIEW_KWARGS
from tests.reports.report_data import (
    evaluation_kwargs,
    public_report_kwargs,
    report_draft_kwargs,
    report_version_kwargs,
)
from tests.reports.trust_data import trust_school_kwargs
from tests.reviews.annual_review_data import (
    advice_link_kwargs,
    asked_kwargs,
    contributor_kwargs,
    feed_kwargs,
    ics_kwargs,
    met_review_kwargs,
    open_review_kwargs,
    plan_pupil_kwargs,
    reported_pupil_kwargs,
    review_pupil_kwargs,
)
from tests.reviews.ehc_plan_data import ehc_plan_kwargs
from tests.reviews.ehcp_section_data import (
    needs_assessment_kwargs,
    plan_line_kwargs,
    plan_section_kwargs,
)
from tests.reviews.plan_data import (
    active_plan_kwargs,
    agreed_plan_kwargs,
    draft_plan_kwargs,
    reviewed_plan_kwargs,
)

ALL_ROLES = list(Role)
SEN_TEAM = {Role.SENCO, Role.SENIOR_LEADER}


def statuses(ok_roles, *, ok=200, denied=403):
    return {role: (ok if role in ok_roles else denied) for role in ALL_ROLES}


@dataclass
class Access:
    expected: dict
    kwargs: callable = None  # (world, role, in_scope) -> url kwargs
    method: str = "get"
    anonymous: int = 302
    data: dict = field(default_factory=dict)


def pupil_kwargs(world, role, in_scope):
    """An in-scope pupil for the role, or one it must not reach."""
    if in_scope:
        return {"pk": world.taught.pk}
    if role in SEN_TEAM or role == Role.ADMIN:
        return {"pk": world.elsewhere.pk}  # another school
    return {"pk": world.untaught.pk}  # same school, not theirs


IMPORTERS = {Role.SENCO, Role.ADMIN}
PUPIL_READERS = {Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.PARENT}
RAISERS = {Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT}
RELATIONSHIP_MANAGERS = {Role.SENCO, Role.ADMIN}
RELATIONSHIP_READERS = RELATIONSHIP_MANAGERS | {Role.SENIOR_LEADER}


# Passports, profiles, meetings, class view, parent portal and PDFs.
STAFF_WHO_SUPPORT = {Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT}
SEN_SUMMARY_READERS = {Role.SENCO, Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT}


PLAN_READERS = SEN_SUMMARY_READERS

# Provision: the SEN team and staff read; the SENCO and the TAs who run groups keep them.
PROVISION_READERS = SEN_SUMMARY_READERS
PROVISION_KEEPERS = {Role.SENCO, Role.TEACHING_ASSISTANT}
MAP_READERS = SEN_TEAM | {Role.TEACHER}


def class_kwargs(world, role, in_scope):
    """The teacher's class, or (for the teacher) another class of the school and (for the
    SEN team) a class of another school."""
    if in_scope:
        return {"pk": world.group.pk}
    school = world.other_school if role in SEN_TEAM else world.school
    return {"pk": TeachingGroupFactory(school=school, name="9 Ma3").pk}


def document_kwargs(world, role, in_scope):
    """Like pupil_kwargs, once every pupil has a passport and profile (so 404 means scope)."""
    with_documents(world)
    return pupil_kwargs(world, role, in_scope)


def version_kwargs(world, role, in_scope):
    return document_kwargs(world, role, in_scope) | {"number": 1}


def photo_kwargs(world, role, in_scope):
    """The current passport version (2), which carries a photo for every world pupil."""
    with_photos(world)
    return pupil_kwargs(world, role, in_scope) | {"number": 2}


# People: school administrators and senior leaders (sendhub/roles.py).
PEOPLE_MANAGERS = {Role.SENIOR_LEADER, Role.ADMIN}


def person_kwargs(world, role, in_scope):
    """A person at the current school, or one known only at another school."""
    if in_scope:
        return {"pk": world.user(Role.TEACHER).pk}
    return {"pk": other_school_teacher(world).pk}


def trust_lead_kwargs(world, role, in_scope):
    """Another trust lead of the world's trust, or a trust lead of another trust."""
    from tests.factories import TrustFactory

    trust = world.school.trust if in_scope else TrustFactory()
    return {"pk": MembershipFactory(school=None, trust=trust, role=Role.TRUST_LEAD).user.pk}


def invited_person_kwargs(world, role, in_scope):
    """Someone invited here who has not chosen a password yet (or someone elsewhere)."""
    if not in_scope:
        return {"pk": other_school_teacher(world).pk}
    invited = MembershipFactory(school=world.school, role=Role.PARENT).user
    invited.set_unusable_password()
    invited.save()
    return {"pk": invited.pk}


def role_kwargs(world, role, in_scope):
    person = world.user(Role.TEACHER) if in_scope else other_school_teacher(world)
    return {"pk": person.pk, "membership_pk": person.memberships.get().pk}


def role_offer_kwargs(world, role, in_scope):
    """An offer made to a person at another school: nobody in the world may accept it."""
    from sendhub.accounts.invitations import role_offer_token

    token = role_offer_token(
        user=other_school_teacher(world), school=world.school, role=Role.TEACHER,
        job_title="", by=world.user(Role.SENIOR_LEADER),
    )  # fmt: skip
    return {"token": token}


TASK_HOLDERS = {Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT}


def notification_kwargs(world, role, in_scope):
    """A notification of the role's own, or someone else's."""
    from sendhub.models import Notification

    owner = (
        world.user(role)
        if in_scope
        else world.user(Role.GOVERNOR if role != Role.GOVERNOR else Role.ADMIN)
    )
    return {"pk": Notification.objects.create(recipient=owner, title="Waiting", url="/").pk}


def job_kwargs(world, role, in_scope):
    """A finished subject access job of the role's own, or (out of scope) the SENCO's or
    the head's: only the person who asked may see it, and only with the export permission."""
    from django.core.files.base import ContentFile

    from sendhub.models import Job

    owner = world.user(role)
    if not in_scope:
        owner = world.user(Role.SENIOR_LEADER if role == Role.SENCO else Role.SENCO)
    job = Job.objects.create(
        requested_by=owner, school=world.school, kind="subject_access",
        params={"pupil_id": world.taught.pk}, status="done", filename="export.zip",
        content_type="application/zip",
    )  # fmt: skip
    job.file.save("export.zip", ContentFile(b"PK"), save=True)
    return {"pk": job.pk}


def other_school_teacher(world):
    return MembershipFactory(school=world.other_school, role=Role.TEACHER).user


# The governors' termly SEND report (tests/reports/test_termly.py): the SEN team writes it;
# governors and trust SEND leads read what was published.
TERMLY_EDITORS = SEN_TEAM
TERMLY_READERS = SEN_TEAM | {Role.GOVERNOR, Role.TRUST_LEAD}


def termly_term_kwargs(world, role, in_scope):
    return {"year": 2026, "term": "autumn"}


def termly_version_kwargs(world, role, in_scope):
    """A published version of the world school's report, or (out of scope) one of another
    school of the trust, and for a trust lead one of a school in another trust."""
    from reports.termly.figures import school_pupils
    from reports.termly.models import TermlyReport
    from reports.termly.services import publish
    from tests.factories import SchoolFactory

    if in_scope:
        school = world.school
    elif role == Role.TRUST_LEAD:
        school = SchoolFactory(name="Elsewhere Trust School")
    else:
        school = world.other_school
    report, _ = TermlyReport.objects.get_or_create(school=school, year=2026, term="autumn")
    version = report.versions.first() or publish(
        report=report, by=world.user(Role.SENCO), pupils=school_pupils(school)
    )
    return {"pk": version.pk}


def spent_link_kwargs(world, role, in_scope):
    """A password link whose token is wrong: the page explains it stopped working."""
    return {"uidb64": urlsafe_base64_encode(b"1"), "token": "used-or-expired"}


ACCESS = {
    "reports:home": Access(statuses(set(ALL_ROLES))),
    "sendhub:switch_role": Access(
        statuses(set(), denied=405), anonymous=302
    ),  # POST only; a GET is refused
    # The current school's own settings (tests/sendhub/test_school_settings.py).
    "sendhub:school_settings": Access(statuses({Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN})),
    # National figures the dashboard compares with (tests/sendhub/test_national_figures.py).
    "sendhub:national_figures": Access(statuses({Role.SENIOR_LEADER, Role.ADMIN})),
    # People at the current school (tests/sendhub/test_people.py).
    "sendhub:people": Access(statuses(PEOPLE_MANAGERS)),
    "sendhub:person_add": Access(statuses(PEOPLE_MANAGERS)),
    "sendhub:person": Access(statuses(PEOPLE_MANAGERS), kwargs=person_kwargs),
    "sendhub:person_invite": Access(
        statuses(PEOPLE_MANAGERS, ok=302), kwargs=invited_person_kwargs, method="post"
    ),
    "sendhub:role_end": Access(statuses(PEOPLE_MANAGERS), kwargs=role_kwargs),
    # A role offered to an account known only elsewhere: only its owner may accept, so
    # an offer to someone else is not found (tests/sendhub/test_people.py).
    "sendhub:role_offer": Access(statuses(set(), denied=404), kwargs=role_offer_kwargs),
    # Who gave whom access: the head (tests/sendhub/test_people.py).
    "sendhub:access_grants": Access(statuses({Role.SENIOR_LEADER})),
    # Choosing a password from an emailed link: open to everyone, signed in or not.
    "password_reset": Access(statuses(set(ALL_ROLES)), anonymous=200),
    "password_reset_done": Access(statuses(set(ALL_ROLES)), anonymous=200),
    "password_reset_confirm": Access(
        statuses(set(ALL_ROLES)), kwargs=spent_link_kwargs, anonymous=200
    ),
    "set_password": Access(statuses(set(ALL_ROLES)), kwargs=spent_link_kwargs, anonymous=200),
    # Two-step sign-in (tests/sendhub/test_two_factor.py). Everyone signed in reaches their
    # own pages; with no app set up, the code page sends them to set-up, and the
    # recovery-code pages (codes are shown once, from the session) to their own page.
    "two_factor_verify": Access(statuses(set(), denied=302)),
    "two_factor_setup": Access(statuses(set(ALL_ROLES))),
    "two_factor_manage": Access(statuses(set(ALL_ROLES))),
    "two_factor_recovery_codes": Access(statuses(set(), denied=302)),
    "two_factor_recovery_download": Access(statuses(set(), denied=302)),
    # A colleague's lost phone: a senior leader (the head) resets it, never their own.
    "sendhub:two_factor_reset": Access(statuses({Role.SENIOR_LEADER}), kwargs=person_kwargs),
    # A trust lead's lost phone: another trust lead of the same trust (docs/two-factor.md).
    "sendhub:trust_two_factor_reset": Access(statuses({Role.TRUST_LEAD}), kwargs=trust_lead_kwargs),
    "pupils:register": Access(statuses(SEN_TEAM)),
    "pupils:census": Access(statuses({Role.SENCO, Role.SENIOR_LEADER})),
    "pupils:census_export": Access(
        statuses({Role.SENCO, Role.SENIOR_LEADER}),
        kwargs=lambda world, role, in_scope: {"file_format": "csv"},
    ),
    "pupils:movement": Access(statuses(SEN_TEAM)),
    "pupils:register_export": Access(
        statuses({Role.SENCO, Role.SENIOR_LEADER}),
        kwargs=lambda world, role, in_scope: {"file_format": "csv"},
    ),
    "pupils:detail": Access(statuses(PUPIL_READERS), kwargs=pupil_kwargs),
    "pupils:history": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "pupils:change_status": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "pupils:parent_informed": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "pupils:context": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "pupils:passport": Access(statuses(PUPIL_READERS), kwargs=document_kwargs),
    "pupils:passport_edit": Access(statuses(STAFF_WHO_SUPPORT), kwargs=document_kwargs),
    "pupils:passport_confirm": Access(
        statuses(STAFF_WHO_SUPPORT, ok=302), kwargs=document_kwargs, method="post"
    ),
    "pupils:passport_version": Access(statuses(STAFF_WHO_SUPPORT), kwargs=version_kwargs),
    "pupils:passport_photo": Access(statuses(PUPIL_READERS), kwargs=photo_kwargs),
    "pupils:profile": Access(statuses(PUPIL_READERS), kwargs=document_kwargs),
    "pupils:profile_edit": Access(statuses(STAFF_WHO_SUPPORT), kwargs=document_kwargs),
    "pupils:parent_meetings": Access(statuses(SEN_SUMMARY_READERS), kwargs=pupil_kwargs),
    "reports:class_view": Access(statuses(SEN_SUMMARY_READERS)),
    "reports:class_view_pdf": Access(statuses(SEN_SUMMARY_READERS)),
    "reports:class_view_pdf_prepare": Access(statuses(SEN_SUMMARY_READERS, ok=302), method="post"),
    # The SEN information report: the SENCO writes and publishes it, senior leaders read
    # it; the published version is public, for anyone, signed in or not.
    "reports:information_report": Access(statuses(SEN_TEAM)),
    "reports:information_report_start": Access(statuses({Role.SENCO}, ok=302), method="post"),
    "reports:information_report_version": Access(statuses(SEN_TEAM), kwargs=report_version_kwargs),
    "reports:information_report_edit": Access(statuses({Role.SENCO}), kwargs=report_draft_kwargs),
    "reports:information_report_publish": Access(
        statuses({Role.SENCO}, ok=302), kwargs=report_draft_kwargs, method="post"
    ),
    "reports:information_report_public": Access(
        statuses(set(ALL_ROLES)), kwargs=public_report_kwargs, anonymous=200
    ),
    "reports:information_report_public_pdf": Access(
        statuses(set(ALL_ROLES)), kwargs=public_report_kwargs, anonymous=200
    ),
    # The SEND self-evaluation: leaders only (not governors or trust leads).
    "reports:self_evaluation": Access(statuses(SEN_TEAM)),
    "reports:self_evaluation_start": Access(statuses(SEN_TEAM, ok=302), method="post"),
    "reports:self_evaluation_detail": Access(statuses(SEN_TEAM), kwargs=evaluation_kwargs),
    "reports:self_evaluation_edit": Access(statuses(SEN_TEAM), kwargs=evaluation_kwargs),
    "reports:self_evaluation_finalise": Access(
        statuses(SEN_TEAM, ok=302), kwargs=evaluation_kwargs, method="post"
    ),
    "reports:self_evaluation_pdf": Access(statuses(SEN_TEAM), kwargs=evaluation_kwargs),
    "reports:self_evaluation_word": Access(statuses(SEN_TEAM), kwargs=evaluation_kwargs),
    "reports:trust_school": Access(statuses({Role.TRUST_LEAD}), kwargs=trust_school_kwargs),
    # Progress, attendance and exclusion data: the SEN team (tests/reports/test_progress_*.py).
    # Another school's import is out of scope.
    "reports:progress": Access(statuses(SEN_TEAM)),
    "reports:progress_import": Access(statuses(SEN_TEAM)),
    "reports:progress_import_preview": Access(statuses(SEN_TEAM), kwargs=PREVIEW_KWARGS),
    "reports:progress_import_apply": Access(
        statuses(SEN_TEAM, ok=302), kwargs=PREVIEW_KWARGS, method="post"
    ),
    "reports:progress_import_result": Access(statuses(SEN_TEAM), kwargs=APPLIED_KWARGS),
    "reports:progress_entry": Access(statuses(SEN_TEAM)),
    "reports:termly_reports": Access(statuses(TERMLY_EDITORS)),
    "reports:termly_edit": Access(statuses(TERMLY_EDITORS), kwargs=termly_term_kwargs),
    "reports:termly_publish": Access(statuses(TERMLY_EDITORS), kwargs=termly_term_kwargs),
    "reports:termly_draft_pdf": Access(statuses(TERMLY_EDITORS), kwargs=termly_term_kwargs),
    "reports:termly_draft_pdf_prepare": Access(
        statuses(TERMLY_EDITORS, ok=302), kwargs=termly_term_kwargs, method="post"
    ),
    "reports:termly_published": Access(statuses(TERMLY_READERS)),
    "reports:termly_version": Access(statuses(TERMLY_READERS), kwargs=termly_version_kwargs),
    "reports:termly_version_pdf": Access(statuses(TERMLY_READERS), kwargs=termly_version_kwargs),
    "portal:child": Access(statuses({Role.PARENT}), kwargs=document_kwargs),
    # A parent's worry about their own child; the POST with another family's
    # child is walked in tests/pupils/test_parent_concerns.py.
    "portal:concern_raise": Access(statuses({Role.PARENT}), kwargs=pupil_kwargs),
    "portal:concerns": Access(statuses({Role.PARENT})),
    "pupils:passport_pdf": Access(statuses(PUPIL_READERS), kwargs=document_kwargs),
    "pupils:profile_pdf": Access(statuses(PUPIL_READERS), kwargs=document_kwargs),
    # Support plans, reviews and the strategy library; POSTs out of scope are
    # walked in tests/reviews/test_plan_access.py.
    "reviews:pupil_plans": Access(statuses(PLAN_READERS), kwargs=pupil_kwargs),
    "reviews:pupil_panel": Access(statuses(PLAN_READERS), kwargs=pupil_kwargs),
    "reviews:plan_create": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "reviews:plan_detail": Access(statuses(PLAN_READERS), kwargs=active_plan_kwargs),
    "reviews:plan_edit": Access(statuses({Role.SENCO}), kwargs=draft_plan_kwargs),
    "reviews:plan_strategies": Access(statuses({Role.SENCO}), kwargs=draft_plan_kwargs),
    "reviews:plan_strategy_add": Access(
        statuses({Role.SENCO}, ok=302), kwargs=draft_plan_kwargs, method="post"
    ),
    "reviews:plan_agree": Access(
        statuses({Role.SENCO}, ok=302), kwargs=draft_plan_kwargs, method="post"
    ),
    "reviews:plan_answer": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=draft_plan_kwargs,
        method="post",
        data={"party": "parent", "answer": "We will talk on Tuesday."},
    ),  # fmt: skip
    "reviews:plan_activate": Access(
        statuses({Role.SENCO}, ok=302), kwargs=agreed_plan_kwargs, method="post"
    ),
    "reviews:plan_revise": Access(
        statuses({Role.SENCO}, ok=302), kwargs=active_plan_kwargs, method="post"
    ),
    "reviews:plan_views": Access(statuses(STAFF_WHO_SUPPORT), kwargs=active_plan_kwargs),
    "reviews:plan_review": Access(statuses({Role.SENCO}), kwargs=active_plan_kwargs),
    "portal:plan_respond": Access(statuses({Role.PARENT}), kwargs=draft_plan_kwargs),
    "portal:plan_views": Access(statuses({Role.PARENT}), kwargs=active_plan_kwargs),
    "provision:strategy_list": Access(statuses(PLAN_READERS)),
    "provision:strategy_create": Access(statuses({Role.SENCO})),
    "reviews:plan_pdf": Access(statuses(PLAN_READERS | {Role.PARENT}), kwargs=active_plan_kwargs),
    # The review record: same readers and scope as the plan PDF (a plan not reviewed: 404).
    "reviews:review_pdf": Access(
        statuses(PLAN_READERS | {Role.PARENT}), kwargs=reviewed_plan_kwargs
    ),
    # The EHC plan record: the SENCO records the LA's decisions, senior leaders read.
    "reviews:ehc_plan": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "reviews:ehc_plan_issue": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=pupil_kwargs,
        method="post",
        data={"local_authority": "Kent", "issued_on": "2025-09-01", "primary_need": "ASD"},
    ),
    "reviews:ehc_plan_cease": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=ehc_plan_kwargs,
        method="post",
        data={"ceased_on": "2026-07-01", "reason": "Outcomes met.", "stage": "sen_support"},
    ),
    # Sections B, E and F: the SENCO copies the LA's plan (tests/reviews/test_ehcp_sections.py).
    "reviews:ehc_plan_line_add": Access(statuses({Role.SENCO}), kwargs=plan_section_kwargs),
    "reviews:ehc_plan_line_edit": Access(statuses({Role.SENCO}), kwargs=plan_line_kwargs),
    # EHC needs assessment requests: the SENCO records them, senior leaders read
    # (tests/reviews/test_needs_assessments.py).
    "reviews:needs_assessments": Access(statuses(SEN_TEAM)),
    "reviews:needs_assessment_create": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "reviews:needs_assessment_panel": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "reviews:needs_assessment": Access(statuses(SEN_TEAM), kwargs=needs_assessment_kwargs),
    "reviews:needs_assessment_event": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=needs_assessment_kwargs,
        method="post",
        data={"kind": "assess", "on": "2025-10-01"},
    ),
    "reviews:needs_assessment_final_plan": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=needs_assessment_kwargs,
        method="post",
        data={"issued_on": "2026-01-12", "primary_need": "ASD"},
    ),
    "reviews:needs_assessment_pdf": Access(statuses({Role.SENCO}), kwargs=needs_assessment_kwargs),
    # EHC plan reviews: the SENCO records each step, senior leaders read the clock
    # (tests/reviews/test_annual_reviews.py).
    "reviews:annual_reviews": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "reviews:annual_review_open": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=plan_pupil_kwargs,
        method="post",
        data={"kind": "annual"},
    ),
    "reviews:annual_review_record": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=open_review_kwargs,
        method="post",
        data={"invitations_sent_on": "2025-10-01"},
    ),
    "reviews:ehc_compliance": Access(statuses(SEN_TEAM)),
    "reviews:transfer_years_edit": Access(
        statuses({Role.SENCO}, ok=302), method="post", data={"years": "6,11"}
    ),
    "reviews:shortfall_tolerance_edit": Access(
        statuses(SEN_TEAM, ok=302), method="post", data={"percent": "15"}
    ),
    "reviews:calendar_feeds": Access(statuses(SEN_TEAM)),
    "reviews:calendar_feed_create": Access(statuses(SEN_TEAM), method="post"),
    "reviews:calendar_feed_revoke": Access(
        statuses(SEN_TEAM, ok=302), kwargs=feed_kwargs, method="post"
    ),
    # The calendar address is its own key: no sign-in, and no pupil names in it.
    "reviews:calendar_feed_ics": Access(statuses(set(ALL_ROLES)), kwargs=ics_kwargs, anonymous=200),
    # The people, views, meeting and report of a review (tests/reviews/test_review_workflow.py).
    "reviews:annual_review_people": Access(statuses(SEN_TEAM), kwargs=open_review_kwargs),
    "reviews:contributor_add": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=open_review_kwargs,
        method="post",
        data={"name": "Jo Bloggs", "role": "la", "email": "jo@la.example"},
    ),
    "reviews:contributors_suggested": Access(
        statuses({Role.SENCO}, ok=302), kwargs=open_review_kwargs, method="post"
    ),
    "reviews:invitations_send": Access(
        statuses({Role.SENCO}, ok=302), kwargs=open_review_kwargs, method="post"
    ),
    "reviews:advice_request": Access(
        statuses({Role.SENCO}, ok=302), kwargs=open_review_kwargs, method="post"
    ),
    "reviews:advice_circulated": Access(
        statuses({Role.SENCO}, ok=302), kwargs=open_review_kwargs, method="post"
    ),
    "reviews:annual_review_pupil_views": Access(statuses({Role.SENCO}), kwargs=open_review_kwargs),
    "reviews:annual_review_meeting": Access(statuses({Role.SENCO}), kwargs=open_review_kwargs),
    "reviews:annual_review_report": Access(statuses(SEN_TEAM), kwargs=met_review_kwargs),
    "reviews:annual_review_report_send": Access(
        statuses({Role.SENCO}, ok=302), kwargs=met_review_kwargs, method="post"
    ),
    "reviews:invitation_pdf": Access(statuses(SEN_TEAM), kwargs=contributor_kwargs),
    "reviews:advice_request_pdf": Access(statuses(SEN_TEAM), kwargs=contributor_kwargs),
    "reviews:advice_asked": Access(statuses({Role.TEACHER, Role.TEACHING_ASSISTANT})),
    "reviews:advice_give": Access(
        statuses({Role.TEACHER, Role.TEACHING_ASSISTANT}), kwargs=asked_kwargs
    ),
    # The one-time advice link is its own key: no sign-in, one pupil's first name only.
    "reviews:advice_link": Access(
        statuses(set(ALL_ROLES)), kwargs=advice_link_kwargs, anonymous=200
    ),
    "reviews:letterhead": Access(statuses({Role.SENCO})),
    "portal:annual_review": Access(statuses({Role.PARENT}), kwargs=review_pupil_kwargs),
    "portal:annual_review_views": Access(statuses({Role.PARENT}), kwargs=review_pupil_kwargs),
    "portal:annual_review_report": Access(statuses({Role.PARENT}), kwargs=reported_pupil_kwargs),
    # MIS import (tests/pupils/test_import.py covers another school's batch: 404).
    "pupils:import": Access(statuses(IMPORTERS)),
    "pupils:import_preview": Access(statuses(IMPORTERS), kwargs=batch_kwargs()),
    "pupils:import_apply": Access(
        statuses(IMPORTERS, ok=302), kwargs=batch_kwargs(), method="post"
    ),
    "pupils:import_result": Access(statuses(IMPORTERS), kwargs=batch_kwargs(applied=True)),
    # Identification: concerns, evidence, decisions, assessments, referrals.
    "pupils:concern_queue": Access(statuses({Role.SENCO})),
    "pupils:concern_raise": Access(statuses(RAISERS)),
    "pupils:concern_mine": Access(statuses(RAISERS)),
    "pupils:concern_detail": Access(statuses(RAISERS), kwargs=concern_kwargs),
    "pupils:concern_attachment": Access(statuses(RAISERS), kwargs=concern_kwargs),
    "pupils:concern_status": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=concern_kwargs,
        method="post",
        data={"status": "in_progress"},
    ),
    "pupils:concern_evidence": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=concern_kwargs,
        method="post",
        data={"observation-in": "on", "observation-note": "Seen in English"},
    ),
    "pupils:concern_round_robin": Access(
        statuses({Role.SENCO}, ok=302), kwargs=concern_kwargs, method="post"
    ),
    "pupils:concern_observation": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=concern_kwargs,
        method="post",
        data={"observed_on": "2025-10-01", "setting": "English", "note": "Off task"},
    ),
    "pupils:concern_view": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=concern_kwargs,
        method="post",
        data={
            "whose": "parent",
            "gathered_on": "2025-10-01",
            "method": "phone",
            "summary": "Same at home",
        },
    ),
    "pupils:concern_decide": Access(
        statuses({Role.SENCO}, ok=302),
        kwargs=concern_kwargs,
        method="post",
        data={"decision": "no_further_action", "rationale": "Progress is in line."},
    ),
    "pupils:round_robin_answer": Access(statuses(RAISERS), kwargs=round_robin_kwargs),
    "pupils:task_done": Access(statuses(TASK_HOLDERS, ok=302), kwargs=task_kwargs, method="post"),
    # My tasks: only tasks assigned to me about pupils I can see (tests/pupils/test_tasks.py).
    "pupils:tasks": Access(statuses(TASK_HOLDERS)),
    # The SENCO hands a task on; an invalid choice goes back to the list (302).
    "pupils:task_reassign": Access(
        statuses({Role.SENCO}, ok=302), kwargs=task_kwargs, method="post"
    ),
    # My notifications and email settings: everyone signed in, only their own.
    "sendhub:notifications": Access(statuses(set(ALL_ROLES))),
    # Background jobs (sendhub/jobs): the person who asked, with the kind's permission.
    "sendhub:job_status": Access(statuses({Role.SENCO}, denied=404), kwargs=job_kwargs),
    "sendhub:job_download": Access(statuses({Role.SENCO}, denied=404), kwargs=job_kwargs),
    "sendhub:notification_open": Access(
        statuses(set(ALL_ROLES), ok=302), kwargs=notification_kwargs
    ),
    "sendhub:notification_read_all": Access(statuses(set(ALL_ROLES), ok=302), method="post"),
    "sendhub:notification_settings": Access(statuses(set(ALL_ROLES))),
    # Dashboard worklists: each count as its full list, for the SEN team.
    "reviews:worklist": Access(
        statuses(SEN_TEAM), kwargs=lambda world, role, in_scope: {"which": "overdue"}
    ),
    "pupils:parent_meetings_due": Access(statuses(SEN_TEAM)),
    "pupils:assessments": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    # Adding to the full file: the SENCO only; an empty form comes back with its errors.
    "pupils:assessment_add": Access(
        statuses({Role.SENCO}, ok=400), kwargs=pupil_kwargs, method="post"
    ),
    "pupils:service_add": Access(statuses({Role.SENCO}, ok=400), method="post"),
    "pupils:referral_add": Access(
        statuses({Role.SENCO}, ok=400), kwargs=pupil_kwargs, method="post"
    ),
    "pupils:instruments": Access(statuses({Role.SENCO})),
    "pupils:services": Access(statuses(SEN_TEAM)),
    "pupils:referrals": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "pupils:referral_edit": Access(statuses({Role.SENCO}), kwargs=referral_kwargs),
    # Restricted (tier 3): the SENCO; senior leaders only where the school allows (off
    # here) and staff only when named on the referral, so both find nothing
    # (tests/pupils/test_restricted_tier.py).
    "pupils:referral_report": Access(
        statuses({Role.SENCO})
        | dict.fromkeys((Role.SENIOR_LEADER, Role.TEACHER, Role.TEACHING_ASSISTANT), 404),
        kwargs=referral_kwargs,
    ),
    # Who sees whom: the SENCO and the office keep parent links, only the SENCO gives
    # TA support and class teachers, senior leaders check it. Out-of-scope POSTs are walked in tests/pupils/test_relationships.py.
    "pupils:people": Access(statuses(RELATIONSHIP_READERS), kwargs=pupil_kwargs),
    "pupils:parent_add": Access(
        statuses(RELATIONSHIP_MANAGERS), kwargs=pupil_kwargs, method="post"
    ),  # an empty form is shown again with its errors
    "pupils:support_add": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs, method="post"),
    "pupils:parent_end": Access(statuses(RELATIONSHIP_MANAGERS), kwargs=parent_link_kwargs),
    "pupils:parent_invite": Access(
        statuses(RELATIONSHIP_MANAGERS, ok=302), kwargs=parent_link_kwargs, method="post"
    ),
    "pupils:support_end": Access(statuses({Role.SENCO}), kwargs=support_kwargs),
    "pupils:classes": Access(statuses(RELATIONSHIP_READERS)),
    "pupils:class_detail": Access(statuses(RELATIONSHIP_READERS), kwargs=group_kwargs),
    # Provision: the catalogue, running groups, members and session logs. Out of scope is
    # another school's group (SEN team) or another TA's group at the same school (staff).
    "provision:catalogue": Access(statuses(PROVISION_READERS)),
    "provision:catalogue_starter": Access(statuses({Role.SENCO}, ok=302), method="post"),
    "provision:intervention_create": Access(statuses({Role.SENCO})),
    "provision:intervention_edit": Access(
        statuses({Role.SENCO}), kwargs=provision.intervention_kwargs
    ),
    "provision:group_list": Access(statuses(PROVISION_READERS)),
    "provision:group_create": Access(statuses({Role.SENCO})),
    "provision:group_detail": Access(statuses(PROVISION_READERS), kwargs=provision.group_kwargs),
    "provision:member_add": Access(
        statuses(PROVISION_KEEPERS, ok=400), kwargs=provision.group_kwargs, method="post"
    ),  # an empty form comes back with its errors
    "provision:member_leave": Access(statuses(PROVISION_KEEPERS), kwargs=provision.member_kwargs),
    "provision:member_scores": Access(statuses(PROVISION_KEEPERS), kwargs=provision.member_kwargs),
    # Provision maps: costs for the SEN team; a teacher's class and pupils without costs.
    "provision:map": Access(statuses(SEN_TEAM)),
    "provision:map_xlsx": Access(statuses(SEN_TEAM)),
    "provision:map_pdf": Access(statuses(SEN_TEAM)),
    "provision:map_class": Access(statuses(MAP_READERS), kwargs=class_kwargs),
    "provision:map_class_pdf": Access(statuses(MAP_READERS), kwargs=class_kwargs),
    "provision:map_pupil": Access(statuses(MAP_READERS), kwargs=pupil_kwargs),
    "provision:map_pupil_costed": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "provision:map_pupil_pdf": Access(statuses(SEN_TEAM), kwargs=pupil_kwargs),
    "provision:cost_settings": Access(statuses(SEN_TEAM)),
    "provision:today": Access(statuses(PROVISION_KEEPERS)),
    # The subject access export of one pupil: the SENCO (tests/privacy/test_subject_access.py).
    "privacy:subject_access": Access(statuses({Role.SENCO}), kwargs=pupil_kwargs),
    "privacy:subject_access_prepare": Access(
        statuses({Role.SENCO}, ok=302), kwargs=pupil_kwargs, method="post"
    ),
    "provision:session_log": Access(
        statuses(PROVISION_KEEPERS, ok=302),
        kwargs=provision.group_kwargs,
        method="post",
        data=provision.log_data(),
    ),
}

PUBLIC = {"login", "logout", "health"}
# kwargs functions naming a pupil: each URL using one is walked with an out-of-scope pupil.
SCOPED_KWARGS = {pupil_kwargs, document_kwargs, version_kwargs}
SCOPED_KWARGS |= {draft_plan_kwargs, agreed_plan_kwargs, active_plan_kwargs}
SCOPED_KWARGS |= {reviewed_plan_kwargs, ehc_plan_kwargs}
SCOPED_KWARGS |= {plan_section_kwargs, plan_line_kwargs, needs_assessment_kwargs}
SCOPED_KWARGS |= {plan_pupil_kwargs, open_review_kwargs, feed_kwargs}
SCOPED_KWARGS |= {contributor_kwargs, met_review_kwargs, asked_kwargs}
SCOPED_KWARGS |= {review_pupil_kwargs, reported_pupil_kwargs}
SCOPED_KWARGS |= {concern_kwargs, round_robin_kwargs, referral_kwargs, task_kwargs}
SCOPED_KWARGS |= {parent_link_kwargs, support_kwargs, group_kwargs}
# Provision
SCOPED_KWARGS |= {provision.group_kwargs, provision.member_kwargs, provision.intervention_kwargs}
SCOPED_KWARGS |= {class_kwargs}
# ...or a school, where out of scope is a school of another trust.
SCOPED_KWARGS |= {trust_school_kwargs}
SCOPED_KWARGS |= {PREVIEW_KWARGS, APPLIED_KWARGS}
# ...or naming a person, where out of scope is someone known only at another school.
SCOPED_KWARGS |= {person_kwargs, invited_person_kwargs, role_kwargs}
# ...or a school's SEN information report or self-evaluation, where out of scope is
# another school's.
SCOPED_KWARGS |= {report_draft_kwargs, report_version_kwargs, evaluation_kwargs}
# ...or a notification, where out of scope is someone else's.
SCOPED_KWARGS |= {notification_kwargs}
# ...or a published termly report, where out of scope is another school's.
SCOPED_KWARGS |= {termly_version_kwargs}


def walk_groups(pairs):
    """(role, maker, names): the (name, role) pairs grouped by role and by the function that
    makes their URL's objects (None for a URL without any), so that one test makes those
    objects once and walks every URL that uses them."""
    groups = {}
    for name, role in pairs:
        groups.setdefault((role, ACCESS[name].kwargs), []).append(name)
    return sorted(
        ((role, maker, sorted(names)) for (role, maker), names in groups.items()),
        key=lambda group: (group[0], _maker_name(group[1]), group[2]),
    )


def _maker_name(maker):
    return maker.__qualname__.replace(".<locals>.", ".") if maker else "none"


def _ids(groups):
    """A readable id per group; makers that share a name (lambdas, closures) are told apart
    by the first URL they serve."""
    ids = [f"{role.name.lower()}-{_maker_name(maker)}" for role, maker, _ in groups]
    return [
        f"{id_}-{names[0]}" if ids.count(id_) > 1 else id_
        for id_, (_, _, names) in zip(ids, groups, strict=True)
    ]


def urls_for(world, role, names, *, in_scope=True):
    """{name: URL} for a group of walk_groups: its objects are made once, for all of them."""
    maker = ACCESS[names[0]].kwargs
    kwargs = maker(world, role, in_scope) if maker else {}
    return {name: reverse(name, kwargs=kwargs) for name in names}


def walk(client, names, check):
    """check(name) for each URL in turn, collecting what went wrong so one failing URL does
    not hide the next. Each check runs in a savepoint that is rolled back, and the client's
    cookies are put back after it, so every URL meets the same database and the same
    signed-in session, as if it were a test of its own."""
    problems = []
    for name in names:
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                check(name)
                transaction.set_rollback(True)
        except Exception as exc:  # reported below, with every other URL's
            where = "".join(traceback.format_exception(exc)[-4:-1])  # the innermost frames
            problems.append(f"{name}: {type(exc).__name__}: {exc}\n{where}")
        client.cookies = cookies
    assert problems == [], "\n".join(problems)


def named_urls(patterns=None, namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_listed():
    """A new URL must say who may reach it."""
    missing = sorted(set(named_urls()) - set(ACCESS) - PUBLIC)
    assert missing == []


def test_the_walk_groups_hold_every_pair_once():
    """The three walks ask for exactly the pairs they are about, each once."""

    def pairs(groups):
        return sorted((name, role) for role, _, names in groups for name in names)

    assert pairs(ANONYMOUS) == sorted((name, Role.SENCO) for name in ACCESS)
    assert pairs(SIGNED_IN) == sorted((name, role) for name in ACCESS for role in ALL_ROLES)
    scoped = [
        (name, role)
        for name, access in ACCESS.items()
        if access.kwargs in SCOPED_KWARGS
        for role in ALL_ROLES
        if access.expected[role] in (200, 302)
    ]
    assert pairs(OUT_OF_SCOPE) == sorted(scoped) != []


def _url(name, access, world, role, in_scope=True):
    kwargs = access.kwargs(world, role, in_scope) if access.kwargs else {}
    return reverse(name, kwargs=kwargs)


def assert_security_headers(response, *, signed_in):
    """The headers every answer carries (sendhub/middleware.py and Django's own settings):
    a strict CSP, no MIME sniffing, no framing, same-origin referrers, and for a signed-in
    person no stored copy anywhere (pupil data is special category data)."""
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Permissions-Policy" in response
    if signed_in:
        assert "no-store" in response["Cache-Control"]


ANONYMOUS = walk_groups((name, Role.SENCO) for name in ACCESS)


@pytest.mark.parametrize(("role", "maker", "names"), ANONYMOUS, ids=_ids(ANONYMOUS))
def test_anonymous_is_sent_to_login(client, world, role, maker, names):
    urls = urls_for(world, role, names)

    def check(name):
        access = ACCESS[name]
        response = getattr(client, access.method)(urls[name])
        assert response.status_code == access.anonymous, response.status_code
        assert_security_headers(response, signed_in=False)
        if access.anonymous == 302:
            assert response["Location"].startswith(reverse("login")), response["Location"]

    walk(client, names, check)


SIGNED_IN = walk_groups((name, role) for name in ACCESS for role in ALL_ROLES)


@pytest.mark.parametrize(("role", "maker", "names"), SIGNED_IN, ids=_ids(SIGNED_IN))
def test_role_gets_expected_status(client, world, role, maker, names):
    urls = urls_for(world, role, names)
    client.force_login(world.user(role))

    def check(name):
        access = ACCESS[name]
        response = getattr(client, access.method)(urls[name], access.data)
        assert response.status_code == access.expected[role], (
            f"{response.status_code}, expected {access.expected[role]}"
        )
        assert_security_headers(response, signed_in=True)

    walk(client, names, check)


OUT_OF_SCOPE = walk_groups(
    (name, role)
    for name, access in ACCESS.items()
    if access.kwargs in SCOPED_KWARGS
    for role in ALL_ROLES
    if access.expected[role] in (200, 302)  # pages, and POSTs that succeed in scope
)


@pytest.mark.parametrize(("role", "maker", "names"), OUT_OF_SCOPE, ids=_ids(OUT_OF_SCOPE))
def test_out_of_scope_pupil_is_not_found(client, world, role, maker, names):
    """Every role that may use a URL gets 404 for an object out of its scope, for reads and
    for writes alike: a POST with the same data that works in scope changes nothing."""
    urls = urls_for(world, role, names, in_scope=False)
    client.force_login(world.user(role))

    def check(name):
        access = ACCESS[name]
        before = _row_counts()
        response = getattr(client, access.method)(urls[name], access.data)
        assert response.status_code == 404, response.status_code
        assert _row_counts() == before, "a refused request changed rows"

    walk(client, names, check)


def _row_counts():
    """Rows in every table of ours (history tables included), to show a refusal wrote nothing."""
    return table_row_counts({"sendhub", "pupils", "provision", "reviews", "reports"})


def test_other_school_pupil_is_not_found_for_teacher_who_teaches_them_elsewhere(client, world):
    """Teaching a pupil at another school gives no sight of them in this school's role."""
    world.group.pupils.add(world.elsewhere)  # a data error: a group holding another school's pupil
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:detail", args=[world.elsewhere.pk]))
    assert response.status_code == 404
