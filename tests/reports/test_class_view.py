"""The teacher's class view: my classes' SEN pupils on one sheet, flat query count."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.codes import SenStage
from pupils.register.services import record_register_change
from sendhub.roles import Role
from tests.conftest import get_counting_queries
from tests.factories import PupilFactory, TeachingGroupFactory
from tests.pupils.passport_data import give_passport

pytestmark = pytest.mark.django_db


def put_on_register(pupil, senco, need="SPLD"):
    record_register_change(
        pupil=pupil,
        stage=SenStage.SEN_SUPPORT,
        needs=[need, "SLCN"],
        effective_on=date(2025, 9, 1),
        reason="Class view test",
        decided_by=senco,
        recorded_by=senco,
    )


def test_class_sheet_pdf_query_count_does_not_grow_with_classes_or_pupils(client, world):
    """1 class with 1 pupil, then 3 classes with 15 pupils: the same number of queries."""
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    give_passport(world.taught, senco)
    client.force_login(teacher)
    url = reverse("reports:class_view_pdf")
    client.get(url)
    small, _ = get_counting_queries(client, url)
    add_classes_and_pupils(world, teacher)
    large, response = get_counting_queries(client, url)
    assert large == small, f"{small} queries for 1 class/1 pupil, {large} for 3 classes/15"
    assert response.content.startswith(b"%PDF")


def add_classes_and_pupils(world, teacher, *, pupils=14):
    senco = world.user(Role.SENCO)
    for index in range(2):
        group = TeachingGroupFactory(school=world.school, name=f"9 Ma{index}")
        group.teachers.add(teacher)
    groups = list(world.school.teaching_groups.order_by("pk"))
    for index in range(pupils):
        pupil = PupilFactory(school=world.school)
        put_on_register(pupil, senco, need=["ASD", "SEMH", "HI"][index % 3])
        if index % 2:
            give_passport(pupil, senco)
        groups[index % 3].pupils.add(pupil)
    return groups


def test_class_table_query_count_does_not_grow_with_classes_or_pupils(client, world):
    """One class with 1 pupil, then the same class with 6 among 3 classes: same queries."""
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    give_passport(world.taught, senco)
    client.force_login(teacher)
    url = reverse("reports:class_view") + f"?group={world.group.pk}"
    client.get(url)
    small, _ = get_counting_queries(client, url)
    add_classes_and_pupils(world, teacher, pupils=15)
    large, response = get_counting_queries(client, url)
    assert large == small, f"{small} queries for 1 class/1 pupil, {large} for 3 classes/16"
    assert len(response.context["pupils"]) == 6
    assert len(response.context["groups"]) == 3


def test_class_view_shows_one_class_at_a_time_and_lets_me_choose(client, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    groups = add_classes_and_pupils(world, teacher, pupils=3)
    client.force_login(teacher)
    chooser = client.get(reverse("reports:class_view"))
    assert chooser.context["group"] is None
    for group in groups:
        assert f"?group={group.pk}" in chooser.text
    assert "Taught Pupil" not in chooser.text
    one = client.get(reverse("reports:class_view"), {"group": world.group.pk})
    assert [pupil.pk for pupil in one.context["pupils"]][0] == world.taught.pk
    assert all(world.group.pupils.filter(pk=p.pk).exists() for p in one.context["pupils"])
    assert 'aria-current="page"' in one.text


def test_class_view_is_404_for_a_class_i_do_not_teach(client, world):
    other = TeachingGroupFactory(school=world.school, name="7 Sc9")
    elsewhere = TeachingGroupFactory(school=world.other_school, name="7 Sc1")
    client.force_login(world.user(Role.TEACHER))
    url = reverse("reports:class_view")
    assert client.get(url, {"group": other.pk}).status_code == 404
    assert client.get(url, {"group": elsewhere.pk}).status_code == 404
    assert client.get(url, {"group": "x"}).status_code == 404
    assert client.get(url, {"group": world.group.pk}).status_code == 200


def test_class_table_badges_only_what_is_unread(client, world):
    senco = world.user(Role.SENCO)
    put_on_register(world.taught, senco)
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("reports:class_view")).text
    assert "badge" not in html.split("<table", 1)[1]  # no passport, no plan: nothing unread


def test_teacher_home_links_to_each_class(client, world):
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("reports:home")).text
    assert f"{reverse('reports:class_view')}?group={world.group.pk}" in html


def test_class_view_shows_needs_what_helps_and_unread_markers(client, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    give_passport(world.taught, senco)
    off_register = PupilFactory(school=world.school, first_name="Notonregister")
    world.group.pupils.add(off_register)
    client.force_login(teacher)
    html = client.get(reverse("reports:class_view")).content.decode()
    assert "8 En1" in html
    assert "Taught Pupil" in html
    assert "Specific learning difficulty" in html
    assert "A visual timetable" in html
    assert "Notonregister" not in html
    assert "Passport changed: not yet read" in html
    client.get(reverse("pupils:passport", args=[world.taught.pk]))
    html = client.get(reverse("reports:class_view")).content.decode()
    assert "Passport changed: not yet read" not in html
    give_passport(world.taught, senco, enjoy="Something new")
    html = client.get(reverse("reports:class_view")).content.decode()
    assert "Passport changed: not yet read" in html


def test_class_view_lists_only_my_classes(client, world):
    senco = world.user(Role.SENCO)
    put_on_register(world.untaught, senco)
    other = TeachingGroupFactory(school=world.school, name="7 Sc9")
    other.pupils.add(world.untaught)
    client.force_login(world.user(Role.TEACHER))
    html = client.get(reverse("reports:class_view")).content.decode()
    assert "7 Sc9" not in html
    assert "Untaught" not in html


def test_teacher_sees_passports_only_for_pupils_they_teach(client, world):
    senco = world.user(Role.SENCO)
    give_passport(world.taught, senco)
    give_passport(world.untaught, senco)
    client.force_login(world.user(Role.TEACHER))
    assert client.get(reverse("pupils:passport", args=[world.taught.pk])).status_code == 200
    assert client.get(reverse("pupils:passport", args=[world.untaught.pk])).status_code == 404
    pdf = client.get(reverse("pupils:passport_pdf", args=[world.untaught.pk]))
    assert pdf.status_code == 404


def test_the_class_sheet_is_prepared_in_the_background_for_the_teacher_only(
    client, world, django_capture_on_commit_callbacks
):
    from sendhub.models import Job
    from tests.reports.test_pdf import pdf_text

    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    put_on_register(world.taught, senco)
    put_on_register(world.untaught, senco)  # on the register, but not in the teacher's class
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:class_view_pdf_prepare"))
    assert response.status_code == 302
    job = Job.objects.get(requested_by=teacher)
    assert (job.kind, job.status) == ("class_sheet_pdf", "done")
    download = reverse("sendhub:job_download", args=[job.pk])
    assert download in client.get(reverse("reports:class_view")).content.decode()
    sheet = client.get(download)
    assert sheet["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(sheet.streaming_content))
    assert "Taught" in text and "Untaught" not in text  # only the teacher's own pupils
    client.force_login(world.user(Role.TEACHING_ASSISTANT))
    assert client.get(download).status_code == 404
