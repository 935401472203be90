"""Entry and exit scores on a test the pupils take are their assessment results: typed once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from provision.forms import InterventionForm
from provision.models import MeasureKind
from pupils.models import AssessmentInstrument, AssessmentResult
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.provision.provision_data import GroupMemberFactory, InterventionFactory, run_group

pytestmark = pytest.mark.django_db

JOINED = date(2025, 9, 8)


def instrument(world, name="Reading test", standardised=True):
    return AssessmentInstrument.objects.create(
        school=world.school, name=name, kind="screening", standardised=standardised
    )


def result(world, test, taken_on, **scores):
    return AssessmentResult.objects.create(
        pupil=world.taught,
        instrument=test,
        taken_on=taken_on,
        assessor="SENCO",
        recorded_by=world.user(Role.SENCO),
        **scores,
    )


def group_using(world, test, kind=MeasureKind.STANDARDISED, pupils=True):
    intervention = InterventionFactory(school=world.school, measure_kind=kind, instrument=test)
    return run_group(
        world.school,
        [world.user(Role.TEACHING_ASSISTANT)],
        [],
        intervention=intervention,
        name="Comprehension (A)",
        start_on=JOINED,
    )


@pytest.fixture
def ta_client(client, world):
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    return client


def post_scores(client, member, data):
    return client.post(reverse("provision:member_scores", args=[member.pk]), data)


def test_entry_score_starts_from_the_latest_result_and_the_exit_score_joins_the_history(
    ta_client, world
):
    test = instrument(world)
    result(world, test, date(2025, 3, 1), standardised_score=76)
    latest = result(world, test, date(2025, 9, 1), standardised_score=80)
    result(world, test, date(2026, 3, 1), standardised_score=95)  # long after joining
    member = GroupMemberFactory(group=group_using(world, test), pupil=world.taught)
    url = reverse("provision:member_scores", args=[member.pk])

    page = ta_client.get(url)
    assert page.context["form"]["entry_score"].value() == 80
    assert "the result from 1 Sep 2025" in page.text

    data = {"entry_score": "80", "entry_on": "2025-09-01", "exit_score": "91"}
    assert ta_client.post(url, data | {"exit_on": "2025-12-10"}).status_code == 302
    member.refresh_from_db()
    assert member.entry_result == latest  # the same result, not a copy of it
    exit_result = member.exit_result
    assert (exit_result.standardised_score, exit_result.taken_on) == (91, date(2025, 12, 10))
    assert exit_result.source == "Exit score in Comprehension (A)"
    assert exit_result.recorded_by == world.user(Role.TEACHING_ASSISTANT)
    assert AssessmentResult.objects.filter(pupil=world.taught).count() == 4
    ta_client.force_login(world.user(Role.SENCO))
    history = ta_client.get(reverse("pupils:assessments", args=[world.taught.pk])).text
    assert "Exit score in Comprehension (A)" in history and "10 Dec 2025" in history


def test_a_corrected_exit_score_changes_the_result_the_group_added(ta_client, world):
    test = instrument(world)
    member = GroupMemberFactory(group=group_using(world, test), pupil=world.taught)
    url = reverse("provision:member_scores", args=[member.pk])
    data = {"entry_score": "78", "entry_on": "2025-09-10", "exit_on": "2025-12-10"}
    ta_client.post(url, data | {"exit_score": "81"})
    ta_client.post(url, data | {"exit_score": "91"})  # a slip of the finger, put right
    member.refresh_from_db()
    assert AssessmentResult.objects.filter(pupil=world.taught).count() == 2
    assert member.exit_result.standardised_score == 91
    assert member.exit_result.percentile is None  # a percentile of 81 would not be 91's
    assert [h.standardised_score for h in member.exit_result.history.order_by("history_id")] == [
        81,
        91,
    ]
    assert member.impact["change"] == 13


def test_a_pupil_added_without_an_entry_score_takes_their_latest_reading_age(ta_client, world):
    test = instrument(world, "Reading age test")
    latest = result(world, test, JOINED - timedelta(days=5), age_equivalent_months=88)
    group = group_using(world, test, kind=MeasureKind.AGE_EQUIVALENT)
    world.group.support_staff.add(world.user(Role.TEACHING_ASSISTANT))
    response = ta_client.post(
        reverse("provision:member_add", args=[group.pk]),
        {"pupil": world.taught.pk, "joined_on": JOINED.isoformat()},
    )
    assert response.status_code == 302
    member = group.members.get()
    assert (member.entry_score, member.entry_on, member.entry_result) == (
        Decimal("88"),
        latest.taken_on,
        latest,
    )
    assert AssessmentResult.objects.count() == 1


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"exit_score": "170", "exit_on": "2025-12-10"}, "exit_score"),
        ({"exit_score": "90.5", "exit_on": "2025-12-10"}, "exit_score"),
        (
            {"exit_score": "90", "exit_on": (date.today() + timedelta(days=3)).isoformat()},
            "exit_on",
        ),
    ],
)
def test_scores_that_a_test_cannot_give_are_refused(ta_client, world, scores, field):
    member = GroupMemberFactory(group=group_using(world, instrument(world)), pupil=world.taught)
    data = {"entry_score": "80", "entry_on": "2025-09-10"} | scores
    response = post_scores(ta_client, member, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not AssessmentResult.objects.exists()


@pytest.mark.parametrize("score", ["-3", "241", "40000"])
def test_an_age_equivalent_a_test_cannot_give_is_refused_and_nothing_is_saved(
    ta_client, world, score
):
    test = instrument(world, "Reading age test", standardised=False)
    group = group_using(world, test, kind=MeasureKind.AGE_EQUIVALENT)
    member = GroupMemberFactory(group=group, pupil=world.taught)
    data = {"entry_score": score, "entry_on": "2025-09-10"}
    response = post_scores(ta_client, member, data)
    assert response.status_code == 400
    assert response.context["form"].errors["entry_score"] == [
        "An age-equivalent is in months, from 0 to 240 (20 years)."
    ]
    member.refresh_from_db()
    assert member.entry_score is None
    assert not AssessmentResult.objects.exists()


def test_scores_on_a_measure_without_a_test_stay_in_the_group(ta_client, world):
    group = group_using(world, None, kind=MeasureKind.RATING)
    member = GroupMemberFactory(group=group, pupil=world.taught, entry_score=2, entry_on=JOINED)
    data = {"entry_score": "2", "entry_on": JOINED.isoformat(), "exit_score": "4"}
    response = post_scores(ta_client, member, data | {"exit_on": "2025-12-10"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.exit_score == 4 and member.exit_result is None
    assert not AssessmentResult.objects.exists()


def test_catalogue_takes_only_a_test_that_gives_the_measure(world):
    rating_scale = instrument(world, "Rating scale", standardised=False)
    fields = {
        "name": "Comprehension",
        "areas": ["CL"],
        "layer": "targeted",
        "delivery": "withdrawal",
        "group_size": 6,
        "sessions_per_week": 2,
        "minutes_per_session": 30,
        "typical_weeks": 10,
        "staff_role": "teacher",
        "entry_criteria": "Comprehension below 85",
        "exit_criteria": "Comprehension 90 or more",
        "resource_cost": "0",
        "instrument": rating_scale.pk,
    }
    standardised = InterventionForm(fields | {"measure_kind": "standardised"}, school=world.school)
    assert "instrument" in standardised.errors
    rating = InterventionForm(fields | {"measure_kind": "rating"}, school=world.school)
    assert "instrument" in rating.errors
    reading_age = InterventionForm(fields | {"measure_kind": "age_equivalent"}, school=world.school)
    assert reading_age.is_valid(), reading_age.errors
    other = AssessmentInstrument.objects.create(
        school=world.other_school, name="Elsewhere", kind="screening"
    )
    elsewhere = InterventionForm(
        fields | {"measure_kind": "standardised", "instrument": other.pk}, school=world.school
    )
    assert "instrument" in elsewhere.errors


def edit_data(intervention, **changes):
    """The catalogue entry's form as the page shows it, with some answers changed."""
    form = InterventionForm(instance=intervention, school=intervention.school)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return data | changes


def edit_entry(client, intervention, follow=False, **changes):
    """Save the catalogue entry's form with some answers changed, as the SENCO would."""
    return client.post(
        reverse("provision:intervention_edit", args=[intervention.pk]),
        edit_data(intervention, **changes),
        follow=follow,
    )


def scored_place(world, group):
    """The taught pupil's place with an entry score of 80, kept as their result."""
    place = GroupMemberFactory(
        group=group, pupil=world.taught, entry_score=80, entry_on=date(2025, 9, 1)
    )
    place.record_results(by=world.user(Role.SENCO))
    return place


@pytest.fixture
def senco_client(client, world):
    client.force_login(world.user(Role.SENCO))
    return client


def test_changing_the_entrys_test_makes_the_scores_results_on_the_new_test(senco_client, world):
    old_test, new_test = instrument(world, "Reading test"), instrument(world, "Comprehension test")
    screening = result(world, old_test, date(2025, 9, 1), standardised_score=80)
    group = group_using(world, old_test)
    member = GroupMemberFactory(group=group, pupil=world.taught, entry_score=80)
    member.entry_on, member.exit_score, member.exit_on = date(2025, 9, 1), 91, date(2025, 12, 10)
    member.save()
    member.record_results(by=world.user(Role.TEACHING_ASSISTANT))
    added = member.exit_result
    assert member.entry_result == screening and added.instrument == old_test
    added.raw_score, added.percentile = 41, 27  # the old test's, added on the pupil's page
    added.save()

    response = edit_entry(senco_client, group.intervention, instrument=new_test.pk, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert "1 pupil's scores in its groups are now results on Comprehension test." in shown
    member.refresh_from_db()
    # The screening result was the school's own test on the old one: it stays there, and the
    # entry score becomes a result on the new test.
    screening.refresh_from_db()
    assert (screening.instrument, screening.standardised_score) == (old_test, 80)
    entry = member.entry_result
    assert (entry.instrument, entry.standardised_score, entry.taken_on) == (
        new_test,
        80,
        date(2025, 9, 1),
    )
    assert entry.source == "Entry score in Comprehension (A)"
    # The exit result the group added moves to the new test, keeping its history.
    assert member.exit_result == added
    added.refresh_from_db()
    assert (added.instrument, added.standardised_score) == (new_test, 91)
    assert (added.raw_score, added.percentile) == (None, None)
    assert [h.instrument_id for h in added.history.order_by("history_id")] == [
        old_test.pk,
        old_test.pk,
        new_test.pk,
    ]
    assert AssessmentResult.objects.filter(pupil=world.taught).count() == 3


def test_an_entry_that_stops_naming_a_test_keeps_its_scores_in_the_groups(senco_client, world):
    test = instrument(world)
    group = group_using(world, test)
    member = scored_place(world, group)
    assert member.entry_result is not None

    response = edit_entry(senco_client, group.intervention, instrument="", follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert (
        "1 pupil's scores in its groups stay in the groups; they are no longer test results."
        in (shown)
    )
    member.refresh_from_db()
    assert (member.entry_score, member.entry_result) == (80, None)
    assert AssessmentResult.objects.filter(pupil=world.taught).count() == 1  # kept in history


def test_the_measure_cannot_change_once_scores_are_recorded(senco_client, world):
    """A rating of 3 must not become a reading age of 3 months."""
    group = group_using(world, None, kind=MeasureKind.RATING)
    GroupMemberFactory(group=group, pupil=world.taught, entry_score=3)
    test = instrument(world, "Reading age test", standardised=False)

    response = edit_entry(
        senco_client, group.intervention, measure_kind="age_equivalent", instrument=test.pk
    )
    assert response.status_code == 400
    assert response.context["form"].errors["measure_kind"] == [
        "1 pupil's place has scores recorded as ratings, which another measure would "
        "misread. Add a new catalogue entry for the new measure instead."
    ]
    group.intervention.refresh_from_db()
    assert (group.intervention.measure_kind, group.intervention.instrument) == ("rating", None)
    assert not AssessmentResult.objects.exists()


def test_a_test_that_cannot_give_the_recorded_scores_is_refused_and_nothing_changes(
    senco_client, world
):
    group = group_using(world, None, kind=MeasureKind.AGE_EQUIVALENT)
    GroupMemberFactory(
        group=group, pupil=world.taught, entry_score=Decimal("88.5"), entry_on=JOINED
    )
    GroupMemberFactory(group=group, pupil=world.untaught, entry_score=300, entry_on=JOINED)
    elsewhere = GroupMemberFactory(group=group, pupil=PupilFactory(school=world.school))
    elsewhere.entry_score = Decimal("1.5")  # no test date: never becomes a result
    elsewhere.save()
    test = instrument(world, "Reading age test", standardised=False)

    response = edit_entry(senco_client, group.intervention, instrument=test.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["instrument"] == [
        "2 pupils' places have scores that Reading age test cannot give (Reading age test "
        "gives whole numbers.) Correct those scores in the groups first, or keep the test as "
        "it was."
    ]
    group.intervention.refresh_from_db()
    assert group.intervention.instrument is None
    assert not AssessmentResult.objects.exists()


def test_a_result_another_group_took_as_its_entry_score_stays_on_its_test(senco_client, world):
    old_test, new_test = instrument(world, "Reading test"), instrument(world, "Comprehension test")
    first = group_using(world, old_test)
    place = scored_place(world, first)
    added = place.entry_result
    second = group_using(world, old_test)
    later = GroupMemberFactory(group=second, pupil=world.taught, joined_on=JOINED)
    later.use_latest_result()
    later.save()
    assert later.entry_result == added  # the next group's entry score is the same result

    edit_entry(senco_client, first.intervention, instrument=new_test.pk)
    added.refresh_from_db()
    assert added.instrument == old_test  # still the second group's entry score, on its test
    place.refresh_from_db()
    assert (place.entry_result.instrument, place.entry_result.age_equivalent_months) == (
        new_test,
        None,
    )
    assert place.entry_result.standardised_score == 80


def test_a_leavers_scores_stay_as_they_were_when_the_test_changes(senco_client, world):
    old_test, new_test = instrument(world, "Reading test"), instrument(world, "Comprehension test")
    group = group_using(world, old_test)
    member = scored_place(world, group)
    world.taught.left_on = date.today() - timedelta(days=1)
    world.taught.save()

    edit_entry(senco_client, group.intervention, instrument=new_test.pk)
    member.refresh_from_db()
    assert member.entry_result.instrument == old_test  # an archived file is read-only


def test_a_score_saved_before_a_limit_is_not_refused_again_when_the_exit_is_added(ta_client, world):
    test = instrument(world, "Reading age test", standardised=False)
    group = group_using(world, test, kind=MeasureKind.AGE_EQUIVALENT)
    member = GroupMemberFactory(group=group, pupil=world.taught, entry_score=250, entry_on=JOINED)
    data = {"entry_score": "250", "entry_on": JOINED.isoformat(), "exit_score": "251"}
    response = post_scores(ta_client, member, data | {"exit_on": "2025-12-10"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["exit_score"]  # the new score only


def test_a_joining_day_years_away_is_refused_before_any_result_is_looked_up(ta_client, world):
    """31/12/9999 and 01/01/0001 used to reach the search for the pupil's latest result,
    whose date window ran past the last (or first) date there is: a server error."""
    test = instrument(world, "Reading age test", standardised=False)
    group = group_using(world, test, kind=MeasureKind.AGE_EQUIVALENT)
    world.group.support_staff.add(world.user(Role.TEACHING_ASSISTANT))
    far_back = (date.today() - timedelta(days=5 * 366 + 1)).isoformat()
    far_ahead = (date.today() + timedelta(days=367)).isoformat()
    for joined in ("9999-12-31", "0001-01-01", far_back, far_ahead):
        response = ta_client.post(
            reverse("provision:member_add", args=[group.pk]),
            {"pupil": world.taught.pk, "joined_on": joined},
        )
        assert response.status_code == 400
        assert response.context["member_form"].errors["joined_on"] == [
            "A place can start up to five years back or a year ahead. Check the date."
        ]
    assert not group.members.exists()
