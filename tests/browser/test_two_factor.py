"""Two-step sign-in in a browser: the SENCO sets up an app, signs in with a code and with a
recovery code (once only); the head resets a colleague's lost phone (docs/two-factor.md)."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendhub.accounts.two_factor import new_recovery_codes
from sendhub.models import AccountEvent
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in_with_form

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.SENDHUB_DEMO_SKIP_2FA = False


def next_code(device, steps_ahead=1):
    """A code for a later 30-second step: one the server has not seen used yet."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=steps_ahead)
    return f"{totp.token():06d}"


def enter_code(page, code):
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Continue')")


def sign_out(page):
    page.click(".account-menu")
    with page.expect_navigation():
        page.click("button:has-text('Sign out')")


def test_senco_sets_up_signs_in_with_a_code_and_a_recovery_code_once(page, world):
    senco = world.user(Role.SENCO)
    page.resize(PHONE)
    sign_in_with_form(page, senco)
    assert "/accounts/two-factor/set-up/" in page.url
    assert page.locator("svg.qr-code").is_visible()
    screenshot(page, "two-factor-1-set-up-phone")
    check_accessibility(page)

    page.resize({"width": 1280, "height": 900})
    secret = page.locator("#setup-secret").inner_text().replace(" ", "")
    app = TOTP(b32decode(secret))
    page.fill("#id_code", f"{app.token():06d}")
    with page.expect_navigation():
        page.click("button:has-text('Confirm and continue')")
    assert "/accounts/two-factor/recovery-codes/" in page.url
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "two-factor-2-recovery-codes")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button:has-text('I have saved my codes')")
    assert page.locator("h1").first.inner_text().startswith("SEND dashboard")
    page.open("/accounts/two-factor/manage/")
    assert "You have 10 recovery codes left." in page.locator("main").inner_text()
    screenshot(page, "two-factor-2b-own-page")
    check_accessibility(page)

    sign_out(page)
    sign_in_with_form(page, senco)
    assert "/accounts/two-factor/?next=" in page.url
    screenshot(page, "two-factor-3-enter-code")
    check_accessibility(page)
    enter_code(page, next_code(TOTPDevice.objects.get(user=senco)))
    assert page.locator("h1").first.inner_text().startswith("SEND dashboard")

    sign_out(page)
    sign_in_with_form(page, senco)
    enter_code(page, codes[0])
    assert "You signed in with a recovery code" in page.locator(".alert").first.inner_text()
    screenshot(page, "two-factor-4-recovery-code-used")

    sign_out(page)
    sign_in_with_form(page, senco)
    enter_code(page, codes[0])
    assert "That code is not right" in page.locator(".invalid-feedback").first.inner_text()
    screenshot(page, "two-factor-5-recovery-code-used-up")
    check_accessibility(page)


def test_head_resets_a_colleagues_lost_phone_with_a_reason(page, world):
    senco, head = world.user(Role.SENCO), world.user(Role.SENIOR_LEADER)
    TOTPDevice.objects.create(user=senco, name="Authenticator app", confirmed=True)
    head_app = TOTPDevice.objects.create(user=head, name="Authenticator app", confirmed=True)
    new_recovery_codes(head, record=False)

    sign_in_with_form(page, head)
    enter_code(page, next_code(head_app, steps_ahead=0))
    page.open(f"/school/people/{senco.pk}/")
    with page.expect_navigation():
        page.click("a:has-text('Reset two-step sign-in')")
    screenshot(page, "two-factor-6-reset")
    check_accessibility(page)

    with page.expect_navigation():
        page.click("button:has-text('Reset two-step sign-in')")
    assert "Say why" in page.locator(".invalid-feedback").first.inner_text()
    page.fill("#id_reason", "Lost phone on the Year 8 trip")
    with page.expect_navigation():
        page.click("button:has-text('Reset two-step sign-in')")
    assert "two-step sign-in is reset" in page.locator(".alert").first.inner_text()
    screenshot(page, "two-factor-7-reset-done")

    assert not TOTPDevice.objects.filter(user=senco).exists()
    event = AccountEvent.objects.get(user=senco, what=AccountEvent.What.RESET)
    assert (event.by, event.reason) == (head, "Lost phone on the Year 8 trip")


def test_a_trust_lead_resets_another_trust_leads_lost_phone(page, world):
    from tests.conftest import make_member

    trust = world.school.trust
    lead = make_member(Role.TRUST_LEAD, trust=trust, first_name="Priya")
    colleague = make_member(Role.TRUST_LEAD, trust=trust, first_name="Tom")
    TOTPDevice.objects.create(user=colleague, name="Authenticator app", confirmed=True)
    lead_app = TOTPDevice.objects.create(user=lead, name="Authenticator app", confirmed=True)
    new_recovery_codes(lead, record=False)

    sign_in_with_form(page, lead)
    enter_code(page, next_code(lead_app, steps_ahead=0))
    page.open(f"/trust/people/{colleague.pk}/two-factor/reset/")
    assert "Reset Tom" in page.locator("h1").inner_text()
    screenshot(page, "two-factor-8-trust-reset")
    check_accessibility(page)
    page.resize(PHONE)
    screenshot(page, "two-factor-8-trust-reset-phone")
    page.fill("#id_reason", "Phone stolen; phoned back on the trust office number")
    with page.expect_navigation():
        page.click("button:has-text('Reset two-step sign-in')")
    assert "two-step sign-in is reset" in page.locator(".alert").first.inner_text()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
