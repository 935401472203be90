"""
Who sees whom: parents and carers, TA support and class teachers.

These rows open pupils' records to parents, TAs and teachers (docs/access.md): the
SENCO and the school administrator keep parent links, only the SENCO gives class
teachers and TA support, nobody gives access to themselves, every change is kept in
history and the access-grants log, and nothing is deleted.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pupils.codes import SenStage
from pupils.models import ParentLink, Pupil, SupportAssignment, TeachingGroup
from sendhub.models import AccessGrant, Grant, Membership, User
from sendhub.roles import Role
from tests.conftest import count_queries, make_member
from tests.factories import (
    ParentLinkFactory,
    PupilFactory,
    SupportAssignmentFactory,
    TeachingGroupFactory,
    UserFactory,
    valid_upn,
)
from tests.pupils.test_import import run
from tests.pupils.test_import_classes_contacts import preview_for, three_pupils

pytestmark = pytest.mark.django_db
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
WEEK_AGO = TODAY - timedelta(days=7)


@pytest.fixture
def other_client():
    """A second browser, for the person whose access the SENCO changes."""
    return Client()


def people_url(pupil):
    return reverse("pupils:people", args=[pupil.pk])


def add_parent(client, pupil, **fields):
    data = {
        "email": "robin.hale@example.test",
        "first_name": "Robin",
        "last_name": "Hale",
        "relationship": "father",
        "parental_responsibility": "on",
        "phone": "07700 900123",
    } | fields
    return client.post(reverse("pupils:parent_add", args=[pupil.pk]), data)


# Reading ---------------------------------------------------------------------------


def test_people_page_lists_parents_with_sign_in_state_and_ta_support(senco_client, world):
    parent = world.user(Role.PARENT)
    link = world.taught.parent_links.get()
    link.phone = "0113 496 0000"
    link.save()
    never = UserFactory(first_name="Nia", last_name="Never")
    ParentLinkFactory(parent=never, pupil=world.taught, relationship="carer",
                      parental_responsibility=False)  # fmt: skip
    User.objects.filter(pk=parent.pk).update(last_login="2026-09-01T09:00:00Z")

    html = senco_client.get(people_url(world.taught)).content.decode()

    assert f"<strong>{parent}</strong> · Mother" in html
    assert "0113 496 0000" in html and "Last signed in 1 Sep 2026" in html
    assert "<strong>Nia Never</strong> · Carer" in html
    assert "No parental responsibility recorded" in html and "Has not signed in yet" in html
    assert f"<strong>{world.user(Role.TEACHING_ASSISTANT)}</strong>" in html
    assert "Add a parent or carer" in html and "Assign a teaching assistant" in html


def test_senior_leader_reads_but_cannot_change(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))

    html = client.get(people_url(world.taught)).content.decode()
    posted = add_parent(client, world.taught)
    group_page = client.get(world.group.get_absolute_url()).content.decode()
    group_post = client.post(world.group.get_absolute_url(), {"teachers": []})

    assert "The SENCO or the school office can change parent links" in html
    assert "Add a parent or carer" not in html and "End link" not in html
    assert posted.status_code == 403 and group_post.status_code == 403
    assert "Save teachers" not in group_page
    assert list(world.group.teachers.all()) == [world.user(Role.TEACHER)]


def test_administrator_manages_without_seeing_sen_data(client, world):
    world.taught.sen_stage = SenStage.EHCP
    world.taught.save()
    client.force_login(world.user(Role.ADMIN))

    people = client.get(people_url(world.taught)).content.decode()
    group_page = client.get(world.group.get_absolute_url()).content.decode()
    classes = client.get(reverse("pupils:classes")).content.decode()

    assert "Add a parent or carer" in people and "EHC plan" not in people
    assert "Assign a teaching assistant" not in people and "The SENCO assigns" in people
    assert "Save teachers" not in group_page and "stage-" not in group_page
    assert ">SEN</abbr>" not in classes


@pytest.mark.parametrize("role", [Role.SENCO, Role.ADMIN])
def test_changes_to_another_schools_records_are_not_found(client, world, role):
    other_link = ParentLinkFactory(pupil=world.elsewhere)
    other_support = SupportAssignmentFactory(pupil=world.elsewhere)
    other_group = TeachingGroupFactory(school=world.other_school)
    other_ta = make_member(Role.TEACHING_ASSISTANT, school=world.other_school)
    client.force_login(world.user(role))

    responses = [
        add_parent(client, world.elsewhere),
        client.post(reverse("pupils:support_add", args=[world.elsewhere.pk]),
                    {"staff": other_ta.pk, "starts_on": TODAY}),
        client.post(reverse("pupils:parent_end", args=[other_link.pk]), {"end_reason": "x"}),
        client.post(reverse("pupils:parent_invite", args=[other_link.pk])),
        client.post(reverse("pupils:support_end", args=[other_support.pk]),
                    {"ends_on": YESTERDAY}),
        client.post(other_group.get_absolute_url(), {"teachers": [world.user(Role.TEACHER).pk]}),
    ]  # fmt: skip

    # The office may not assign TA support anywhere: refused before any lookup.
    refused = 404 if role == Role.SENCO else 403
    assert [r.status_code for r in responses] == [404, refused, 404, 404, refused, 404]
    assert ParentLink.objects.filter(pupil=world.elsewhere).count() == 1
    assert ParentLink.objects.get(pk=other_link.pk).ended_on is None
    assert SupportAssignment.objects.get(pk=other_support.pk).ends_on is None
    assert not other_group.teachers.exists()
    assert mail.outbox == []


# Adding a parent -----------------------------------------------------------------------


def test_adding_a_new_parent_creates_an_account_role_and_link_and_sends_an_invitation(
    senco_client, world
):
    response = add_parent(senco_client, world.untaught, email="Robin.Hale@Example.TEST")

    assert response.status_code == 302 and response["Location"] == people_url(world.untaught)
    parent = User.objects.get(email="robin.hale@example.test")
    assert parent.get_full_name() == "Robin Hale"
    assert parent.has_usable_password() is False
    assert (
        Membership.objects.filter(user=parent, role=Role.PARENT, school=world.school).count() == 1
    )
    link = ParentLink.objects.get(parent=parent)
    assert (link.pupil, link.relationship, link.phone) == (world.untaught, "father", "07700 900123")
    assert link.parental_responsibility is True
    assert link.history.get().history_user == world.user(Role.SENCO)
    assert [m.to for m in mail.outbox] == [["robin.hale@example.test"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    page = senco_client.get(people_url(world.untaught)).content.decode()
    assert "We have emailed robin.hale@example.test to tell them how to sign in" in page


def test_the_new_parent_sees_their_child_and_no_other(other_client, world, senco_client):
    client = other_client
    add_parent(senco_client, world.untaught)
    parent = User.objects.get(email="robin.hale@example.test")
    client.force_login(parent)

    assert client.get(reverse("pupils:detail", args=[world.untaught.pk])).status_code == 200
    assert client.get(reverse("pupils:detail", args=[world.taught.pk])).status_code == 404


def test_an_existing_account_is_found_whatever_the_case_and_not_duplicated(senco_client, world):
    parent = world.user(Role.PARENT)  # already has a password and a parent role here
    users, memberships = User.objects.count(), Membership.objects.count()

    response = add_parent(senco_client, world.untaught, email=parent.email.upper(),
                          first_name="Other", last_name="Name")  # fmt: skip

    assert response.status_code == 302
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert set(parent.children_links.values_list("pupil", flat=True)) == {
        world.taught.pk,
        world.untaught.pk,
    }
    assert User.objects.get(pk=parent.pk).last_name == parent.last_name
    assert [m.to for m in mail.outbox] == [[parent.email]]  # sign in as usual
    assert "/accounts/invitation/" not in mail.outbox[0].body


def test_linking_says_the_same_whether_or_not_the_email_has_an_account(senco_client, world):
    """Nothing in the response tells the school that an address already uses SENDhub."""
    has_account = world.user(Role.PARENT)
    has_account.email = "robin.hale@example.test"
    has_account.save()

    def link_and_read(pupil, email):
        response = add_parent(senco_client, pupil, email=email)
        messages = [str(m) for m in senco_client.get(response["Location"]).context["messages"]]
        return response, messages

    second = PupilFactory(school=world.school, first_name="Second", last_name="Pupil")
    known, known_said = link_and_read(world.untaught, "robin.hale@example.test")
    new, new_said = link_and_read(second, "sam.new@example.test")

    assert known.status_code == new.status_code == 302
    assert known["Location"] == people_url(world.untaught)
    assert new["Location"] == people_url(second)
    swap = {"robin.hale@example.test": "sam.new@example.test", "Untaught": "Second"}
    expected = known_said[0]
    for old, replacement in swap.items():
        expected = expected.replace(old, replacement)
    assert new_said == [expected]
    assert known_said == [
        "Robin Hale is linked to Untaught Pupil. We have emailed robin.hale@example.test to "
        "tell them how to sign in."
    ]
    assert [m.to for m in mail.outbox] == [["robin.hale@example.test"], ["sam.new@example.test"]]


def test_an_imported_parent_without_a_password_is_invited_and_given_the_role(senco_client, world):
    imported = User.objects.create_user("kim.clarke@example.test", first_name="Kim")
    imported.set_unusable_password()
    imported.save()

    add_parent(senco_client, world.untaught, email="kim.clarke@example.test")

    assert Membership.objects.filter(user=imported, role=Role.PARENT, school=world.school).exists()
    assert [m.to for m in mail.outbox] == [["kim.clarke@example.test"]]


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SENCO, Role.TEACHING_ASSISTANT, Role.ADMIN])
def test_an_email_of_current_staff_here_is_refused(senco_client, world, role):
    staff = world.user(role)

    response = add_parent(senco_client, world.untaught, email=staff.email.upper())

    assert response.status_code == 200
    assert "belongs to a member of staff here" in response.context["parent_form"].errors["email"][0]
    assert "use the parent&#x27;s own email address" in response.content.decode()
    assert not ParentLink.objects.filter(pupil=world.untaught).exists()
    assert mail.outbox == []


def test_staff_whose_role_here_has_ended_may_be_linked_as_a_parent(senco_client, world):
    former = make_member(Role.TEACHER, school=world.school, email="former@example.test")
    Membership.objects.filter(user=former).update(ended_on=YESTERDAY)

    response = add_parent(senco_client, world.untaught, email="former@example.test")

    assert response.status_code == 302
    assert ParentLink.objects.filter(parent=former, pupil=world.untaught).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ""}, "email", "Enter the parent's email address."),
        ({"email": "robin at home"}, "email", "Enter an email address like name@example.com."),
        ({"first_name": ""}, "first_name", "Enter the parent's first name."),
        ({"relationship": ""}, "relationship", "Choose how they are related to the pupil."),
        ({"phone": "call me"}, "phone", "Enter a phone number using digits and spaces"),
    ],
)
def test_parent_form_explains_each_mistake(senco_client, world, fields, field, message):
    response = add_parent(senco_client, world.untaught, **fields)

    assert response.status_code == 200
    assert message in response.context["parent_form"].errors[field][0]
    assert not ParentLink.objects.filter(pupil=world.untaught).exists()


def test_a_parent_already_linked_is_not_linked_twice(senco_client, world):
    parent = world.user(Role.PARENT)

    response = add_parent(senco_client, world.taught, email=parent.email)

    assert f"{parent} is already linked to" in response.context["parent_form"].errors["email"][0]
    assert world.taught.parent_links.count() == 1


def test_invitation_can_be_sent_again_until_the_parent_sets_a_password(senco_client, world):
    add_parent(senco_client, world.untaught)
    link = ParentLink.objects.get(pupil=world.untaught)

    response = senco_client.post(reverse("pupils:parent_invite", args=[link.pk]))

    assert response.status_code == 302 and len(mail.outbox) == 2
    link.parent.set_password("now-set-1")
    link.parent.save()
    senco_client.post(reverse("pupils:parent_invite", args=[link.pk]))
    assert len(mail.outbox) == 2


# Ending a link -------------------------------------------------------------------------


def test_ending_a_link_asks_first_then_the_parent_loses_the_child_at_once(
    other_client, senco_client, world
):
    client = other_client
    parent = world.user(Role.PARENT)
    link = world.taught.parent_links.get()
    url = reverse("pupils:parent_end", args=[link.pk])
    client.force_login(parent)
    assert client.get(reverse("portal:child", args=[world.taught.pk])).status_code == 200

    confirm = senco_client.get(url)
    assert "will <strong>no longer see Taught Pupil</strong>" in confirm.content.decode()
    assert ParentLink.objects.get(pk=link.pk).ended_on is None  # a GET changes nothing

    response = senco_client.post(url, {"end_reason": "Court order received 1 Dec."})

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.ended_on, link.end_reason) == (TODAY, "Court order received 1 Dec.")
    latest = link.history.first()
    assert (latest.history_type, latest.history_user) == ("~", world.user(Role.SENCO))
    assert client.get(reverse("portal:child", args=[world.taught.pk])).status_code == 404
    assert client.get(reverse("pupils:detail", args=[world.taught.pk])).status_code == 404
    assert world.taught not in Pupil.objects.visible_to(parent)
    page = senco_client.get(people_url(world.taught)).content.decode()
    assert "Ended links (1)" in page and "Court order received 1 Dec." in page
    profile = senco_client.get(world.taught.get_absolute_url()).content.decode()
    assert str(parent) not in profile.split('id="parents-heading"')[1].split("</section>")[0]


def test_ending_a_link_needs_a_reason_and_cannot_be_done_twice(senco_client, world):
    link = world.taught.parent_links.get()
    url = reverse("pupils:parent_end", args=[link.pk])

    response = senco_client.post(url, {"end_reason": "  "})
    assert "Say why the link is ending" in response.context["form"].errors["end_reason"][0]
    assert ParentLink.objects.get(pk=link.pk).ended_on is None

    senco_client.post(url, {"end_reason": "Made by mistake"})
    assert senco_client.post(url, {"end_reason": "Again"}).status_code == 404
    assert ParentLink.objects.filter(pk=link.pk).exists()  # kept, never deleted


def test_an_ended_parent_can_be_linked_again_as_a_new_link(senco_client, world):
    parent = world.user(Role.PARENT)
    link = world.taught.parent_links.get()
    senco_client.post(reverse("pupils:parent_end", args=[link.pk]), {"end_reason": "Mistake"})

    add_parent(senco_client, world.taught, email=parent.email)

    assert list(world.taught.parent_links.values_list("ended_on", flat=True)) == [TODAY, None]


def test_an_import_does_not_restore_an_ended_link(tmp_path, world):
    pupil = PupilFactory(school=world.school, upn=valid_upn(1), first_name="Zara",
                         last_name="Ahmed")  # fmt: skip
    amina = UserFactory(email="amina.ahmed@example.test")
    ParentLinkFactory(parent=amina, pupil=pupil, ended_on=YESTERDAY, end_reason="Court order")

    preview = preview_for(three_pupils(), world.school)
    code, _out = run(tmp_path, three_pupils(), world.school)

    assert [email for _p, email in preview.links_not_restored] == ["amina.ahmed@example.test"]
    assert not any(link.parent == amina for _p, link in preview.links_kept)
    assert code == 0
    assert list(pupil.parent_links.values_list("parent__email", "ended_on")) == [
        ("amina.ahmed@example.test", YESTERDAY)
    ]


# TA support ----------------------------------------------------------------------------


def test_assigning_a_ta_gives_them_the_pupil_and_ending_it_takes_it_away(
    other_client, senco_client, world
):
    client = other_client
    ta = make_member(Role.TEACHING_ASSISTANT, school=world.school, first_name="Tess")
    detail = reverse("pupils:detail", args=[world.untaught.pk])
    client.force_login(ta)
    assert client.get(detail).status_code == 404

    response = senco_client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": ta.pk, "starts_on": WEEK_AGO.isoformat(), "note": "Literacy support"},
    )

    assert response.status_code == 302
    assignment = SupportAssignment.objects.get(staff=ta)
    assert assignment.history.get().history_user == world.user(Role.SENCO)
    assert client.get(detail).status_code == 200

    end_url = reverse("pupils:support_end", args=[assignment.pk])
    assert "Last day of support" in senco_client.get(end_url).content.decode()
    too_early = senco_client.post(end_url, {"ends_on": "2000-01-01"})
    assert "before support started" in too_early.context["form"].errors["ends_on"][0]
    senco_client.post(end_url, {"ends_on": YESTERDAY.isoformat()})

    assignment.refresh_from_db()
    assert assignment.ends_on == YESTERDAY
    assert client.get(detail).status_code == 404
    assert assignment.history.first().history_user == world.user(Role.SENCO)


def test_ended_support_is_listed_as_past_and_cannot_be_ended_again(senco_client, world):
    assignment = world.taught.support_assignments.get()
    url = reverse("pupils:support_end", args=[assignment.pk])

    senco_client.post(url, {"ends_on": YESTERDAY.isoformat()})

    page = senco_client.get(people_url(world.taught)).content.decode()
    assert "Past support (1)" in page
    assert "No teaching assistant is assigned to Taught Pupil" in page
    assert senco_client.get(url).status_code == 404


def test_support_ending_today_keeps_access_until_the_end_of_the_day(
    other_client, senco_client, world
):
    client = other_client
    assignment = world.taught.support_assignments.get()
    senco_client.post(reverse("pupils:support_end", args=[assignment.pk]), {"ends_on": TODAY})
    client.force_login(world.user(Role.TEACHING_ASSISTANT))

    assert client.get(reverse("pupils:detail", args=[world.taught.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (lambda world: world.user(Role.TEACHER).pk, "Choose a teaching assistant who works"),
        (lambda world: make_member(Role.TEACHING_ASSISTANT, school=world.other_school).pk,
         "Choose a teaching assistant who works"),
        (lambda world: "", "Choose the teaching assistant."),
        (lambda world: world.user(Role.TEACHING_ASSISTANT).pk, "already supports Untaught"),
    ],
)  # fmt: skip
def test_support_form_explains_each_mistake(senco_client, world, who, message):
    SupportAssignmentFactory(staff=world.user(Role.TEACHING_ASSISTANT), pupil=world.untaught,
                             starts_on=date(2025, 9, 1))  # fmt: skip
    before = SupportAssignment.objects.count()

    response = senco_client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": who(world), "starts_on": TODAY.isoformat()},
    )

    assert response.status_code == 200
    assert message in response.context["support_form"].errors["staff"][0]
    assert SupportAssignment.objects.count() == before


def test_support_start_date_must_be_a_date(senco_client, world):
    response = senco_client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": world.user(Role.TEACHING_ASSISTANT).pk, "starts_on": "next week"},
    )
    assert (
        "Enter the date support starts as a date"
        in (response.context["support_form"].errors["starts_on"][0])
    )


# Nobody gives access to themselves; the SENCO gives class teachers and TA support ------


def test_an_administrator_cannot_add_a_class_teacher_or_assign_ta_support(client, world):
    """The escalation the rule stops: give yourself a teaching role, add yourself to a
    class, switch role and read SEN data. The office gives neither class nor support."""
    admin = world.user(Role.ADMIN)
    Membership.objects.create(user=admin, school=world.school, role=Role.TEACHING_ASSISTANT)
    client.force_login(admin)

    to_class = client.post(world.group.get_absolute_url(), {"teachers": [admin.pk]})
    to_pupil = client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": admin.pk, "starts_on": TODAY.isoformat()},
    )

    assert (to_class.status_code, to_pupil.status_code) == (403, 403)
    assert list(world.group.teachers.all()) == [world.user(Role.TEACHER)]
    assert not SupportAssignment.objects.filter(staff=admin).exists()
    assert not AccessGrant.objects.exists()


def test_the_senco_cannot_add_themselves_to_a_class_or_a_pupils_support(senco_client, world):
    senco = world.user(Role.SENCO)
    Membership.objects.create(user=senco, school=world.school, role=Role.TEACHING_ASSISTANT)
    teacher = world.user(Role.TEACHER)

    to_class = senco_client.post(
        world.group.get_absolute_url(), {"teachers": [teacher.pk, senco.pk]}
    )
    to_pupil = senco_client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": senco.pk, "starts_on": TODAY.isoformat()},
    )

    assert "You cannot add yourself" in to_class.context["form"].errors["teachers"][0]
    assert "You cannot assign yourself" in to_pupil.context["support_form"].errors["staff"][0]
    assert list(world.group.teachers.all()) == [teacher]
    assert not SupportAssignment.objects.filter(staff=senco).exists()
    assert not AccessGrant.objects.exists()


def test_a_teacher_already_in_the_class_may_stay_when_someone_else_is_added(senco_client, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    world.group.teachers.add(senco)  # set by someone else earlier
    senior = world.user(Role.SENIOR_LEADER)

    response = senco_client.post(
        world.group.get_absolute_url(), {"teachers": [teacher.pk, senco.pk, senior.pk]}
    )

    assert response.status_code == 302
    assert set(world.group.teachers.all()) == {teacher, senco, senior}


def test_every_class_and_support_change_is_in_the_access_grants_log(senco_client, world):
    senco, teacher, ta = (
        world.user(r) for r in (Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT)
    )
    new = make_member(Role.TEACHER, school=world.school, first_name="Noor", last_name="Khan")

    senco_client.post(world.group.get_absolute_url(), {"teachers": [new.pk]})
    senco_client.post(
        reverse("pupils:support_add", args=[world.untaught.pk]),
        {"staff": ta.pk, "starts_on": "2026-01-05"},
    )
    assignment = SupportAssignment.objects.get(staff=ta, pupil=world.untaught)
    senco_client.post(
        reverse("pupils:support_end", args=[assignment.pk]), {"ends_on": "2026-01-30"}
    )
    add_parent(senco_client, world.untaught)
    link = ParentLink.objects.get(pupil=world.untaught)
    senco_client.post(reverse("pupils:parent_end", args=[link.pk]), {"end_reason": "Mistake"})

    rows = list(AccessGrant.objects.order_by("pk").values_list("by", "to", "what", "detail"))
    assert rows == [
        (senco.pk, new.pk, Grant.CLASS_TEACHER_ADDED, "8 En1"),
        (senco.pk, teacher.pk, Grant.CLASS_TEACHER_REMOVED, "8 En1"),
        (senco.pk, ta.pk, Grant.TA_SUPPORT_ASSIGNED, "Untaught Pupil from 5 January 2026"),
        (senco.pk, ta.pk, Grant.TA_SUPPORT_ENDED, "Untaught Pupil, last day 30 January 2026"),
        (senco.pk, link.parent_id, Grant.ROLE_GIVEN, "Parent or carer"),
        (senco.pk, link.parent_id, Grant.PARENT_LINKED, "Untaught Pupil (father)"),
        (senco.pk, link.parent_id, Grant.PARENT_LINK_ENDED, "Untaught Pupil"),
    ]


# Classes -------------------------------------------------------------------------------


def test_classes_page_lists_this_schools_groups_with_teachers_and_counts(senco_client, world):
    form = TeachingGroupFactory(school=world.school, name="9B", kind="form", year_group=9)
    on_register = PupilFactory(school=world.school, sen_stage=SenStage.SEN_SUPPORT)
    world.group.pupils.add(on_register)
    TeachingGroupFactory(school=world.other_school, name="Elsewhere 8X")

    response = senco_client.get(reverse("pupils:classes"))
    groups = {g.name: g for g in response.context["page"]}

    assert set(groups) == {"8 En1", "9B"}
    assert (groups["8 En1"].pupil_count, groups["8 En1"].sen_count) == (2, 1)
    assert str(world.user(Role.TEACHER)) in response.content.decode()
    assert "comes from the MIS import" in response.content.decode()
    forms_only = senco_client.get(reverse("pupils:classes"), {"kind": "form"})
    assert [g.name for g in forms_only.context["page"]] == [form.name]
    year_9 = senco_client.get(
        reverse("pupils:classes"), {"year_group": "9"}, HTTP_HX_REQUEST="true"
    )
    html = year_9.content.decode()
    assert ">9B</a>" in html and "8 En1" not in html
    assert "<h1" not in html  # htmx gets only the results


def test_classes_page_shows_50_a_page_and_keeps_the_filters_in_the_page_links(senco_client, world):
    for number in range(60):
        TeachingGroupFactory(school=world.school, name=f"9 Ma{number:02}", year_group=9)
    url = reverse("pupils:classes")

    first = senco_client.get(url, {"year_group": "9"})
    html = first.content.decode()
    assert len(first.context["page"]) == 50
    assert "60 forms and classes · page 1 of 2" in html
    assert 'href="?year_group=9&amp;page=2"' in html
    assert 'hx-get="?year_group=9&amp;page=2"' in html
    assert ">9 Ma00</a>" in html and "9 Ma50" not in html

    second = senco_client.get(url, {"year_group": "9", "page": "2"}, HTTP_HX_REQUEST="true")
    html = second.content.decode()
    assert ">9 Ma50</a>" in html and ">9 Ma59</a>" in html and "9 Ma49" not in html
    assert 'href="?year_group=9&amp;page=1"' in html and "<h1" not in html
    assert "8 En1" not in html  # the year filter still applies on page 2


def test_changing_class_teachers_moves_access_and_keeps_history(other_client, senco_client, world):
    client = other_client
    old = world.user(Role.TEACHER)
    new = make_member(Role.TEACHER, school=world.school, first_name="Noor", last_name="Khan")
    detail = reverse("pupils:detail", args=[world.taught.pk])

    response = senco_client.post(world.group.get_absolute_url(), {"teachers": [new.pk]})

    assert response.status_code == 302
    assert list(world.group.teachers.all()) == [new]
    client.force_login(new)
    assert client.get(detail).status_code == 200
    client.force_login(old)
    assert client.get(detail).status_code == 404
    before, after = world.group.history.order_by("-history_id")[:2][::-1]
    assert after.history_change_reason == "Teachers changed"
    assert after.history_user == world.user(Role.SENCO)
    assert list(before.teachers.values_list("user_id", flat=True)) == [old.pk]
    assert list(after.teachers.values_list("user_id", flat=True)) == [new.pk]
    page = senco_client.get(world.group.get_absolute_url()).content.decode()
    assert f"added {new}; removed {old}" in page


def test_first_change_to_an_imported_class_keeps_the_teachers_it_had(senco_client, world):
    """Imported classes have no history: the teachers before the change are kept first."""
    group = TeachingGroup.objects.bulk_create(
        [TeachingGroup(school=world.school, name="8 Ma1", kind="class", year_group=8)]
    )[0]
    old = world.user(Role.TEACHER)
    group.teachers.through.objects.create(teachinggroup=group, user=old)

    senior = world.user(Role.SENIOR_LEADER)
    senco_client.post(group.get_absolute_url(), {"teachers": [senior.pk]})

    history = list(group.history.order_by("history_id"))
    assert [h.history_change_reason for h in history] == [
        "Teachers before the first change in SENDhub",
        "Teachers changed",
    ]
    assert [list(h.teachers.values_list("user_id", flat=True)) for h in history] == [
        [old.pk],
        [senior.pk],
    ]
    page = senco_client.get(group.get_absolute_url()).content.decode()
    assert f"teachers were {old}" in page


def test_class_teachers_are_chosen_from_current_teaching_staff_here(senco_client, world):
    senior = world.user(Role.SENIOR_LEADER)
    former = make_member(Role.TEACHER, school=world.school)
    Membership.objects.filter(user=former).update(ended_on=YESTERDAY)
    elsewhere = make_member(Role.TEACHER, school=world.other_school)

    form = senco_client.get(world.group.get_absolute_url()).context["form"]
    choices = set(form.fields["teachers"].queryset)

    assert choices == {world.user(Role.TEACHER), world.user(Role.SENCO), senior}
    for wrong in (world.user(Role.TEACHING_ASSISTANT), former, elsewhere, world.user(Role.PARENT)):
        response = senco_client.post(world.group.get_absolute_url(), {"teachers": [wrong.pk]})
        assert (
            "Choose teachers who work at this school."
            in response.context["form"].errors["teachers"][0]
        )
    assert list(world.group.teachers.all()) == [world.user(Role.TEACHER)]


def test_class_page_warns_about_a_teacher_whose_role_has_ended(senco_client, world):
    Membership.objects.filter(user=world.user(Role.TEACHER)).update(ended_on=YESTERDAY)

    html = senco_client.get(world.group.get_absolute_url()).content.decode()

    assert "no longer holds a teaching role here" in html


def test_class_page_lists_pupils_on_roll_and_says_the_mis_owns_them(senco_client, world):
    leaver = PupilFactory(school=world.school, left_on=date(2025, 7, 20), last_name="Gone")
    world.group.pupils.add(leaver)

    response = senco_client.get(world.group.get_absolute_url())

    assert list(response.context["pupils"]) == [world.taught]
    assert "comes from the school's MIS" in response.content.decode()


# Query counts --------------------------------------------------------------------------


def enrich_pupil(world, pupil, times):
    for _ in range(times):
        ParentLinkFactory(pupil=pupil)
        ParentLinkFactory(pupil=pupil, ended_on=YESTERDAY, end_reason="Moved away")
        ta = make_member(Role.TEACHING_ASSISTANT, school=world.school)
        SupportAssignmentFactory(pupil=pupil, staff=ta)
        SupportAssignmentFactory(pupil=pupil, staff=ta, starts_on=date(2023, 9, 1),
                                 ends_on=date(2024, 7, 20))  # fmt: skip


@pytest.mark.parametrize("url_name", ["pupils:people", "pupils:detail"])
def test_people_and_profile_pages_do_not_grow(senco_client, world, url_name):
    url = reverse(url_name, args=[world.taught.pk])
    senco_client.get(url)
    small = count_queries(senco_client, url)
    enrich_pupil(world, world.taught, 8)
    assert count_queries(senco_client, url) == small


def add_classes(world, count):
    teachers = [make_member(Role.TEACHER, school=world.school) for _ in range(2)]
    for _ in range(count):
        group = TeachingGroupFactory(school=world.school)
        group.teachers.add(*teachers)
        group.pupils.add(PupilFactory(school=world.school, sen_stage=SenStage.SEN_SUPPORT))


def test_classes_page_does_not_grow(senco_client, world):
    url = reverse("pupils:classes")
    add_classes(world, 1)
    senco_client.get(url)
    small = count_queries(senco_client, url)
    add_classes(world, 55)  # past one page of 50: a page of rows costs the same queries
    assert count_queries(senco_client, url) == small


def test_class_page_does_not_grow(senco_client, world):
    url = world.group.get_absolute_url()
    senco_client.get(url)
    small = count_queries(senco_client, url)
    for _ in range(6):
        world.group.pupils.add(PupilFactory(school=world.school))
        teacher = make_member(Role.TEACHER, school=world.school)
        senco_client.post(url, {"teachers": [teacher.pk, world.user(Role.TEACHER).pk]})
    assert count_queries(senco_client, url) == small
