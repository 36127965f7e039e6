"""REST: the cash-in forecast of the reader's portfolio (a collector's customers; everyone else
sees the whole book)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.forecasting.schemas import ForecastBy
from dunwell.forecasting.service import DEFAULT_WEEKS, MAX_WEEKS, forecast_snapshot
from dunwell.kit.http import ERROR_RESPONSES, current_principal, db_session
from dunwell.reporting.service import default_day

router = APIRouter(tags=["forecast"], responses=ERROR_RESPONSES)
AsOf = Annotated[date | None, Query(description="Forecast from the end of this day (default: today).")]
By = Annotated[ForecastBy | None, Query(description="One forecast per entity, currency or segment.")]


@router.get("/forecast")
def get_forecast(
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    as_of: Annotated[
        date | None, Query(description="Forecast from the end of this day (default: today).")
    ] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS, description="Weeks ahead.")] = DEFAULT_WEEKS,
    by: Annotated[
        ForecastBy | None, Query(description="One forecast per entity, currency or segment.")
    ] = None,
) -> dict[str, Any]:
    """Cash-in per day and week with P10/P50/P90 in minor units, per currency (and per entity or
    segment), with the customers behind each week; ``stale`` when the book changed since it was
    computed (a fresh one is on its way)."""
    kept = forecast_snapshot(session, principal, as_of=as_of or default_day(session), weeks=weeks, by=by)
    return {
        **kept.value.to_dict(),
        "computed_at": kept.computed_at.isoformat(),
        "stale": kept.stale,
    }
