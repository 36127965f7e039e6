"""The Forecast page: the forecasting module's figures, its fan charts drawn here (charts belong to
the web layer, which the modules below may not import)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.forecasting.schemas import ForecastBy
from dunwell.forecasting.views import forecast_context
from dunwell.kit.http import current_principal, db_session, page
from dunwell.web.charts import fan_chart

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
