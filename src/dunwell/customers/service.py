"""Customers as collectors see them: the list (search, filters, sort, pages), one customer with
what it owes, its open items with their latest prediction, and its documents and cash over time.
Every function takes the principal and refuses a customer outside the portfolio as not found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.ledger_repository import LedgerRepository, OpenItem
from dunwell.customers.repository import SORTS, CustomerFilter, CustomerQueries, CustomerRow

#: Risk bands on the highest P(paid late) of a customer's open items: [lower, upper).
RISK_BANDS: dict[str, tuple[float | None, float | None]] = {
    "high": (0.5, None),
    "medium": (0.2, 0.5),
    "low": (None, 0.2),
}
#: How many of each kind of event the timeline shows (newest first).
TIMELINE_DEPTH = 50
PER_PAGE_MAX = 200


@dataclass(frozen=True, slots=True)
class CustomerPage:
    rows: list[CustomerRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    day: date
    kind: str  # invoice, credit_memo, payment, allocation, cash_match, touch, promise, hold, dispute
    title: str
    detail: str = ""
    amount_minor: int | None = None
    currency: str | None = None
    link: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def today() -> date:
    return date.today()  # noqa: DTZ011 - the book's own day, as the rest of the book uses it


def not_found() -> DunwellError:
    return DunwellError("customer not found", code="customer_not_found", kind=ErrorKind.NOT_FOUND)


def require_customer(
    session: Session, principal: Principal, customer_id: int, *, write: bool = False
) -> None:
    """The customer exists and is in the principal's portfolio (and, to write, they may write)."""
    exists, owner_id = CustomerQueries(session).owner_of(customer_id)
    if not exists:
        raise not_found()
    principal.require_customer(owner_id, write=write)


def list_customers(
    session: Session,
    principal: Principal,
    *,
    today: date,
    search: str | None = None,
    owner_id: int | None = None,
    segment: str | None = None,
    overdue: bool | None = None,
    risk: str | None = None,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> CustomerPage:
    if sort not in SORTS:
        raise DunwellError(
            f"sort must be one of {', '.join(SORTS)}, not {sort!r}", code="bad_sort", kind=ErrorKind.INVALID
        )
    if risk is not None and risk not in RISK_BANDS:
        raise DunwellError(
            f"risk must be one of {', '.join(RISK_BANDS)}, not {risk!r}",
            code="bad_risk",
            kind=ErrorKind.INVALID,
        )
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        raise DunwellError(
            f"page starts at 1 and per_page is 1 to {PER_PAGE_MAX}", code="bad_page", kind=ErrorKind.INVALID
        )
    low, high = RISK_BANDS[risk] if risk else (None, None)
    wanted = CustomerFilter(
        scope=principal.portfolio,
        today=today,
        search=search or None,
        owner_id=owner_id,
        segment=segment or None,
        overdue=overdue,
        risk_at_least=low,
        risk_below=high,
    )
    rows, total = CustomerQueries(session).listing(
        wanted, sort=sort, descending=descending, limit=per_page, offset=(page - 1) * per_page
    )
    return CustomerPage(rows=rows, total=total, page=page, per_page=per_page)


def customer(session: Session, principal: Principal, customer_id: int, *, today: date) -> CustomerRow:
    require_customer(session, principal, customer_id)
    found = CustomerQueries(session).one(customer_id, today)
    if found is None:
        raise not_found()
    return found


def filter_choices(session: Session, principal: Principal) -> tuple[list[tuple[int, str]], list[str]]:
    """The owners and segments a principal may filter by (only those of their portfolio)."""
    queries = CustomerQueries(session)
    return queries.owners(principal.portfolio), queries.segments(principal.portfolio)


def open_items(session: Session, principal: Principal, customer_id: int) -> list[OpenItem]:
    require_customer(session, principal, customer_id)
    return LedgerRepository(session).open_items(customer_id)


def open_invoices(
    session: Session, principal: Principal, customer_id: int, invoice_ids: list[int]
) -> list[Any]:
    """The customer's invoices among ``invoice_ids`` (an id of another customer is simply absent)."""
    require_customer(session, principal, customer_id)
    return LedgerRepository(session).invoice_of(customer_id, invoice_ids)


def ledger_timeline(session: Session, principal: Principal, customer_id: int) -> list[TimelineEvent]:
    """Invoices, payments, allocations and cash matches, newest first."""
    require_customer(session, principal, customer_id)
    ledger = LedgerRepository(session)
    events: list[TimelineEvent] = []
    for invoice in ledger.invoices(customer_id, limit=TIMELINE_DEPTH):
        kind = invoice.kind.value
        events.append(
            TimelineEvent(
                day=invoice.issue_date,
                kind=kind,
                title=f"{'Credit memo' if kind == 'credit_memo' else 'Invoice'} {invoice.number}",
                detail=f"due {invoice.due_date.isoformat()}, {invoice.status.value}"
                + (", disputed" if invoice.disputed else ""),
                amount_minor=invoice.amount_minor,
                currency=invoice.currency,
            )
        )
    for payment in ledger.payments(customer_id, limit=TIMELINE_DEPTH):
        events.append(
            TimelineEvent(
                day=payment.value_date,
                kind="payment",
                title="Payment received",
                detail=(payment.remittance or "")[:120],
                amount_minor=payment.amount_minor,
                currency=payment.currency,
            )
        )
    for allocation, number in ledger.allocations(customer_id, limit=TIMELINE_DEPTH):
        reversed_note = f", reversed {allocation.reversed_on.isoformat()}" if allocation.reversed_on else ""
        events.append(
            TimelineEvent(
                day=allocation.applied_on,
                kind="allocation",
                title=f"{allocation.kind.value.replace('_', ' ').capitalize()} applied to {number}",
                detail=f"by {allocation.applied_by}{reversed_note}",
                amount_minor=allocation.amount_minor,
                currency=allocation.currency,
            )
        )
    for match, payment in ledger.cash_matches(customer_id, limit=TIMELINE_DEPTH):
        confidence = f"{match.confidence:.0%} confident" if match.confidence is not None else "no candidate"
        events.append(
            TimelineEvent(
                day=match.matched_at.date(),
                kind="cash_match",
                title=f"Cash match {match.status.value}",
                detail=f"{confidence}"
                + (f"; {match.decision.value} by {match.decided_by}" if match.decision else ""),
                amount_minor=payment.amount_minor,
                currency=payment.currency,
            )
        )
    return events


def sorted_timeline(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: e.day, reverse=True)
