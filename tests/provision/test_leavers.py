"""A pupil the MIS import marks as left leaves their intervention groups the same day."""

from datetime import date, timedelta

import pytest

from provision.models import GroupMember
from pupils.models import Pupil
from sendhub.roles import Role
from tests.factories import MembershipFactory, SchoolFactory, valid_upn
from tests.provision.provision_data import run_group
from tests.pupils.import_files import SIMS_HEADER, csv_bytes, sims_row, small_roll
from tests.pupils.test_import import run

pytestmark = pytest.mark.django_db


def test_a_leavers_group_places_end_on_the_day_they_left_and_others_stay(tmp_path):
    school = SchoolFactory(urn="123456")
    run(tmp_path, small_roll(), school)
    zara, oliver = (Pupil.objects.get(upn=valid_upn(n)) for n in (1, 2))
    ta = MembershipFactory(school=school, role=Role.TEACHING_ASSISTANT).user
    reading = run_group(school, [ta], [zara, oliver], name="Reading")
    later = run_group(school, [ta], [oliver], name="Handwriting")
    later.members.update(left_on=date.today() + timedelta(days=30))  # was to end next month
    finished = run_group(school, [ta], [oliver], name="Spelling")
    finished.members.update(left_on=date.today() - timedelta(days=20))  # ended before

    rows = [sims_row(1, "Ahmed", "Zara"), sims_row(3, "Clarke", "Mia", year="9", form="9B",
            status="E", primary="ASD", secondary="SLCN")]  # fmt: skip
    code, out = run(tmp_path, csv_bytes(rows), school, "--full-roll")

    assert code == 0 and "1 marked as left" in out
    left = date.today() - timedelta(days=1)
    places = {place.group.name: place for place in GroupMember.objects.filter(pupil=oliver)}
    assert places["Reading"].left_on == left
    assert places["Handwriting"].left_on == left
    assert places["Spelling"].left_on == date.today() - timedelta(days=20)  # untouched
    assert GroupMember.objects.get(group=reading, pupil=zara).left_on is None
    change = places["Reading"].history.first()
    assert change.left_on == left and change.history_change_reason == "MIS import of roll.csv"


def test_a_leaving_date_in_the_file_ends_the_pupils_group_places_on_that_day(tmp_path):
    school = SchoolFactory(urn="123456")
    run(tmp_path, small_roll(), school)
    oliver = Pupil.objects.get(upn=valid_upn(2))
    ta = MembershipFactory(school=school, role=Role.TEACHING_ASSISTANT).user
    run_group(school, [ta], [oliver], name="Reading")

    header = [*SIMS_HEADER, "Leaving Date"]
    rows = [sims_row(2, "Brown", "Oliver", gender="M", status="K", primary="SPLD") + ["20/11/2026"]]
    code, _ = run(tmp_path, csv_bytes(rows, header), school)

    assert code == 0
    assert Pupil.objects.get(pk=oliver.pk).left_on == date(2026, 11, 20)
    assert GroupMember.objects.get(pupil=oliver).left_on == date(2026, 11, 20)
