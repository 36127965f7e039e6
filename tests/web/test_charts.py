"""Server-drawn SVG charts: axis labels short enough for the margin (a change of -779,279 is
labelled -779k, not cut to "779,279"), the exact figure in each point's title, and the last label
of the axis kept inside the chart."""

from __future__ import annotations

import re

from dunwell.web.charts import fan_chart, line_chart


def _axis(svg: str) -> list[str]:
    return re.findall(
        r'<text class="chart-axis" x="[\d.]+" y="[\d.]+" text-anchor="(\w+)">([^<]*)</text>', svg
    )


def test_a_line_chart_of_large_negative_changes_labels_its_axis_compactly() -> None:
    weeks = [f"W{n}" for n in range(1, 14)]
    series = [("Net 60", [-779_279.0 + 1_000 * n for n in range(13)]), ("None", [0.0] * 13)]
    svg = str(line_chart(weeks, series, title="Change in cash per week"))
    values = [text for anchor, text in _axis(svg) if not text.startswith("W")]
    assert values[0] == "-779k"  # the lowest grid line: the sign and size readable in the margin
    assert all(len(text) <= 6 for text in values)
    assert "Net 60 W1: -779,279" in svg  # the point's title keeps the exact figure
    anchors = {text: anchor for anchor, text in _axis(svg) if text.startswith("W")}
    assert anchors["W1"] == "middle"
    assert anchors["W13"] == "end"  # ends at its point instead of running past the right edge


def test_small_values_keep_their_decimals_and_the_fan_chart_draws_one_band() -> None:
    svg = str(line_chart(["Jan", "Feb"], [("DSO", [41.5, 43.25])], title="DSO"))
    assert [t for _, t in _axis(svg)][:2] == ["0.0", "11"]
    fan = str(fan_chart(["a", "b", "c"], [1, 2, 3], [2, 3, 4], [3, 4, 5], title="Cash"))
    assert fan.count("<polygon") == 1
    assert fan.count('class="chart-dot') == 3
