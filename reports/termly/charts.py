"""
Charts for the termly report as inline SVG, laid out here and drawn by
templates/reports/termly/_chart.html: no JavaScript, nothing fetched, and the same markup
in the page and the PDF. Each chart carries a title, a description and its figures as a
table for screen readers; every bar and point is labelled with its figure in text, so no
reader depends on colour.
"""

# Colours with at least 4.5:1 contrast on white (WCAG 2.2 AA): a blue and an orange, the
# pair most readers with colour-blindness still tell apart, and a grey. The EHC plan line is
# dashed, and the legend and labels name each series in words, so colour is never the only
# cue.
SERIES_COLOURS = {"K": "#1d5a96", "E": "#9a4100", "N": "#595959", "national": "#595959"}
SERIES_LABELS = {"K": "SEN support", "E": "EHC plan", "N": "No SEN", "school": "Our school"}

WIDTH, PLOT_TOP, PLOT_HEIGHT, LEFT = 640, 40, 180, 48
LINE_PAD = 40  # room either side of a trend line for its first and last labels


def _figure_text(value, unit=""):
    if value is None:
        return "not shown"
    return f"{value}{unit}"


def bar_chart(key, title, description, categories, series, *, unit=""):
    """
    A grouped bar chart: one group per category, one bar per series.

    series: [(series key, label, [value per category])], each value a number, or None
    for a figure not shown (no bar is drawn; its label says so).
    """
    values = [v for _, _, row in series for v in row if v is not None]
    top = max(values, default=0) or 1
    group_width = (WIDTH - LEFT - 10) / max(len(categories), 1)
    bar_width = min(36, (group_width - 12) / max(len(series), 1))
    bars = []
    for c, category in enumerate(categories):
        group_x = LEFT + c * group_width + (group_width - bar_width * len(series)) / 2
        for s, (series_key, label, row) in enumerate(series):
            value = row[c]
            height = 0 if value is None else PLOT_HEIGHT * value / top
            x = group_x + s * bar_width
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(PLOT_TOP + PLOT_HEIGHT - height, 1),
                    "width": round(bar_width - 2, 1),
                    "height": round(height, 1),
                    "colour": SERIES_COLOURS.get(series_key, "#1d5a96"),
                    "text": "–" if value is None else _figure_text(value, unit),
                    "text_x": round(x + (bar_width - 2) / 2, 1),
                    "text_y": round(PLOT_TOP + PLOT_HEIGHT - height - 4, 1),
                    "label": f"{category}, {label}: {_figure_text(value, unit)}",
                }
            )
    return {
        "id": f"chart-{key}",
        "kind": "bar",
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": PLOT_TOP + PLOT_HEIGHT + 40,
        "baseline": PLOT_TOP + PLOT_HEIGHT,
        "left": LEFT,
        "right": WIDTH - 10,
        "bars": bars,
        "category_labels": [
            {"text": category, "x": round(LEFT + (c + 0.5) * group_width, 1)}
            for c, category in enumerate(categories)
        ],
        "legend": _legend(series),
        "table": _table(categories, series, unit),
    }


def line_chart(key, title, description, categories, series, *, unit=""):
    """A small trend line per series over the categories (terms), points labelled."""
    values = [v for _, _, row in series for v in row if v is not None]
    top = max(values, default=0) or 1
    step = (WIDTH - LEFT - 2 * LINE_PAD) / max(len(categories) - 1, 1)
    lines = []
    for series_key, label, row in series:
        points = []
        for c, value in enumerate(row):
            if value is None:
                continue
            x = round(LEFT + LINE_PAD + c * step, 1)
            y = round(PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top, 1)
            points.append({"x": x, "y": y, "text": _figure_text(value, unit), "text_y": y - 8})
        lines.append(
            {
                "colour": SERIES_COLOURS.get(series_key, "#1d5a96"),
                "label": label,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "dashed": series_key == "E",
            }
        )
    return {
        "id": f"chart-{key}",
        "kind": "line",
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": PLOT_TOP + PLOT_HEIGHT + 40,
        "baseline": PLOT_TOP + PLOT_HEIGHT,
        "left": LEFT,
        "right": WIDTH - 10,
        "lines": lines,
        "category_labels": [
            {"text": category, "x": round(LEFT + LINE_PAD + c * step, 1)}
            for c, category in enumerate(categories)
        ],
        "legend": _legend(series),
        "table": _table(categories, series, unit),
    }


def _legend(series):
    return [
        {
            "label": label,
            "colour": SERIES_COLOURS.get(key, "#1d5a96"),
            "x": LEFT + index * 150,
            "dashed": key == "E",
        }
        for index, (key, label, _) in enumerate(series)
    ]


def _table(categories, series, unit):
    return {
        "headers": [label for _, label, _ in series],
        "rows": [
            {"label": category, "cells": [_figure_text(row[c], unit) for _, _, row in series]}
            for c, category in enumerate(categories)
        ],
    }


def imported_charts(figures):
    """
    Attendance by group and attainment by subject and group, from the imported sections'
    anonymised figures; none for a section without data (or a version published before).
    """
    charts = {}
    attendance = figures.get("attendance") or {}
    if attendance.get("available"):
        groups = attendance["groups"]
        charts["attendance"] = bar_chart(
            "attendance",
            "Attendance by SEN status this term",
            "Bars: the percentage of possible sessions attended by pupils on SEN support, with "
            "an EHC plan and with no SEN. A dash marks a figure not shown (too few pupils, or "
            "hidden to protect a small number).",
            [row["label"] for row in groups],
            [("school", "Attendance (%)", [row["attendance_percent"] for row in groups])],
            unit="%",
        )
    progress = figures.get("progress") or {}
    if progress.get("available"):
        subjects = progress["subjects"]
        charts["progress"] = bar_chart(
            "progress",
            "Pupils at or above the expected standard, by subject",
            "Grouped bars: for each subject, the percentage of pupils on SEN support, with an "
            "EHC plan and with no SEN at or above the expected standard. A dash marks a figure "
            "not shown.",
            [row["label"] for row in subjects],
            [
                (
                    status,
                    f"{label} (%)",
                    [(row["groups"][i] or {}).get("percent") for row in subjects],
                )
                for i, (status, label) in enumerate(
                    [("K", "SEN support"), ("E", "EHC plan"), ("N", "No SEN")]
                )
            ],
            unit="%",
        )
    return charts


def report_charts(figures):
    """The report's charts, from its (anonymised) figures."""
    by_year = figures["register"]["by_year"]
    years = [row["label"] for row in by_year]
    trend = figures["trend"]["terms"]
    national = figures["national"]["rows"]
    return {
        "by_year": bar_chart(
            "by-year",
            "Pupils on SEN support and with an EHC plan, by year group",
            "Grouped bars: for each year group, the number of pupils on SEN support and the "
            "number with an EHC plan. A dash marks a number not shown (under 5, or hidden to "
            "protect one).",
            years,
            [
                ("K", "SEN support", [row["cells"][0]["n"] for row in by_year]),
                ("E", "EHC plan", [row["cells"][1]["n"] for row in by_year]),
            ],
        ),
        "trend": line_chart(
            "trend",
            "Share of pupils on the SEN register over recent terms",
            "Two lines: the percentage of pupils on SEN support, and with an EHC plan, at the "
            "end of each of the last terms.",
            [row["label"].replace(" term", "") for row in trend],
            [
                ("K", "SEN support (%)", [row["K_percent"] for row in trend]),
                ("E", "EHC plan (%)", [row["E_percent"] for row in trend]),
            ],
            unit="%",
        ),
        "national": bar_chart(
            "national",
            "Our school compared with schools nationally",
            "Grouped bars: the percentage of pupils on SEN support and with an EHC plan, at our "
            "school and nationally.",
            [row["label"] for row in national],
            [
                ("K", "Our school (%)", [row["school"] for row in national]),
                ("national", "Nationally (%)", [row["national"] for row in national]),
            ],
            unit="%",
        ),
        **imported_charts(figures),
    }
