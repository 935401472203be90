"""How long emailed links work: "Forgot your password?" for an hour, invitations for 7 days.

A reset link proves only that someone can read the mailbox now, so it is short-lived
(OWASP Forgot Password Cheat Sheet); an invitation has to wait for a new colleague or
parent to read it, so it keeps a week, with a token generator of its own.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sendhub.roles import Role
from tests.sendhub.test_people import NEW_PASSWORD, add, choose_password, link_in

pytestmark = pytest.mark.django_db
STOPPED = "This link has stopped working"


def reset_link(client, user):
    client.post(reverse("password_reset"), {"email": user.email})
    return link_in(mail.outbox[-1])


def invitation_link(client, world):
    client.force_login(world.user(Role.ADMIN))
    add(client)
    client.logout()
    return link_in(mail.outbox[-1])


@pytest.mark.parametrize(("minutes", "works"), [(59, True), (61, False)])
def test_a_password_reset_link_works_for_one_hour(client, world, minutes, works):
    teacher = world.user(Role.TEACHER)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = reset_link(client, teacher)
    assert "This link works once, for 1 hour." in mail.outbox[-1].body

    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        response = choose_password(client, link)

    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD) is works
    if not works:
        assert STOPPED in response.content.decode()
        assert "once, for 1 hour" in response.content.decode()


def test_the_reset_page_tells_how_long_the_link_works(client, db):
    client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "The link works for 1 hour." in done


@pytest.mark.parametrize(("days", "works"), [(6, True), (8, False)])
def test_an_invitation_works_for_seven_days(client, world, days, works):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = invitation_link(client, world)
    assert "for 7 days" in mail.outbox[-1].body

    with time_machine.travel(start + timedelta(days=days), tick=False):
        response = choose_password(client, link)

    assert (response.status_code == 302) is works
    if not works:
        assert STOPPED in response.content.decode()


def test_an_invitation_token_does_not_work_as_a_reset_link(client, world):
    """Each link kind has its own token generator, so a week-long token is no reset token."""
    invitation = invitation_link(client, world)
    uid_and_token = invitation.removeprefix("/accounts/invitation/")
    page = client.get(f"/accounts/password-reset/{uid_and_token}", follow=True)
    assert STOPPED in page.content.decode()
