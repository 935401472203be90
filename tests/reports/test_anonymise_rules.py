"""Primary and secondary suppression, with the worked examples of docs/anonymised-reports.md."""

import pytest

from reports.anonymise import SECONDARY, SMALL, breakdown, grid, hidden_cells, percent_of


def shown(table):
    return {key: cell["n"] for key, cell in table["cells"].items()}


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    """SEN support 3, EHC plan 9, no SEN 20 of 32: 32 - 9 - 20 would give back the 3."""
    table = breakdown({"K": 3, "E": 9, "N": 20})
    assert shown(table) == {"K": None, "E": None, "N": 20}
    assert table["cells"]["K"]["why"] == SMALL
    assert table["cells"]["E"]["why"] == SECONDARY
    assert table["total"] == {"n": 32}


def test_two_small_cells_protect_each_other():
    """3 and 1 of 24: the reader learns only that the two hidden cells add up to 4."""
    table = breakdown({"K": 3, "E": 1, "N": 20})
    assert shown(table) == {"K": None, "E": None, "N": 20}
    assert {table["cells"]["K"]["why"], table["cells"]["E"]["why"]} == {SMALL}


def test_zero_is_shown_and_is_not_chosen_while_a_non_zero_cell_can_be():
    table = breakdown({"quick": 0, "medium": 2, "slow": 6})
    assert shown(table) == {"quick": 0, "medium": None, "slow": None}


def test_a_small_total_hides_itself_and_needs_no_second_cell():
    table = breakdown({"on_time": 3, "late": 0, "not_yet": 0})
    assert table["total"]["n"] is None
    assert shown(table) == {"on_time": None, "late": 0, "not_yet": 0}


def test_nothing_small_hides_nothing():
    table = breakdown({"K": 12, "E": 5, "N": 200})
    assert shown(table) == {"K": 12, "E": 5, "N": 200}


def test_a_cell_hidden_to_protect_a_row_is_protected_in_its_column_too():
    """Year 7 has 3 EHC plans; hiding its SEN support figure to protect them then leaves
    that column with one hidden cell, so a second column cell goes as well."""
    counts = {
        (7, "K"): 6, (7, "E"): 3, (7, "N"): 100,
        (8, "K"): 10, (8, "E"): 7, (8, "N"): 90,
        (9, "K"): 12, (9, "E"): 8, (9, "N"): 95,
    }  # fmt: skip
    table = grid(counts, [7, 8, 9], ["K", "E", "N"])
    hidden = {key for key, cell in table["cells"].items() if cell["n"] is None}
    for row in (7, 8, 9):
        in_row = [key for key in hidden if key[0] == row]
        assert len(in_row) != 1, row
    for column in ("K", "E", "N"):
        in_column = [key for key in hidden if key[1] == column]
        assert len(in_column) != 1, column
    assert table["total"] == {"n": 331}


def test_figures_a_reader_can_work_out_elsewhere_count_as_shown():
    values = {"net": 2, "joined": 3, "left": 1, "moved": 9}
    hidden = hidden_cells(values, [("net", ["joined", "left", "moved"])], shown=["net"])
    assert "net" not in hidden and hidden == {"joined": SMALL, "left": SMALL}


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [({"n": 10}, {"n": 40}, 25.0), ({"n": None, "why": SMALL}, {"n": 40}, None),
     ({"n": 10}, {"n": None, "why": SECONDARY}, None), ({"n": 0}, {"n": 0}, None)],
)  # fmt: skip
def test_a_percentage_needs_both_its_figures_shown(part, whole, expected):
    assert percent_of(part, whole) == expected


def test_a_second_cell_is_chosen_to_close_two_lines_at_once():
    """Year 7 has 3 EHC plans. Hiding Year 7's SEN support figure leaves a single hidden
    cell in both columns; hiding both figures of one other year closes both, so four
    cells are hidden, not six."""
    counts = {
        (7, "K"): 30, (7, "E"): 3, (7, "N"): 167,
        (8, "K"): 31, (8, "E"): 10, (8, "N"): 159,
        (9, "K"): 29, (9, "E"): 6, (9, "N"): 165,
        (10, "K"): 27, (10, "E"): 7, (10, "N"): 166,
    }  # fmt: skip
    table = grid(counts, [7, 8, 9, 10], ["K", "E", "N"])
    hidden = sorted(key for key, cell in table["cells"].items() if cell["n"] is None)
    assert len(hidden) == 4
    assert (7, "E") in hidden and (7, "K") in hidden


def test_the_worked_examples_in_the_docstrings_hold():
    import doctest

    import reports.anonymise

    assert doctest.testmod(reports.anonymise).failed == 0


def test_a_total_hidden_in_another_table_stays_hidden_and_takes_a_cell_with_it():
    """Pupils on SEN support (15) are hidden in the register table; the meetings table counts
    the same 15, so its total is hidden too, and then one of its parts."""
    table = breakdown({"met": 6, "not_met": 9}, total_hidden=True)
    assert table["total"] == {"n": None, "why": SECONDARY}
    assert shown(table) == {"met": None, "not_met": 9}
