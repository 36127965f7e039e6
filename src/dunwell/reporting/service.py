"""AR metrics as of any date, overall and per group, computed from history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from dunwell.analytics.metrics_columnar import metrics_at
from dunwell.core.documents import GroupDimension
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.metrics import ARMetrics, compute_grouped_metrics, compute_metrics
from dunwell.reporting.arrays_repository import book_arrays, rolled_back
from dunwell.reporting.repository import BookRepository


@dataclass(frozen=True, slots=True)
class MetricsReport:
    overall: ARMetrics
    by: GroupDimension | None
    groups: dict[str, ARMetrics]


def choose_currency(
    session: Session,
    *,
    as_of: date,
    currency: str | None,
    entity: str | None = None,
    owners: frozenset[int] | None = None,
) -> str:
    """The currency to report in: the one asked for, or the book's only one.

    Amounts in different currencies are never added up: without FX rates that would be a made-up
    number, so a multi-currency book must say which currency it wants.
    """
    available = BookRepository(session).currencies(as_of=as_of, entity=entity, owners=owners)
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
    entity: str | None = None,
    owners: frozenset[int] | None = None,
) -> MetricsReport:
    """The metrics of the book (of ``entity``, of the customers of ``owners``: a collector's
    portfolio; None: everything) as of ``as_of``."""
    chosen = choose_currency(session, as_of=as_of, currency=currency, entity=entity, owners=owners)
    book = BookRepository(session)
    if by is None:  # the array engine (``trend``'s): the same figures, several times faster
        arrays = book_arrays(
            session, first_day=as_of, as_of=as_of, currency=chosen, entity=entity, owners=owners
        )
        known = rolled_back(session, arrays, as_of) if book.revised_between(as_of, date.max) else arrays
        overall = metrics_at(known, as_of=as_of, period_days=period_days)
        return MetricsReport(overall=overall, by=None, groups={})
    documents = list(book.documents_as_of(as_of=as_of, currency=chosen, entity=entity, owners=owners))
    overall = compute_metrics(documents, as_of=as_of, period_days=period_days)
    groups = compute_grouped_metrics(documents, as_of=as_of, period_days=period_days, by=by)
    return MetricsReport(overall=overall, by=by, groups=groups)


def month_ends(as_of: date, months: int) -> list[date]:
    """``as_of`` and the last days of the ``months - 1`` months before it, oldest first."""
    days = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        last = first - timedelta(days=1)
        days.append(last)
        first = last.replace(day=1)
    return days[::-1]


def trend(
    session: Session,
    *,
    as_of: date,
    currency: str,
    months: int = 12,
    period_days: int = 90,
    entity: str | None = None,
    owners: frozenset[int] | None = None,
) -> list[ARMetrics]:
    """The metrics at each month end up to ``as_of``, each from the book as it was known then
    (equal to ``metrics_as_of`` on each day).

    The book is read once, as arrays (``analytics.metrics_columnar``: a million documents as objects
    take tens of seconds to build): a document's settlements carry their own days, so an earlier
    month end only needs the settlements in effect then. Only a month end after which an import
    revised documents (an amount, a due date) gets those revisions rolled back.
    """
    days = month_ends(as_of, months)
    book = book_arrays(
        session, first_day=days[0], as_of=as_of, currency=currency, entity=entity, owners=owners
    )
    repository = BookRepository(session)
    figures = []
    for day in days:
        known = rolled_back(session, book, day) if repository.revised_between(day, date.max) else book
        figures.append(metrics_at(known, as_of=day, period_days=period_days))
    return figures


def default_day(session: Session) -> date:
    """The day figures are shown as of when nobody says: today, or the book's last day of activity
    when that is earlier (a book loaded from last year's ERP extract is not all 365 days overdue)."""
    today = datetime.now(UTC).date()
    last = BookRepository(session).last_activity_day()
    return min(today, last) if last is not None else today
