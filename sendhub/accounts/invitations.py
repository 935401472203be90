"""Invitations: how a person new to SENDhub gets in.

An invitation is a password-set link built the same way as Django's password reset
link (default_token_generator + the user's id), so it stops working once used (the
password changes) and after settings.PASSWORD_RESET_TIMEOUT (7 days).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_path(user):
    """The site-relative link that lets `user` set their password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("set_password", kwargs={"uidb64": uidb64, "token": token})


def invitation_days():
    return max(1, int(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT).days))


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
