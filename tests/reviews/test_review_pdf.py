"""
The review record as a PDF: progress per target, the views gathered, the decision and
what happens next.
"""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ReviewView, SupportPlan
from reviews.views import review_context
from sendhub.models import AccessLog
from sendhub.pdf import render_pdf
from sendhub.roles import Role
from tests.conftest import count_queries, make_member
from tests.factories import ParentLinkFactory
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan, reviewed_plan

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def review_with_views(world, *, targets=4, views=4, decision="continue", cycle=1):
    """A plan with `targets` targets and `views` parties' views, then reviewed."""
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE, targets=targets,
                     cycle=cycle)  # fmt: skip
    parties = list(ReviewView.Party)
    services.ask_for_views(plan=plan, parties=parties)
    for party in parties[:views]:
        services.record_view(plan=plan, party=party, text=f"{party.label} says it helps.",
                             method="Conversation", by=senco)  # fmt: skip
    ratings = ["not_met", "partly", "met", "exceeded"]
    progress = {
        target.pk: (ratings[n % 4], f"Evidence {n + 1}: read {n + 20} words")
        for n, target in enumerate(plan.targets.order_by("order"))
    }
    services.close_review(plan=plan, held_on=date.today(), decision=decision,
                          summary="Reading is getting more fluent.", progress=progress,
                          recorded_by=senco)  # fmt: skip
    return plan


def test_review_record_shows_progress_views_decision_and_next_steps(client, world):
    plan = review_with_views(world, views=3)
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("reviews:review_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "review-record.pdf").write_bytes(response.content)
    text = pdf_text(response.content)
    assert "Oakfield Academy" in text
    assert f"Printed {date.today():%-d %B %Y}" in text
    assert "Page 1 of" in text
    assert "Review of Taught's SEN support plan" in text
    assert "Target 4 for Taught" in text
    for rating in ["Not met", "Partly met", "Met", "Exceeded"]:
        assert rating in text
    assert "Evidence 3: read 22 words" in text
    assert "Parent or carer says it helps." in text
    assert "no views were given" in text  # the TA was asked but did not reply
    assert "Reading is getting more fluent." in text
    assert "Decision: Continue the plan" in text
    assert "new plan for cycle 2" in text
    assert "The new plan is a draft" in text
    assert f"{world.user(Role.SENCO)}, who recorded the review" in text


def test_exit_says_there_is_no_new_plan(client, world):
    world.taught.needs.create(code="SPLD", rank=1)
    plan = review_with_views(world, decision="exit")
    client.force_login(world.user(Role.PARENT))
    text = pdf_text(client.get(reverse("reviews:review_pdf", args=[plan.pk])).content)
    assert "Decision: Exit SEN support" in text
    assert "Taught leaves SEN support, so there is no new plan." in text
    assert "carried into the next plan" not in text


def test_review_record_renders(world):
    """Its time budget (under a second) is kept in docs/speed-budgets.md, not asserted here."""
    plan = review_with_views(world, targets=4)
    plan = SupportPlan.objects.for_review_record().get(pk=plan.pk)
    context = review_context(plan)
    pdf = render_pdf("reviews/pdf/review.html", context)
    assert pdf.startswith(b"%PDF")


def test_plan_not_yet_reviewed_has_no_review_record(client, world):
    plan = make_plan(world.taught, world.user(Role.SENCO), status=SupportPlan.Status.ACTIVE)
    for role in (Role.SENCO, Role.PARENT):
        client.force_login(world.user(role))
        response = client.get(reverse("reviews:review_pdf", args=[plan.pk]))
        assert response.status_code == 404, role


def test_teacher_who_does_not_teach_the_pupil_gets_404(client, world):
    plan = reviewed_plan(world.untaught, world.user(Role.SENCO))
    client.force_login(world.user(Role.TEACHER))
    assert client.get(reverse("reviews:review_pdf", args=[plan.pk])).status_code == 404
    mine = reviewed_plan(world.taught, world.user(Role.SENCO))
    assert client.get(reverse("reviews:review_pdf", args=[mine.pk])).status_code == 200


def test_another_familys_parent_gets_404(client, world):
    plan = reviewed_plan(world.taught, world.user(Role.SENCO))
    other_parent = make_member(Role.PARENT, school=world.school)
    ParentLinkFactory(parent=other_parent, pupil=world.untaught)
    client.force_login(other_parent)
    assert client.get(reverse("reviews:review_pdf", args=[plan.pk])).status_code == 404
    client.force_login(world.user(Role.PARENT))
    assert client.get(reverse("reviews:review_pdf", args=[plan.pk])).status_code == 200


def test_staff_reads_are_logged_like_the_plan_pdf(client, world):
    plan = reviewed_plan(world.taught, world.user(Role.SENCO))
    client.force_login(world.user(Role.PARENT))
    client.get(reverse("reviews:review_pdf", args=[plan.pk]))
    assert not AccessLog.objects.exists()  # a parent reading their own child's record
    client.force_login(world.user(Role.TEACHER))
    client.get(reverse("reviews:review_pdf", args=[plan.pk]))
    log = AccessLog.objects.get()
    assert (log.pupil_id, log.what, log.user) == (
        world.taught.pk,
        "review record (PDF)",
        world.user(Role.TEACHER),
    )


def test_queries_do_not_grow_with_targets_and_views(client, world):
    client.force_login(world.user(Role.SENCO))
    small = review_with_views(world, targets=2, views=2)
    SupportPlan.objects.filter(pupil=world.taught, status=SupportPlan.Status.DRAFT).update(
        status=SupportPlan.Status.SUPERSEDED
    )
    large = review_with_views(world, targets=4, views=4, cycle=5)
    one = count_queries(client, reverse("reviews:review_pdf", args=[small.pk]), warm=True)
    many = count_queries(client, reverse("reviews:review_pdf", args=[large.pk]), warm=True)
    assert one == many, f"{one} queries with 2 targets and views, {many} with 4"


def test_plan_page_and_portal_link_to_the_review_record(client, world):
    plan = review_with_views(world, views=2)
    url = reverse("reviews:review_pdf", args=[plan.pk])
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("reviews:plan_detail", args=[plan.pk])).content.decode()
    assert url in page
    assert "How each target went" in page
    assert "Evidence 2: read 21 words" in page
    following = SupportPlan.objects.get(pupil=world.taught, cycle=2)
    draft_page = client.get(reverse("reviews:plan_detail", args=[following.pk])).content.decode()
    assert "review.pdf" not in draft_page
    client.force_login(world.user(Role.PARENT))
    portal = client.get(reverse("portal:child", args=[world.taught.pk])).content.decode()
    assert url in portal
    assert "Download the review record (PDF)" in portal
