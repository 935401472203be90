"""The module's shared world (tests/conftest.py ModuleWorld): each test sees it as it was
built, whatever an earlier test wrote; a test that does not take it never sees its rows,
whatever order the tests run in."""

from dataclasses import dataclass

from django.db import connections

from pupils.models import Pupil, TeachingGroup
from sendhub.models import School
from tests.conftest import shared_world_last, world_outlives
from tests.factories import PupilFactory


@dataclass(frozen=True)
class FakeItem:
    nodeid: str
    fixturenames: tuple = ()


def test_each_modules_world_tests_run_after_its_other_tests():
    items = [
        FakeItem("tests/a.py::w1", ("world", "module_world")),
        FakeItem("tests/a.py::plain"),
        FakeItem("tests/a.py::w2", ("module_world",)),
        FakeItem("tests/b.py::w", ("module_world",)),
        FakeItem("tests/b.py::plain"),
        FakeItem("tests/c.py::plain"),
    ]
    assert [item.nodeid for item in shared_world_last(items)] == [
        "tests/a.py::plain",
        "tests/a.py::w1",
        "tests/a.py::w2",
        "tests/b.py::plain",
        "tests/b.py::w",
        "tests/c.py::plain",
    ]


def test_the_worlds_transaction_ends_before_any_test_that_does_not_take_it():
    world_test = FakeItem("tests/a.py::w1", ("world", "module_world"))
    assert world_outlives(world_test, FakeItem("tests/a.py::w2", ("module_world",)))
    assert not world_outlives(world_test, FakeItem("tests/a.py::plain", ("db",)))
    assert not world_outlives(world_test, FakeItem("tests/b.py::w", ("module_world",)))
    assert not world_outlives(world_test, None)  # the worker's last test


def test_a_test_writes_to_the_world(world):
    PupilFactory(school=world.school, first_name="Written")
    world.taught.first_name = "Renamed"
    world.taught.save()
    world.group.delete()


def test_the_next_test_sees_the_world_as_it_was_built(world):
    assert world.taught.first_name == "Taught"
    assert Pupil.objects.filter(school=world.school).count() == 2  # taught and untaught
    assert not Pupil.objects.filter(first_name="Written").exists()
    assert TeachingGroup.objects.filter(pk=world.group.pk).exists()


def test_closing_the_connection_keeps_the_world(world):
    connections.close_all()  # as a management command does when run from the command line
    assert School.objects.filter(pk=world.school.pk).exists()


def test_a_test_without_the_world_sees_none_of_its_rows(db):
    # Written last, run first (shared_world_last); run after the world tests it would still
    # see none of their rows, as the world's transaction ends before it (world_outlives).
    assert not School.objects.filter(name="Oakfield Academy").exists()
