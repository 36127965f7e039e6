"""The forecast's fan chart as a PNG or SVG file (``dunwell forecast --chart FILE``).

matplotlib's Agg backend draws without a display or a browser. One panel per forecast group
(a currency, or an entity or segment in it): the weekly P10-P90 range shaded around the P50 line,
amounts in the currency's major units (a picture, never posted anywhere).
"""

from __future__ import annotations

from pathlib import Path

from dunwell.core.errors import DunwellError
from dunwell.core.money import minor_to_decimal
from dunwell.forecasting.schemas import CashForecast

FORMATS = {".png": "png", ".svg": "svg"}
#: Panels drawn at most: a forecast by segment can have many groups; the largest come first.
MAX_PANELS = 8


def write_fan_chart(forecast: CashForecast, path: Path) -> int:
    """Draw the forecast to ``path`` (its suffix chooses PNG or SVG); returns the panels drawn."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise DunwellError(f"--chart {path}: the file must end in .png or .svg", code="bad_chart_file")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    groups = sorted(forecast.groups, key=lambda g: -g.total.p50_minor)[:MAX_PANELS]
    if not groups:
        raise DunwellError("there is nothing to draw: no open invoices and no billing", code="empty_forecast")
    figure, axes = pyplot.subplots(len(groups), 1, figsize=(9, 3.2 * len(groups)), squeeze=False)
    for axis, group in zip(axes[:, 0], groups, strict=True):
        weeks = [w.end for w in group.weeks]

        def major(values: list[int], currency: str = group.currency) -> list[float]:
            return [float(minor_to_decimal(v, currency)) for v in values]

        p10 = major([w.band.p10_minor for w in group.weeks])
        p50 = major([w.band.p50_minor for w in group.weeks])
        p90 = major([w.band.p90_minor for w in group.weeks])
        axis.fill_between(weeks, p10, p90, alpha=0.25, color="#1f5fbf", label="P10–P90")
        axis.plot(weeks, p50, color="#1f5fbf", marker="o", label="P50")
        name = group.currency if group.group is None else f"{group.group} ({group.currency})"
        axis.set_title(f"Cash in per week from {forecast.as_of}: {name}")
        axis.set_ylabel(group.currency)
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend(loc="upper right")
    figure.autofmt_xdate()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=kind, dpi=110)
    pyplot.close(figure)
    return len(groups)
