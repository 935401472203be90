"""Invitations: how a person new to SENDhub gets in, and role offers to existing accounts.

An invitation is a password-set link built the same way as Django's password reset
link (a token of the user's password state + the user's id), so it stops working once
used (the password changes). It has its own token generator: an invitation works for
settings.SENDHUB_INVITATION_TIMEOUT (7 days), a "Forgot your password?" link only for
settings.PASSWORD_RESET_TIMEOUT (1 hour), and neither link works in the other's place.

A role offer goes to an account the school does not know (it uses SENDhub at other
schools): a signed link, valid as long as an invitation, that gives the role only
when the account's owner, signed in, accepts it (docs/access.md).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with its own salt and lifetime (SENDHUB_INVITATION_TIMEOUT)."""

    key_salt = "sendhub.accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.SENDHUB_INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()


def invitation_path(user):
    """The site-relative link that lets `user` set their password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return reverse("set_password", kwargs={"uidb64": uidb64, "token": token})


def invitation_days():
    return max(1, int(timedelta(seconds=settings.SENDHUB_INVITATION_TIMEOUT).days))


def reset_link_lifetime():
    """How long a "Forgot your password?" link works, in words: "1 hour", "30 minutes"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return "1 hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, seconds // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def send_invitation(user, *, school, request) -> None:
    """Email `user` a link to set their password and start using SENDhub at `school`."""
    context = {
        "user": user,
        "school": school,
        "link": request.build_absolute_uri(invitation_path(user)),
        "days": invitation_days(),
        "sign_in_link": request.build_absolute_uri(reverse("login")),
    }
    send_mail(
        subject=f"{school.name} has invited you to SENDhub",
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def send_linked_notice(user, *, school, request) -> None:
    """Email someone who can sign in already that `school` has linked them to a child."""
    context = {
        "user": user,
        "school": school,
        "sign_in_link": request.build_absolute_uri(reverse("login")),
    }
    send_mail(
        subject=f"{school.name} has added a child to your SENDhub account",
        message=render_to_string("registration/linked_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


ROLE_OFFER_SALT = "sendhub.role-offer"


def role_offer_token(*, user, school, role, job_title, by):
    payload = {"u": user.pk, "s": school.pk, "r": role, "j": job_title, "b": by.pk}
    return signing.dumps(payload, salt=ROLE_OFFER_SALT, compress=True)


def read_role_offer(token):
    """The offer's fields, or None when the link is altered or older than an invitation."""
    try:
        payload = signing.loads(
            token, salt=ROLE_OFFER_SALT, max_age=settings.SENDHUB_INVITATION_TIMEOUT
        )
    except signing.BadSignature:
        return None
    return {
        "user_id": payload["u"],
        "school_id": payload["s"],
        "role": payload["r"],
        "job_title": payload["j"],
        "by_id": payload["b"],
    }


def send_role_offer(user, *, school, role, job_title, by, request) -> None:
    """Email an existing account a link to accept a role at `school`."""
    from sendhub.roles import Role

    token = role_offer_token(user=user, school=school, role=role, job_title=job_title, by=by)
    context = {
        "user": user,
        "school": school,
        "role": Role(role).label.lower(),
        "link": request.build_absolute_uri(reverse("sendhub:role_offer", args=[token])),
        "days": invitation_days(),
    }
    send_mail(
        subject=f"{school.name} has invited you to SENDhub",
        message=render_to_string("registration/role_offer_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
