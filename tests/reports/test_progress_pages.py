"""The SENCO's progress page and hand entry: content, validation and query counts."""

from datetime import date

import time_machine
from django.urls import reverse

from reports.progress.models import Assessment, PupilTerm
from sendhub.roles import Role
from tests.conftest import count_queries, get_counting_queries
from tests.factories import PupilFactory
from tests.reports.progress_data import AUTUMN, make_import, make_term, progress_csv, row

TODAY = date(2025, 11, 20)  # autumn 2025/26


def add_pupils(world, count, *, group=None):
    for index in range(count):
        pupil = PupilFactory(school=world.school)
        if group is not None:
            group.pupils.add(pupil)
        make_term(pupil, AUTUMN, sen_status="NKE"[index % 3], area=["", "CL", "SEMH"][index % 3],
                  possible=100, attended=85 + index % 10,
                  results=[("english", "at", 100, "expected"), ("maths", "below", 90, "")])  # fmt: skip


@time_machine.travel(TODAY, tick=False)
def test_overview_shows_the_terms_groups_and_gaps(client, world):
    add_pupils(world, 6)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("reports:progress"), {"by": "primary_area"})
    page = response.content.decode()
    assert response.context["term"] == AUTUMN
    assert "Attainment and progress, Autumn 2025/26" in page
    assert "Social, emotional and mental health" in page
    assert "Is the gap to pupils without SEN closing?" in page
    assert [row["sen_status"] for row in response.context["attendance"]] == ["E", "K", "N"]


@time_machine.travel(TODAY, tick=False)
def test_overview_refuses_a_term_to_come(client, world):
    client.force_login(world.user(Role.SENCO))
    assert client.get(reverse("reports:progress"), {"term": "2026-summer"}).status_code == 404
    assert client.get(reverse("reports:progress"), {"term": "nonsense"}).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_overview_queries_do_not_grow_with_the_roll(client, world):
    client.force_login(world.user(Role.SENCO))
    add_pupils(world, 3)
    small = count_queries(client, reverse("reports:progress"), warm=True)
    add_pupils(world, 30)
    assert count_queries(client, reverse("reports:progress")) == small


@time_machine.travel(TODAY, tick=False)
def test_import_preview_queries_do_not_grow_with_the_file(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    few = make_import(world.school, senco, content=progress_csv([row(world.taught.upn)]))
    more_pupils = [PupilFactory(school=world.school) for _ in range(20)]
    many = make_import(world.school, senco, content=progress_csv([row(p.upn) for p in more_pupils]))
    small = count_queries(
        client, reverse("reports:progress_import_preview", args=[few.pk]), warm=True
    )
    large, response = get_counting_queries(
        client, reverse("reports:progress_import_preview", args=[many.pk])
    )
    assert response.context["counts"]["ready"] == 20
    assert large == small


def entry_url(world):
    return reverse("reports:progress_entry") + f"?group={world.group.pk}&term=2025-autumn"


def entry_data(pupil, **fields):
    values = {"sessions_possible": "120", "sessions_attended": "110", "suspensions": "",
              "suspension_days": "", "english": "EXS", "english_progress": "expected",
              "maths": "", "maths_progress": ""} | fields  # fmt: skip
    return {f"p{pupil.pk}-{key}": value for key, value in values.items()}


@time_machine.travel(TODAY, tick=False)
def test_hand_entry_saves_filled_pupils_and_skips_blank_ones(client, world):
    world.group.pupils.add(world.untaught)
    client.force_login(world.user(Role.SENCO))
    blank = {key: "" for key in entry_data(world.untaught)}
    response = client.post(entry_url(world), entry_data(world.taught, maths="6") | blank)

    assert response.status_code == 302
    saved = PupilTerm.objects.get()
    assert (saved.pupil, saved.sessions_attended, saved.source) == (
        world.taught, 110, "Entered by hand",
    )  # fmt: skip
    assert saved.recorded_by == world.user(Role.SENCO)
    assert sorted(Assessment.objects.values_list("subject", "band")) == [
        ("english", "at"), ("maths", "at"),
    ]  # fmt: skip
    again = client.get(entry_url(world))
    assert again.context["forms"][0].initial["maths"] == "6"


@time_machine.travel(TODAY, tick=False)
def test_hand_entry_with_a_bad_row_saves_nothing(client, world):
    world.group.pupils.add(world.untaught)
    client.force_login(world.user(Role.SENCO))
    data = entry_data(world.taught) | entry_data(
        world.untaught, sessions_attended="130", english="brilliant", maths_progress="above"
    )
    response = client.post(entry_url(world), data)

    assert response.status_code == 400
    errors = next(f for f in response.context["forms"] if f.pupil == world.untaught).errors
    assert errors["sessions_attended"] == ["Attended (130) cannot be more than possible (120)."]
    assert "not an assessment we recognise" in errors["english"][0]
    assert errors["maths"] == ["Progress is chosen: give the result too."]
    assert not PupilTerm.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_hand_entry_replaces_only_the_pupils_entered(client, world):
    other = PupilFactory(school=world.school)
    make_term(other, AUTUMN, possible=100, attended=100)
    make_term(world.taught, AUTUMN, possible=100, attended=50)
    client.force_login(world.user(Role.SENCO))
    client.post(entry_url(world), entry_data(world.taught))
    assert PupilTerm.objects.get(pupil=world.taught).sessions_attended == 110
    assert PupilTerm.objects.get(pupil=other).sessions_attended == 100


@time_machine.travel(TODAY, tick=False)
def test_hand_entry_queries_do_not_grow_with_the_class(client, world):
    client.force_login(world.user(Role.SENCO))
    add_pupils(world, 1, group=world.group)
    small = count_queries(client, entry_url(world), warm=True)
    add_pupils(world, 12, group=world.group)
    assert count_queries(client, entry_url(world)) == small


@time_machine.travel(TODAY, tick=False)
def test_hand_entry_of_another_schools_class_is_refused(client, world):
    from tests.factories import TeachingGroupFactory

    theirs = TeachingGroupFactory(school=world.other_school)
    theirs.pupils.add(world.elsewhere)
    client.force_login(world.user(Role.SENCO))
    url = reverse("reports:progress_entry") + f"?group={theirs.pk}&term=2025-autumn"
    response = client.post(url, entry_data(world.elsewhere))
    assert response.status_code == 200
    assert "group" in response.context["chooser"].errors
    assert not PupilTerm.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_upload_page_and_result_queries_do_not_grow(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    applied = make_import(world.school, senco, applied=True)
    small_upload = count_queries(client, reverse("reports:progress_import"), warm=True)
    small_result = count_queries(
        client, reverse("reports:progress_import_result", args=[applied.pk])
    )
    for _ in range(8):
        make_import(world.school, senco, applied=True)
    applied.result["errors"] = [
        {"row": n, "column": "UPN", "message": "The UPN is blank.", "upn": "", "name": ""}
        for n in range(2, 30)
    ]
    applied.save()
    assert count_queries(client, reverse("reports:progress_import")) == small_upload
    large, response = get_counting_queries(
        client, reverse("reports:progress_import_result", args=[applied.pk])
    )
    assert large == small_result
    assert "The UPN is blank." in response.content.decode()
