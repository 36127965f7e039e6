"""AR metrics as of any date, overall and per group, computed from history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dunwell.core.documents import GroupDimension
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.metrics import ARMetrics, compute_grouped_metrics, compute_metrics
from dunwell.reporting.repository import BookRepository


@dataclass(frozen=True, slots=True)
class MetricsReport:
    overall: ARMetrics
    by: GroupDimension | None
    groups: dict[str, ARMetrics]


def choose_currency(session: Session, *, as_of: date, currency: str | None) -> str:
    """The currency to report in: the one asked for, or the book's only one.

    Amounts in different currencies are never added up: without FX rates that would be a made-up
    number, so a multi-currency book must say which currency it wants.
    """
    available = BookRepository(session).currencies(as_of=as_of)
    if currency is not None:
        currency = currency.upper()
        if currency not in available:
            shown = ", ".join(available) or "none"
            raise DunwellError(
                f"no documents in {currency} as of {as_of} (currencies: {shown})",
                code="currency_not_in_book",
                kind=ErrorKind.NOT_FOUND,
            )
        return currency
    if not available:
        raise DunwellError(
            f"the book is empty as of {as_of}: import invoices first (dunwell import invoices FILE)",
            code="empty_book",
            kind=ErrorKind.NOT_FOUND,
        )
    if len(available) > 1:
        raise DunwellError(
            f"the book holds several currencies ({', '.join(available)}): pass --currency",
            code="currency_required",
        )
    return available[0]


def metrics_as_of(
    session: Session,
    *,
    as_of: date,
    period_days: int = 90,
    by: GroupDimension | None = None,
    currency: str | None = None,
) -> MetricsReport:
    chosen = choose_currency(session, as_of=as_of, currency=currency)
    book = BookRepository(session)
    if by is None:
        overall = compute_metrics(
            book.documents_as_of(as_of=as_of, currency=chosen), as_of=as_of, period_days=period_days
        )
        return MetricsReport(overall=overall, by=None, groups={})
    documents = list(book.documents_as_of(as_of=as_of, currency=chosen))
    overall = compute_metrics(documents, as_of=as_of, period_days=period_days)
    groups = compute_grouped_metrics(documents, as_of=as_of, period_days=period_days, by=by)
    return MetricsReport(overall=overall, by=by, groups=groups)
