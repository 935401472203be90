"""The trust lead's roll-up: every school side by side, anonymised, in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pupils.codes import SenStage
from pupils.models import Pupil, PupilNeed
from reports.termly.figures import school_pupils
from reports.termly.models import TermlyReport, TermlyReportVersion
from reports.termly.services import publish
from reports.trust.rollup import school_rows, sorted_rows
from reviews.models import AnnualReview, SupportPlan
from sendhub.roles import Role
from tests.conftest import count_queries, get_counting_queries, make_member
from tests.factories import PupilFactory, SchoolFactory, TrustFactory
from tests.provision.provision_data import deliver, run_group
from tests.reports.test_anonymised import put_on_register
from tests.reviews.ehc_plan_data import issue_plan
from tests.reviews.plan_data import make_plan

TODAY = date.today()


def fill_school(school, senco, *, support=6, ehcp=2, no_sen=5):
    """Pupils on SEN support (one plan overdue its review), EHC plans issued over a year ago
    (none reviewed), pupils with no SEN (enough that their count is shown, so no register
    figure is hidden to protect it), and a running group with two delivered sessions."""
    PupilFactory.create_batch(no_sen, school=school)
    on_k = [PupilFactory(school=school) for _ in range(support)]
    for pupil in on_k:
        pupil.sen_stage = SenStage.SEN_SUPPORT
    Pupil.objects.bulk_update(on_k, ["sen_stage"])
    PupilNeed.objects.bulk_create(PupilNeed(pupil=p, code="SPLD", rank=1) for p in on_k)
    make_plan(on_k[0], senco, status=SupportPlan.Status.ACTIVE, review_due_on=TODAY - timedelta(1))
    for _ in range(ehcp):
        issue_plan(
            PupilFactory(school=school), senco, on=TODAY - timedelta(days=500), needs=["ASD"]
        )
    group = run_group(school, [senco], on_k[:2])
    deliver(group, TODAY - timedelta(days=3), 2, by=senco)
    return on_k


def publish_versions(school, senco, *terms):
    """Published termly report versions, (year, term, number) each, figures aside."""
    versions = []
    for year, term, number in terms:
        report, _ = TermlyReport.objects.get_or_create(
            school=school, year=year, term=term, defaults={"status": "published"}
        )
        versions.append(
            TermlyReportVersion.objects.create(
                report=report,
                number=number,
                snapshot={"figures": {}, "commentary": {}},
                published_at=timezone.now(),
                published_by=senco,
            )  # fmt: skip
        )
    return versions


def trust_of(size):
    trust = TrustFactory()
    lead = make_member(Role.TRUST_LEAD, trust=trust)
    schools = [SchoolFactory(trust=trust) for _ in range(size)]
    senco = make_member(Role.SENCO, school=schools[0])
    for n, school in enumerate(schools):
        fill_school(school, senco)
        if n % 2 == 0:  # half the schools have published, some more than once
            publish_versions(school, senco, (2025, "summer", 1), (2026, "autumn", 1))
    return trust, lead, schools


@pytest.mark.django_db
def test_roll_up_runs_the_same_queries_for_3_and_30_schools(client):
    counts = {}
    for size in (3, 30):
        _, lead, schools = trust_of(size)
        client.force_login(lead)
        counts[size], response = get_counting_queries(client, reverse("reports:home"), warm=True)
        assert len(response.context["rows"]) == size
        # 2 EHC plans are fewer than 5, so the 5 with no SEN (the smallest other figure) are
        # hidden with them, as the roll is shown; the 6 on SEN support show, in every school.
        assert all(row["ehcp"]["why"] == "small" for row in response.context["rows"])
        assert all(row["sen_support"]["n"] == 6 for row in response.context["rows"])
        linked = [row for row in response.context["rows"] if row["latest_report"]]
        assert len(linked) == (size + 1) // 2
    assert counts[3] == counts[30]


@pytest.mark.django_db
def test_school_summary_runs_a_fixed_number_of_queries(client):
    _, lead, schools = trust_of(2)
    client.force_login(lead)
    small = count_queries(client, reverse("reports:trust_school", args=[schools[0].pk]), warm=True)
    fill_school(schools[0], make_member(Role.SENCO, school=schools[0]), support=20, ehcp=8)
    large = count_queries(client, reverse("reports:trust_school", args=[schools[0].pk]))
    assert small == large


@pytest.mark.django_db
def test_each_family_of_figures_per_school(world):
    senco = world.user(Role.SENCO)
    fill_school(world.school, senco, support=7, ehcp=6)
    # One EHC plan reviewed in the last 12 months is not overdue.
    plan = world.school.pupils.filter(sen_stage=SenStage.EHCP).first().ehc_plans.get()
    AnnualReview.objects.create(
        plan=plan, starts_from=plan.issued_on, meeting_on=TODAY - timedelta(days=30),
        year_group=8, opened_on=TODAY - timedelta(days=60), opened_by=senco,
    )  # fmt: skip
    put_on_register(
        world, [PupilFactory(school=world.other_school) for _ in range(3)], SenStage.SEN_SUPPORT
    )
    rows = {row["school"]: row for row in school_rows([world.school, world.other_school])}
    ours = rows[world.school]
    assert ours["roll"] == 2 + 7 + 6 + 5  # the world's two pupils, then ours
    assert ours["sen_support"] == {
        "n": 7,
        "percent": 35.0,
        "text": '7 <span class="text-body-secondary text-nowrap">(35.0%)</span>',
    }
    assert ours["ehcp"]["n"] == 6 and ours["ehcp"]["percent"] == 30.0
    needs = {need["area"].value: need["n"] for need in ours["needs"]}
    assert needs == {"CI": 6, "CL": 7, "SEMH": 0, "SP": 0, "OTH": 0}
    assert ours["plans_overdue"]["n"] is None  # 1 of 1: fewer than 5
    assert "fewer than 5" in ours["plans_overdue"]["text"]
    assert ours["ehcps_in_force"]["n"] == 6 and ours["reviews_overdue"]["n"] == 5
    assert ours["groups_running"] == 1 and ours["pupils_in_provision"]["n"] is None
    assert ours["hours"] > 0 and ours["cost"] > 0
    theirs = rows[world.other_school]
    assert theirs["sen_support"] == {
        "n": None,
        "why": "small",
        "percent": None,
        "text": '<span class="text-nowrap">fewer than 5</span>',
    }  # three


@pytest.mark.django_db
def test_sorting_never_orders_hidden_counts(world):
    """Schools with 1 and 4 pupils on a figure sort as equals (by name), so the order does
    not tell a hidden 1 from a hidden 4."""
    trust = world.school.trust
    one, four = SchoolFactory(trust=trust, name="Zeta"), SchoolFactory(trust=trust, name="Alpha")
    put_on_register(world, [PupilFactory(school=one)], SenStage.SEN_SUPPORT)
    put_on_register(world, [PupilFactory(school=four) for _ in range(4)], SenStage.SEN_SUPPORT)
    rows = school_rows([one, four])
    for descending in (False, True):
        ordered = [row["school"].name for row in sorted_rows(rows, "sen_support", descending)]
        assert ordered == ["Alpha", "Zeta"]


@pytest.mark.django_db
def test_trust_lead_sees_the_table_sorted_and_no_names(client, world):
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    fill_school(world.other_school, world.user(Role.SENCO), support=9)
    client.force_login(lead)
    page = client.get(reverse("reports:home"), {"sort": "-sen_support"})
    names = [row["school"].name for row in page.context["rows"]]
    assert names == [world.other_school.name, world.school.name]
    html = page.content.decode()
    assert 'aria-sort="descending"' in html
    assert "Taught" not in html and "Surname" not in html
    assert reverse("reports:trust_school", args=[world.other_school.pk]) in html


@pytest.mark.django_db
def test_a_school_of_another_trust_is_not_found(client, world):
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    stranger = SchoolFactory(trust=TrustFactory())
    client.force_login(lead)
    assert client.get(reverse("reports:trust_school", args=[stranger.pk])).status_code == 404
    ok = client.get(reverse("reports:trust_school", args=[world.school.pk]))
    assert ok.status_code == 200 and world.school.name in ok.content.decode()


@pytest.mark.django_db
def test_each_school_links_to_its_latest_published_report(client, world):
    lead = make_member(Role.TRUST_LEAD, trust=world.school.trust)
    senco = world.user(Role.SENCO)
    # Autumn 2026/27 twice (the second the newest, published as the SENCO does), and the
    # summer before it.
    _, first = publish_versions(world.school, senco, (2025, "summer", 1), (2026, "autumn", 1))
    report = TermlyReport.objects.get(school=world.school, year=2026, term="autumn")
    newest = publish(report=report, by=senco, pupils=school_pupils(world.school))
    stranger = SchoolFactory(trust=TrustFactory())
    (elsewhere,) = publish_versions(stranger, senco, (2026, "spring", 1))
    client.force_login(lead)
    page = client.get(reverse("reports:home"))
    rows = {row["school"].pk: row for row in page.context["rows"]}
    assert rows[world.school.pk]["latest_report"] == newest
    assert rows[world.school.pk]["latest_report_label"] == "Autumn 2026/27, version 2"
    assert rows[world.other_school.pk]["latest_report"] is None
    html = page.content.decode()
    assert newest.get_absolute_url() in html
    assert first.get_absolute_url() not in html
    assert elsewhere.get_absolute_url() not in html
    assert "None published yet" in html
    # The link opens for the trust lead; the summary page links to it too.
    assert client.get(newest.get_absolute_url()).status_code == 200
    summary = client.get(reverse("reports:trust_school", args=[world.school.pk]))
    assert newest.get_absolute_url() in summary.content.decode()
