"""Changes are kept with who/when/what; reads of full SEN files are logged (SEND-reference §1, §9)."""

from datetime import date

import pytest
from django.urls import reverse

from pupils.models import Pupil
from sendhub.models import AccessLog
from sendhub.roles import Role


def change_status(client, pupil, **overrides):
    data = {
        "stage": "sen_support",
        "primary_need": "SLCN",
        "secondary_need": "",
        "effective_on": date.today().isoformat(),
        "reason": "Speech and language screening below the average band.",
        "evidence": "Observation; screening score 78.",
        "informed_on": date.today().isoformat(),
        "informed_method": "meeting",
        **overrides,
    }
    return client.post(reverse("pupils:change_status", args=[pupil.pk]), data)


@pytest.mark.django_db
def test_changing_a_pupil_shows_in_history_with_user_and_old_and_new_values(client, world):
    senco = world.user(Role.SENCO)
    client.force_login(senco)
    response = change_status(client, world.taught)
    assert response.status_code == 302

    record = Pupil.history.filter(id=world.taught.pk).latest("history_date")
    assert record.history_user == senco
    delta = record.diff_against(record.prev_record)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["sen_stage"] == ("none", "sen_support")

    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert str(senco) in page
    assert "SEN stage" in page
    assert "<del>none</del> → <ins>sen_support</ins>" in page


@pytest.mark.django_db
def test_history_shows_changes_to_related_records(client, world):
    link = world.taught.parent_links.get()
    link.phone = "01132 496000"
    link._change_reason = "Parent updated phone number"
    link.save()
    client.force_login(world.user(Role.SENCO))
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "01132 496000" in page
    assert "Parent updated phone number" in page


@pytest.mark.django_db
def test_opening_the_full_file_is_logged(client, world):
    head = world.user(Role.SENIOR_LEADER)
    client.force_login(head)
    client.get(reverse("pupils:detail", args=[world.taught.pk]))
    log = AccessLog.objects.get()
    assert (log.user, log.pupil_id, log.role, log.what) == (
        head,
        world.taught.pk,
        Role.SENIOR_LEADER,
        "full SEN file",
    )
    page = client.get(reverse("pupils:history", args=[world.taught.pk])).content.decode()
    assert "full SEN file" in page and str(head) in page


@pytest.mark.django_db
def test_need_to_know_summary_is_not_a_full_file_read(client, world):
    client.force_login(world.user(Role.TEACHER))
    response = client.get(reverse("pupils:detail", args=[world.taught.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.count() == 0
    # The teacher sees needs but not the UPN, register history or medical details.
    page = response.content.decode()
    assert world.taught.upn not in page
    assert "Register history" not in page
    assert "Medical conditions" not in page


@pytest.mark.django_db
def test_out_of_scope_read_is_not_logged(client, world):
    client.force_login(world.user(Role.SENCO))
    response = client.get(reverse("pupils:detail", args=[world.elsewhere.pk]))
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0
