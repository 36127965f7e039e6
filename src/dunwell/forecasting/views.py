"""The Forecast page's figures: one card per forecast group with its weekly table, the largest
contributors to each week and the series the web layer draws as a fan chart (charts live there)."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError
from dunwell.forecasting.schemas import ForecastBy
from dunwell.forecasting.service import forecast_snapshot
from dunwell.reporting.service import default_day


def forecast_context(
    session: Session, principal: Principal, *, as_of: date | None, by: ForecastBy | None, locale: str
) -> dict[str, Any]:
    day = as_of or default_day(session)
    try:
        kept = forecast_snapshot(session, principal, as_of=day, by=by)
    except DunwellError as error:  # no model yet, or one trained after the day asked for
        if error.code not in {"model_not_found", "model_from_the_future"}:
            raise
        return {"as_of": day, "by": by, "forecast": None, "problem": error.message, "groups": []}
    forecast = kept.value
    groups = [
        {
            "group": group,
            "title": group.currency if group.group is None else f"{group.group} · {group.currency}",
            "labels": [format_date(w.end, "d MMM", locale=locale) for w in group.weeks],
            # The chart's series in major units per week (a picture; the table shows exact amounts).
            "series": [
                [_major(getattr(w.band, name), group.currency) for w in group.weeks]
                for name in ("p10_minor", "p50_minor", "p90_minor")
            ],
        }
        for group in forecast.groups
    ]
    return {
        "as_of": day,
        "by": by,
        "forecast": forecast,
        "problem": None,
        "groups": groups,
        "computed_at": kept.computed_at,
        "stale": kept.stale,
        "compute_seconds": kept.compute_seconds,
    }


def _major(minor: int, currency: str) -> float:
    from dunwell.core.money import minor_to_decimal

    return float(minor_to_decimal(minor, currency))
