"""The seeded demo reads as one school's real records: each rule a SENCO would check.

One world is seeded for the whole module (the seed takes a few seconds) on a fixed day in
December, so plans and meetings near the Christmas break are exercised; every test only reads.
"""

import io
import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from demo.identification import RAW_SCORE_MAX
from demo.people import BOYS_NAMES, GIRLS_NAMES
from provision.models import Strategy
from pupils import codes
from pupils.codes import BroadArea
from pupils.mis_import.preview import build_preview
from pupils.mis_import.reading import Sheet
from pupils.models import (
    AssessmentResult,
    Concern,
    ConcernView,
    ImportBatch,
    ObservationNote,
    OnePageProfile,
    ParentMeeting,
    PassportVersion,
    Pupil,
    Referral,
    RegisterEntry,
    RoundRobinRequest,
    SpecialistService,
    Task,
)
from reviews.models import PlanAgreement, PlanReview, ReviewView, SupportPlan
from sendhub.models import School

# Seeding the whole demo takes half a minute: CI and `make test-all` run this module;
# `make test` skips it.
# Every test that needs the seeded demo lives here, so the suite seeds it once.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 12, 10)
NOW = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)

LAYERS = ["universal", "targeted", "targeted_plus", "specialist"]
WRONG_PRONOUNS = {
    "M": {"she", "her", "hers", "herself"},
    "F": {"he", "him", "his", "himself"},
    "X": {"she", "her", "hers", "herself", "he", "him", "his", "himself"},
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(NOW, tick=False),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield School.objects.get(urn="137421")
        transaction.set_rollback(True)


def is_school_day(day):
    """Not a weekend and not the Christmas break (20 December to 3 January)."""
    christmas = (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3)
    return day.weekday() < 5 and not christmas


def wrong_pronouns(text, gender):
    return WRONG_PRONOUNS[gender] & set(re.findall(r"[a-z]+", text.lower()))


def primary_area(pupil):
    needs = sorted(pupil.needs.all(), key=lambda need: need.rank)
    return codes.NEED_AREAS[needs[0].code] if needs else None


# 1. One gender per pupil: names, pronouns and the name used in every piece of free text.


def test_pupils_first_names_match_their_gender(seeded):
    pupils = Pupil.objects.filter(school__trust=seeded.trust)
    assert not pupils.filter(gender="M", first_name__in=GIRLS_NAMES).exists()
    assert not pupils.filter(gender="F", first_name__in=BOYS_NAMES).exists()
    # Some pupils go by a shorter name, and the seed's free text uses it.
    assert pupils.exclude(preferred_name="").exists()


def test_free_text_about_a_pupil_uses_pronouns_for_that_pupils_gender(seeded):
    texts = []  # (gender, where, text)
    for version in PassportVersion.objects.select_related("passport__pupil"):
        pupil = version.passport.pupil
        for field in ("parents_think", "like_you_to_know", "recent_achievements", "enjoy"):
            texts.append((pupil.gender, f"passport {field}", getattr(version, field)))
    for plan in SupportPlan.objects.select_related("pupil"):
        texts.append((plan.pupil.gender, "plan summary", plan.assess_summary))
        texts.append((plan.pupil.gender, "home targets", plan.home_targets))
    for view in ReviewView.objects.select_related("plan__pupil").exclude(text=""):
        texts.append((view.plan.pupil.gender, f"{view.party} view", view.text))
    for review in PlanReview.objects.select_related("plan__pupil"):
        texts.append((review.plan.pupil.gender, "review summary", review.summary))
    for concern in Concern.objects.select_related("pupil"):
        for field in ("noticed", "tried_already", "rationale"):
            text = getattr(concern, field, "") or ""
            texts.append((concern.pupil.gender, f"concern {field}", text))
    for view in ConcernView.objects.select_related("concern__pupil"):
        texts.append((view.concern.pupil.gender, "concern view", view.summary))
    for note in ObservationNote.objects.select_related("concern__pupil"):
        texts.append((note.concern.pupil.gender, "observation", note.note))
    for meeting in ParentMeeting.objects.select_related("pupil"):
        texts.append((meeting.pupil.gender, "meeting notes", meeting.notes))
    assert len(texts) > 1000
    wrong = [(where, text) for gender, where, text in texts if wrong_pronouns(text, gender)]
    assert wrong == []
    # "they" is kept for pupils whose gender is other or not stated, never a vague default.
    vague = [
        text
        for gender, _, text in texts
        if gender in "MF" and re.search(r"\b(their|they|them)\b", text, re.I)
    ]
    assert vague == []


def test_free_text_names_the_pupil_by_the_name_they_go_by(seeded):
    plans = SupportPlan.objects.select_related("pupil")
    assert plans.exclude(pupil__preferred_name="").exists()
    for plan in plans:
        name = plan.pupil.preferred_name or plan.pupil.first_name
        assert plan.assess_summary.startswith(f"{name}'s main need"), plan.assess_summary
    for version in PassportVersion.objects.select_related("passport__pupil"):
        pupil = version.passport.pupil
        assert f"My name is {pupil.preferred_name or pupil.first_name} " in version.like_you_to_know


# 2. Dates: nothing held in the future, nothing before the pupil joined, reviews on cadence.


def test_no_meeting_in_the_future_is_recorded_as_held(seeded):
    booked = ParentMeeting.objects.filter(held_on__gt=TODAY)
    assert booked.exists()  # reviews are booked ahead
    assert list(booked.exclude(notes="").values_list("held_on", "notes")) == []
    assert not PlanReview.objects.filter(held_on__gt=TODAY).exists()
    assert not ReviewView.objects.filter(received_on__gt=TODAY).exists()
    assert not PlanAgreement.objects.filter(agreed_on__gt=TODAY).exists()
    assert not SupportPlan.objects.filter(starts_on__gt=TODAY).exists()
    assert not SupportPlan.objects.filter(created_at__date__gt=TODAY).exists()


def test_no_plan_or_plan_record_is_dated_before_the_pupil_joined(seeded):
    joined = "plan__pupil__joined_on"
    assert not SupportPlan.objects.filter(starts_on__lt=F("pupil__joined_on")).exists()
    assert not SupportPlan.objects.filter(created_at__date__lt=F("pupil__joined_on")).exists()
    assert not PlanAgreement.objects.filter(agreed_on__lt=F(joined)).exists()
    assert not PlanReview.objects.filter(held_on__lt=F(joined)).exists()
    assert not ReviewView.objects.filter(asked_on__lt=F(joined)).exists()
    assert not AssessmentResult.objects.filter(taken_on__lt=F("pupil__joined_on")).exists()
    assert not Concern.objects.filter(raised_at__date__lt=F("pupil__joined_on")).exists()
    # A plan is written once the pupil is on SEN support, not before.
    assert not SupportPlan.objects.filter(created_at__date__lt=F("pupil__sen_since")).exists()


def test_reviews_keep_to_the_schools_cadence_on_school_days(seeded):
    cadence = timedelta(weeks=seeded.review_cadence_weeks)
    plans = SupportPlan.objects.filter(pupil__school=seeded).select_related("review")
    assert plans.filter(status="reviewed").exists()
    for plan in plans:
        begun = plan.starts_on or plan.created_at.date()
        assert begun <= plan.review_due_on <= begun + cadence, plan
        assert is_school_day(plan.review_due_on), plan.review_due_on
        assert plan.starts_on is None or is_school_day(plan.starts_on), plan.starts_on
    for review in PlanReview.objects.select_related("plan"):
        assert review.plan.starts_on <= review.held_on <= review.plan.starts_on + cadence
        assert is_school_day(review.held_on), review.held_on
    for meeting in ParentMeeting.objects.all():
        assert is_school_day(meeting.held_on), meeting.held_on


# 3. Assessment results follow from the standardised score.


def test_percentiles_and_age_equivalents_follow_from_the_standardised_score(seeded):
    results = AssessmentResult.objects.select_related("pupil", "instrument")
    assert results.count() >= 12
    for result in results:
        score = result.standardised_score
        normal = 0.5 * (1 + math.erf((score - 100) / 15 / math.sqrt(2)))
        assert result.percentile == max(1, min(99, round(normal * 100))), result
        age = codes_months_old(result.pupil, result.taken_on)
        assert abs(result.age_equivalent_months - round(age * score / 100)) <= 1, result
        assert result.age_equivalent_months < age  # all below average here
        top = RAW_SCORE_MAX[result.instrument.name]
        assert 0 < result.raw_score <= top, result
    # Within one test taken when a concern was looked into, a higher standardised score
    # never comes with a lower raw score.
    by_test = {}
    for result in results.filter(source=""):
        by_test.setdefault((result.instrument_id, result.pupil.year_group), []).append(result)
    for rows in by_test.values():
        rows.sort(key=lambda r: (r.standardised_score, r.raw_score))
        assert [r.raw_score for r in rows] == sorted(r.raw_score for r in rows)
    # A pupil's results on one test over time (entry and exit tests of a reading or
    # spelling group): a higher age-equivalent never comes with a lower raw score.
    by_pupil = {}
    for result in results:
        by_pupil.setdefault((result.instrument_id, result.pupil_id), []).append(result)
    assert any(len(rows) > 1 for rows in by_pupil.values())
    for rows in by_pupil.values():
        rows.sort(key=lambda r: (r.age_equivalent_months, r.raw_score))
        assert [r.raw_score for r in rows] == sorted(r.raw_score for r in rows)


def codes_months_old(pupil, when):
    from pupils.models.concerns import months_old_on

    return months_old_on(pupil, when)


# 4. Strategies and targets fit the pupil's primary need.


def test_plan_strategies_and_targets_fit_the_primary_need(seeded):
    from demo.plans import TARGETS

    plans = SupportPlan.objects.select_related("pupil").prefetch_related(
        "pupil__needs", "strategies__strategy", "targets"
    )
    checked = 0
    for plan in plans:
        area = primary_area(plan.pupil)
        strategies = [s.strategy for s in plan.strategies.all()]
        assert strategies and None not in strategies
        # Nothing from a higher layer of support than the plan itself (no specialist AAC or
        # outside-specialist programme on a targeted plan).
        assert all(LAYERS.index(s.layer) <= LAYERS.index(plan.layer) for s in strategies), plan
        areas = {s.broad_area for s in strategies}
        if area == BroadArea.OTHER:
            assert len(areas) == 1  # one clear focus where the type of need is not assessed
            continue
        assert areas == {area}, (plan.pupil.needs.all(), areas)
        bank = {outcome for outcome, _, _ in TARGETS[area]}
        assert {t.outcome for t in plan.targets.all()} <= bank
        checked += 1
    assert checked > 100
    assert Strategy.objects.filter(school__isnull=True).count() >= 40


def test_hearing_and_sight_wording_only_for_pupils_with_those_needs(seeded):
    def has(pupil, *needs):
        return {n.code for n in pupil.needs.all()} & set(needs)

    hearing = re.compile(r"radio aid|lip-read|hear\b|heard|teacher of the deaf", re.I)
    sight = re.compile(r"large print|cannot see|enlarged", re.I)
    plans = SupportPlan.objects.prefetch_related("pupil__needs", "targets", "strategies__strategy")
    for plan in plans:
        for strategy in plan.strategies.all():
            words = f"{strategy.strategy.title} {strategy.text}"
            if hearing.search(words):
                assert has(plan.pupil, "HI", "MSI"), words
            if sight.search(words):
                assert has(plan.pupil, "VI", "MSI"), words
        for target in plan.targets.all():
            if hearing.search(target.outcome):
                assert has(plan.pupil, "HI", "MSI"), target.outcome
            if sight.search(target.outcome):
                assert has(plan.pupil, "VI", "MSI"), target.outcome
    for view in ReviewView.objects.filter(party="pupil").prefetch_related("plan__pupil__needs"):
        if hearing.search(view.text):
            assert has(view.plan.pupil, "HI", "MSI"), view.text
    for version in PassportVersion.objects.prefetch_related("passport__pupil__needs"):
        pupil = version.passport.pupil
        words = " ".join([version.communicate_by, version.what_helps_me, version.find_difficult])
        if hearing.search(words):
            assert has(pupil, "HI", "MSI"), words
        if sight.search(words):
            assert has(pupil, "VI", "MSI"), words


# 5. History rows name who acted, on the day they acted.


def test_history_rows_name_who_acted_on_plausible_dates(seeded):
    now = NOW
    checked = 0
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        if model._meta.app_label not in ("pupils", "reviews", "provision"):
            continue
        if "history_date" not in {f.name for f in model._meta.fields}:
            continue  # many-to-many history hangs off its parent's row
        rows = model.objects.all()
        if not rows.exists():
            continue
        checked += 1
        name = model.instance_type.__name__
        assert not rows.filter(history_user__isnull=True).exists(), name
        assert not rows.filter(history_date__gt=now).exists(), name
        if rows.count() >= 20:
            today_share = rows.filter(history_date__date=TODAY).count() / rows.count()
            assert today_share < 0.5, (name, today_share)
    assert checked >= 15


def first_history(model):
    """id -> (date, user id) of each record's creation row in its history."""
    rows = model.history.filter(history_type="+").values_list("id", "history_date", "history_user")
    return {pk: (when.date(), user) for pk, when, user in rows}


def test_plan_history_is_dated_and_signed_like_the_plan(seeded):
    created = first_history(SupportPlan)
    for plan in SupportPlan.objects.all():
        assert created[plan.pk] == (plan.created_at.date(), plan.created_by_id)
    held = first_history(PlanReview)
    for review in PlanReview.objects.all():
        assert held[review.pk] == (review.held_on, review.recorded_by_id)
    met = first_history(ParentMeeting)
    for meeting in ParentMeeting.objects.filter(held_on__lte=TODAY):
        assert met[meeting.pk] == (meeting.held_on, meeting.recorded_by_id)
        assert meeting.recorded_at.date() == meeting.held_on
    for review in PlanReview.objects.all():
        assert review.recorded_at.date() == review.held_on
    for result in AssessmentResult.objects.all():
        assert result.recorded_at.date() == result.taken_on
    # A concern is decided on a day of its own, after it was raised, not when the demo ran.
    decided = Concern.objects.exclude(decision="")
    assert decided.exists()
    for concern in decided:
        assert concern.raised_at < concern.decided_at < NOW - timedelta(days=7)
    added = first_history(Pupil)
    for pupil in Pupil.objects.filter(school=seeded):
        day, user = added[pupil.pk]
        assert day <= pupil.joined_on and user is not None


def test_the_demo_school_has_a_published_anonymised_autumn_report(seeded):
    from reports.termly.models import TermlyReportVersion

    version = TermlyReportVersion.objects.get(report__school=seeded)
    assert (version.report.year, version.report.term, version.number) == (2026, "autumn", 1)
    assert version.published_by.email.startswith("senco@")
    assert set(version.snapshot["commentary"]) >= {"register", "provision", "annual_reviews"}
    text = str(version.snapshot)
    for pupil in Pupil.objects.filter(school=seeded)[:50]:
        assert pupil.last_name not in text and pupil.upn not in text
    # Every stored count is 0, 5 or more: small ones are kept only as "not shown".
    counts = [int(n) for n in re.findall(r"'n': (\d+)", text)]
    assert counts and not [n for n in counts if 1 <= n <= 4]


# 6. Identification and the MIS import: every state a SENCO meets, and an export that re-imports.


def test_seed_demo_has_identification_in_every_state(seeded):
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert statuses == set(Concern.Status.values)
    decisions = set(Concern.objects.exclude(decision="").values_list("decision", flat=True))
    assert decisions == set(Concern.Decision.values)
    assert Concern.objects.filter(raised_by__email="teacher@demo.sendhub.test").count() == 2
    from_parent = Concern.objects.filter(raised_by__email="parent@demo.sendhub.test")
    assert sorted(from_parent.values_list("status", "raised_by_parent")) == [
        ("in_progress", True),
        ("new", True),
    ]
    # One monitored concern has come back on its date; one is still in the future.
    monitored = Concern.objects.filter(decision="monitor")
    assert [c.is_due_to_look_again for c in monitored.order_by("look_again_on")] == [True, False]
    assert RegisterEntry.objects.filter(source="concern", stage="sen_support").count() == 1
    assert Task.objects.filter(title__startswith="Draft a support plan").count() == 2
    assert RoundRobinRequest.objects.filter(
        teacher__email="teacher@demo.sendhub.test", response__isnull=True
    ).exists()
    assert AssessmentResult.objects.count() >= 12
    assert SpecialistService.objects.count() == 5
    assert Referral.objects.filter(seen_on__isnull=True).exists()
    assert Referral.objects.filter(report_received_on__isnull=False).exists()
    # Nothing at this school is dated before the pupil joined it: register history,
    # passports (the pupil's views), one-page profiles and meetings with parents.
    assert RegisterEntry.objects.exists()
    assert not RegisterEntry.objects.filter(effective_on__lt=F("pupil__joined_on")).exists()
    assert PassportVersion.objects.exists()
    assert not PassportVersion.objects.filter(
        captured_on__lt=F("passport__pupil__joined_on")
    ).exists()
    assert not OnePageProfile.objects.filter(updated_on__lt=F("pupil__joined_on")).exists()
    assert not ParentMeeting.objects.filter(held_on__lt=F("pupil__joined_on")).exists()


def test_demo_exports_carry_classes_and_parent_contacts_and_reimport_cleanly(seeded):
    applied, waiting = ImportBatch.objects.order_by("status", "pk")
    assert applied.is_applied and not waiting.is_applied
    counts = applied.result["counts"]
    assert (counts["class_joins"], counts["class_leaves"], counts["parents_linked"]) == (0, 0, 0)
    assert counts["changed"] == 0
    sheet = Sheet.from_json(waiting.sheet)
    preview = build_preview(
        sheet, school=waiting.school, pupils=Pupil.objects.all(), mapping=waiting.columns
    )
    new_links = [c.email for p in preview.new for c in p.contacts]
    assert new_links == ["new.parent@example.test"]
    assert all(p.class_names == ["7 En1", "7 Ma1", "7 Sc1"] for p in preview.new)
