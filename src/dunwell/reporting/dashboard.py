"""The dashboard's figures for one reader: the AR metrics of their portfolio (a collector's own
customers; everyone else's book) in one currency and optionally one entity, as of a day, with the
twelve month-ends before it and the prediction model's recent accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.metrics import ARMetrics
from dunwell.prediction.registry_view import latest_accuracy
from dunwell.reporting.repository import BookRepository
from dunwell.reporting.service import choose_currency, trend

TREND_MONTHS = 12
PERIOD_DAYS = 90


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    #: None: nothing issued by ``as_of`` in this scope (the page says how to fill the book).
    currency: str | None
    entity: str | None
    currencies: list[str]
    entities: list[str]
    #: True when the figures are a collector's portfolio rather than the whole book.
    portfolio_only: bool
    metrics: ARMetrics | None
    trend: list[ARMetrics]
    model: dict[str, Any] | None


def build_dashboard(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    currency: str | None = None,
    entity: str | None = None,
    with_model: bool = True,
) -> Dashboard:
    """The figures ``principal`` may see; with several currencies and none asked for, the first."""
    book = BookRepository(session)
    entities = book.entity_codes()
    if entity is not None and entity not in entities:
        raise DunwellError(f"no entity {entity!r}", code="entity_not_found", kind=ErrorKind.NOT_FOUND)
    owners = principal.portfolio
    currencies = book.currencies(as_of=as_of, entity=entity, owners=owners)
    chosen: str | None = None
    if currency is not None:
        chosen = choose_currency(session, as_of=as_of, currency=currency, entity=entity, owners=owners)
    elif currencies:
        chosen = currencies[0]
    metrics: ARMetrics | None = None
    months: list[ARMetrics] = []
    if chosen is not None:
        months = trend(
            session,
            as_of=as_of,
            currency=chosen,
            months=TREND_MONTHS,
            period_days=PERIOD_DAYS,
            entity=entity,
            owners=owners,
        )
        metrics = months[-1]  # the last month end is ``as_of`` itself
    return Dashboard(
        as_of=as_of,
        currency=chosen,
        entity=entity,
        currencies=currencies,
        entities=entities,
        portfolio_only=owners is not None,
        metrics=metrics,
        trend=months,
        model=latest_accuracy(session) if with_model else None,
    )
