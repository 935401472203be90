"""Schools and people: add people, give and end roles, invitations and password resets.
Roles follow docs/access.md; ended roles are kept, never deleted, and grant nothing
(least privilege, an audit trail of changes)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from sendhub.accounts.invitations import invitation_token_generator
from sendhub.models import AccessGrant, Grant, Membership, User
from sendhub.roles import ROLE_PERMISSIONS, Role
from tests.conftest import count_queries, make_member
from tests.factories import MembershipFactory, SchoolFactory, TrustFactory, UserFactory

pytestmark = pytest.mark.django_db
PEOPLE = reverse("sendhub:people")
ADD = reverse("sendhub:person_add")
MANAGERS = {Role.SENIOR_LEADER, Role.ADMIN}
NEW_PASSWORD = "Kestrel-harbour-29"


def person_url(user):
    return reverse("sendhub:person", args=[user.pk])


def end_url(membership):
    return reverse("sendhub:role_end", args=[membership.user_id, membership.pk])


def add(client, **changes):
    data = {
        "email": "Sam.Okafor@Oakfield.sch.uk",
        "first_name": "Sam",
        "last_name": "Okafor",
        "role": Role.TEACHING_ASSISTANT,
        "job_title": "HLTA",
    } | changes
    return client.post(ADD, data)


def link_in(message):
    match = re.search(r"https?://[^\s/]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def choose_password(client, link, password=NEW_PASSWORD):
    """Follow an emailed link and choose a password, as a person would."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    return client.post(set_url, {"new_password1": password, "new_password2": password})


# Who may manage people ------------------------------------------------------------------


def test_only_administrators_and_senior_leaders_hold_manage_people():
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if "sendhub.manage_people" in perms}
    assert holders == MANAGERS


@pytest.mark.parametrize("role", list(Role))
def test_people_pages_are_for_administrators_and_senior_leaders(client, world, role):
    client.force_login(world.user(role))
    expected = 200 if role in MANAGERS else 403
    assert client.get(PEOPLE).status_code == expected
    assert client.get(person_url(world.user(Role.TEACHER))).status_code == expected
    response = add(client)
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert User.objects.filter(email="sam.okafor@oakfield.sch.uk").exists() is (role in MANAGERS)


def test_people_page_lists_this_schools_people_with_roles_and_sign_in_state(client, world):
    invited = make_member(Role.PARENT, school=world.school, first_name="Ivy", last_name="Invited")
    invited.set_unusable_password()
    invited.save()
    elsewhere = make_member(Role.TEACHER, school=world.other_school, first_name="Elsie")
    world.user(Role.TEACHER).memberships.update(job_title="Year 4")
    client.force_login(world.user(Role.ADMIN))

    page = client.get(PEOPLE).content.decode()

    assert "Ivy Invited" in page
    assert "No password set yet" in page
    assert "Year 4" in page
    assert "Not signed in yet" in page  # has a password, never signed in
    assert elsewhere.email not in page
    assert world.user(Role.TRUST_LEAD).email not in page  # a trust role, not this school's


def test_people_page_filters_by_role_and_searches_name_or_email(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    by_role = client.get(PEOPLE, {"role": Role.TEACHING_ASSISTANT}).content.decode()
    assert world.user(Role.TEACHING_ASSISTANT).email in by_role
    assert world.user(Role.TEACHER).email not in by_role

    teacher = world.user(Role.TEACHER)
    by_email = client.get(PEOPLE, {"q": teacher.email.upper()}).content.decode()
    assert teacher.email in by_email
    assert world.user(Role.SENCO).email not in by_email
    by_name = client.get(PEOPLE, {"q": f"{teacher.first_name} {teacher.last_name}"})
    assert teacher.email in by_name.content.decode()


def test_people_page_is_paginated(client, world):
    for _ in range(30):
        make_member(Role.PARENT, school=world.school)
    client.force_login(world.user(Role.ADMIN))
    first = client.get(PEOPLE)
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 30 + len(Role) - 1  # no trust lead
    assert len(client.get(PEOPLE, {"page": 2}).context["page"].object_list) == 12


def test_ended_people_drop_off_the_people_page(client, world):
    teacher = world.user(Role.TEACHER)
    teacher.memberships.get().end(reason="Left the school")
    client.force_login(world.user(Role.ADMIN))
    assert teacher.email not in client.get(PEOPLE).content.decode()
    assert client.get(person_url(teacher)).status_code == 200  # their record is kept


def test_person_at_another_school_is_not_found(client, world):
    elsewhere = make_member(Role.TEACHER, school=world.other_school)
    membership = elsewhere.memberships.get()
    client.force_login(world.user(Role.ADMIN))
    assert client.get(person_url(elsewhere)).status_code == 404
    assert client.get(end_url(membership)).status_code == 404
    assert client.post(end_url(membership)).status_code == 404
    invite = client.post(reverse("sendhub:person_invite", args=[elsewhere.pk]))
    assert invite.status_code == 404
    assert Membership.objects.current().filter(pk=membership.pk).exists()


def test_a_role_at_this_school_does_not_open_another_schools_people(client, world):
    """Acting as administrator of one school, never of another the person belongs to."""
    admin = world.user(Role.ADMIN)
    MembershipFactory(user=admin, school=world.other_school, role=Role.TEACHER)
    elsewhere = make_member(Role.PARENT, school=world.other_school)
    client.force_login(admin)
    assert elsewhere.email not in client.get(PEOPLE).content.decode()


# Adding a person and the invitation -----------------------------------------------------


def test_adding_a_person_creates_them_here_and_emails_an_invitation(client, world):
    admin = world.user(Role.ADMIN)
    client.force_login(admin)

    response = add(client)

    person = User.objects.get(email="sam.okafor@oakfield.sch.uk")
    assert response["Location"] == PEOPLE
    assert person.has_usable_password() is False
    membership = person.memberships.get()
    assert (membership.school, membership.role, membership.job_title) == (
        world.school,
        Role.TEACHING_ASSISTANT,
        "HLTA",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam.okafor@oakfield.sch.uk"]
    assert "Oakfield Academy" in message.subject
    assert "Oakfield Academy has invited you to SENDhub" in message.body
    assert f"for {settings.SENDHUB_INVITATION_TIMEOUT // 86400} days" in message.body
    history = membership.history.get()
    assert (history.history_type, history.history_user) == ("+", admin)


# Someone who already uses SENDhub at another school or trust (docs/access.md) -----------


def flash(response, client):
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


@pytest.mark.parametrize("same_trust", [True, False])
def test_adding_an_email_used_elsewhere_looks_the_same_as_a_new_one(client, world, same_trust):
    """Nothing tells the school that the email has an account elsewhere, and no role is
    given until its owner accepts."""
    elsewhere = SchoolFactory(trust=world.school.trust if same_trust else TrustFactory())
    outsider = make_member(Role.SENCO, school=elsewhere, email="kim.lee@elsewhere.sch.uk")
    client.force_login(world.user(Role.ADMIN))

    new = add(client, email="new.person@oakfield.sch.uk", first_name="Kim", last_name="Lee")
    said_new = flash(new, client)
    known = add(client, email="Kim.Lee@Elsewhere.sch.uk", first_name="Kim", last_name="Lee")
    said_known = flash(known, client)

    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"] == PEOPLE
    assert said_new == [m.replace("kim.lee@elsewhere", "new.person@oakfield") for m in said_known]
    assert not outsider.memberships.filter(school=world.school).exists()
    assert [m.to for m in mail.outbox] == [["new.person@oakfield.sch.uk"], [outsider.email]]
    assert "would like to give you the role teaching assistant" in mail.outbox[1].body


def test_the_owner_accepts_the_offered_role_and_the_grant_is_logged(client, world):
    other = SchoolFactory(trust=TrustFactory())
    outsider = make_member(Role.TEACHER, school=other, email="kim.lee@elsewhere.sch.uk")
    admin = world.user(Role.ADMIN)
    client.force_login(admin)
    add(client, email=outsider.email, role=Role.TEACHER, job_title="Year 4")
    link = link_in(mail.outbox[0])

    assert client.get(link).status_code == 404  # only the account's owner may accept
    client.force_login(outsider)
    assert "Join Oakfield Academy as teacher?" in client.get(link).content.decode()
    accepted = client.post(link)

    assert accepted.status_code == 302
    membership = outsider.memberships.current().get(school=world.school)
    assert (membership.role, membership.job_title) == (Role.TEACHER, "Year 4")
    grant = AccessGrant.objects.get(to=outsider)
    assert (grant.by, grant.what, grant.school) == (admin, Grant.ROLE_GIVEN, world.school)
    again = client.post(link)
    assert "This link has stopped working" in again.content.decode()
    assert outsider.memberships.filter(school=world.school).count() == 1


def test_an_offer_lapses_with_the_invitation_timeout(client, world):
    outsider = make_member(Role.TEACHER, school=SchoolFactory(), email="kim@elsewhere.sch.uk")
    client.force_login(world.user(Role.ADMIN))
    add(client, email=outsider.email)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.force_login(outsider)
        assert client.post(link).status_code == 404
    assert not outsider.memberships.filter(school=world.school).exists()


def test_invitation_link_lets_the_person_choose_a_password_and_sign_in(client, world):
    client.force_login(world.user(Role.ADMIN))
    add(client)
    link = link_in(mail.outbox[0])
    client.logout()

    response = choose_password(client, link)

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:home")
    person = User.objects.get(email="sam.okafor@oakfield.sch.uk")
    assert int(client.session["_auth_user_id"]) == person.pk  # signed in straight away
    home = client.get(reverse("reports:home"))
    assert home.status_code == 200
    assert "Your password is saved and you are signed in." in home.content.decode()
    client.logout()
    signed_in = client.post(
        reverse("login"), {"username": "SAM.OKAFOR@oakfield.sch.uk", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    # The link works once.
    assert "This link has stopped working" in client.get(link, follow=True).content.decode()


def test_invitation_link_expires_after_the_reset_timeout(client, world):
    assert settings.SENDHUB_INVITATION_TIMEOUT == 7 * 24 * 60 * 60
    client.force_login(world.user(Role.ADMIN))
    add(client)
    link = link_in(mail.outbox[0])
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = client.get(link, follow=True).content.decode()
    assert "This link has stopped working" in page
    assert "ask for a new link" in page


def test_invalid_token_shows_a_clear_message_and_sets_nothing(client, world):
    teacher = world.user(Role.TEACHER)
    uid = urlsafe_base64_encode(force_bytes(teacher.pk))
    url = reverse("set_password", kwargs={"uidb64": uid, "token": "not-a-real-token"})
    page = client.get(url)
    assert page.status_code == 200
    assert "This link has stopped working" in page.content.decode()
    client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD) is False


def test_weak_password_is_refused_with_a_clear_message(client, world):
    teacher = world.user(Role.TEACHER)
    token = invitation_token_generator.make_token(teacher)
    uid = urlsafe_base64_encode(force_bytes(teacher.pk))
    response = choose_password(
        client, reverse("set_password", kwargs={"uidb64": uid, "token": token}), "12345678"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in page
    assert "This password is entirely numeric." in page
    teacher.refresh_from_db()
    assert teacher.check_password("12345678") is False
    different = client.post(
        response.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "The two passwords are different. Type it again." in different.content.decode()


def test_email_is_matched_in_any_case_and_an_existing_person_is_reused(client, world):
    teacher = world.user(Role.TEACHER)
    client.force_login(world.user(Role.ADMIN))

    add(client, email=teacher.email.upper(), first_name="Other", role=Role.PARENT)

    assert User.objects.filter(email__iexact=teacher.email).count() == 1
    assert set(teacher.memberships.values_list("role", flat=True)) == {Role.TEACHER, Role.PARENT}
    teacher.refresh_from_db()
    assert teacher.first_name != "Other"  # their own name is not overwritten
    assert mail.outbox == []  # they already have a password


def test_adding_a_role_they_already_hold_changes_nothing(client, world):
    teacher = world.user(Role.TEACHER)
    client.force_login(world.user(Role.ADMIN))

    response = add(client, email=teacher.email, role=Role.TEACHER, job_title="Changed")

    assert response.status_code == 200
    assert f"{teacher} already has the role teacher at Oakfield Academy" in (
        response.content.decode()
    )
    assert "Nothing was changed." in response.content.decode()
    assert teacher.memberships.get().job_title == ""
    assert mail.outbox == []


def test_trust_lead_cannot_be_given_and_missing_answers_are_named(client, world):
    client.force_login(world.user(Role.ADMIN))
    response = add(client, role=Role.TRUST_LEAD, first_name="", email="not-an-email")
    page = response.content.decode()
    assert "Choose one of the roles listed." in page
    assert "Enter their first name." in page
    assert "Enter an email address like name@school.sch.uk." in page
    assert not User.objects.filter(first_name="Sam").exists()


def test_resend_invitation_only_to_someone_without_a_password(client, world):
    invited = make_member(Role.PARENT, school=world.school)
    invited.set_unusable_password()
    invited.save()
    client.force_login(world.user(Role.ADMIN))

    client.post(reverse("sendhub:person_invite", args=[invited.pk]))
    client.post(reverse("sendhub:person_invite", args=[world.user(Role.TEACHER).pk]))

    assert [message.to for message in mail.outbox] == [[invited.email]]
    assert client.get(reverse("sendhub:person_invite", args=[invited.pk])).status_code == 405


# Giving and ending roles ----------------------------------------------------------------


def test_give_another_role_on_the_person_page(client, world):
    ta = world.user(Role.TEACHING_ASSISTANT)
    client.force_login(world.user(Role.SENIOR_LEADER))
    response = client.post(person_url(ta), {"role": Role.PARENT, "job_title": ""})
    assert response.status_code == 302
    assert ta.memberships.current().filter(role=Role.PARENT, school=world.school).exists()
    again = client.post(person_url(ta), {"role": Role.PARENT})
    assert "already has the role parent or carer" in again.content.decode()
    assert ta.memberships.filter(role=Role.PARENT).count() == 1


@pytest.mark.parametrize("role", [Role.SENCO, Role.SENIOR_LEADER])
def test_an_administrator_cannot_give_roles_that_open_every_sen_file(client, world, role):
    """Least privilege (docs/access.md): only a senior leader makes someone a SENCO or
    senior leader, so an administrator cannot give themselves the full SEN file."""
    admin = world.user(Role.ADMIN)
    client.force_login(admin)
    refused = add(client, role=role)
    assert refused.status_code == 200
    assert "Only a senior leader can give the SENCO or senior leader role" in (
        refused.content.decode()
    )
    assert not User.objects.filter(email="sam.okafor@oakfield.sch.uk").exists()
    on_self = client.post(person_url(admin), {"role": role})
    assert on_self.context["form"].errors["role"][0].startswith("Choose one of the roles listed")
    assert not admin.memberships.filter(role=role).exists()
    offered = [value for value, _ in client.get(ADD).context["form"].fields["role"].choices]
    assert role not in offered and Role.TEACHER in offered
    assert len(mail.outbox) == 0


def test_a_senior_leader_can_give_the_senco_role(client, world):
    client.force_login(world.user(Role.SENIOR_LEADER))
    assert add(client, role=Role.SENCO).status_code == 302
    person = User.objects.get(email="sam.okafor@oakfield.sch.uk")
    assert person.memberships.current().get().role == Role.SENCO


def test_ending_a_role_asks_first_then_keeps_the_row_with_history(client, world):
    teacher = world.user(Role.TEACHER)
    membership = teacher.memberships.get()
    admin = world.user(Role.ADMIN)
    client.force_login(admin)

    confirm = client.get(end_url(membership))
    assert f"End {teacher}’s role as teacher?" in confirm.content.decode()
    assert Membership.objects.current().filter(pk=membership.pk).exists()  # GET changes nothing

    response = client.post(end_url(membership), {"reason": "Left at Easter"})

    assert response["Location"] == person_url(teacher)
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate()
    last = membership.history.latest()
    assert (last.history_user, last.history_change_reason) == (admin, "Left at Easter")
    page = client.get(person_url(teacher)).content.decode()
    assert "Role teacher ended" in page
    assert "Left at Easter" in page
    assert "Ended" in page


def test_ended_role_grants_nothing_on_the_next_request(client, world):
    teacher = world.user(Role.TEACHER)
    client.force_login(teacher)
    pupil_url = reverse("pupils:detail", args=[world.taught.pk])
    assert client.get(pupil_url).status_code == 200
    assert client.get(reverse("reports:class_view")).status_code == 200

    teacher.memberships.get().end()

    assert client.get(pupil_url).status_code == 403  # no role here at all now
    assert client.get(reverse("reports:class_view")).status_code == 403


def test_ended_role_is_not_offered_or_accepted_by_the_role_switcher(client, world):
    teacher = world.user(Role.TEACHER)
    parent_role = MembershipFactory(user=teacher, school=world.school, role=Role.PARENT)
    client.force_login(teacher)
    assert f'value="{parent_role.pk}"' in client.get("/").content.decode()
    parent_role.end()
    assert f'value="{parent_role.pk}"' not in client.get("/").content.decode()
    switch = client.post(reverse("sendhub:switch_role"), {"membership": parent_role.pk})
    assert switch.status_code == 404


def test_ending_the_role_in_use_falls_back_to_another_current_role(client, world):
    teacher = world.user(Role.TEACHER)
    parent_role = MembershipFactory(user=teacher, school=world.school, role=Role.PARENT)
    client.force_login(teacher)
    client.post(reverse("sendhub:switch_role"), {"membership": parent_role.pk})
    parent_role.end()
    assert client.get("/").context["membership"].role == Role.TEACHER


def test_a_role_can_be_given_again_after_it_ended(client, world):
    teacher = world.user(Role.TEACHER)
    teacher.memberships.get().end()
    client.force_login(world.user(Role.ADMIN))
    client.post(person_url(teacher), {"role": Role.TEACHER})
    assert teacher.memberships.filter(role=Role.TEACHER).count() == 2
    assert teacher.memberships.current().count() == 1


def test_cannot_end_your_own_last_role_that_manages_people(client, world):
    admin = world.user(Role.ADMIN)
    membership = admin.memberships.get()
    client.force_login(admin)

    response = client.post(end_url(membership), {"reason": "Testing"})

    assert response.status_code == 200
    assert "You cannot end your own role as school administrator" in response.content.decode()
    assert Membership.objects.current().filter(pk=membership.pk).exists()


def test_can_end_own_admin_role_while_holding_another_managing_role(client, world):
    admin = world.user(Role.ADMIN)
    MembershipFactory(user=admin, school=world.school, role=Role.SENIOR_LEADER)
    membership = admin.memberships.get(role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(end_url(membership))
    assert response.status_code == 302, response.content.decode()
    assert not Membership.objects.current().filter(pk=membership.pk).exists()


def test_end_role_refuses_an_already_ended_role(client, world):
    membership = world.user(Role.TEACHER).memberships.get()
    membership.end()
    client.force_login(world.user(Role.ADMIN))
    assert client.post(end_url(membership)).status_code == 404


# Nobody gives themselves access (docs/access.md "Who gives access") -----------------


@pytest.mark.parametrize(("acting", "role"), [
    (Role.ADMIN, Role.TEACHER),  # then add themselves to a class and switch role
    (Role.ADMIN, Role.TEACHING_ASSISTANT),
    (Role.SENIOR_LEADER, Role.SENCO),
    (Role.SENIOR_LEADER, Role.TEACHER),
])  # fmt: skip
def test_nobody_gives_themselves_a_role(client, world, acting, role):
    me = world.user(acting)
    client.force_login(me)

    on_page = client.post(person_url(me), {"role": role})
    by_email = add(client, email=me.email.upper(), role=role)

    assert on_page.status_code == 200 and by_email.status_code == 200
    assert "You cannot give yourself a role" in on_page.content.decode()
    assert "You cannot give yourself a role" in by_email.content.decode()
    assert list(me.memberships.values_list("role", flat=True)) == [acting]
    assert not AccessGrant.objects.exists()
    assert "Give role" not in client.get(person_url(me)).content.decode()


@pytest.mark.parametrize("role", [Role.SENCO, Role.SENIOR_LEADER])
def test_an_administrator_cannot_end_a_role_only_a_senior_leader_gives(client, world, role):
    membership = world.user(role).memberships.get()
    client.force_login(world.user(Role.ADMIN))

    response = client.post(end_url(membership), {"reason": "Taking over"})

    assert response.status_code == 200
    assert "Only a senior leader can end the role" in response.content.decode()
    assert Membership.objects.current().filter(pk=membership.pk).exists()


def test_a_senior_leader_ends_a_senco_role(client, world):
    membership = world.user(Role.SENCO).memberships.get()
    client.force_login(world.user(Role.SENIOR_LEADER))
    assert client.post(end_url(membership)).status_code == 302
    assert not Membership.objects.current().filter(pk=membership.pk).exists()


def test_every_role_given_or_ended_is_in_the_access_grants_log(client, world):
    head, admin = world.user(Role.SENIOR_LEADER), world.user(Role.ADMIN)
    teacher = world.user(Role.TEACHER)
    client.force_login(head)
    add(client, role=Role.SENCO)
    client.post(person_url(teacher), {"role": Role.PARENT})
    client.force_login(admin)
    client.post(end_url(teacher.memberships.get(role=Role.TEACHER)), {"reason": "Left"})

    sam = User.objects.get(email="sam.okafor@oakfield.sch.uk")
    rows = list(AccessGrant.objects.order_by("pk").values_list("by", "to", "what", "detail"))
    assert rows == [
        (head.pk, sam.pk, Grant.ROLE_GIVEN, "SENCO"),
        (head.pk, teacher.pk, Grant.ROLE_GIVEN, "Parent or carer"),
        (admin.pk, teacher.pk, Grant.ROLE_ENDED, "Teacher"),
    ]
    assert {g.school for g in AccessGrant.objects.all()} == {world.school}


def test_the_head_reads_who_gave_whom_access_and_nobody_else_does(client, world):
    AccessGrant.objects.create(
        by=world.user(Role.ADMIN), to=world.user(Role.TEACHER), school=world.school,
        what=Grant.ROLE_GIVEN, detail="Teacher",
    )  # fmt: skip
    AccessGrant.objects.create(
        by=world.user(Role.ADMIN), to=world.user(Role.TEACHER), school=world.other_school,
        what=Grant.ROLE_GIVEN, detail="Other school's governor",
    )  # fmt: skip
    url = reverse("sendhub:access_grants")
    client.force_login(world.user(Role.SENIOR_LEADER))

    html = client.get(url).content.decode()

    assert "Role given: Teacher" in html and str(world.user(Role.ADMIN)) in html
    assert "Other school" not in html
    for role in set(Role) - {Role.SENIOR_LEADER}:
        client.force_login(world.user(role))
        assert client.get(url).status_code == 403, role


def test_access_grants_page_query_count_does_not_grow(client, world):
    url = reverse("sendhub:access_grants")
    client.force_login(world.user(Role.SENIOR_LEADER))

    def grant_some(count):
        for _ in range(count):
            AccessGrant.objects.create(
                by=UserFactory(), to=UserFactory(), school=world.school,
                what=Grant.CLASS_TEACHER_ADDED, detail="8 En1",
            )  # fmt: skip

    grant_some(1)
    small = count_queries(client, url)
    grant_some(10)
    assert count_queries(client, url) == small


# "Forgot your password?" ----------------------------------------------------------------


def test_sign_in_page_links_to_forgot_password(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "Forgot your password?" in page


def test_password_reset_says_the_same_whether_or_not_the_email_exists(client, world):
    known = client.post(reverse("password_reset"), {"email": world.user(Role.TEACHER).email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "If that address belongs to someone who uses SENDhub" in done
    assert [message.to for message in mail.outbox] == [[world.user(Role.TEACHER).email]]


def test_password_reset_reaches_an_imported_parent_with_no_password(client, world):
    parent = make_member(Role.PARENT, school=world.school)
    parent.set_unusable_password()
    parent.save()
    client.post(reverse("password_reset"), {"email": parent.email.upper()})
    assert len(mail.outbox) == 1
    response = choose_password(client, link_in(mail.outbox[0]))
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD) is True


def test_password_reset_sends_nothing_to_someone_whose_roles_all_ended(client, world):
    teacher = world.user(Role.TEACHER)
    teacher.memberships.get().end()
    client.post(reverse("password_reset"), {"email": teacher.email})
    assert mail.outbox == []


def test_password_reset_lifts_a_sign_in_lockout(client, world):
    """django-axes locks email + IP after repeated failures; proving the email unlocks it."""
    teacher = world.user(Role.TEACHER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": teacher.email, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": teacher.email, "password": "wrong"})
    assert locked.status_code == 429

    client.post(reverse("password_reset"), {"email": teacher.email})
    choose_password(client, link_in(mail.outbox[0]))
    client.logout()

    signed_in = client.post(reverse("login"), {"username": teacher.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


# Query counts ----------------------------------------------------------------------------


def grow(world, extra):
    for index in range(extra):
        person = make_member(Role.PARENT if index % 2 else Role.TEACHER, school=world.school)
        MembershipFactory(user=person, school=world.school, role=Role.GOVERNOR, job_title="Gov")
        if index % 3:
            person.memberships.first().end(reason="Grown for a query-count test")


def test_people_page_query_count_does_not_grow(client, world):
    client.force_login(world.user(Role.ADMIN))
    grow(world, 2)
    small = count_queries(client, PEOPLE)
    grow(world, 18)
    assert count_queries(client, PEOPLE) == small
    assert count_queries(client, PEOPLE + "?role=governor&q=First") == small


def test_person_page_query_count_does_not_grow(client, world):
    person = UserFactory()
    client.force_login(world.user(Role.ADMIN))
    MembershipFactory(user=person, school=world.school, role=Role.TEACHER)
    small = count_queries(client, person_url(person))
    for role in (Role.PARENT, Role.GOVERNOR, Role.TEACHING_ASSISTANT, Role.SENCO):
        membership = MembershipFactory(user=person, school=world.school, role=role)
        membership.job_title = "Changed"
        membership.save()
        membership.end(reason="Grown")
    assert count_queries(client, person_url(person)) == small
