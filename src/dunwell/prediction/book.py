"""The stored book as the predictor reads it: every document with its outcome, and the
customers' disputes, touches and promises to pay.

An invoice's outcome is the day it was cleared by cash (payments and accepted deductions). Two
kinds of clearing are not payment behaviour and are kept out of the outcomes:

- an invoice cleared mostly by write-off was never paid: it stays without a payment day, which
  the risk model reads as "more than 60 days late or written off";
- an invoice cancelled by a credit memo (credits cover it in full) left the book without any
  payment at all, so it is dropped with its memo's credit.

The settlements are today's; a reversed allocation is treated as never made (its effect on past
knowledge is small and ``as_known_on`` hides every clearing after a model's cutoff anyway).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dunwell.core.collections import PromiseStatus
from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.core.money import minor_to_decimal
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import InvoiceHistory
from dunwell.orm.base import table_of
from dunwell.orm.collections import Dispute, PromiseToPay, Touch
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation


@dataclass(frozen=True)
class StoredBook:
    history: InvoiceHistory
    invoice_pk: np.ndarray  # the database id of each history position


def load_book(session: Session) -> StoredBook:
    """Every stored document (cancelled invoices aside) as an ``InvoiceHistory``."""
    invoices = table_of(Invoice).c
    customers = table_of(Customer).c
    entities = table_of(LegalEntity).c
    rows = session.execute(
        select(
            invoices.id,
            invoices.number,
            invoices.customer_id,
            entities.code,
            invoices.currency,
            invoices.terms,
            invoices.delivery,
            invoices.amount_minor,
            invoices.issue_date,
            invoices.due_date,
            invoices.status,
            invoices.cleared_on,
            invoices.disputed,
            invoices.kind,
        )
        .join(table_of(Customer), customers.id == invoices.customer_id)
        .join(table_of(LegalEntity), entities.id == invoices.entity_id)
    ).all()
    if not rows:
        raise PredictionError("history_empty", "the database holds no invoices: import some first")
    frame = pd.DataFrame(
        rows,
        columns=[
            "pk",
            "invoice_id",
            "customer_id",
            "entity",
            "currency",
            "terms",
            "delivery",
            "amount_minor",
            "issue_date",
            "due_date",
            "status",
            "cleared_on",
            "disputed",
            "document_type",
        ],
    )
    settled = _settled_by_kind(session)
    written_off = frame["pk"].map(lambda pk: _mostly(settled.get(pk), SettlementKind.WRITE_OFF))
    cancelled = (frame["document_type"] == DocumentKind.INVOICE.value) & frame["pk"].map(
        lambda pk: _mostly(settled.get(pk), SettlementKind.CREDIT)
    )
    credited_away = set(frame.loc[cancelled, "pk"])
    memos_used = _memos_consuming(session, credited_away)
    frame = frame[~cancelled & ~frame["pk"].isin(memos_used)].reset_index(drop=True)
    written_off = written_off[~cancelled].reset_index(drop=True)
    cleared = frame["status"] == DocumentStatus.CLEARED.value
    frame["paid_date"] = frame["cleared_on"].where(cleared & ~written_off, None)
    frame["amount"] = [
        float(minor_to_decimal(int(m), c))
        for m, c in zip(frame["amount_minor"], frame["currency"], strict=True)
    ]  # a feature, never posted
    frame["customer_id"] = frame["customer_id"].astype(str)
    opened, closed = _dispute_dates(session)
    frame["dispute_opened"] = frame["pk"].map(opened)
    frame["dispute_closed"] = frame["pk"].map(closed)
    history = InvoiceHistory.from_frame(frame).with_activity(*_activity(session))
    return StoredBook(history=history, invoice_pk=frame["pk"].to_numpy(dtype=np.int64))


def _settled_by_kind(session: Session) -> dict[int, dict[str, int]]:
    """Per document, the magnitude settled by each kind of allocation still in effect."""
    a = table_of(Allocation).c
    rows = session.execute(
        select(a.invoice_id, a.kind, func.sum(a.amount_minor))
        .where(a.reversed_on.is_(None))
        .group_by(a.invoice_id, a.kind)
    )
    settled: dict[int, dict[str, int]] = defaultdict(dict)
    for invoice_id, kind, total in rows:
        settled[invoice_id][str(kind)] = abs(int(total))
    return settled


def _mostly(settled: dict[str, int] | None, kind: SettlementKind) -> bool:
    if not settled:
        return False
    return settled.get(kind.value, 0) * 2 > sum(settled.values())


def _memos_consuming(session: Session, invoice_pks: set[int]) -> set[int]:
    if not invoice_pks:
        return set()
    a = table_of(Allocation).c
    rows = session.execute(
        select(a.credit_memo_id, a.invoice_id).where(
            a.kind == SettlementKind.CREDIT.value, a.reversed_on.is_(None)
        )
    )
    return {memo for memo, invoice in rows if memo is not None and invoice in invoice_pks}


def _dispute_dates(session: Session) -> tuple[dict[int, object], dict[int, object]]:
    """Per invoice: the day its first dispute was opened, and the day its last one was resolved
    when every dispute on it is resolved (the flag is then point in time: ADR 0016)."""
    d = table_of(Dispute).c
    rows = session.execute(
        select(
            d.invoice_id,
            func.min(d.opened_on),
            func.max(d.resolved_on),
            func.count(),
            func.count(d.resolved_on),
        )
        .where(d.invoice_id.is_not(None))
        .group_by(d.invoice_id)
    )
    opened: dict[int, object] = {}
    closed: dict[int, object] = {}
    for invoice_id, first, last, disputes, resolved in rows:
        opened[invoice_id] = first
        if disputes == resolved and last is not None:
            closed[invoice_id] = last
    return opened, closed


def _activity(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = table_of(Touch).c
    touches = pd.DataFrame(
        session.execute(select(t.customer_id, t.occurred_at)).all(), columns=["customer_id", "occurred_at"]
    )
    touches["customer_id"] = touches["customer_id"].astype(str)
    touches["day"] = pd.to_datetime(touches["occurred_at"], utc=True).dt.tz_localize(None).dt.normalize()
    p = table_of(PromiseToPay).c
    promises = pd.DataFrame(
        session.execute(select(p.customer_id, p.made_on, p.promised_date, p.status)).all(),
        columns=["customer_id", "made_on", "promised_date", "status"],
    )
    promises["customer_id"] = promises["customer_id"].astype(str)
    promises["broken"] = promises["status"] == PromiseStatus.BROKEN.value
    return touches[["customer_id", "day"]], promises
