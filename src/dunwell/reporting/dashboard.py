"""The dashboard's figures for one reader: the AR metrics of their portfolio (a collector's own
customers; everyone else's book) in one currency and optionally one entity, as of a day, with the
twelve month-ends before it and the prediction model's recent accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.metrics import ARMetrics
from dunwell.core.metrics_codec import decode_metrics, encode_metrics
from dunwell.customers.quality import QualitySummary, quality_summary
from dunwell.kit.snapshots import Codec, Snapshot, cached, snapshot_key
from dunwell.prediction.registry_view import latest_accuracy
from dunwell.reporting.repository import BookRepository
from dunwell.reporting.service import choose_currency, trend

TREND_MONTHS = 12
PERIOD_DAYS = 90
#: After a change to the book, figures at most this old are shown (marked) while being refreshed.
STALE_FOR = timedelta(minutes=15)


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
    #: When the figures were computed; ``stale``: before the book's latest change (being refreshed).
    computed_at: datetime | None = None
    stale: bool = False
    compute_seconds: float = 0.0


def build_dashboard(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    currency: str | None = None,
    entity: str | None = None,
    with_model: bool = True,
    stale_for: timedelta = STALE_FOR,
) -> Dashboard:
    """The figures ``principal`` may see; with several currencies and none asked for, the first.

    The month-ends are read from their snapshot while the book has not changed (``snapshots``);
    after a change, figures at most ``stale_for`` old are shown, marked, while they are refreshed.
    """
    book = BookRepository(session)
    entities = book.entity_codes()
    if entity is not None and entity not in entities:
        raise DunwellError(f"no entity {entity!r}", code="entity_not_found", kind=ErrorKind.NOT_FOUND)
    owners = principal.portfolio
    key = snapshot_key("dashboard/v1", _scope(owners), entity, currency, as_of, TREND_MONTHS, PERIOD_DAYS)

    def compute(reader: Session) -> _Figures:
        return _figures(reader, as_of=as_of, currency=currency, entity=entity, owners=owners)

    kept = cached(session, key, compute, _CODEC, stale_for=stale_for)
    figures = kept.value
    return Dashboard(
        as_of=as_of,
        currency=figures.currency,
        entity=entity,
        currencies=figures.currencies,
        entities=entities,
        portfolio_only=owners is not None,
        metrics=figures.trend[-1] if figures.trend else None,  # the last month end is ``as_of``
        trend=figures.trend,
        model=latest_accuracy(session) if with_model else None,
        computed_at=kept.computed_at,
        stale=kept.stale,
        compute_seconds=kept.compute_seconds,
    )


@dataclass(frozen=True, slots=True)
class _Figures:
    currencies: list[str]
    currency: str | None
    trend: list[ARMetrics]


def _figures(
    session: Session,
    *,
    as_of: date,
    currency: str | None,
    entity: str | None,
    owners: frozenset[int] | None,
) -> _Figures:
    currencies = BookRepository(session).currencies(as_of=as_of, entity=entity, owners=owners)
    chosen: str | None = None
    if currency is not None:
        chosen = choose_currency(session, as_of=as_of, currency=currency, entity=entity, owners=owners)
    elif currencies:
        chosen = currencies[0]
    if chosen is None:
        return _Figures(currencies=currencies, currency=None, trend=[])
    months = trend(
        session,
        as_of=as_of,
        currency=chosen,
        months=TREND_MONTHS,
        period_days=PERIOD_DAYS,
        entity=entity,
        owners=owners,
    )
    return _Figures(currencies=currencies, currency=chosen, trend=months)


_CODEC: Codec[_Figures] = Codec(
    encode=lambda f: {
        "currencies": f.currencies,
        "currency": f.currency,
        "trend": [encode_metrics(m) for m in f.trend],
    },
    decode=lambda d: _Figures(
        currencies=list(d["currencies"]),
        currency=d["currency"],
        trend=[decode_metrics(m) for m in d["trend"]],
    ),
)


def quality_card(
    session: Session, principal: Principal, *, stale_for: timedelta = STALE_FOR
) -> Snapshot[QualitySummary]:
    """The portfolio's data quality (``customers.quality``), kept like the figures: assessing
    every customer reads every contact, invoice and settlement of the portfolio."""

    def compute(reader: Session) -> QualitySummary:
        return quality_summary(reader, principal)

    key = snapshot_key("quality/v1", _scope(principal.portfolio))
    return cached(session, key, compute, _QUALITY_CODEC, stale_for=stale_for)


def _scope(owners: frozenset[int] | None) -> str:
    """Whose figures a snapshot holds: the whole book, or the customers of these owners."""
    return "book" if owners is None else "owners:" + ",".join(map(str, sorted(owners)))


_QUALITY_CODEC: Codec[QualitySummary] = Codec(encode=QualitySummary.to_dict, decode=QualitySummary.from_dict)
