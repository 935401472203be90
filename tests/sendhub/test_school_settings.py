"""School settings: the school's own words for plans and layers, its review cadence and
passport check, kept with who changed what. What a school may word or schedule differently
is configuration with defaults, not a constant in code."""

from datetime import date

import pytest
from django.urls import reverse

from provision.models import Strategy
from reviews.models import SupportPlan, default_review_date
from sendhub.models import MAX_WEEKS_TO_REVIEW, TERM_END_FIELDS, Layer, School
from sendhub.roles import Role
from tests.conftest import count_queries
from tests.factories import MembershipFactory, UserFactory
from tests.reports.test_class_view import put_on_register
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan
from tests.reviews.test_plans import plan_post

pytestmark = pytest.mark.django_db
URL = reverse("sendhub:school_settings")
EDITORS = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN}


def settings_post(school, **changes):
    """The form as the school's current settings, with `changes`."""
    data = {
        "plan_label": school.plan_label,
        "review_cadence_weeks": school.review_cadence_weeks,
        "passport_stale_days": school.passport_stale_days,
        "uses_layers": "on" if school.uses_layers else "",
        "universal_layer_name": school.universal_layer_name,
        "targeted_layer_name": school.targeted_layer_name,
        "targeted_plus_layer_name": school.targeted_plus_layer_name,
        "specialist_layer_name": school.specialist_layer_name,
        "retention_years": school.retention_years,
        "senior_leaders_see_restricted": "on" if school.senior_leaders_see_restricted else "",
        **{
            name: getattr(school, name)
            for day, month in TERM_END_FIELDS.values()
            for name in (day, month)
        },
    }
    data |= changes
    return {key: value for key, value in data.items() if value != ""}


def settings_of(school):
    school = School.objects.get(pk=school.pk)
    return (school.plan_label, school.review_cadence_weeks, school.passport_stale_days)


# Who may change them ------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_only_the_senco_senior_leader_and_administrator_change_settings(client, world, role):
    client.force_login(world.user(role))
    expected = 200 if role in EDITORS else 403
    assert client.get(URL).status_code == expected
    response = client.post(URL, settings_post(world.school, plan_label="IEP"))
    assert response.status_code == (302 if role in EDITORS else 403)
    assert School.objects.get(pk=world.school.pk).plan_label == (
        "IEP" if role in EDITORS else "SEN support plan"
    )


@pytest.mark.parametrize("role", list(Role))
def test_navbar_links_to_settings_only_for_those_who_may_change_them(client, world, role):
    client.force_login(world.user(role))
    page = client.get(reverse("reports:home")).content.decode()
    assert (f'href="{URL}"' in page) is (role in EDITORS)


def test_settings_change_only_the_school_the_person_is_acting_for(client, world):
    """A SENCO of two schools edits the one they act for now; the other keeps its settings."""
    senco = UserFactory(first_name="Shared")
    MembershipFactory(user=senco, role=Role.SENCO, school=world.school)
    elsewhere = MembershipFactory(user=senco, role=Role.SENCO, school=world.other_school)
    client.force_login(senco)
    # A school id in the form is ignored: the school comes from the current role only.
    client.post(URL, settings_post(world.school, plan_label="My Plan", id=world.other_school.pk))
    assert settings_of(world.school)[0] == "My Plan"
    assert settings_of(world.other_school)[0] == "SEN support plan"

    client.post(reverse("sendhub:switch_role"), {"membership": elsewhere.pk})
    page = client.get(URL).content.decode()
    assert "Beechwood Primary" in page
    assert 'value="SEN support plan"' in page
    client.post(URL, settings_post(world.other_school, plan_label="IEP"))
    assert settings_of(world.other_school)[0] == "IEP"
    assert settings_of(world.school)[0] == "My Plan"


def test_a_trust_lead_cannot_change_any_schools_settings(client, world):
    client.force_login(world.user(Role.TRUST_LEAD))
    assert client.post(URL, settings_post(world.school, plan_label="IEP")).status_code == 403
    assert settings_of(world.school)[0] == "SEN support plan"
    assert settings_of(world.other_school)[0] == "SEN support plan"


# Validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "message"),
    [
        (0, "Reviews must be at least 1 week apart."),
        (MAX_WEEKS_TO_REVIEW + 1, "Plans are reviewed at least termly: choose 16 weeks or fewer."),
        (52, "Plans are reviewed at least termly: choose 16 weeks or fewer."),
    ],
)
def test_review_cadence_outside_one_week_to_termly_is_refused_and_nothing_saved(
    senco_client, world, weeks, message
):
    """At least termly (docs/graduated-approach.md; reviews.models.latest_review_date)."""
    before = settings_of(world.school)
    history_rows = world.school.history.count()
    response = senco_client.post(
        URL, settings_post(world.school, review_cadence_weeks=weeks, plan_label="My Plan")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved." in page
    assert settings_of(world.school) == before
    assert world.school.history.count() == history_rows


@pytest.mark.parametrize("weeks", [1, MAX_WEEKS_TO_REVIEW])
def test_review_cadence_from_one_week_to_termly_is_saved(senco_client, world, weeks):
    response = senco_client.post(URL, settings_post(world.school, review_cadence_weeks=weeks))
    assert response.status_code == 302
    assert settings_of(world.school)[1] == weeks


def test_passport_check_days_and_plan_label_are_checked(senco_client, world):
    response = senco_client.post(
        URL, settings_post(world.school, passport_stale_days=0, plan_label="")
    )
    page = response.content.decode()
    assert "Choose at least 1 day." in page
    assert "Enter what your school calls a support plan." in page
    assert settings_of(world.school) == ("SEN support plan", 12, 120)


def test_two_layers_may_not_share_a_name(senco_client, world):
    response = senco_client.post(
        URL,
        settings_post(world.school, targeted_layer_name="Wave 2", specialist_layer_name="wave 2"),
    )
    assert response.status_code == 200
    assert "is already the name of the targeted layer" in response.content.decode()
    assert School.objects.get(pk=world.school.pk).targeted_layer_name == ""


# Term dates ---------------------------------------------------------------------------


def test_term_dates_default_to_england_and_are_saved_with_history(senco_client, world):
    assert world.school.term_end_days() == {
        "autumn": (12, 31),
        "spring": (3, 31),
        "summer": (8, 31),
    }
    response = senco_client.post(
        URL,
        settings_post(
            world.school,
            autumn_term_end_day=19,
            spring_term_end_day=2,
            spring_term_end_month=4,
            summer_term_end_day=22,
            summer_term_end_month=7,
        ),
    )
    assert response.status_code == 302
    school = School.objects.get(pk=world.school.pk)
    assert school.term_end_days() == {"autumn": (12, 19), "spring": (4, 2), "summer": (7, 22)}
    page = senco_client.get(URL).content.decode()
    assert "Spring term ends: month: <del>March</del> → <ins>April</ins>" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"spring_term_end_day": 30, "spring_term_end_month": 2},
            "spring_term_end_day",
            "February has 28 days: choose a day up to 28 for the end of the spring term.",
        ),
        (
            {"autumn_term_end_day": 31, "autumn_term_end_month": 11},
            "autumn_term_end_day",
            "November has 30 days",
        ),
        (
            {"spring_term_end_day": 20, "spring_term_end_month": 12},
            "spring_term_end_day",
            "the autumn term must end before the spring term",
        ),
        (
            {"summer_term_end_day": 1, "summer_term_end_month": 9},
            "spring_term_end_day",
            "the spring term before the summer term",
        ),
    ],
)
def test_impossible_term_dates_are_explained_and_nothing_saved(
    senco_client, world, changes, field, message
):
    response = senco_client.post(URL, settings_post(world.school, plan_label="IEP", **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved." in response.content.decode()
    assert settings_of(world.school)[0] == "SEN support plan"


# History ------------------------------------------------------------------------------


def test_a_change_is_kept_with_who_when_and_old_and_new_values(senco_client, world):
    senco = world.user(Role.SENCO)
    response = senco_client.post(
        URL, settings_post(world.school, plan_label="My Plan", review_cadence_weeks=10)
    )
    assert response.status_code == 302

    record = world.school.history.latest()
    assert record.history_user == senco
    changed = {c.field: (c.old, c.new) for c in record.diff_against(record.prev_record).changes}
    assert changed == {
        "plan_label": ("SEN support plan", "My Plan"),
        "review_cadence_weeks": (12, 10),
    }
    page = senco_client.get(URL).content.decode()
    assert str(senco) in page
    assert "Name for a support plan: <del>SEN support plan</del> → <ins>My Plan</ins>" in page
    assert "Weeks between reviews: <del>12</del> → <ins>10</ins>" in page


def test_saving_without_a_change_records_nothing(senco_client, world):
    rows = world.school.history.count()
    response = senco_client.post(URL, settings_post(world.school), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert world.school.history.count() == rows


def test_a_layer_name_cleared_shows_as_the_standard_name(senco_client, world):
    senco_client.post(URL, settings_post(world.school, targeted_layer_name="Wave 2"))
    world.school.refresh_from_db()
    senco_client.post(URL, settings_post(world.school, targeted_layer_name=""))
    page = senco_client.get(URL).content.decode()
    assert "Our name for Targeted: <del>Wave 2</del> → <ins>(the standard name)</ins>" in page


def test_settings_page_queries_do_not_grow_with_changes(senco_client, world):
    def count():
        return count_queries(senco_client, URL, warm=True)

    senco_client.post(URL, settings_post(world.school, plan_label="IEP"))
    one = count()
    for weeks in range(2, 14):
        world.school.refresh_from_db()
        senco_client.post(URL, settings_post(world.school, review_cadence_weeks=weeks))
    many = count()
    assert one == many, f"{one} queries with 1 change, {many} with 13"


# The school's names where layers are shown ----------------------------------------------


def test_layer_label_is_the_schools_name_or_the_standard_one(world):
    school = world.school
    school.targeted_plus_layer_name = "  Wave 3  "
    assert school.layer_label(Layer.TARGETED_PLUS) == "Wave 3"
    assert school.layer_label("universal") == "Universal"
    assert school.layer_label("not-a-layer") == "not-a-layer"
    assert dict(school.layer_choices())["targeted_plus"] == "Wave 3"


def name_layers(school, **names):
    for layer, name in names.items():
        setattr(school, f"{layer}_layer_name", name)
    school.save()


def test_plan_page_and_plan_form_use_the_schools_layer_names(senco_client, world):
    name_layers(world.school, targeted="Wave 2", specialist="Wave 3")
    plan = make_plan(world.taught, world.user(Role.SENCO), status=SupportPlan.Status.ACTIVE)
    page = senco_client.get(plan.get_absolute_url()).content.decode()
    assert "Wave 2 support" in page
    assert "Targeted support" not in page

    form = senco_client.get(reverse("reviews:plan_create", args=[world.untaught.pk]))
    form = form.content.decode()
    assert '<option value="targeted" selected>Wave 2</option>' in form
    assert '<option value="specialist">Wave 3</option>' in form
    assert '<option value="universal">Universal</option>' in form


def test_strategy_library_filter_and_list_use_the_schools_layer_names(senco_client, world):
    name_layers(world.school, universal="Quality first teaching")
    make_plan(world.taught, world.user(Role.SENCO))  # puts the starter library back
    assert Strategy.objects.filter(layer=Layer.UNIVERSAL).exists()
    page = senco_client.get(reverse("provision:strategy_list"), {"layer": "universal"})
    page = page.content.decode()
    assert '<option value="universal" selected>Quality first teaching</option>' in page
    assert "· Quality first teaching" in page
    assert "· Universal" not in page


def test_plan_pdf_shows_the_schools_plan_and_layer_names(client, world):
    name_layers(world.school, targeted="Wave 2")
    world.school.plan_label = "Individual Support Plan"
    world.school.save()
    plan = make_plan(world.taught, world.user(Role.SENCO), status=SupportPlan.Status.ACTIVE)
    url = reverse("reviews:plan_pdf", args=[plan.pk])
    client.force_login(world.user(Role.SENCO))
    text = pdf_text(client.get(url).content)
    assert "Individual Support Plan" in text
    assert "Wave 2 support" in text
    # The layer is staff wording: a parent's copy keeps the plan's name only.
    client.force_login(world.user(Role.PARENT))
    text = pdf_text(client.get(url).content)
    assert "Individual Support Plan" in text
    assert "Wave 2 support" not in text


def test_pupil_plan_panel_shows_the_schools_layer_name(client, world):
    name_layers(world.school, targeted="Wave 2")
    senco = world.user(Role.SENCO)
    put_on_register(world.taught, senco)
    make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE)
    client.force_login(world.user(Role.TEACHER))
    page = client.get(reverse("reviews:pupil_panel", args=[world.taught.pk])).content.decode()
    assert "Wave 2 support" in page


def test_turning_layers_off_hides_them_from_plans_and_the_library(senco_client, world):
    senco = world.user(Role.SENCO)
    response = senco_client.post(URL, settings_post(world.school, uses_layers=""))
    assert response.status_code == 302
    assert School.objects.get(pk=world.school.pk).uses_layers is False

    form = senco_client.get(reverse("reviews:plan_create", args=[world.taught.pk]))
    assert 'name="layer"' not in form.content.decode()
    plan = make_plan(world.untaught, senco, status=SupportPlan.Status.ACTIVE)
    page = senco_client.get(plan.get_absolute_url()).content.decode()
    assert "Targeted support" not in page
    library = senco_client.get(reverse("provision:strategy_list")).content.decode()
    assert 'name="layer"' not in library
    assert "· Universal" not in library
    add = senco_client.get(reverse("provision:strategy_create")).content.decode()
    assert 'name="layer"' not in add


def test_a_plan_drafted_without_layers_is_saved(senco_client, world):
    world.school.uses_layers = False
    world.school.save()
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    review_by = default_review_date(world.school, date.today())
    response = senco_client.post(url, plan_post(review_by, layer="specialist"))
    assert response.status_code == 302
    # The posted layer is ignored: the form has no layer field, so the default stands.
    assert SupportPlan.objects.get(pupil=world.taught).layer == Layer.TARGETED


def test_data_protection_settings_default_to_31_years_and_restricted_off(senco_client, world):
    school = world.school
    assert (school.retention_years, school.senior_leaders_see_restricted) == (31, False)
    page = senco_client.get(URL).content.decode()
    assert "Data protection" in page
    assert 'name="retention_years" value="31"' in page
    post = settings_post(school, retention_years=40, senior_leaders_see_restricted="on")
    assert senco_client.post(URL, post).status_code == 302
    school.refresh_from_db()
    assert (school.retention_years, school.senior_leaders_see_restricted) == (40, True)


@pytest.mark.parametrize("years", [24, 100])
def test_retention_years_outside_25_to_99_are_refused(senco_client, world, years):
    response = senco_client.post(URL, settings_post(world.school, retention_years=years))
    assert response.status_code == 200
    world.school.refresh_from_db()
    assert world.school.retention_years == 31
