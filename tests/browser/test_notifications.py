"""A teacher is told of a round-robin question in the app and answers it from there."""

import pytest

from pupils.identification.workflow import send_round_robin
from pupils.models import RoundRobinResponse
from sendhub.models import Notification
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.pupils.concern_data import raise_concern

pytestmark = pytest.mark.browser


def test_teacher_answers_a_round_robin_question_from_a_notification(page, world):
    senco, teacher = world.user(Role.SENCO), world.user(Role.TEACHER)
    send_round_robin(concern=raise_concern(world.taught, senco), sent_by=senco)
    notification = Notification.objects.get(recipient=teacher)
    assert world.taught.last_name not in notification.title  # no pupil named in a title

    page.resize(PHONE)
    sign_in(page, teacher)
    badge = page.locator(".notifications-link .badge")
    assert badge.inner_text().startswith("1")
    page.click(".navbar-toggler")  # on a phone the menu is folded
    page.locator(".notifications-link").first.click()
    page.wait_for_selector("h1:has-text('Notifications')")
    screenshot(page, "notifications-teacher-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"a[href$='/notifications/{notification.pk}/']").click()
    page.wait_for_selector("h1:has-text('how are things in your lessons?')")
    page.check("input[name=level][value=some]")
    assert "---------" not in page.locator("main").inner_text()
    page.fill("#id_difficulties", "Loses the place when reading aloud.")
    screenshot(page, "round-robin-answer-phone")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("button:has-text('Send my answers')")
    answer = RoundRobinResponse.objects.get()
    assert answer.request.teacher == teacher
    assert answer.difficulties == "Loses the place when reading aloud."
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert page.locator(".notifications-link .badge").count() == 0
    assert page.console_errors == []
