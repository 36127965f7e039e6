"""The Forecast and Scenarios pages' figures: one card per forecast group with its weekly table,
the largest contributors to each week and the series the web layer draws as a fan chart (charts
live there); the scenario file being edited and its report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError
from dunwell.core.money import minor_to_decimal
from dunwell.forecasting.scenario_service import run_scenario_text
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

    return float(minor_to_decimal(minor, currency))


def scenarios_context(
    session: Session, principal: Principal, *, text: str, as_of: date | None, run: bool, locale: str
) -> dict[str, Any]:
    """The Scenarios page: the file being edited and, once run, the report (or what is wrong)."""
    day = as_of or default_day(session)
    context: dict[str, Any] = {"text": text, "as_of": day, "report": None, "problem": None, "week_labels": []}
    if not run:
        return context
    try:
        report = run_scenario_text(session, principal, text, source="the scenarios", as_of=day)
    except DunwellError as error:  # a file naming what the book lacks, no model yet, no billing
        context["problem"] = error.message
        return context
    currency = report["currency"]
    for scenario in report["scenarios"]:
        scenario["delta_major"] = [_major(v, currency) for v in scenario["delta_p50_weekly"]]
    context["report"] = report
    context["week_labels"] = [
        format_date(day + timedelta(days=7 * (w + 1)), "d MMM", locale=locale) for w in range(report["weeks"])
    ]
    return context
