"""
Which models hold a pupil's data, and how each is reached from the pupil.

pupil_paths() finds every model with a chain of foreign keys to Pupil; SECTIONS says
how the subject access export shows each one, and EXCLUDED why a model is left out.
tests/privacy/test_completeness.py fails when a model is in neither.
"""

from collections import deque
from dataclasses import dataclass

from django.apps import apps

# How far a chain of foreign keys is followed to find a model's pupil.
MAX_DEPTH = 4

# Flags on a section: what to check before the export is released (UK GDPR Art. 15(4):
# the rights of others; Data Protection Act 2018 Sch. 2 paras 16-17, third-party data).
THIRD_PARTY = "Third-party information (a professional's report or another person's words)"
STAFF_ONLY = "Staff-only working notes"
OTHER_PUPILS = "May name other pupils (a group or class list)"
STAFF_NAMES = "Names members of staff"


@dataclass(frozen=True)
class Section:
    label: str  # "app_label.ModelName"
    heading: str
    redaction: tuple = ()  # reasons to review before release
    path: str = ""  # blank: found by pupil_paths()

    @property
    def model(self):
        return apps.get_model(self.label)


def _pupil_model():
    return apps.get_model("pupils", "Pupil")


def _forward_relations(model):
    for field in model._meta.get_fields():
        if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model:
            yield field.name, field.related_model


def pupil_path(model):
    """The shortest chain of foreign keys from this model to Pupil ("" for none)."""
    pupil = _pupil_model()
    if model is pupil:
        return "pk"
    declared = getattr(model, "pupil_path", None)
    if isinstance(declared, str):
        return declared
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if path.count("__") + 1 > MAX_DEPTH:
            continue
        for name, related in _forward_relations(current):
            step = f"{path}__{name}" if path else name
            if related is pupil:
                return step
            if related not in seen:
                seen.add(related)
                queue.append((related, step))
    return ""


def pupil_paths():
    """{"app.Model": path to the pupil} for every model that holds pupil data."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        path = pupil_path(model)
        if path:
            found[model._meta.label] = path
    return found


SECTIONS = [
    Section("pupils.Pupil", "Pupil details"),
    Section("pupils.RegisterEntry", "SEN register history", (STAFF_NAMES,)),
    Section("pupils.PupilNeed", "Needs"),
    Section("pupils.MedicalCondition", "Medical conditions (restricted)"),
    Section("pupils.ParentInformed", "Parents told about SEN provision", (STAFF_NAMES,)),
    Section("pupils.ParentLink", "Parents and carers", (THIRD_PARTY,)),
    Section("pupils.SupportAssignment", "Staff assigned to support the pupil", (STAFF_NAMES,)),
    Section("pupils.TeachingGroup_pupils", "Classes and forms"),
    Section("pupils.Concern", "Concerns", (STAFF_ONLY, THIRD_PARTY)),
    Section("pupils.ConcernEvidence", "Evidence gathered", (THIRD_PARTY,)),
    Section("pupils.ObservationNote", "Observation notes", (STAFF_ONLY,)),
    Section("pupils.ConcernView", "Views gathered", (THIRD_PARTY,)),
    Section("pupils.RoundRobinRequest", "Round robin requests to staff", (STAFF_ONLY,)),
    Section("pupils.RoundRobinResponse", "Round robin answers from staff", (STAFF_ONLY,)),
    Section("pupils.AssessmentResult", "Assessments"),
    Section("pupils.Referral", "Referrals and specialist reports (restricted)", (THIRD_PARTY,)),
    Section("pupils.Task", "Follow-up tasks", (STAFF_ONLY,)),
    Section("pupils.Passport", "Pupil passport"),
    Section("pupils.PassportVersion", "Pupil passport versions"),
    Section("pupils.OnePageProfile", "One-page profile"),
    Section("pupils.ParentMeeting", "Meetings with parents", (THIRD_PARTY,)),
    Section("pupils.ReadReceipt", "Who has read the passport and plan", (STAFF_NAMES,)),
    Section("pupils.RecentPupil", "Staff who opened the record recently", (STAFF_NAMES,)),
    Section("provision.GroupMember", "Provision: group memberships and scores"),
    Section("provision.SessionAttendance", "Provision: session logs", (OTHER_PUPILS,)),
    Section("reviews.SupportPlan", "Support plans"),
    Section("reviews.PlanTarget", "Support plan targets"),
    Section("reviews.PlanStrategy", "Support plan strategies"),
    Section("reviews.PlanAgreement", "Support plan agreements", (THIRD_PARTY,)),
    Section("reviews.PlanReview", "Support plan reviews"),
    Section("reviews.ReviewView", "Views given for reviews", (THIRD_PARTY,)),
    Section("reviews.TargetProgress", "Progress towards targets"),
    Section("reviews.EHCPlan", "EHC plan records"),
    Section("reviews.AnnualReview", "EHC plan annual reviews", (THIRD_PARTY,)),
    Section("reviews.EHCPlanNeed", "EHC plan section B: needs"),
    Section("reviews.EHCPlanOutcome", "EHC plan section E: outcomes"),
    Section("reviews.EHCPlanProvision", "EHC plan section F: provision", (STAFF_NAMES,)),
    Section("reviews.NeedsAssessmentRequest", "EHC needs assessment requests", (THIRD_PARTY,)),
    Section("reviews.NeedsAssessmentEvent", "EHC needs assessment steps", (THIRD_PARTY,)),
    Section(
        "reviews.Contributor",
        "People invited to annual reviews and their advice",
        (THIRD_PARTY, STAFF_NAMES),
    ),  # fmt: skip
    Section("reviews.AdviceLink", "Advice links sent to professionals", (THIRD_PARTY,)),
    Section("reviews.FamilyView", "Views of the child and parents for annual reviews"),
    Section("reviews.MeetingRecord", "Annual review meeting records", (THIRD_PARTY,)),
    Section("reviews.OutcomeReview", "Outcomes discussed at annual review meetings"),
    Section("reviews.ReminderSent", "Annual review reminders sent to staff", (STAFF_ONLY,)),
    Section("reports.PupilTerm", "Attendance, suspensions and exclusions each term"),
    Section("reports.Assessment", "Attainment and progress each term"),
]

# Models with a path to a pupil that the export leaves out, and why. Change history
# (django-simple-history) is exported with the model it records, so is not listed.
EXCLUDED = {
    # Links between two records that are both exported; each goes with either record.
    "reviews.EHCPlanProvision_outcomes": "Which section E outcomes a section F line serves: "
    "both lines are exported, and the link goes when either is destroyed.",
    "reviews.NeedsAssessmentRequest_assessment_results": "Which assessments were sent with a "
    "request: both are exported, and the link goes when either is destroyed.",
    "reviews.NeedsAssessmentRequest_plan_reviews": "Which plan reviews were sent with a "
    "request: both are exported, and the link goes when either is destroyed.",
    "reviews.NeedsAssessmentRequest_support_plans": "Which support plans were sent with a "
    "request: both are exported, and the link goes when either is destroyed.",
    "reviews.PlanTarget_groups": "Which provision groups deliver a target: the target and the "
    "pupil's group places are exported, and the link goes when either is destroyed.",
    "pupils.Referral_named_staff": "Access control, not the pupil's record: which staff may "
    "open a specialist report. Goes with the referral when it is destroyed.",
    "pupils.MedicalCondition_named_staff": "Access control, not the pupil's record: which "
    "staff may read a medical condition. Goes with the condition when it is destroyed.",
}


def sections():
    """SECTIONS with each one's path to the pupil filled in."""
    return [
        s if s.path else Section(s.label, s.heading, s.redaction, pupil_path(s.model))
        for s in SECTIONS
    ]


def history_model(model):
    """The model's django-simple-history model, or None."""
    history = getattr(model, "history", None)
    manager_model = getattr(history, "model", None)
    return manager_model if manager_model is not model else None


def is_history_of(model):
    """The model a historical model records, or None."""
    return getattr(model, "instance_type", None)
