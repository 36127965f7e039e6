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

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dunwell.core.collections import PromiseStatus
from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.core.money import minor_to_decimal
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import InvoiceHistory
from dunwell.prediction.book_repository import DOCUMENT_COLUMNS, PredictionBookRepository


@dataclass(frozen=True)
class StoredHistory:
    history: InvoiceHistory
    invoice_pk: np.ndarray  # the database id of each history position
    #: Each position's amount in its currency's minor units (credit memos negative), as stored:
    #: the cash forecast sums these, never the history's float ``amount``.
    amount_minor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def load_book(session: Session, customers: Collection[int] | None = None) -> StoredHistory:
    """Every stored document (cancelled invoices aside) as an ``InvoiceHistory``; ``customers``:
    only theirs."""
    repo = PredictionBookRepository(session, customers)
    rows = repo.documents()
    if not rows:
        raise PredictionError("history_empty", "the database holds no invoices: import some first")
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    settled = repo.settled_by_kind()
    written_off = frame["pk"].map(lambda pk: _mostly(settled.get(pk), SettlementKind.WRITE_OFF))
    cancelled = (frame["document_type"] == DocumentKind.INVOICE.value) & frame["pk"].map(
        lambda pk: _mostly(settled.get(pk), SettlementKind.CREDIT)
    )
    credited_away = set(frame.loc[cancelled, "pk"])
    memos_used = repo.memos_consuming(credited_away)
    frame = frame[~cancelled & ~frame["pk"].isin(memos_used)].reset_index(drop=True)
    written_off = written_off[~cancelled].reset_index(drop=True)
    cleared = frame["status"] == DocumentStatus.CLEARED.value
    frame["paid_date"] = frame["cleared_on"].where(cleared & ~written_off, None)
    frame["amount"] = [
        float(minor_to_decimal(int(m), c))
        for m, c in zip(frame["amount_minor"], frame["currency"], strict=True)
    ]  # a feature, never posted
    frame["customer_id"] = frame["customer_id"].astype(str)
    opened, closed = _dispute_dates(repo)
    frame["dispute_opened"] = frame["pk"].map(opened)
    frame["dispute_closed"] = frame["pk"].map(closed)
    history = InvoiceHistory.from_frame(frame).with_activity(*_activity(repo))
    return StoredHistory(
        history=history,
        invoice_pk=frame["pk"].to_numpy(dtype=np.int64),
        amount_minor=frame["amount_minor"].to_numpy(dtype=np.int64),
    )


def _mostly(settled: dict[str, int] | None, kind: SettlementKind) -> bool:
    if not settled:
        return False
    return settled.get(kind.value, 0) * 2 > sum(settled.values())


def _dispute_dates(repo: PredictionBookRepository) -> tuple[dict[int, object], dict[int, object]]:
    """Per invoice: the day its first dispute was opened, and the day its last one was resolved
    when every dispute on it is resolved (the flag is then point in time: ADR 0016)."""
    opened: dict[int, object] = {}
    closed: dict[int, object] = {}
    for invoice_id, first, last, disputes, resolved in repo.dispute_dates():
        opened[invoice_id] = first
        if disputes == resolved and last is not None:
            closed[invoice_id] = last
    return opened, closed


def _activity(repo: PredictionBookRepository) -> tuple[pd.DataFrame, pd.DataFrame]:
    touches = pd.DataFrame(repo.touches(), columns=["customer_id", "occurred_at"])
    touches["customer_id"] = touches["customer_id"].astype(str)
    touches["day"] = pd.to_datetime(touches["occurred_at"], utc=True).dt.tz_localize(None).dt.normalize()
    promises = pd.DataFrame(repo.promises(), columns=["customer_id", "made_on", "promised_date", "status"])
    promises["customer_id"] = promises["customer_id"].astype(str)
    promises["broken"] = promises["status"] == PromiseStatus.BROKEN.value
    return touches[["customer_id", "day"]], promises
