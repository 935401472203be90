"""Two-step sign-in: who must use it, remembering a device for the day, resets, the gate.

The password step is Django's own LoginView. Then TwoFactorMiddleware holds a signed-in
person who must use two-step sign-in (or has set it up anyway) on the code page, or on
the set-up page if they have no authenticator app yet, until django-otp marks the
session verified. The codes are TOTP (RFC 6238) from django-otp's TOTPDevice; recovery
codes are its StaticDevice tokens, each used once. docs/two-factor.md has the rules.
"""

import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendhub.models import AccountEvent
from sendhub.roles import Role

# Staff who can open full SEN files, or who run the school's accounts and data.
ALWAYS_REQUIRED = {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN, Role.TRUST_LEAD}
# Staff who teach or support pupils: required when their school turns it on.
SCHOOL_DECIDES = {Role.TEACHER, Role.TEACHING_ASSISTANT}
RECOVERY_CODE_COUNT = 10

REMEMBER_COOKIE = "sendhub_2fa_device"
REMEMBER_SALT = "sendhub.accounts.two_factor.remember"
# Set at sign-in for a person who need not use two-step sign-in and has not set it up,
# so their pages cost no device query.
SESSION_OPTIONAL_KEY = "sendhub_2fa_optional"


def membership_requires_two_factor(membership):
    if membership.role in ALWAYS_REQUIRED:
        return True
    if membership.role in SCHOOL_DECIDES:
        return bool(membership.school and membership.school.two_factor_for_teaching_staff)
    return False


def two_factor_required(user):
    """Whether any of the person's current roles needs two-step sign-in.

    Any role, not only the one acting now: switching role does not ask for a code again.
    """
    memberships = getattr(user, "all_memberships", None)
    if memberships is None:
        memberships = list(user.memberships.current().select_related("school"))
    return any(membership_requires_two_factor(m) for m in memberships)


def authenticator(user):
    """The person's authenticator app (a confirmed TOTP device), or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def new_recovery_codes(user, *, record=True):
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new ones; return them."""
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if record:
        AccountEvent.objects.create(user=user, by=user, what=AccountEvent.What.NEW_RECOVERY_CODES)
    return codes


@transaction.atomic
def set_up_authenticator(user, device, *, school):
    """Keep the confirmed authenticator app, make recovery codes, log it; return the codes."""
    device.confirmed = True
    device.save()
    codes = new_recovery_codes(user, record=False)
    AccountEvent.objects.create(user=user, by=user, school=school, what=AccountEvent.What.SET_UP)
    return codes


@transaction.atomic
def reset_two_factor(person, *, by, school, reason, via=""):
    """A colleague's lost phone: remove their app and codes so they set up again.

    The devices are credentials, not records about anyone, so they go; the reset itself
    is kept in the account log with who did it and why. Removing the app also ends any
    "remember this device" cookie, which names the app.
    """
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    return AccountEvent.objects.create(
        user=person, by=by, via=via, school=school, what=AccountEvent.What.RESET, reason=reason
    )


# Remember this device for the school day --------------------------------------------


def remember_until(now=None):
    """When a device remembered now stops being remembered, or None after the school day."""
    now = timezone.localtime(now)
    end_of_day = now.replace(
        hour=settings.SENDHUB_2FA_REMEMBER_UNTIL_HOUR, minute=0, second=0, microsecond=0
    )
    if now >= end_of_day:
        return None
    return min(end_of_day, now + timedelta(hours=settings.SENDHUB_2FA_REMEMBER_MAX_HOURS))


def _fingerprint(device):
    return salted_hmac(REMEMBER_SALT, f"{device.pk}:{device.key}").hexdigest()[:20]


def remember_device(response, user, device):
    until = remember_until()
    if until is None:
        return
    value = f"{user.pk}:{device.pk}:{_fingerprint(device)}:{int(until.timestamp())}"
    response.set_signed_cookie(
        REMEMBER_COOKIE,
        value,
        salt=REMEMBER_SALT,
        max_age=int((until - timezone.now()).total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_remembered(request, user, device):
    value = request.get_signed_cookie(
        REMEMBER_COOKIE,
        default=None,
        salt=REMEMBER_SALT,
        max_age=settings.SENDHUB_2FA_REMEMBER_MAX_HOURS * 60 * 60,
    )
    try:
        user_pk, device_pk, fingerprint, until = (value or "").split(":")
        until = int(until)
    except ValueError:
        return False
    return (
        user_pk == str(user.pk)
        and device_pk == str(device.pk)
        and constant_time_compare(fingerprint, _fingerprint(device))
        and time.time() < until
    )


# The gate ------------------------------------------------------------------------------


def two_factor_exempt(view_func):
    """Mark a view a signed-in person may open before entering their code."""
    view_func.two_factor_exempt = True
    return view_func


def _send_to(request, url_name):
    url = f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class TwoFactorMiddleware:
    """Hold a signed-in, unverified person on the code or set-up page.

    Pages open without signing in (login_not_required) and the two-step pages themselves
    stay open. With SENDHUB_DEMO_SKIP_2FA (the demo only, never with DEBUG off) nobody
    is asked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SENDHUB_DEMO_SKIP_2FA:
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        required = two_factor_required(user)
        if not required and request.session.get(SESSION_OPTIONAL_KEY):
            return None
        device = authenticator(user)
        if device is None:
            if not required:
                request.session[SESSION_OPTIONAL_KEY] = True
                return None
            return _send_to(request, "two_factor_setup")
        if is_remembered(request, user, device):
            otp_login(request, device)
            return None
        return _send_to(request, "two_factor_verify")
