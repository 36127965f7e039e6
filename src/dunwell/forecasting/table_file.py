"""The forecast as a CSV file (``dunwell forecast --csv FILE``): one row per group and bucket
(each day, then each week, then the total), amounts as decimal strings in the group's currency
with its minor units beside them, so a spreadsheet reads either without float rounding."""

from __future__ import annotations

import csv
from pathlib import Path

from dunwell.core.metrics import format_amount
from dunwell.core.money import minor_to_decimal
from dunwell.forecasting.schemas import Band, CashForecast

COLUMNS = ("currency", "group", "bucket", "start", "end", "p10", "p50", "p90", "p10_minor", "p50_minor",
           "p90_minor")  # fmt: skip


def write_csv(forecast: CashForecast, path: Path) -> int:
    """Write the forecast; returns the rows written (the header aside)."""
    rows: list[list[object]] = []
    for group in forecast.groups:
        currency, name = group.currency, group.group or ""
        buckets = [("day", day, day, band) for day, band in group.days]
        buckets += [("week", w.start, w.end, w.band) for w in group.weeks]
        if group.weeks:
            buckets.append(("total", group.weeks[0].start, group.weeks[-1].end, group.total))
        for bucket, start, end, band in buckets:
            amounts = [format_amount(minor_to_decimal(v, currency), currency) for v in _minor(band)]
            rows.append([currency, name, bucket, start.isoformat(), end.isoformat(), *amounts, *_minor(band)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def _minor(band: Band) -> tuple[int, int, int]:
    return band.p10_minor, band.p50_minor, band.p90_minor
