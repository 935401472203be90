"""The two-step sign-in pages: set up, enter a code, recovery codes, and a colleague's reset."""

import re
from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from sendhub.accounts.two_factor import (
    authenticator,
    new_recovery_codes,
    recovery_codes_left,
    recovery_device,
    remember_device,
    remember_until,
    reset_two_factor,
    set_up_authenticator,
    two_factor_exempt,
    two_factor_required,
)
from sendhub.models import AccountEvent, User
from sendhub.text import is_digits

SESSION_SETUP_KEY = "sendhub_2fa_setup_key"
SESSION_CODES_KEY = "sendhub_2fa_new_codes"
SESSION_FAILURES_KEY = "sendhub_2fa_failures"
WRONG_CODE = (
    "That code is not right. Enter the newest 6-digit code from your authenticator app "
    "(check the time on your phone is correct), or one of your recovery codes."
)


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("reports:home")


def _with_next(url_name, next_url):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _too_many_wrong_codes(request):
    """Count a wrong code; after SENDHUB_2FA_FAILURE_LIMIT, sign out (back to the password)."""
    failures = request.session.get(SESSION_FAILURES_KEY, 0) + 1
    request.session[SESSION_FAILURES_KEY] = failures
    if failures < settings.SENDHUB_2FA_FAILURE_LIMIT:
        return None
    logout(request)
    messages.error(
        request, "Too many wrong codes. Sign in again with your password, then enter a new code."
    )
    return redirect("login")


def _wait_message(device):
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
    return f"Too many wrong codes. Wait {seconds} seconds, then try the newest code."


def _normalise(code):
    return "".join((code or "").split()).lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class VerifyForm(CodeForm):
    remember = forms.BooleanField(
        label="Remember this device until the end of the school day",
        required=False,
        help_text="Only on a device no one else uses. You will not be asked for a code here "
        "again until 6pm today.",
    )

    def __init__(self, *args, user, can_remember, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None
        self.fields[
            "code"
        ].help_text = "The 6-digit code from your authenticator app, or one of your recovery codes."
        if not can_remember:
            del self.fields["remember"]

    def clean_code(self):
        code = _normalise(self.cleaned_data["code"])
        app = authenticator(self.user)
        device = app if is_digits(code) else recovery_device(self.user)
        if device is None:
            raise forms.ValidationError(WRONG_CODE)
        wait = _wait_message(device)
        if wait:
            raise forms.ValidationError(wait)
        self.device = verify_token(self.user, device.persistent_id, code)
        if self.device is None:
            raise forms.ValidationError(WRONG_CODE)
        return code


class SetupForm(CodeForm):
    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["code"].label = "Code from your app"
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self):
        code = _normalise(self.cleaned_data["code"])
        device = self.device
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if not is_digits(code) or not totp.verify(int(code), tolerance=device.tolerance):
            raise forms.ValidationError(
                "That code is not right. Enter the 6-digit code your app shows now for "
                "SENDhub (codes change every 30 seconds)."
            )
        device.last_t = totp.t()  # this code cannot be used again to sign in
        return code


def qr_svg(data):
    """The QR code as inline SVG (drawn here, nothing fetched from elsewhere)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg class="qr-code" role="img" aria-label="QR code to scan with your authenticator app"',
        svg,
    )


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm a code."""
    user = request.user
    next_url = _next(request)
    if authenticator(user) is not None:
        if user.is_verified():
            return redirect("two_factor_manage")
        return redirect(_with_next("two_factor_verify", next_url))
    key = request.session.get(SESSION_SETUP_KEY)
    if not key:
        key = request.session[SESSION_SETUP_KEY] = default_key()
    device = TOTPDevice(user=user, key=key, name="Authenticator app", confirmed=False)
    form = SetupForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            codes = set_up_authenticator(user, device, school=user.school)
            otp_login(request, device)
            request.session.pop(SESSION_SETUP_KEY, None)
            request.session.pop(SESSION_FAILURES_KEY, None)
            request.session[SESSION_CODES_KEY] = codes
            messages.success(request, "Two-step sign-in is set up.")
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        signed_out = _too_many_wrong_codes(request)
        if signed_out:
            return signed_out
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "required": two_factor_required(user),
            "next": next_url,
            "hide_menu": not user.is_verified(),
        },
    )


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next(request)
    if user.is_verified() or settings.SENDHUB_DEMO_SKIP_2FA:
        return redirect(next_url)
    device = authenticator(user)
    if device is None:
        return redirect(_with_next("two_factor_setup", next_url))
    can_remember = remember_until() is not None
    form = VerifyForm(
        request.POST if request.method == "POST" else None, user=user, can_remember=can_remember
    )
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, form.device)
            request.session.pop(SESSION_FAILURES_KEY, None)
            response = redirect(next_url)
            if isinstance(form.device, StaticDevice):
                _recovery_code_used(request, user)
            elif form.cleaned_data.get("remember"):
                remember_device(response, user, device)
            return response
        signed_out = _too_many_wrong_codes(request)
        if signed_out:
            return signed_out
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url, "hide_menu": True},
    )


def _recovery_code_used(request, user):
    AccountEvent.objects.create(
        user=user, by=user, school=user.school, what=AccountEvent.What.RECOVERY_CODE_USED
    )
    left = recovery_codes_left(user)
    messages.warning(
        request,
        f"You signed in with a recovery code. It cannot be used again: you have {left} left. "
        "Lost your phone? Ask a senior leader to reset your two-step sign-in.",
    )


@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """New recovery codes, shown once: print or download them, then carry on."""
    codes = request.session.get(SESSION_CODES_KEY)
    if not codes:
        return redirect("two_factor_manage")
    if request.method == "POST":
        request.session.pop(SESSION_CODES_KEY, None)
        return redirect(_next(request))
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _next(request)},
    )


@require_GET
def two_factor_recovery_download(request):
    codes = request.session.get(SESSION_CODES_KEY)
    if not codes:
        return redirect("two_factor_manage")
    lines = [
        f"SENDhub recovery codes for {request.user.email}",
        f"Made {timezone.localtime():%d %B %Y %H:%M}. Each code works once.",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sendhub-recovery-codes.txt"'
    return response


@require_http_methods(["GET", "POST"])
def two_factor_manage(request):
    """The person's own two-step sign-in: whether it is on, codes left, new codes."""
    user = request.user
    device = authenticator(user)
    if request.method == "POST" and device is not None and user.is_verified():
        request.session[SESSION_CODES_KEY] = new_recovery_codes(user)
        messages.success(request, "Your old recovery codes no longer work. Here are new ones.")
        return redirect(_with_next("two_factor_recovery_codes", reverse("two_factor_manage")))
    return render(
        request,
        "registration/two_factor_manage.html",
        {
            "device": device,
            "required": two_factor_required(user),
            "codes_left": recovery_codes_left(user) if device else 0,
            "verified": user.is_verified(),
        },
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting it?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: lost or replaced phone. This is kept in the account log.",
        error_messages={"required": "Say why: the reason is kept in the account log."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why: the reason is kept in the account log.")
        return reason


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.reset_two_factor", raise_exception=True)
def two_factor_reset(request, pk):
    """A senior leader resets a colleague's lost authenticator app; never their own."""
    school = request.user.school
    people = User.objects.known_at(school).exclude(pk=request.user.pk)
    person = get_object_or_404(people, pk=pk)
    form = ResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reset_two_factor(person, by=request.user, school=school, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"{person}'s two-step sign-in is reset. They set it up again the next time they "
            "sign in.",
        )
        return redirect("sendhub:person", pk=person.pk)
    return render(
        request,
        "sendhub/two_factor_reset.html",
        {
            "person": person,
            "form": form,
            "has_app": authenticator(person) is not None,
            "events": AccountEvent.objects.filter(user=person).select_related("by")[:10],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.reset_trust_two_factor", raise_exception=True)
def trust_two_factor_reset(request, pk):
    """
    A trust SEND lead's lost phone: another trust lead of the same trust resets it, never
    their own, with a reason kept in the account log. A trust lead has no school and so no
    head to ask; one of another trust is a 404 (docs/two-factor.md).
    """
    person = get_object_or_404(User.objects.trust_leads_with(request.user), pk=pk)
    form = ResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reset_two_factor(person, by=request.user, school=None, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"{person}'s two-step sign-in is reset. They set it up again the next time they "
            "sign in.",
        )
        return redirect("reports:home")
    return render(
        request,
        "sendhub/two_factor_reset.html",
        {
            "person": person,
            "form": form,
            "trust_reset": True,
            "has_app": authenticator(person) is not None,
            "events": AccountEvent.objects.filter(user=person).select_related("by")[:10],
        },
    )
