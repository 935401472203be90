"""The SENCO keeps who-sees-whom right: a parent, a TA, a class teacher."""

import pytest
from django.core import mail

from pupils.models import ParentLink, SupportAssignment
from sendhub.roles import Role
from tests.browser.conftest import PHONE, check_accessibility, screenshot, sign_in
from tests.conftest import make_member

pytestmark = pytest.mark.browser


def test_senco_adds_a_parent_assigns_a_ta_and_sets_a_class_teacher(page, world):
    senco = world.user(Role.SENCO)
    ta = make_member(Role.TEACHING_ASSISTANT, school=world.school, first_name="Tess",
                     last_name="Adeyemi")  # fmt: skip
    teacher = make_member(Role.TEACHER, school=world.school, first_name="Noor", last_name="Khan")
    pupil = world.untaught

    sign_in(page, senco)
    page.open(pupil.get_absolute_url())
    with page.expect_navigation():
        page.click("text=Parents, carers and support")
    assert page.locator("h1").inner_text() == "Untaught Pupil"

    # A staff email is refused with a message; nothing is linked.
    page.fill("#id_email", world.user(Role.TEACHER).email.upper())
    page.fill("#id_first_name", "Robin")
    page.fill("#id_last_name", "Hale")
    page.select_option("#id_relationship", "father")
    with page.expect_navigation():
        page.click("text=Add and invite")
    assert "belongs to a member of staff here (Teacher)" in page.locator("main").inner_text()
    assert not ParentLink.objects.filter(pupil=pupil).exists()

    page.fill("#id_email", "robin.hale@example.test")
    page.fill("#id_phone", "07700 900123")
    with page.expect_navigation():
        page.click("text=Add and invite")
    main = page.locator("main").inner_text()
    assert "We have emailed robin.hale@example.test to tell them how to sign in" in main
    assert "Has not signed in yet" in main
    assert [m.to for m in mail.outbox] == [["robin.hale@example.test"]]

    page.select_option("#id_staff", str(ta.pk))
    page.fill("#id_note", "Literacy support in English")
    with page.expect_navigation():
        page.click("button:has-text('Assign')")
    main = page.locator("main").inner_text()
    assert "Tess Adeyemi supports Untaught Pupil from" in main
    assert SupportAssignment.objects.filter(staff=ta, pupil=pupil).exists()
    screenshot(page, "relationships-people")
    check_accessibility(page)

    page.resize(PHONE)
    screenshot(page, "relationships-people-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the people page scrolls sideways on a phone"
    page.resize({"width": 1280, "height": 900})

    with page.expect_navigation():
        page.click("a:has-text('End link')")
    assert "End the link between Robin Hale and Untaught Pupil?" in page.locator("h1").inner_text()
    screenshot(page, "relationships-end-link")
    check_accessibility(page)
    with page.expect_navigation():
        page.click("text=Cancel")

    with page.expect_navigation():
        page.click("nav[aria-label=Main] >> text=Classes")
    assert page.locator("h1").inner_text() == "Forms and classes"
    screenshot(page, "relationships-classes")
    check_accessibility(page)

    with page.expect_navigation():
        page.click("a:has-text('8 En1')")
    page.check(f"input[name=teachers][value='{teacher.pk}']")
    page.uncheck(f"input[name=teachers][value='{world.user(Role.TEACHER).pk}']")
    with page.expect_navigation():
        page.click("text=Save teachers")
    main = page.locator("main").inner_text()
    assert "Teachers of 8 En1 saved." in main
    assert f"added {teacher}; removed {world.user(Role.TEACHER)}" in main
    assert list(world.group.teachers.all()) == [teacher]
    screenshot(page, "relationships-class")
    check_accessibility(page)
