"""
Small-number suppression for anonymised reports (docs/anonymised-reports.md).

Two rules, applied to every figure a governor or trust lead reads:

1. Primary: any count from 1 to 4 is shown as "fewer than 5".
2. Secondary: in a breakdown whose total is shown, a lone hidden cell could be worked back
   out as the total minus the cells shown, so the next smallest cell is hidden too. A line
   is safe when none, or at least two, of its figures (cells and total together) are
   hidden.

Percentages are shown only when both the part and the whole are shown.
"""

from django.conf import settings

# Why a figure is not shown: too small to show, or hidden to protect a small one.
SMALL, SECONDARY = "small", "secondary"


def suppression_threshold():
    return getattr(settings, "SENDHUB_SUPPRESS_UNDER", 5)


def suppress(count):
    """
    None for a count from 1 to threshold-1, else the count.

    Zero is shown: it identifies nobody. Percentages must come from
    suppressed_percent so a hidden count cannot be worked back out.
    """
    if count is None:
        return None
    return None if 0 < count < suppression_threshold() else count


def suppressed_percent(count, total):
    if suppress(count) is None or suppress(total) is None or not total:
        return None
    return round(100 * count / total, 1)


def hidden_cells(values, lines, *, shown=(), hide=()):
    """
    {key: SMALL or SECONDARY} for the figures that must not be shown.

    values: {key: count}. lines: [(total_key, [cell keys])], each total the sum of its
    cells (a key may be a cell of one line and the total of another, as a row total is).
    Hides every small count, then, until nothing changes, a second cell of any line with
    exactly one hidden figure: the smallest non-zero one, preferring a cell that also closes
    another such line, and avoiding one that would open a new one (so that hiding one cell
    for a row does not set off a chain through the columns). Keys in `shown` are figures a
    reader can work out elsewhere: never hidden, and never counted as hidden. Keys in `hide`
    are hidden elsewhere in the report (the same count in another section) and stay hidden.

    >>> hidden_cells({"a": 3, "b": 9, "c": 20, "all": 32}, [("all", ["a", "b", "c"])])
    {'a': 'small', 'b': 'secondary'}
    """
    hidden = {
        key: SMALL
        for key, n in values.items()
        if key not in shown and n is not None and suppress(n) is None
    }
    hidden |= {key: SECONDARY for key in hide if key not in hidden}
    lines_of = {}
    for line in lines:
        for key in line[1]:
            lines_of.setdefault(key, []).append(line)

    def hidden_in(line):
        return sum(1 for key in [line[0], *line[1]] if key in hidden)

    def knock_on(key, line):
        """Lines a hidden `key` would open (now none hidden) less those it would close."""
        others = [other for other in lines_of[key] if other != line]
        if key in totals_of:
            others += totals_of[key]
        return sum(1 for o in others if hidden_in(o) == 0) - sum(
            1 for o in others if hidden_in(o) == 1
        )

    totals_of = {}
    for line in lines:
        totals_of.setdefault(line[0], []).append(line)
    changed = True
    while changed:
        changed = False
        for total_key, cell_keys in lines:
            if hidden_in((total_key, cell_keys)) != 1:
                continue
            visible = [key for key in cell_keys if key not in hidden and key not in shown]
            candidates = [key for key in visible if values[key]] or visible
            if not candidates:
                continue
            line = (total_key, cell_keys)
            smallest = min(
                candidates,
                key=lambda key: (knock_on(key, line), values[key], cell_keys.index(key)),
            )
            hidden[smallest] = SECONDARY
            changed = True
    return {key: hidden[key] for key in values if key in hidden}


def figure(count, why=None):
    """One count as a report keeps it: {"n": count} or {"n": None, "why": SMALL|SECONDARY}."""
    if why is None and count is not None and suppress(count) is None:
        why = SMALL
    return {"n": None, "why": why} if why else {"n": count}


def percent_of(part, whole):
    """A percentage of two figures, or None when either is hidden (it would give one back)."""
    if part["n"] is None or whole["n"] is None or not whole["n"]:
        return None
    return round(100 * part["n"] / whole["n"], 1)


def breakdown(counts, total=None, *, total_hidden=False):
    """
    {"cells": {key: figure}, "total": figure} for one breakdown and its total (the sum of the
    cells unless given), with both suppression rules applied. total_hidden: the total is
    hidden elsewhere in the report (the same count in another table), so it is hidden here.

    >>> breakdown({"K": 3, "E": 0, "N": 40})["cells"]["N"]
    {'n': None, 'why': 'secondary'}
    """
    total = sum(counts.values()) if total is None else total
    values = {**{("cell", key): n for key, n in counts.items()}, ("total",): total}
    hidden = hidden_cells(
        values,
        [(("total",), [("cell", key) for key in counts])],
        hide=[("total",)] if total_hidden else [],
    )
    return {
        "cells": {key: figure(n, hidden.get(("cell", key))) for key, n in counts.items()},
        "total": figure(total, hidden.get(("total",))),
    }


def grid(counts, rows, columns, *, hidden_columns=()):
    """
    A table of counts with row totals, column totals and a grand total, every line made safe.

    counts: {(row, column): count}; hidden_columns: columns whose total is hidden elsewhere
    in the report (the same count in another table). Returns {"cells": {(row, column): figure},
    "row_totals": {row: figure}, "column_totals": {column: figure}, "total": figure}.
    """
    values = {("cell", r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        values[("row", r)] = sum(counts.get((r, c), 0) for c in columns)
    for c in columns:
        values[("column", c)] = sum(counts.get((r, c), 0) for r in rows)
    values[("total",)] = sum(values[("row", r)] for r in rows)
    lines = [(("row", r), [("cell", r, c) for c in columns]) for r in rows]
    lines += [(("column", c), [("cell", r, c) for r in rows]) for c in columns]
    lines += [(("total",), [("row", r) for r in rows])]
    lines += [(("total",), [("column", c) for c in columns])]
    hidden = hidden_cells(values, lines, hide=[("column", c) for c in hidden_columns])

    def fig(key):
        return figure(values[key], hidden.get(key))

    return {
        "cells": {(r, c): fig(("cell", r, c)) for r in rows for c in columns},
        "row_totals": {r: fig(("row", r)) for r in rows},
        "column_totals": {c: fig(("column", c)) for c in columns},
        "total": fig(("total",)),
    }
