"""Charts drawn on the server as SVG: no script, nothing from elsewhere (the CSP allows neither).

Colours come from classes (``chart-s0`` ...) in the stylesheet; every chart carries a title and a
description for screen readers, and pages show the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
TICKS = 4

Value = Decimal | float | int | None


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    title: str,
    unit: str = "",
) -> Markup:
    """One line per series over ``labels`` (a gap where a value is None), with a legend."""
    numbers = [float(v) for _, values in series for v in values if v is not None]
    parts, x, y = _frame(labels, numbers, title=title, unit=unit, css="chart", tick=_compact, thin=False)
    for n, (name, values) in enumerate(series):
        for run in _runs(values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(f'<polyline class="chart-line chart-s{n}" points="{points}"/>')
            parts.extend(
                f'<circle class="chart-dot chart-s{n}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5">'
                f"<title>{escape(name)} {escape(labels[i])}: {_tick(v)}{escape(unit)}</title></circle>"
                for i, v in run
            )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="chart-key chart-s{n}" aria-hidden="true"></span>{escape(name)}</li>'
        for n, (name, _) in enumerate(series)
    )
    return Markup(
        f'<figure class="chart-box">{"".join(parts)}<ul class="chart-legend">{legend}</ul></figure>'
    )


def _frame(
    labels: Sequence[str],
    numbers: list[float],
    *,
    title: str,
    unit: str,
    css: str,
    tick: Callable[[float], str],
    thin: bool,
) -> tuple[list[str], Callable[[int], float], Callable[[Value], float]]:
    """The svg's opening, title, value grid with its tick labels and the labels under the axis;
    with the x and y scales the series are drawn with. ``thin``: at most seven axis labels."""
    low, high = _range(numbers)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(value: Value) -> float:
        return TOP + plot_h - (float(value or 0) - low) / (high - low) * plot_h

    parts = [
        f'<svg class="{css}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{_id(title)}-t">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
    ]
    for k in range(TICKS + 1):
        value = low + (high - low) * k / TICKS
        level = f"{y(value):.1f}"
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level}" y2="{level}"/>'
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{tick(value)}{escape(unit)}</text>"
        )
    every = -(-len(labels) // 7) if thin else 1
    for i, label in enumerate(labels):
        if i % every == 0:
            # The last label ends at its point: centred, it would run past the chart's edge.
            anchor = "end" if i == len(labels) - 1 and i > 0 else "middle"
            parts.append(
                f'<text class="chart-axis" x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
    return parts, x, y


def _range(numbers: list[float]) -> tuple[float, float]:
    """The value axis: from zero (or the lowest value below it) to a little above the highest."""
    if not numbers:
        return 0.0, 1.0
    low, high = min(0.0, *numbers), max(numbers)
    if high == low:
        high = low + 1.0
    return low, high + (high - low) * 0.05


def _runs(values: Sequence[Value]) -> list[list[tuple[int, float]]]:
    """Consecutive known values: a line is not drawn across a month without a figure."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, float(value)))
    return [run for run in runs if run]


def _tick(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())


def fan_chart(
    labels: Sequence[str],
    low: Sequence[Value],
    mid: Sequence[Value],
    high: Sequence[Value],
    *,
    title: str,
    unit: str = "",
    names: tuple[str, str] = ("P50", "P10–P90"),
) -> Markup:
    """A fan chart: the band from ``low`` to ``high`` shaded behind the ``mid`` line (the cash
    forecast's P10-P90 range around its P50), one point per label."""
    numbers = [float(v) for values in (low, mid, high) for v in values if v is not None]
    parts, x, y = _frame(
        labels, numbers, title=title, unit=unit, css="chart chart-fan", tick=_compact, thin=True
    )
    upper = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(high)]
    lower = [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(low)))]
    parts.append(f'<polygon class="chart-band chart-s0" points="{" ".join(upper + lower)}"/>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(mid))
    parts.append(f'<polyline class="chart-line chart-s0" points="{points}"/>')
    parts.extend(
        f'<circle class="chart-dot chart-s0" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5">'
        f"<title>{escape(labels[i])}: {_tick(float(v or 0))}{escape(unit)} "
        f"({_tick(float(low[i] or 0))}–{_tick(float(high[i] or 0))})</title></circle>"
        for i, v in enumerate(mid)
    )
    parts.append("</svg>")
    legend = (
        f'<li><span class="chart-key chart-s0" aria-hidden="true"></span>{escape(names[0])}</li>'
        f'<li><span class="chart-key chart-band-key" aria-hidden="true"></span>{escape(names[1])}</li>'
    )
    return Markup(
        f'<figure class="chart-box">{"".join(parts)}<ul class="chart-legend">{legend}</ul></figure>'
    )


def _compact(value: float) -> str:
    """An axis label that fits the margin: 835k, 1.2M (the dots' titles and the table are exact)."""
    for threshold, size, suffix in ((1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= threshold:
            scaled = value / size
            return f"{scaled:,.0f}{suffix}" if abs(scaled) >= 10 else f"{scaled:,.1f}{suffix}"
    return _tick(value)
