"""Two-step sign-in (docs/two-factor.md): who must use it, set-up, codes, recovery codes,
remembering a device for the school day, throttling, resets and the demo bypass.

Staff who can open full SEN files hold special category data (UK GDPR Art. 9); the
NCSC and DfE cyber security standards for schools ask for multi-factor authentication
on accounts that reach it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendhub.accounts.two_factor import REMEMBER_COOKIE, new_recovery_codes
from sendhub.accounts.two_factor_views import SESSION_CODES_KEY, SESSION_SETUP_KEY
from sendhub.models import AccountEvent
from sendhub.roles import Role
from tests.conftest import count_queries, get_counting_queries, make_member
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"
# Tomorrow at 09:00, a school morning, so "remember this device" is on offer (until
# 18:00). Never in the past: a session saved then would have expired by now.
MORNING = (timezone.localtime() + timedelta(days=1)).replace(
    hour=9, minute=0, second=0, microsecond=0
)
HOME = reverse("reports:home")
VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
MANAGE = reverse("two_factor_manage")


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.SENDHUB_DEMO_SKIP_2FA = False


def code_for(key_hex, *, device=None):
    from binascii import unhexlify

    step, digits = (device.step, device.digits) if device else (30, 6)
    return f"{TOTP(unhexlify(key_hex), step=step, digits=digits).token():06d}"


def sign_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, **extra)


def enrol(client, user):
    """Password, then set up the app with a right code; return the confirmed device."""
    sign_in(client, user)
    client.get(SETUP)
    key = client.session[SESSION_SETUP_KEY]
    response = client.post(SETUP, {"code": code_for(key), "next": HOME})
    assert response.status_code == 302, response.content.decode()[:2000]
    return TOTPDevice.objects.get(user=user)


def give_app(user):
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, new_recovery_codes(user, record=False)


# Who is asked ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN, Role.TRUST_LEAD])
def test_staff_who_can_open_sen_files_must_set_it_up_after_the_password(client, world, role):
    signed_in = sign_in(client, world.user(role))
    assert signed_in.status_code == 302

    page = client.get(HOME)

    assert page.status_code == 302
    assert page["Location"].startswith(SETUP)
    assert client.get(reverse("pupils:register"))["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.TEACHING_ASSISTANT])
def test_teachers_and_tas_are_asked_only_when_their_school_says_so(client, world, role):
    sign_in(client, world.user(role))
    assert client.get(HOME).status_code == 200

    world.school.two_factor_for_teaching_staff = True
    world.school.save()

    assert client.get(HOME)["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.PARENT, Role.GOVERNOR])
def test_parents_choose_and_once_set_up_are_asked_every_time(client, world, role):
    user = world.user(role)
    sign_in(client, user)
    assert client.get(HOME).status_code == 200
    assert "Set up two-step sign-in" in client.get(MANAGE).content.decode()

    give_app(user)
    client.logout()
    sign_in(client, user)

    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_a_person_with_a_teaching_role_and_a_sen_team_role_is_asked(client, world):
    teacher = world.user(Role.TEACHER)
    MembershipFactory(user=teacher, school=world.other_school, role=Role.SENCO)
    sign_in(client, teacher)
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_htmx_requests_are_sent_to_the_code_page_whole(client, world):
    give_app(world.user(Role.SENCO))
    sign_in(client, world.user(Role.SENCO))
    response = client.get(HOME, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(VERIFY)


# Setting it up --------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key_and_a_right_code_turns_it_on(client, world):
    senco = world.user(Role.SENCO)
    sign_in(client, senco)
    page = client.get(SETUP).content.decode()
    key = client.session[SESSION_SETUP_KEY]

    assert '<svg class="qr-code" role="img"' in page
    assert "setup-secret" in page
    assert not TOTPDevice.objects.filter(user=senco).exists()  # nothing saved on GET

    done = client.post(SETUP, {"code": code_for(key), "next": HOME})

    assert done["Location"].startswith(reverse("two_factor_recovery_codes"))
    device = TOTPDevice.objects.get(user=senco)
    assert device.confirmed is True
    codes = client.session[SESSION_CODES_KEY]
    assert len(codes) == len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=senco).count() == 10
    shown = client.get(done["Location"]).content.decode()
    assert all(code in shown for code in codes)
    download = client.get(reverse("two_factor_recovery_download"))
    assert download["Content-Disposition"] == 'attachment; filename="sendhub-recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    assert client.post(done["Location"], {"next": HOME})["Location"] == HOME
    # Shown once: after carrying on, the codes are gone from the session and the page.
    assert client.get(reverse("two_factor_recovery_codes"))["Location"] == MANAGE
    assert client.get(HOME).status_code == 200
    event = AccountEvent.objects.get(user=senco)
    assert (event.what, event.by, event.school) == (AccountEvent.What.SET_UP, senco, world.school)


@pytest.mark.parametrize("code", ["123456", "²"])  # "²" passes str.isdigit(), not int()
def test_a_wrong_set_up_code_saves_nothing_and_says_why(client, world, code):
    senco = world.user(Role.SENCO)
    sign_in(client, senco)
    client.get(SETUP)

    response = client.post(SETUP, {"code": code})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=senco).exists()
    assert not StaticDevice.objects.filter(user=senco).exists()


def test_someone_with_an_app_cannot_set_up_another_without_a_code(client, world):
    senco = world.user(Role.SENCO)
    give_app(senco)
    sign_in(client, senco)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=senco).count() == 1


# Signing in with a code -----------------------------------------------------------------


def test_each_sign_in_asks_for_a_code_and_a_code_works_once(client, world):
    senco = world.user(Role.SENCO)
    device, _ = give_app(senco)
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, senco)
        asked = client.get(HOME)
        assert asked["Location"] == f"{VERIFY}?next=%2F"
        code = code_for(device.key, device=device)
        assert client.post(VERIFY, {"code": code, "next": HOME})["Location"] == HOME
        assert client.get(HOME).status_code == 200

        client.logout()
        sign_in(client, senco)
        again = client.post(VERIFY, {"code": code})
    assert "That code is not right" in again.content.decode()


def test_a_recovery_code_works_once_and_is_logged(client, world):
    senco = world.user(Role.SENCO)
    _, codes = give_app(senco)
    sign_in(client, senco)

    used = client.post(VERIFY, {"code": codes[0].upper(), "next": HOME}, follow=True)
    # Each device waits a second after a wrong code, so the second try starts later.

    assert used.redirect_chain[-1][0] == HOME
    assert "You signed in with a recovery code" in used.content.decode()
    assert "you have 9 left" in used.content.decode()
    assert AccountEvent.objects.filter(
        user=senco, what=AccountEvent.What.RECOVERY_CODE_USED
    ).exists()
    client.logout()
    sign_in(client, senco)
    again = client.post(VERIFY, {"code": codes[0]})
    assert "That code is not right" in again.content.decode()


def test_wrong_codes_wait_longer_each_time_then_sign_out(client, world, settings):
    senco = world.user(Role.SENCO)
    give_app(senco)
    with time_machine.travel(MORNING, tick=False) as traveller:
        sign_in(client, senco)
        first = client.post(VERIFY, {"code": "000000"})
        assert "That code is not right" in first.content.decode()
        too_soon = client.post(VERIFY, {"code": "000001"})
        assert "Wait 1 seconds" in too_soon.content.decode() or "Wait 2 seconds" in (
            too_soon.content.decode()
        )
        for _ in range(settings.SENDHUB_2FA_FAILURE_LIMIT - 3):
            traveller.shift(timedelta(minutes=1))
            client.post(VERIFY, {"code": "000002"})
        traveller.shift(timedelta(minutes=1))
        last = client.post(VERIFY, {"code": "000003"})
    assert last["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(HOME)["Location"].startswith(reverse("login"))


# Remember this device for the school day ------------------------------------------------


def test_a_remembered_device_is_not_asked_again_until_six_pm(client, world):
    senco = world.user(Role.SENCO)
    device, _ = give_app(senco)
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, senco)
        page = client.get(VERIFY).content.decode()
        assert "Remember this device until the end of the school day" in page
        response = client.post(
            VERIFY, {"code": code_for(device.key, device=device), "remember": "on"}
        )
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == 9 * 60 * 60  # 09:00 to 18:00
    assert cookie["samesite"] == "Lax"

    with time_machine.travel(MORNING + timedelta(hours=8, minutes=59), tick=False):
        client.logout()
        client.cookies[REMEMBER_COOKIE] = cookie.value
        sign_in(client, senco)
        assert client.get(HOME).status_code == 200
    with time_machine.travel(MORNING + timedelta(hours=9, minutes=1), tick=False):
        client.logout()
        client.cookies[REMEMBER_COOKIE] = cookie.value
        sign_in(client, senco)
        assert client.get(HOME)["Location"].startswith(VERIFY)
        # After the school day there is nothing to remember until.
        assert "Remember this device" not in client.get(VERIFY).content.decode()


def test_a_remembered_device_never_lasts_more_than_ten_hours(client, world):
    senco = world.user(Role.SENCO)
    device, _ = give_app(senco)
    early = MORNING.replace(hour=6)
    with time_machine.travel(early, tick=False):
        sign_in(client, senco)
        response = client.post(
            VERIFY, {"code": code_for(device.key, device=device), "remember": "on"}
        )
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 10 * 60 * 60


def test_a_remembered_device_is_forgotten_when_the_app_is_replaced(client, world):
    senco = world.user(Role.SENCO)
    device, _ = give_app(senco)
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, senco)
        response = client.post(
            VERIFY, {"code": code_for(device.key, device=device), "remember": "on"}
        )
        cookie = response.cookies[REMEMBER_COOKIE].value
        client.logout()
        TOTPDevice.objects.filter(user=senco).delete()
        give_app(senco)  # set up again on a new phone
        client.cookies[REMEMBER_COOKIE] = cookie
        sign_in(client, senco)
        assert client.get(HOME)["Location"].startswith(VERIFY)


def test_another_persons_remembered_device_does_not_count(client, world):
    senco, admin = world.user(Role.SENCO), world.user(Role.ADMIN)
    device, _ = give_app(senco)
    give_app(admin)
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, senco)
        response = client.post(
            VERIFY, {"code": code_for(device.key, device=device), "remember": "on"}
        )
        client.logout()
        client.cookies[REMEMBER_COOKIE] = response.cookies[REMEMBER_COOKIE].value
        sign_in(client, admin)
        assert client.get(HOME)["Location"].startswith(VERIFY)


# Resets by a senior leader --------------------------------------------------------------


def reset_url(person):
    return reverse("sendhub:two_factor_reset", args=[person.pk])


def test_a_senior_leader_resets_a_colleagues_lost_phone_with_a_reason(client, world):
    senco, head = world.user(Role.SENCO), world.user(Role.SENIOR_LEADER)
    give_app(senco)
    head_app, _ = give_app(head)
    sign_in(client, head)
    client.post(VERIFY, {"code": code_for(head_app.key, device=head_app)})
    assert client.get(HOME).status_code == 200

    refused = client.post(reset_url(senco), {"reason": "  "})
    assert "Say why" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=senco).exists()

    done = client.post(reset_url(senco), {"reason": "Lost phone on the school trip"})

    assert done["Location"] == reverse("sendhub:person", args=[senco.pk])
    assert not TOTPDevice.objects.filter(user=senco).exists()
    assert not StaticDevice.objects.filter(user=senco).exists()
    event = AccountEvent.objects.get(user=senco, what=AccountEvent.What.RESET)
    assert (event.by, event.school, event.reason) == (
        head,
        world.school,
        "Lost phone on the school trip",
    )
    # The colleague sets up again at their next sign-in.
    other = client.__class__()
    sign_in(other, senco)
    assert other.get(HOME)["Location"].startswith(SETUP)


def test_nobody_resets_their_own_two_step_sign_in(client, world, settings):
    settings.SENDHUB_DEMO_SKIP_2FA = True
    head = world.user(Role.SENIOR_LEADER)
    give_app(head)
    client.force_login(head)
    assert client.get(reset_url(head)).status_code == 404
    assert client.post(reset_url(head), {"reason": "Lost it"}).status_code == 404
    assert TOTPDevice.objects.filter(user=head).exists()
    assert not AccountEvent.objects.filter(user=head).exists()


@pytest.mark.parametrize("role", [Role.SENCO, Role.ADMIN, Role.TEACHER])
def test_only_senior_leaders_may_reset(client, world, settings, role):
    settings.SENDHUB_DEMO_SKIP_2FA = True
    give_app(world.user(Role.TEACHING_ASSISTANT))
    client.force_login(world.user(role))
    response = client.post(reset_url(world.user(Role.TEACHING_ASSISTANT)), {"reason": "Lost"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=world.user(Role.TEACHING_ASSISTANT)).exists()


def test_reset_and_own_pages_do_not_grow_with_the_account_log(client, world, settings):
    settings.SENDHUB_DEMO_SKIP_2FA = True
    senco, head = world.user(Role.SENCO), world.user(Role.SENIOR_LEADER)
    give_app(senco)

    def log(count):
        for _ in range(count):
            AccountEvent.objects.create(
                user=senco, by=head, school=world.school, what="reset", reason="Lost"
            )

    client.force_login(head)
    log(1)
    small = count_queries(client, reset_url(senco))
    log(10)
    assert count_queries(client, reset_url(senco)) == small

    client.force_login(senco)
    log(1)
    small = count_queries(client, MANAGE)
    new_recovery_codes(senco)
    log(10)
    assert count_queries(client, MANAGE) == small


# The school setting and the demo bypass -------------------------------------------------


def test_the_school_setting_is_on_the_settings_page_and_off_by_default(client, world, settings):
    settings.SENDHUB_DEMO_SKIP_2FA = True
    assert world.school.two_factor_for_teaching_staff is False
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("sendhub:school_settings")).content.decode()
    assert "Teachers and teaching assistants must use two-step sign-in" in page


def test_the_demo_bypass_lets_everyone_in_with_a_password_only(client, world, settings):
    settings.SENDHUB_DEMO_SKIP_2FA = True
    sign_in(client, world.user(Role.SENCO))
    assert client.get(HOME).status_code == 200


def test_the_deploy_check_fails_when_the_demo_bypass_is_set_in_production(settings, monkeypatch):
    from sendhub.checks import demo_two_factor_bypass_off

    monkeypatch.setenv("SENDHUB_DEMO_SKIP_2FA", "1")
    settings.DEBUG = False
    assert [e.id for e in demo_two_factor_bypass_off(None)] == ["sendhub.E002"]
    settings.DEBUG, settings.SECURE_SSL_REDIRECT = True, True
    assert [e.id for e in demo_two_factor_bypass_off(None)] == ["sendhub.E002"]
    settings.SECURE_SSL_REDIRECT = False
    assert demo_two_factor_bypass_off(None) == []  # make run: DEBUG on, plain HTTP
    monkeypatch.delenv("SENDHUB_DEMO_SKIP_2FA")
    settings.DEBUG = False
    assert demo_two_factor_bypass_off(None) == []
    with pytest.raises(SystemCheckError, match="sendhub.E002"):
        monkeypatch.setenv("SENDHUB_DEMO_SKIP_2FA", "1")
        call_command("check", "--deploy", "--tag", "security")


def test_the_bypass_setting_is_off_whenever_debug_is_off(monkeypatch):
    """The setting itself needs DEBUG: a production process ignores the variable too."""
    import importlib

    import sendhub.settings as settings_module

    monkeypatch.setenv("SENDHUB_DEMO_SKIP_2FA", "1")
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    try:
        assert importlib.reload(settings_module).SENDHUB_DEMO_SKIP_2FA is False
        monkeypatch.setenv("DJANGO_DEBUG", "1")
        assert importlib.reload(settings_module).SENDHUB_DEMO_SKIP_2FA is True
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_unverified_pages_show_no_menu(client, world):
    give_app(world.user(Role.SENCO))
    sign_in(client, world.user(Role.SENCO))
    page = client.get(VERIFY).content.decode()
    assert "Enter your code" in page
    assert "SEN register" not in page and "Sign out" in page


def test_a_password_reset_link_signs_in_but_still_asks_for_the_code(client, world):
    """Proving you can read the mailbox is not the second step."""
    from django.core import mail

    from tests.sendhub.test_people import choose_password, link_in

    senco = world.user(Role.SENCO)
    give_app(senco)
    client.post(reverse("password_reset"), {"email": senco.email})
    chosen = choose_password(client, link_in(mail.outbox[-1]))

    assert chosen.status_code == 302
    assert client.get(HOME)["Location"].startswith(VERIFY)


# Resets for trust leads -----------------------------------------------------------------


def trust_lead(trust, name):
    return make_member(Role.TRUST_LEAD, trust=trust, first_name=name)


def test_a_trust_lead_resets_another_lead_of_the_same_trust_with_a_reason(client, world):
    first, second = trust_lead(world.school.trust, "Priya"), trust_lead(world.school.trust, "Tom")
    give_app(second)
    first_app, _ = give_app(first)
    sign_in(client, first)
    client.post(VERIFY, {"code": code_for(first_app.key, device=first_app)})
    url = reverse("sendhub:trust_two_factor_reset", args=[second.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": " "})
    assert "Say why" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=second).exists()
    client.post(url, {"reason": "Phone stolen; phoned back on the trust office number"})
    assert not TOTPDevice.objects.filter(user=second).exists()
    event = AccountEvent.objects.get(user=second, what=AccountEvent.What.RESET)
    assert event.by == first and event.reason.startswith("Phone stolen")


def test_a_trust_lead_cannot_reset_themselves_or_a_lead_of_another_trust(client, world):
    from tests.factories import TrustFactory

    mine, theirs = trust_lead(world.school.trust, "Priya"), trust_lead(TrustFactory(), "Sam")
    mine_app, _ = give_app(mine)
    give_app(theirs)
    sign_in(client, mine)
    client.post(VERIFY, {"code": code_for(mine_app.key, device=mine_app)})
    for person in (mine, theirs, world.user(Role.SENCO)):
        url = reverse("sendhub:trust_two_factor_reset", args=[person.pk])
        assert client.post(url, {"reason": "Lost phone"}).status_code == 404
    assert TOTPDevice.objects.filter(user__in=[mine, theirs]).count() == 2


def test_the_trust_home_links_each_other_lead_of_the_trust_to_their_reset(client, world, settings):
    from tests.factories import TrustFactory

    settings.SENDHUB_DEMO_SKIP_2FA = True
    me, tom = trust_lead(world.school.trust, "Priya"), trust_lead(world.school.trust, "Tom")
    elsewhere = trust_lead(TrustFactory(), "Sam")
    client.force_login(me)
    page = client.get(HOME).content.decode()
    assert "Trust SEND leads" in page
    assert reverse("sendhub:trust_two_factor_reset", args=[tom.pk]) in page
    for person in (me, elsewhere):
        assert reverse("sendhub:trust_two_factor_reset", args=[person.pk]) not in page
    assert client.get(reverse("sendhub:trust_two_factor_reset", args=[tom.pk])).status_code == 200


def test_the_only_trust_lead_is_told_who_can_reset_them(client, world, settings):
    from tests.factories import TrustFactory

    settings.SENDHUB_DEMO_SKIP_2FA = True
    client.force_login(trust_lead(TrustFactory(), "Priya"))
    page = client.get(HOME).content.decode()
    assert "You are the only trust SEND lead" in page
    assert "/two-factor/reset/" not in page


def test_trust_reset_and_home_do_not_grow_with_leads_or_the_account_log(client, world, settings):
    from tests.factories import TrustFactory

    settings.SENDHUB_DEMO_SKIP_2FA = True
    trust = TrustFactory()
    me, tom = trust_lead(trust, "Priya"), trust_lead(trust, "Tom")
    give_app(tom)
    url = reverse("sendhub:trust_two_factor_reset", args=[tom.pk])

    def log(count):
        for _ in range(count):
            AccountEvent.objects.create(user=tom, by=me, what="reset", reason="Lost")

    client.force_login(me)
    log(1)
    small_reset = count_queries(client, url, warm=True)
    small_home = count_queries(client, HOME, warm=True)
    log(10)
    for n in range(8):
        give_app(trust_lead(trust, f"Lead{n}"))
    assert count_queries(client, url) == small_reset
    large_home, response = get_counting_queries(client, HOME)
    assert large_home == small_home
    assert len(response.context["fellow_leads"]) == 9


def test_the_service_operator_resets_from_the_command_line_and_it_is_logged():
    from io import StringIO

    from django.core.management import CommandError

    from tests.factories import TrustFactory

    lead = trust_lead(TrustFactory(), "Priya")
    give_app(lead)
    with pytest.raises(CommandError, match="Say why"):
        call_command("reset_two_factor", "--email", lead.email, "--reason", "  ")
    assert TOTPDevice.objects.filter(user=lead).exists()
    out = StringIO()
    call_command(
        "reset_two_factor",
        "--email",
        lead.email.upper(),
        "--reason",
        "Only lead; ID checked",
        stdout=out,
    )
    assert not TOTPDevice.objects.filter(user=lead).exists()
    event = AccountEvent.objects.get(user=lead, what=AccountEvent.What.RESET)
    assert event.by is None and event.via.startswith("reset_two_factor command")
    assert event.reason == "Only lead; ID checked"
    with pytest.raises(CommandError, match="No one signs in as"):
        call_command("reset_two_factor", "--email", "nobody@example.test", "--reason", "x")
