"""REST: AR metrics and aging as of a day, of the reader's portfolio (a collector's customers;
everyone else sees the whole book)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.documents import GroupDimension
from dunwell.core.metrics import format_amount, metrics_to_dict
from dunwell.kit.http import ERROR_RESPONSES, current_principal, db_session
from dunwell.reporting.service import default_day, metrics_as_of

router = APIRouter(tags=["reporting"], responses=ERROR_RESPONSES)

AsOf = Annotated[date | None, Query(description="The day (default: today); the book as it was known then.")]
Currency = Annotated[str | None, Query(description="ISO 4217 code; needed when the book holds several.")]
Entity = Annotated[str | None, Query(description="Only this legal entity (its code).")]
By = Annotated[GroupDimension | None, Query(description="Also break the figures down by this dimension.")]
Period = Annotated[int, Query(ge=1, le=3660, description="Days of credit sales behind DSO and CEI.")]


@router.get("/metrics")
def get_metrics(
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    as_of: AsOf = None,
    currency: Currency = None,
    entity: Entity = None,
    by: By = None,
    period_days: Period = 90,
) -> dict[str, Any]:
    """DSO (simple and countback), BPDSO, ADD, CEI, % current, aging and more, overall and per group.

    Amounts are decimal strings in the currency; ratios and day figures are numbers or null."""
    report = metrics_as_of(
        session,
        as_of=as_of or default_day(session),
        period_days=period_days,
        by=by,
        currency=currency,
        entity=entity,
        owners=principal.portfolio,
    )
    return {
        "scope": _scope(principal),
        "entity": entity,
        "overall": metrics_to_dict(report.overall),
        "by": report.by.value if report.by else None,
        "groups": {key: metrics_to_dict(m) for key, m in report.groups.items()},
    }


@router.get("/aging")
def get_aging(
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    as_of: AsOf = None,
    currency: Currency = None,
    entity: Entity = None,
    by: By = None,
) -> dict[str, Any]:
    """Open amounts by days past due (current, 1–30, 31–60, 61–90, 91+), overall and per group."""
    report = metrics_as_of(
        session,
        as_of=as_of or default_day(session),
        by=by,
        currency=currency,
        entity=entity,
        owners=principal.portfolio,
    )
    overall = report.overall

    def buckets(m: Any) -> dict[str, str]:
        return {name: format_amount(value, m.currency) for name, value in m.aging.as_dict().items()}

    return {
        "as_of": overall.as_of.isoformat(),
        "currency": overall.currency,
        "scope": _scope(principal),
        "entity": entity,
        "total": format_amount(overall.total_ar, overall.currency),
        "buckets": buckets(overall),
        "by": report.by.value if report.by else None,
        "groups": {key: buckets(m) for key, m in report.groups.items()},
    }


def _scope(principal: Principal) -> str:
    return "book" if principal.portfolio is None else "portfolio"
