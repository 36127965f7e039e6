"""The Forecast and Scenarios pages: the forecasting module's figures, their charts drawn here
(charts belong to the web layer, which the modules below may not import)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.forecasting.scenario_service import STARTER
from dunwell.forecasting.schemas import ForecastBy
from dunwell.forecasting.views import forecast_context, scenarios_context
from dunwell.kit.http import current_principal, db_session, page, require_csrf
from dunwell.web.charts import fan_chart, line_chart

router = APIRouter(include_in_schema=False)


@router.get("/forecast")
def forecast_page(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    as_of: date | None = None,
    by: str | None = None,
) -> Response:
    locale = getattr(request.state, "locale", "en_US")
    chosen = ForecastBy(by) if by in {b.value for b in ForecastBy} else None
    context = forecast_context(session, principal, as_of=as_of, by=chosen, locale=locale)
    charts = [
        fan_chart(
            g["labels"], *g["series"], title=f"Cash in per week: {g['title']}", names=("P50", "P10–P90")
        )
        for g in context["groups"]
    ]
    return page(request, "forecast/forecast.html", principal, nav="forecast", charts=charts, **context)


@router.get("/scenarios")
def scenarios_form(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
) -> Response:
    return _scenarios_page(request, session, principal, text=STARTER, as_of=None, run=False)


@router.post("/scenarios")
def scenarios_run(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    _csrf: Annotated[None, Depends(require_csrf)],
    scenarios: Annotated[str, Form(max_length=20_000)],
    as_of: Annotated[date | None, Form()] = None,
) -> Response:
    """Runs the scenarios (reads only: nothing is stored, so any signed-in reader may)."""
    return _scenarios_page(request, session, principal, text=scenarios, as_of=as_of, run=True)


def _scenarios_page(
    request: Request, session: Session, principal: Principal, *, text: str, as_of: date | None, run: bool
) -> Response:
    locale = getattr(request.state, "locale", "en_US")
    context = scenarios_context(session, principal, text=text, as_of=as_of, run=run, locale=locale)
    chart = None
    if context["report"] is not None:
        series = [(s["name"], s["delta_major"]) for s in context["report"]["scenarios"]]
        chart = line_chart(context["week_labels"], series, title="Change in cash per week (P50)")
    status = 422 if context["problem"] and run else 200
    response = page(request, "forecast/scenarios.html", principal, nav="scenarios", chart=chart, **context)
    response.status_code = status
    return response
