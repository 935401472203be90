"""Support plan targets name the intervention groups that deliver them."""

from datetime import date, timedelta

from django.urls import reverse

from reviews.models import PlanTarget, SupportPlan
from sendhub.roles import Role
from tests.provision.provision_data import InterventionFactory, run_group
from tests.reports.test_pdf import pdf_text
from tests.reviews.plan_data import make_plan
from tests.reviews.test_plans import plan_post


def _groups(world):
    ta = world.user(Role.TEACHING_ASSISTANT)
    mine = run_group(
        world.school,
        [ta],
        [world.taught],
        name="Year 8 phonics",
        intervention=InterventionFactory(school=world.school, name="Toe by Toe"),
    )
    theirs = run_group(world.school, [ta], [world.untaught], name="Someone else's group")
    return mine, theirs


def test_a_target_links_only_groups_the_pupil_is_in(login, world):
    mine, theirs = _groups(world)
    client = login(world.user(Role.SENCO))
    url = reverse("reviews:plan_create", args=[world.taught.pk])
    form = client.get(url).text
    assert "Year 8 phonics (Toe by Toe)" in form
    assert "Someone else" not in form
    review_by = date.today() + timedelta(weeks=8)
    refused = client.post(url, plan_post(review_by, targets=1) | {"targets-0-groups": [theirs.pk]})
    assert refused.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in refused.text
    assert not SupportPlan.objects.exists()
    saved = client.post(url, plan_post(review_by, targets=1) | {"targets-0-groups": [mine.pk]})
    assert saved.status_code == 302
    assert list(PlanTarget.objects.get().groups.all()) == [mine]


def test_the_plan_page_and_pdf_show_each_targets_groups(login, world):
    mine, _theirs = _groups(world)
    senco = world.user(Role.SENCO)
    plan = make_plan(world.taught, senco, status=SupportPlan.Status.ACTIVE, targets=2)
    plan.targets.first().groups.add(mine)
    client = login(senco)
    page = client.get(reverse("reviews:plan_detail", args=[plan.pk])).text
    assert "Year 8 phonics (Toe by Toe)" in page
    text = pdf_text(client.get(reverse("reviews:plan_pdf", args=[plan.pk])).content)
    assert "Year 8 phonics (Toe by Toe)" in text
    # A parent's copy names the intervention in plain words, not the staff's group name.
    parent = login(world.user(Role.PARENT))
    parent_text = pdf_text(parent.get(reverse("reviews:plan_pdf", args=[plan.pk])).content)
    assert "Toe by Toe" in parent_text
    assert "Year 8 phonics" not in parent_text
