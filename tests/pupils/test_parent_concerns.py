"""A parent tells the school about a worry about their own child.

The worry becomes a Concern in the SENCO's triage queue, marked as from a
parent; the parent sees a plain status and never the SENCO's working.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.identification.workflow import decide_concern, send_round_robin
from pupils.models import (
    Concern,
    ConcernEvidence,
    ConcernView,
    ObservationNote,
    RoundRobinResponse,
)
from sendhub.roles import Role
from tests.conftest import count_queries, make_member
from tests.factories import ParentLinkFactory, PupilFactory
from tests.pupils.concern_data import PDF, raise_concern
from tests.upload_files import picture

NOTICED = "She cries before school on Mondays and says the words move when she reads."


def worry_url(pupil):
    return reverse("portal:concern_raise", args=[pupil.pk])


def post_worry(client, child, **extra):
    data = {
        "noticed": NOTICED,
        "places": ["home", "homework"],
        "places_other": "At swimming club",
        "suspected_areas": ["CL", "unsure"],
        "tried_already": "Reading together with a ruler under the line.",
    } | extra
    return client.post(worry_url(child), data)


@pytest.fixture
def parent(world, client):
    client.force_login(world.user(Role.PARENT))
    return world.user(Role.PARENT)


# Raising a worry ----------------------------------------------------------------


def test_parent_raises_a_worry_that_reaches_the_senco_queue_marked_as_from_a_parent(
    client, world, parent, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("homework.png", picture("PNG"), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_worry(client, world.taught, attachment=photo)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:concerns")
    concern = Concern.objects.get()
    assert concern.pupil == world.taught
    assert concern.raised_by == parent
    assert concern.raised_by_parent is True
    assert concern.status == Concern.Status.NEW
    assert concern.noticed == NOTICED
    assert concern.contexts == "At home, With homework, At swimming club"
    assert concern.suspected_areas == ["CL"]  # "I am not sure" is not stored
    assert concern.tried_already.startswith("Reading together")
    assert concern.attachment.name.endswith(".png")
    assert concern.history.count() == 1

    # The SENCO is emailed, as for a staff concern, without naming the child or parent.
    assert [m.to for m in mail.outbox] == [[world.user(Role.SENCO).email]]
    body = mail.outbox[0].body
    assert body.startswith("A parent raised a concern about a pupil in year 8.")
    assert "Taught" not in body and parent.last_name not in body
    assert reverse("pupils:concern_detail", args=[concern.pk]) in body

    # ...and sees it in the queue and the nav count, marked as from a parent.
    client.force_login(world.user(Role.SENCO))
    queue = client.get(reverse("pupils:concern_queue"))
    assert queue.context["concerns_to_triage"] == 1
    assert "Raised by a parent" in queue.content.decode()
    detail = client.get(concern.get_absolute_url()).content.decode()
    assert "Raised by a parent" in detail
    assert "What helps (parent)" in detail
    assert "At swimming club" in detail


def test_a_staff_concern_is_not_marked_as_from_a_parent(client, world):
    raise_concern(world.taught, world.user(Role.TEACHER))
    client.force_login(world.user(Role.SENCO))
    assert "Raised by a parent" not in client.get(reverse("pupils:concern_queue")).content.decode()


def test_the_form_names_the_child_and_does_not_ask_which_child(client, world, parent):
    response = client.get(worry_url(world.taught))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Taught Pupil" in html
    assert 'name="pupil"' not in html
    assert "What have you noticed?" in html


def test_everything_but_what_was_noticed_is_optional(client, world, parent):
    response = client.post(worry_url(world.taught), {"noticed": "Very tired after school."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.contexts, concern.suspected_areas, concern.tried_already) == ("", [], "")


# Scope --------------------------------------------------------------------------


def test_another_familys_child_is_not_found_and_nothing_is_saved(client, world, parent):
    for pupil in (world.untaught, world.elsewhere):
        assert client.get(worry_url(pupil)).status_code == 404
        assert post_worry(client, pupil).status_code == 404
    assert not Concern.objects.exists()
    assert mail.outbox == []


def test_a_pupil_field_in_the_post_cannot_move_the_worry_to_another_child(client, world, parent):
    assert post_worry(client, world.taught, pupil=world.untaught.pk).status_code == 302
    assert Concern.objects.get().pupil == world.taught


def test_a_child_who_has_left_is_not_found(client, world, parent):
    world.taught.left_on = date(2024, 12, 31)
    world.taught.save()
    assert client.get(worry_url(world.taught)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "pupils:concern_raise",
        "pupils:concern_mine",
        "pupils:concern_queue",
        "pupils:concern_detail",
        "pupils:concern_attachment",
    ],
)
def test_staff_concern_pages_are_forbidden_to_a_parent_even_for_their_own_worry(
    client, world, parent, name
):
    post_worry(client, world.taught, attachment=SimpleUploadedFile("letter.pdf", PDF))
    concern = Concern.objects.get()
    with_pk = name in {"pupils:concern_detail", "pupils:concern_attachment"}
    url = reverse(name, args=[concern.pk] if with_pk else None)
    assert client.get(url).status_code == 403


def test_staff_cannot_use_the_parent_form(client, world):
    client.force_login(world.user(Role.TEACHER))
    assert post_worry(client, world.taught).status_code == 403
    assert not Concern.objects.exists()


# Validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"noticed": ""}, "noticed", "Please tell us what you have noticed."),
        ({"noticed": "x" * 3001}, "noticed", "Please make this shorter (up to 3,000 letters)."),
        ({"places_other": "y" * 151}, "places_other", "up to 150 letters"),
        ({"places": ["the moon"]}, "places", "Select a valid choice"),
    ],
)
def test_problems_are_explained_next_to_the_field(client, world, parent, data, field, message):
    response = post_worry(client, world.taught, **data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("game.exe", b"MZ...", "Attach a document or a photo"),
        ("photo.jpg", b"MZ this is a program", "is called .jpg but is not a JPEG photo"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ],
)
def test_attachments_are_checked_like_the_staff_form(client, world, parent, name, content, message):
    response = post_worry(client, world.taught, attachment=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Concern.objects.exists()


# The parent's list --------------------------------------------------------------


def decided(concern, senco, decision, **extra):
    return decide_concern(
        concern=concern,
        decision=decision,
        rationale="Internal: mum seemed stressed at the meeting.",
        decided_by=senco,
        **extra,
    )


def test_parent_list_shows_plain_statuses_and_none_of_the_senco_working(client, world, parent):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    new = raise_concern(world.taught, parent, raised_by_parent=True, noticed="New worry")
    looking = raise_concern(world.taught, parent, raised_by_parent=True, noticed="Second worry")
    ConcernEvidence.objects.create(
        concern=looking,
        source="observation",
        status="in",
        note="EVIDENCE NOTE: off task",
        updated_by=senco,
    )
    ObservationNote.objects.create(
        concern=looking,
        observed_on=date(2025, 10, 1),
        setting="English",
        note="OBSERVATION: wrote two lines",
        observed_by=senco,
    )
    ConcernView.objects.create(
        concern=looking,
        whose="parent",
        gathered_on=date(2025, 10, 1),
        method="phone",
        summary="VIEWS: said homework is a battle",
        recorded_by=senco,
    )
    for asked in send_round_robin(concern=looking, sent_by=senco):
        RoundRobinResponse.objects.create(
            request=asked, level="some", difficulties="ROUND ROBIN: slow to start"
        )
    looking.status = Concern.Status.AWAITING_EVIDENCE
    looking.save()
    done = raise_concern(world.taught, parent, raised_by_parent=True, noticed="Third worry")
    decided(done, senco, Concern.Decision.MONITOR, look_again_on=date.today() + timedelta(days=30))
    staff_concern = raise_concern(world.taught, teacher, noticed="TEACHER'S OWN CONCERN")

    response = client.get(reverse("portal:concerns"))
    html = response.content.decode()
    assert [c.pk for c in response.context["concerns"]] == [done.pk, looking.pk, new.pk]
    assert "The SENCO has received this" in html
    assert "The school is looking into this" in html
    assert "Decided: the school will keep an eye on how things go" in html
    for secret in (
        "EVIDENCE NOTE",
        "OBSERVATION",
        "VIEWS:",
        "ROUND ROBIN",
        "Internal: mum",
        "TEACHER&#x27;S OWN CONCERN",
        "Awaiting evidence",
        senco.last_name,
        teacher.last_name,
    ):
        assert secret not in html, secret
    assert staff_concern.pk not in [c.pk for c in response.context["concerns"]]


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (Concern.Decision.NO_FURTHER_ACTION, "Decided: no extra help is needed for now"),
        (Concern.Decision.SEN_SUPPORT, "Decided: your child will get extra help at school"),
        (Concern.Decision.EHC_REQUEST, "Decided: the school will ask the council for an EHC"),
    ],
)
def test_each_decision_has_plain_words_for_the_parent(world, decision, words):
    concern = raise_concern(world.taught, world.user(Role.PARENT), raised_by_parent=True)
    decided(concern, world.user(Role.SENCO), decision, needs=["SPLD"])
    concern.refresh_from_db()
    assert concern.status_for_parent.startswith(words)


def test_parent_does_not_see_worries_from_another_family_or_about_a_child_no_longer_theirs(
    client, world, parent
):
    other_parent = make_member(Role.PARENT, school=world.school)
    ParentLinkFactory(parent=other_parent, pupil=world.untaught)
    raise_concern(world.untaught, other_parent, raised_by_parent=True, noticed="OTHER FAMILY")
    response = client.get(reverse("portal:concerns"))
    assert "OTHER FAMILY" not in response.content.decode()
    assert "You have not told us about any worries yet." in response.content.decode()


def test_parent_with_two_children_gets_a_button_for_each(client, world, parent):
    second = PupilFactory(school=world.school, first_name="Second", last_name="Child")
    ParentLinkFactory(parent=parent, pupil=second)
    html = client.get(reverse("portal:concerns")).content.decode()
    assert worry_url(world.taught) in html and worry_url(second) in html
    assert "Tell us about a worry about Second" in html
    home = client.get(reverse("reports:home")).content.decode()
    assert worry_url(second) in home and reverse("portal:concerns") in home


def test_the_portal_child_page_links_to_the_worry_form(client, world, parent):
    html = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert worry_url(world.taught) in html
    assert reverse("portal:concerns") in html


# Query counts -------------------------------------------------------------------


def grow(world, parent, n):
    """n more children of this parent, each with a worry in a different state."""
    senco = world.user(Role.SENCO)
    for index in range(n):
        child = PupilFactory(school=world.school)
        ParentLinkFactory(parent=parent, pupil=child)
        concern = raise_concern(child, parent, raised_by_parent=True)
        if index % 2:
            decided(concern, senco, Concern.Decision.NO_FURTHER_ACTION)


def test_parent_list_queries_do_not_grow(client, world, parent):
    grow(world, parent, 1)
    url = reverse("portal:concerns")
    client.get(url)
    small = count_queries(client, url)
    grow(world, parent, 6)
    assert count_queries(client, url) == small


def test_parent_form_queries_do_not_grow(client, world, parent):
    grow(world, parent, 1)
    url = worry_url(world.taught)
    client.get(url)
    small = count_queries(client, url)
    grow(world, parent, 6)
    assert count_queries(client, url) == small
