"""The book as known at the start of a day, as the response model reads it, and the model learned
from it: read and trained once per (day, book version, touches and disputes), kept in this process.

Point in time: the plan for day D is made from what was recorded by the end of D − 1 (``known``):
allocations applied and not reversed by then (so an invoice's open amount and the day it was
cleared), revisions after it rolled back, touches and disputes dated by then. Nothing dated D or
later is read, so a plan does not move while the day's work is recorded, nor when later days' cash,
touches and promises arrive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dunwell.core.money import minor_to_decimal
from dunwell.kit.versioned_cache import VersionedCache
from dunwell.ml.history import NEVER, day_number
from dunwell.ml.response import (
    CALL,
    EMAIL,
    LETTER,
    PRIOR_RESPONSE,
    ItemBook,
    ResponseModel,
    TouchLog,
    payment_record,
    training_rows,
)
from dunwell.reporting.repository import BookRepository
from dunwell.worklist.repository import InvoiceRow, OpenDispute, TouchRow, WorklistRepository

#: Channels as the response model codes them (a touch of unknown tone counts as a friendly one).
CHANNEL_CODES = {"email": EMAIL, "sms": EMAIL, "letter": LETTER, "call": CALL, "meeting": CALL}
#: The model learns from the days in this window before the plan's day (the last HORIZON_DAYS of
#: it give no rows: their outcome is not known yet).
TRAINING_DAYS = 240
#: Training rows come from at most this many customers, drawn at random with a fixed seed: enough
#: to learn a payment curve, and a large book trains in seconds, not minutes.
TRAINING_CUSTOMERS = 600
#: Priors-only valuation (too little history to learn from): every item has this chance to be paid
#: within 30 days anyway and waits this share of them; an action converts PRIOR_RESPONSE of the rest.
PRIOR_UNTOUCHED = 0.5
PRIOR_WAITING = 0.5


class PriorResponse(ResponseModel):
    """The response model's priors alone, for a book without the history to learn from: the ranking
    is then amount at stake x the channel's prior response / minutes (largest first, with the channel
    that pays most per minute)."""

    def fit(self, rows: Any) -> PriorResponse:
        return self

    def p_untouched(self, inputs: pd.DataFrame) -> np.ndarray:
        return np.full(len(inputs), PRIOR_UNTOUCHED)

    def waiting_share(self, inputs: pd.DataFrame) -> np.ndarray:
        return np.full(len(inputs), PRIOR_WAITING)

    def rate(
        self, inputs: pd.DataFrame, channel: int, firm: bool, *, base: np.ndarray | None = None
    ) -> np.ndarray:
        return np.full(len(inputs), PRIOR_RESPONSE[channel])

    def describe(self) -> dict[str, Any]:
        return {"kind": "priors only", "prior_response": {str(k): v for k, v in PRIOR_RESPONSE.items()}}


@dataclass(frozen=True)
class ModelInfo:
    kind: str  # "learned" or "priors"
    note: str
    training_rows: int
    description: dict[str, Any]


@dataclass(frozen=True)
class KnownBook:
    """Every invoice issued by ``known`` with its state then; customers as codes 0..n-1."""

    known: date
    invoice_id: np.ndarray
    customer_id: np.ndarray  # database ids
    currency: np.ndarray  # str objects
    open_minor: np.ndarray  # open and not in dispute at the end of ``known``
    disputed_minor: np.ndarray
    book: ItemBook  # the model's view: paid = the day it was cleared, NEVER while open
    codes: dict[int, int]  # customer id -> code
    touches: TouchLog
    touch_rows: list[TouchRow]
    record: dict[str, np.ndarray]
    model: ResponseModel
    info: ModelInfo
    by_customer: dict[int, np.ndarray] = field(default_factory=dict)  # code -> item positions


_KEPT: VersionedCache[KnownBook] = VersionedCache(size=4)


def forget() -> None:
    """Drop every kept book (a benchmark's cold run)."""
    global _KEPT
    _KEPT = VersionedCache(size=4)


def known_book(session: Session, day: date) -> KnownBook:
    """The book for planning ``day`` (known at the end of the day before), trained once per change."""
    known = day - timedelta(days=1)
    repo = WorklistRepository(session)
    key = ("worklist/known-book/v1", known, repo.marker(known))
    return _KEPT.get(session, key, lambda: _read(repo, known))


def _read(repo: WorklistRepository, known: date) -> KnownBook:
    rollbacks = BookRepository(repo.session).rollbacks(known)
    rows = [_rolled_back(r, rollbacks.get(r.id)) for r in repo.invoices(known, list(rollbacks))]
    rows = [r for r in rows if r.issue_date <= known]
    disputed = _disputed(rows, repo.open_disputes(known), repo.flagged_without_dispute())
    n_items = len(rows)
    customer_id = np.array([r.customer_id for r in rows], np.int64)
    codes = {int(c): i for i, c in enumerate(dict.fromkeys(customer_id.tolist()))}
    open_minor = np.array([max(r.amount_minor - r.settled_minor, 0) for r in rows], np.int64)
    disputed_minor = np.array(
        [min(disputed.get(r.id, 0), o) for r, o in zip(rows, open_minor, strict=True)], np.int64
    )
    cleared = open_minor <= 0
    mostly_written_off = np.array([2 * r.written_off_minor > r.amount_minor for r in rows], bool)
    paid = np.array(
        [
            day_number(r.last_settled) if c and r.last_settled else NEVER
            for r, c in zip(rows, cleared, strict=True)
        ],
        np.int64,
    )
    book = ItemBook(
        customer=np.array([codes[int(c)] for c in customer_id], np.int64),
        amount=np.array([float(minor_to_decimal(r.amount_minor, r.currency)) for r in rows]),
        issue=np.array([day_number(r.issue_date) for r in rows], np.int64),
        due=np.array([day_number(r.due_date) for r in rows], np.int64),
        paid=paid,
        disputed=(disputed_minor >= open_minor) & (open_minor > 0),
        customers=len(codes),
    )
    touch_rows = [t for t in repo.touches(known) if t.customer_id in codes]
    touches = _touch_log(touch_rows, codes)
    model, info = _train(book, touches, known, keep=~(cleared & mostly_written_off))
    by_customer: dict[int, list[int]] = defaultdict(list)
    for position, code in enumerate(book.customer.tolist()):
        by_customer[code].append(position)
    return KnownBook(
        known=known,
        invoice_id=np.array([r.id for r in rows], np.int64).reshape(n_items),
        customer_id=customer_id,
        currency=np.array([r.currency for r in rows], dtype=object),
        open_minor=open_minor - disputed_minor,
        disputed_minor=disputed_minor,
        book=book,
        codes=codes,
        touches=touches,
        touch_rows=touch_rows,
        record=payment_record(book, day_number(known)),
        model=model,
        info=info,
        by_customer={c: np.array(p, np.int64) for c, p in by_customer.items()},
    )


def _rolled_back(row: InvoiceRow, back: Any) -> InvoiceRow:
    if back is None:
        return row
    return InvoiceRow(
        row.id,
        row.customer_id,
        row.currency,
        back.amount_minor if back.amount_minor is not None else row.amount_minor,
        back.issue_date or row.issue_date,
        back.due_date or row.due_date,
        row.settled_minor,
        row.written_off_minor,
        row.last_settled,
    )


def _disputed(rows: list[InvoiceRow], disputes: list[OpenDispute], flagged: set[int]) -> dict[int, int]:
    """Per invoice, the amount in dispute at the end of ``known``: each dispute's amount spread over
    its invoices (oldest due first; a dispute for the account over the customer's open invoices in
    its currency), never above what is open. An imported dispute flag disputes the whole invoice."""
    open_left = {r.id: max(r.amount_minor - r.settled_minor, 0) for r in rows}
    by_customer: dict[tuple[int, str], list[InvoiceRow]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r.due_date, r.id)):
        if open_left[r.id] > 0:
            by_customer[(r.customer_id, r.currency)].append(r)
    due_of = {r.id: r.due_date for r in rows}
    disputed: dict[int, int] = {i: open_left[i] for i in flagged if i in open_left}
    for dispute in disputes:
        targets = sorted((i for i in dispute.invoice_ids if i in open_left), key=lambda i: (due_of[i], i))
        if not dispute.invoice_ids:
            targets = [r.id for r in by_customer.get((dispute.customer_id, dispute.currency), [])]
        left = dispute.amount_minor
        for invoice_id in targets:
            room = open_left[invoice_id] - disputed.get(invoice_id, 0)
            taken = min(room, left)
            if taken > 0:
                disputed[invoice_id] = disputed.get(invoice_id, 0) + taken
                left -= taken
    return disputed


def _touch_log(rows: list[TouchRow], codes: dict[int, int]) -> TouchLog:
    if not rows:
        return TouchLog.empty()
    return TouchLog(
        customer=np.array([codes[t.customer_id] for t in rows], np.int64),
        day=np.array([day_number(t.day) for t in rows], np.int64),
        channel=np.array([CHANNEL_CODES[t.channel] for t in rows], np.int64),
        firm=np.array([t.firm for t in rows], bool),
    )


def _train(
    book: ItemBook, touches: TouchLog, known: date, *, keep: np.ndarray
) -> tuple[ResponseModel, ModelInfo]:
    """The response model from the items with a payment outcome (written-off items are left out: they
    were never paid, and were not open either), on a fixed random sample of customers."""
    chosen = np.zeros(book.customers, bool)
    rng = np.random.default_rng(0)
    chosen[rng.permutation(book.customers)[:TRAINING_CUSTOMERS]] = True
    items = keep & chosen[book.customer]
    remap = np.cumsum(chosen) - 1
    sub = ItemBook(
        customer=remap[book.customer[items]],
        amount=book.amount[items],
        issue=book.issue[items],
        due=book.due[items],
        paid=book.paid[items],
        disputed=book.disputed[items],
        customers=int(chosen.sum()),
    )
    mine = chosen[touches.customer]
    sub_touches = TouchLog(
        remap[touches.customer[mine]], touches.day[mine], touches.channel[mine], touches.firm[mine]
    )
    last = day_number(known)
    rows = training_rows(sub, sub_touches, first=last - TRAINING_DAYS, last=last)
    try:
        model = ResponseModel(random_state=0).fit(rows)
    except ValueError as exc:
        note = f"not enough history to learn from ({len(rows.channel)} rows: {exc}); priors only"
        return PriorResponse(), ModelInfo("priors", note, len(rows.channel), PriorResponse().describe())
    note = f"learned from {len(rows.channel)} customer-days of the {TRAINING_DAYS} days to {known}"
    return model, ModelInfo("learned", note, len(rows.channel), model.describe())
