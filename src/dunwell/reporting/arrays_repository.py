"""The book as arrays for ``analytics.metrics_columnar``: every document of one currency (and entity,
and portfolio) with its settlements, read once for all the days a trend shows, and rolled back per
day where later imports revised a document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Date, Integer, Select, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from dunwell.analytics.metrics_columnar import NEVER, OTHER, PAYMENT, WRITE_OFF, BookArrays
from dunwell.core.documents import DocumentKind, SettlementKind
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.reporting.repository import BookRepository, scope_filter

_DAY_ONE = date(1, 1, 1)
_JULIAN_BEFORE_ORDINAL_ONE = 1721424.5


def book_arrays(
    session: Session,
    *,
    first_day: date,
    as_of: date,
    currency: str,
    entity: str | None = None,
    owners: frozenset[int] | None = None,
) -> BookArrays:
    """Every document that may be issued by ``as_of`` as known on any day from ``first_day`` on
    (issued by ``as_of`` now, or moved by a revision after ``first_day``), with its settlements
    applied by ``as_of``; ``rolled_back`` gives the values known on a given day."""
    moved = [i for i, back in BookRepository(session).rollbacks(first_day).items() if back.issue_date]
    issued = or_(Invoice.issue_date <= as_of, Invoice.id.in_(moved)) if moved else Invoice.issue_date <= as_of
    scope = scope_filter(entity, owners)
    # The database hands back plain integers (days as ordinals, kinds as codes): converting a
    # million dates and enums row by row in Python took longer than all the metrics.
    ordinal = _ordinal(session)
    documents = (
        select(
            Invoice.id,
            case((Invoice.kind == DocumentKind.INVOICE, 1), else_=0),
            ordinal(Invoice.issue_date),
            ordinal(Invoice.due_date),
            Invoice.amount_minor,
        )
        .where(issued, Invoice.currency == currency, *scope)
        .order_by(Invoice.id)
    )
    settlements = (
        select(
            Allocation.invoice_id,
            ordinal(Allocation.applied_on),
            Allocation.amount_minor,
            case(
                (Allocation.kind == SettlementKind.PAYMENT, PAYMENT),
                (Allocation.kind == SettlementKind.WRITE_OFF, WRITE_OFF),
                else_=OTHER,
            ),
            func.coalesce(ordinal(Allocation.reversed_on), NEVER),
        )
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(issued, Invoice.currency == currency, Allocation.applied_on <= as_of, *scope)
    )
    if entity is not None:  # joined only when filtered on: a million rows joined for nothing cost
        documents = documents.join(LegalEntity, LegalEntity.id == Invoice.entity_id)
        settlements = settlements.join(LegalEntity, LegalEntity.id == Invoice.entity_id)
    if owners is not None:
        documents = documents.join(Customer, Customer.id == Invoice.customer_id)
        settlements = settlements.join(Customer, Customer.id == Invoice.customer_id)
    docs = _matrix(session, documents, columns=5)
    sets = _matrix(session, settlements, columns=5)
    ids = np.ascontiguousarray(docs[:, 0])
    return BookArrays(
        currency=currency,
        ids=ids,
        issue=np.ascontiguousarray(docs[:, 2]),
        due=np.ascontiguousarray(docs[:, 3]),
        amount=np.ascontiguousarray(docs[:, 4]),
        is_invoice=docs[:, 1] == 1,
        doc=np.searchsorted(ids, sets[:, 0]).astype(np.int64),
        on=np.ascontiguousarray(sets[:, 1]),
        settled=np.ascontiguousarray(sets[:, 2]),
        kind=sets[:, 3].astype(np.int8),
        reversed_on=np.ascontiguousarray(sets[:, 4]),
    )


def _matrix(session: Session, query: Select[Any], *, columns: int) -> npt.NDArray[np.int64]:
    # Plain tuples first: numpy reads a list of rows thirty times slower than a list of tuples.
    rows = [tuple(row) for row in session.execute(query)]
    if not rows:
        return np.zeros((0, columns), dtype=np.int64)
    return np.array(rows, dtype=np.int64)


def _ordinal(session: Session) -> Callable[[Any], ColumnElement[int]]:
    """A date column as ``date.toordinal()`` computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        # julianday of 0001-01-01 (ordinal 1) is 1721425.5; a date's julianday is a whole day + .5.
        return lambda column: cast(func.julianday(column) - _JULIAN_BEFORE_ORDINAL_ONE, Integer)
    return lambda column: cast(column - cast(literal(_DAY_ONE.isoformat()), Date), Integer) + 1


def rolled_back(session: Session, book: BookArrays, day: date) -> BookArrays:
    """``book`` with the values its documents had on ``day``, before revisions recorded after it."""
    rollbacks = BookRepository(session).rollbacks(day)
    if not rollbacks:
        return book
    wanted = np.array(sorted(rollbacks), dtype=np.int64)
    rows = np.searchsorted(book.ids, wanted)
    present = rows < book.ids.size
    present[present] = book.ids[rows[present]] == wanted[present]
    rows, wanted = rows[present], wanted[present]
    issue, due, amount = book.issue[rows].copy(), book.due[rows].copy(), book.amount[rows].copy()
    for n, invoice_id in enumerate(wanted.tolist()):
        back = rollbacks[invoice_id]
        if back.issue_date is not None:
            issue[n] = back.issue_date.toordinal()
        if back.due_date is not None:
            due[n] = back.due_date.toordinal()
        if back.amount_minor is not None:
            amount[n] = back.amount_minor
    return book.revised(rows, issue=issue, due=due, amount=amount)
