"""
Co-production, not a veto: parents and pupils are consulted on a plan and may agree,
disagree or ask a question (Code of Practice 6.48); the school still puts the provision
in place, saying why (Children and Families Act 2014 s66; docs/graduated-approach.md).
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from reviews import services
from reviews.models import PlanAgreement, SupportPlan
from sendhub.roles import Role
from tests.reviews.plan_data import make_plan, reviewed_plan

pytestmark = pytest.mark.django_db
Status = SupportPlan.Status
REASON = "Parent disagreed about the reading target; we met on 3 Dec and will review in 6 weeks."


def school_agrees(plan, senco):
    for party in PlanAgreement.SCHOOL:
        services.record_agreement(plan=plan, party=party, by=senco, method="Plan meeting")


def test_parent_disagrees_with_a_reason_on_the_portal(client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO))
    parent = world.user(Role.PARENT)
    client.force_login(parent)
    url = reverse("portal:plan_respond", args=[plan.pk])
    refused = client.post(url, {"response": "disagree", "text": "  "})
    assert refused.status_code == 400
    assert "Tell us which part you do not agree with, and why." in refused.content.decode()
    assert not PlanAgreement.objects.exists()

    response = client.post(
        url, {"response": "disagree", "text": "The reading target is too hard."}, follow=True
    )
    assert "We have recorded that you do not agree" in response.content.decode()
    given = PlanAgreement.objects.get(plan=plan)
    assert (given.party, given.response, given.text, given.agreed_by) == (
        "parent", "disagree", "The reading target is too hard.", parent,
    )  # fmt: skip
    # The parent may think again: the page stays until they agree; the earlier answer is kept.
    client.post(url, {"response": "agree"})
    assert PlanAgreement.objects.get(plan=plan).response == "agree"
    earlier = PlanAgreement.all_objects.get(plan=plan, withdrawn_at__isnull=False)
    assert earlier.response == "disagree"
    assert client.get(url).status_code == 404


def test_parent_asks_a_question_and_sees_the_senco_answer(senco_client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO))
    client = Client()
    client.force_login(world.user(Role.PARENT))
    client.post(
        reverse("portal:plan_respond", args=[plan.pk]),
        {"response": "question", "text": "Who runs the reading group?"},
    )
    page = senco_client.get(plan.get_absolute_url()).content.decode()
    assert "Who runs the reading group?" in page
    assert "Answer the parent or carer's question" in page
    senco_client.post(
        reverse("reviews:plan_answer", args=[plan.pk]),
        {"party": "parent", "answer": "Mrs Khan, the TA, on Monday mornings."},
    )
    question = PlanAgreement.objects.get(plan=plan)
    assert question.answer == "Mrs Khan, the TA, on Monday mornings."
    assert question.answered_by == world.user(Role.SENCO)
    portal = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert "Mrs Khan, the TA, on Monday mornings." in portal


def test_staff_record_the_pupils_response_and_the_school_only_agrees(senco_client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO))
    url = reverse("reviews:plan_agree", args=[plan.pk])
    senco_client.post(url, {"party": "pupil", "response": "disagree", "agreed_on": "2026-01-05",
                            "text": "I don't want to leave class.", "method": "Symbols"})  # fmt: skip
    pupil = PlanAgreement.objects.get(plan=plan, party="pupil")
    assert (pupil.response, pupil.method) == ("disagree", "Symbols")
    refused = senco_client.post(
        url,
        {"party": "teacher", "response": "disagree", "text": "No", "agreed_on": "2026-01-05"},
        follow=True,
    )
    assert "The class teacher and the SENCO agree the plan, or change it." in (
        refused.content.decode()
    )
    assert not PlanAgreement.objects.filter(party="teacher").exists()
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAgreement.objects.create(plan=plan, party="senco", response="disagree", text="No")


def test_senco_puts_the_plan_in_place_with_a_reason_shown_on_the_plan_page(senco_client, world):
    senco = world.user(Role.SENCO)
    old = make_plan(world.taught, senco, status=Status.ACTIVE)
    plan = make_plan(world.taught, senco, version=2, previous=old)
    school_agrees(plan, senco)
    services.record_agreement(plan=plan, party="parent", by=world.user(Role.PARENT),
                              response="disagree", text="The reading target is too hard.")  # fmt: skip
    url = reverse("reviews:plan_activate", args=[plan.pk])
    response = senco_client.post(url, {"reason": REASON}, follow=True)
    assert "The plan is in place." in response.content.decode()
    plan.refresh_from_db()
    old.refresh_from_db()
    assert (plan.status, plan.going_ahead_reason, plan.put_in_place_by) == (
        Status.ACTIVE, REASON, senco,
    )  # fmt: skip
    assert old.status == Status.SUPERSEDED
    page = senco_client.get(plan.get_absolute_url()).content.decode()
    assert "Put in place without everyone's agreement" in page
    assert "we met on 3 Dec and will review in 6 weeks" in page
    assert "The reading target is too hard." in page  # the disagreement stays on record


def test_without_a_reason_the_senco_is_refused_with_a_clear_message(senco_client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    school_agrees(plan, senco)
    services.record_agreement(plan=plan, party="parent", by=senco, response="question",
                              text="Is this instead of her speech therapy?")  # fmt: skip
    page = senco_client.get(plan.get_absolute_url()).content.decode()
    assert "Why the school is going ahead" in page
    response = senco_client.post(
        reverse("reviews:plan_activate", args=[plan.pk]), {"reason": " "}, follow=True
    )
    html = response.content.decode()
    assert (
        "Not everyone agreed this plan (Parent or carer asked a question that is not yet "
        "answered; Pupil gave no response). Record why the school is going ahead" in html
    )
    plan.refresh_from_db()
    assert (plan.status, plan.going_ahead_reason) == (Status.DRAFT, "")


def test_an_answered_question_needs_no_reason_but_silence_does(world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    school_agrees(plan, senco)
    services.record_agreement(plan=plan, party="pupil", by=senco, method="Talking mat")
    services.record_agreement(plan=plan, party="parent", by=senco, response="question",
                              text="When does it start?")  # fmt: skip
    with pytest.raises(ValidationError, match="asked a question that is not yet answered"):
        services.activate_plan(plan=plan, by=senco)
    services.answer_question(plan=plan, party="parent", answer="On Monday.", by=senco)
    services.activate_plan(plan=plan, by=senco)
    plan.refresh_from_db()
    assert (plan.status, plan.going_ahead_reason) == (Status.ACTIVE, "")


def test_the_teacher_and_senco_must_agree_before_it_is_put_in_place(world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    services.record_agreement(plan=plan, party="senco", by=senco)
    with pytest.raises(ValidationError, match="Record the agreement of the Class teacher"):
        services.activate_plan(plan=plan, by=senco, reason=REASON)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_a_plan_everyone_agreed_goes_ahead_without_a_reason(senco_client, world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    for party in PlanAgreement.Party:
        services.record_agreement(plan=plan, party=party, by=senco)
    senco_client.post(reverse("reviews:plan_activate", args=[plan.pk]))
    plan.refresh_from_db()
    assert (plan.status, plan.going_ahead_reason) == (Status.ACTIVE, "")


def test_a_changed_draft_withdraws_a_disagreement_too(world):
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco)
    services.record_agreement(plan=plan, party="parent", by=senco, response="disagree",
                              text="Too much time out of class.")  # fmt: skip
    services.add_draft_strategy(plan=plan, text="Pre-teach the week's new words.")
    assert not plan.agreements.exists()
    assert PlanAgreement.all_objects.get(plan=plan).text == "Too much time out of class."


def test_the_reason_is_on_the_review_record(client, world):
    senco = world.user(Role.SENCO)
    plan = reviewed_plan(world.taught, senco)
    SupportPlan.objects.filter(pk=plan.pk).update(going_ahead_reason=REASON)
    client.force_login(senco)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.count("we met on 3 Dec and will review in 6 weeks") == 2  # banner and record
    from tests.reports.test_pdf import pdf_text

    text = pdf_text(client.get(reverse("reviews:review_pdf", args=[plan.pk])).content)
    assert "we met on 3 Dec" in " ".join(text.split())


STAFF_WORDING = re.compile(
    r"Cycle|version|\bDraft\b|Targeted|Universal|Specialist|layer|Superseded",
    re.IGNORECASE,
)


def test_the_portal_shows_the_plan_in_plain_words_without_staff_wording(client, world):
    senco = world.user(Role.SENCO)
    active = make_plan(world.taught, senco, status=Status.ACTIVE)
    make_plan(world.taught, senco, cycle=1, version=2, previous=active)  # a draft to respond to
    client.force_login(world.user(Role.PARENT))
    for url in [
        reverse("portal:child", args=[world.taught.pk]),
        reverse("portal:plan_respond", args=[world.taught.support_plans.drafts().get().pk]),
    ]:
        html = client.get(url).content.decode()
        for heading in ["What school will do", "What we are working towards",
                        "How you can help at home", "We will look at how it is going together by"]:  # fmt: skip
            assert heading in html, (url, heading)
        assert "Lexia three times a week with the TA." in html
        assert "Target 1 for Taught" in html
        assert "Read together for ten minutes each evening." in html
        main = html[html.index("<main") :]
        assert STAFF_WORDING.findall(main) == [], url
        assert "Reads two years below age" not in main  # the SENCO's assessment notes
