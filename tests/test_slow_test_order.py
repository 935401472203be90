"""CI's order of tests (tests/conftest.py spread_slow_tests): every test once, the slow ones
at the start of each pytest-xdist worker's first slice, a module at a time."""

from dataclasses import dataclass

from tests.conftest import spread_slow_tests


@dataclass(frozen=True)
class FakeItem:
    nodeid: str
    slow: bool = False

    def get_closest_marker(self, name):
        return name == "slow" and self.slow or None


def test_slow_modules_start_each_workers_slice_and_no_test_is_lost():
    quick = [FakeItem(f"tests/test_q.py::t{n}") for n in range(20)]
    demo = [FakeItem(f"tests/demo/test_d.py::t{n}", slow=True) for n in range(3)]
    migration = [FakeItem("tests/test_m.py::t", slow=True)]
    items = quick[:5] + demo + quick[5:12] + migration + quick[12:]

    ordered = spread_slow_tests(items, workers=2)

    assert sorted(item.nodeid for item in ordered) == sorted(item.nodeid for item in items)
    first, second = ordered[:12], ordered[12:]  # worksteal's first slices: 24 // 2, then 12
    assert first[:3] == demo and second[:1] == migration
    assert [item.nodeid for item in ordered if not item.slow] == [i.nodeid for i in quick]


def test_one_worker_gets_the_slow_tests_first():
    items = [FakeItem("a::q"), FakeItem("b::s", slow=True), FakeItem("c::q")]
    assert [item.nodeid for item in spread_slow_tests(items, workers=1)] == ["b::s", "a::q", "c::q"]
