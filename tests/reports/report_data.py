"""SEN information reports and self-evaluations for tests, and URL kwargs for the access walk."""

from django.utils import timezone

from reports.models import SECTION_FIELDS, InformationReport, SelfEvaluation
from sendhub.roles import Role


def complete_text(**overrides):
    """Text under every heading and the SENCO's contact details: ready to publish."""
    values = {field: f"What we do: {field.replace('_', ' ')}." for field in SECTION_FIELDS}
    values |= {
        "senco_name": "Ms Aisha Rahman",
        "senco_email": "senco@school.example",
        "local_offer_url": "https://www.example.gov.uk/local-offer",
    }
    return values | overrides


def draft_report(school, by, **fields):
    return InformationReport.start_draft(
        school=school,
        by=by,
        academic_year=fields.pop("academic_year", "2026/27"),
        defaults=complete_text(**fields),
    )


def published_report(school, by, *, at=None, **fields):
    report = draft_report(school, by, **fields)
    report.publish(by=by, now=at or timezone.now())
    return report


def draft_evaluation(school, by):
    return SelfEvaluation.start_draft(school=school, by=by, academic_year="2026/27")


def _school(world, in_scope):
    return world.school if in_scope else world.other_school


def report_draft_kwargs(world, role, in_scope):
    """A draft of this school's report, or (out of scope) of another school's."""
    return {"pk": draft_report(_school(world, in_scope), world.user(Role.SENCO)).pk}


def report_version_kwargs(world, role, in_scope):
    return {"pk": published_report(_school(world, in_scope), world.user(Role.SENCO)).pk}


def public_report_kwargs(world, role, in_scope):
    published_report(world.school, world.user(Role.SENCO))
    return {"urn": world.school.urn}


def evaluation_kwargs(world, role, in_scope):
    """A draft self-evaluation of this school, or (out of scope) of another school's."""
    return {"pk": draft_evaluation(_school(world, in_scope), world.user(Role.SENCO)).pk}
