"""Provision maps through the client: what each role sees, filters, exports, query counts."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from provision.models import CostSettings, GroupMember, NotionalBudget
from pupils.codes import SenStage
from sendhub.roles import Role
from tests.factories import PupilFactory
from tests.provision.provision_data import InterventionFactory, ProvisionGroupFactory, deliver

START = date.today() - timedelta(days=20)


def costed_group(world, pupils, *, name="Reading", **intervention):
    ta = world.user(Role.TEACHING_ASSISTANT)
    group = ProvisionGroupFactory(
        intervention=InterventionFactory(
            school=world.school, minutes_per_session=60, **intervention
        ),
        name=name,
        start_on=START,
    )
    group.staff.add(ta)
    for pupil in pupils:
        GroupMember.objects.create(group=group, pupil=pupil, joined_on=START)
    deliver(group, START, 4, by=ta)
    return group


@pytest.fixture
def mapped(world):
    """The taught pupil (on SEN support, in the teacher's class) and the untaught one
    (EHC plan) share a reading group: 4 hours × £20.15 + £45.00 books = £125.60."""
    world.taught.sen_stage = SenStage.SEN_SUPPORT
    world.taught.save()
    world.untaught.sen_stage = SenStage.EHCP
    world.untaught.year_group = 9
    world.untaught.save()
    return costed_group(world, [world.taught, world.untaught])


def test_senco_sees_the_whole_school_costed(senco_client, mapped):
    response = senco_client.get(reverse("provision:map"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Untaught" in body and "Taught" in body
    assert "£125.60" in body
    assert "£62.80" in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"stage": SenStage.EHCP}, "Pupil, Untaught", "Pupil, Taught"),
        ({"stage": SenStage.SEN_SUPPORT}, "Pupil, Taught", "Pupil, Untaught"),
        ({"year": 9}, "Pupil, Untaught", "Pupil, Taught"),
        ({"area": "SEMH"}, "No provision recorded", "Untaught"),
        ({"area": "CL"}, "Untaught", "No provision recorded"),
    ],
)
def test_the_map_filters(senco_client, mapped, query, shown, hidden):
    body = senco_client.get(reverse("provision:map"), query).content.decode()
    assert shown in body
    assert hidden not in body


def test_an_htmx_request_gets_the_map_alone(senco_client, mapped):
    response = senco_client.get(reverse("provision:map"), {"by": "stage"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="map"')
    assert "EHC plan" in body and "SEN support" in body


def test_the_teachers_class_map_has_no_costs(world, login, mapped):
    client = login(world.user(Role.TEACHER))
    body = client.get(reverse("provision:map_class", args=[world.group.pk])).content.decode()
    assert "Taught" in body
    assert "Untaught" not in body
    assert "£" not in body


def test_a_teacher_sees_a_pupils_provision_without_costs(world, login, mapped):
    client = login(world.user(Role.TEACHER))
    body = client.get(reverse("provision:map_pupil", args=[world.taught.pk])).content.decode()
    assert "Reading" in body and "4 / 4" in body
    assert "£" not in body


def test_a_pupil_over_the_threshold_shows_the_top_up_above_it(world, senco_client, mapped):
    CostSettings.objects.create(school=world.school, element_2_threshold=Decimal("50"))
    url = reverse("provision:map_pupil_costed", args=[world.taught.pk])
    body = senco_client.get(url).content.decode()
    assert "£62.80" in body
    assert "£12.80 above it" in body


def test_the_costed_pupil_map_is_a_pdf(world, senco_client, mapped):
    response = senco_client.get(reverse("provision:map_pupil_pdf", args=[world.taught.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_xlsx_writes_typed_names_as_text(world, senco_client):
    from openpyxl import load_workbook

    costed_group(world, [world.taught], name='=HYPERLINK("http://evil")')
    response = senco_client.get(reverse("provision:map_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Group"].value == '=HYPERLINK("http://evil")'
    assert row["Group"].data_type == "s"
    assert row["Cost (£)"].value == 125.6
    assert row["Hours attended"].value == 4


def test_the_map_pdf_is_a_pdf(senco_client, mapped):
    response = senco_client.get(reverse("provision:map_pdf"))
    assert response.content.startswith(b"%PDF")


def test_cost_settings_are_saved_with_a_budget(world, senco_client):
    data = {
        "ta_hourly_rate": "16.00", "ta_on_cost_percent": "25",
        "teacher_hourly_rate": "32", "teacher_on_cost_percent": "30",
        "specialist_hourly_rate": "45", "specialist_on_cost_percent": "0",
        "other_hourly_rate": "15.50", "other_on_cost_percent": "30",
        "element_2_threshold": "6000",
        "budgets-TOTAL_FORMS": "1", "budgets-INITIAL_FORMS": "0",
        "budgets-0-starts_in": "2025", "budgets-0-amount": "120000",
    }  # fmt: skip
    response = senco_client.post(reverse("provision:cost_settings"), data)
    assert response.status_code == 302
    assert CostSettings.for_school(world.school).hourly_cost("ta") == Decimal("20.00")
    assert NotionalBudget.objects.get(school=world.school).amount == Decimal("120000")


def _grow(world, groups):
    for n in range(groups):
        pupils = PupilFactory.create_batch(3, school=world.school)
        world.group.pupils.add(*pupils)
        costed_group(world, pupils, name=f"Group {n}")


@pytest.mark.parametrize(
    ("role", "url_name", "args"),
    [
        (Role.SENCO, "provision:map", []),
        (Role.SENCO, "provision:map_xlsx", []),
        (Role.SENIOR_LEADER, "provision:map", []),
        (Role.TEACHER, "provision:map_class", ["class"]),
        (Role.TEACHER, "provision:map_pupil", ["pupil"]),
        (Role.SENCO, "provision:map_pupil_costed", ["pupil"]),
        (Role.SENCO, "provision:map", ["?by=form&period=fy"]),
        (Role.SENCO, "provision:map", ["?by=area&layer=targeted"]),
        (Role.SENCO, "provision:map_pdf", ["?by=year"]),
        (Role.TEACHER, "provision:map_class_pdf", ["class"]),
        (Role.SENCO, "provision:map_pupil_pdf", ["pupil"]),
    ],
)
def test_map_queries_do_not_grow_with_the_school(
    world, login, django_assert_num_queries, role, url_name, args
):
    client = login(world.user(role))
    costed_group(world, [world.taught])
    query = "".join(arg for arg in args if arg.startswith("?"))
    args = [world.group.pk if arg == "class" else world.taught.pk for arg in args if arg[0] != "?"]
    url = reverse(url_name, args=args) + query
    client.get(url)  # settle the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(world, 4)
    costed_group(world, [world.taught], name="Second")
    with django_assert_num_queries(len(small)):
        client.get(url)


def test_a_place_in_a_group_that_ended_before_the_year_is_not_on_its_map(world):
    from provision.models import GroupMember
    from tests.provision.provision_data import run_group

    group = run_group(
        world.school, [], [world.taught], start_on=date(2025, 5, 5), end_on=date(2025, 7, 15)
    )
    member = group.members.get()
    assert member.left_on is None  # nobody recorded a leaving day when the group ended
    assert not GroupMember.objects.during(date(2025, 9, 1), date(2026, 8, 31)).exists()
    assert GroupMember.objects.during(date(2024, 9, 1), date(2025, 8, 31)).get() == member


def test_names_on_the_map_are_escaped(senco_client, world):
    world.taught.last_name = "<b>O'Neil</b>"
    world.taught.save()
    costed_group(world, [world.taught], name="<i>Reading</i>")
    page = senco_client.get(reverse("provision:map")).text
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in page and "<b>O'Neil" not in page
    assert "&lt;i&gt;Reading&lt;/i&gt;" in page and "<i>Reading" not in page


def test_a_pupils_and_a_class_map_are_headed_with_their_name(senco_client, world):
    costed_group(world, [world.taught])
    pupil_map = senco_client.get(reverse("provision:map_pupil_costed", args=[world.taught.pk]))
    assert [s.name for s in pupil_map.context["sections"]] == [world.taught.full_name]
    class_map = senco_client.get(reverse("provision:map_class", args=[world.group.pk]))
    assert [s.name for s in class_map.context["sections"]] == [world.group.name]
