"""Segments of the stored book as of a day, their changes between two days, and the alerts: a move
to a worse segment, with the figures that moved (ADR 0023).

The book is read as the payment predictor reads it (``prediction.book``), so write-offs and
cancelled invoices are treated the same way; the rules are ``ml.segments``. A collector sees only
their portfolio's customers. The dashboard's alerts are computed once per book version for the
whole book and kept as a report snapshot (ADR 0022); each reader gets the part they may see.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.service import require_customer
from dunwell.kit.snapshots import Codec, Snapshot, cached, snapshot_key
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import NEVER, day_number
from dunwell.ml.segments import (
    CustomerSegment,
    FigureMove,
    PaymentHabit,
    Segment,
    SegmentChange,
    SegmentFigures,
    segment_changes,
    segment_customers,
)
from dunwell.prediction.book import StoredHistory, load_book
from dunwell.segments.repository import CustomerRef, SegmentRepository

#: The dashboard and the customer page compare a segment with the one this many days before.
ALERT_DAYS = 30
#: After a change to the book, alerts at most this old are shown while they are refreshed.
STALE_FOR = timedelta(minutes=15)
#: How the pages name segments and figures.
SEGMENT_LABELS = {
    Segment.EARLY_PAYER: "Early payer",
    Segment.ON_TIME: "On time",
    Segment.PAYMENT_RUN: "Pays by a payment run",
    Segment.SEASONAL: "Seasonal (late at quarter ends)",
    Segment.STEADY_LATE: "Steady late",
    Segment.CHRONIC_LATE: "Chronic late",
    Segment.DETERIORATING: "Deteriorating",
    Segment.NEW_OR_THIN: "New or thin history",
}
FIGURE_LABELS = {
    "median_delay": "Median delay (days)",
    "recent_delay": "Recent delay (days)",
    "spread": "Spread (days)",
    "upper_tail": "Slowest tenth beyond the median (days)",
    "trend_per_month": "Trend (days per month)",
    "oldest_overdue_days": "Oldest undisputed overdue (days)",
    "partial_share": "Share paid in part",
    "broken_promises": "Broken promises (180 days)",
    "quarter_end_excess": "Extra delay at quarter ends (days)",
    "weekday_share": "Share paid on one weekday",
    "month_end_share": "Share paid at month end",
    "paid_total": "Paid invoices",
}


@dataclass(frozen=True, slots=True)
class SegmentRow:
    customer_id: int
    external_id: str
    name: str
    segment: Segment
    habit: PaymentHabit
    figures: SegmentFigures
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "external_id": self.external_id,
            "name": self.name,
            "segment": self.segment.value,
            "habit": self.habit.value,
            "figures": self.figures.to_dict(),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class ChangeRow:
    customer_id: int
    external_id: str
    name: str
    before: Segment
    after: Segment
    worse: bool
    moved: tuple[FigureMove, ...]
    reasons: tuple[str, ...]  # why the customer is in its new segment

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "external_id": self.external_id,
            "name": self.name,
            "before": self.before.value,
            "after": self.after.value,
            "worse": self.worse,
            "moved": [{"figure": m.name, "before": m.before, "after": m.after} for m in self.moved],
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ChangeRow:
        return cls(
            customer_id=int(d["customer_id"]),
            external_id=str(d["external_id"]),
            name=str(d["name"]),
            before=Segment(d["before"]),
            after=Segment(d["after"]),
            worse=bool(d["worse"]),
            moved=tuple(FigureMove(m["figure"], m["before"], m["after"]) for m in d["moved"]),
            reasons=tuple(d["reasons"]),
        )


@dataclass(frozen=True, slots=True)
class CustomerSegmentCard:
    """One customer's segment today, and how it stood ``ALERT_DAYS`` before."""

    as_of: date
    since: date
    current: SegmentRow | None  # None: nothing issued to them by ``as_of``
    previous: Segment | None
    change: ChangeRow | None


def segments_as_of(session: Session, principal: Principal, *, as_of: date) -> list[SegmentRow]:
    """Every customer of the principal's portfolio with anything issued by ``as_of``, by name."""
    refs = _refs(session, principal)
    found = _segments(session, refs, [as_of])[0]
    return sorted((_row(s, refs) for s in found), key=lambda r: (r.name, r.customer_id))


def changes_between(
    session: Session, principal: Principal, *, start: date, end: date, only_worse: bool = False
) -> list[ChangeRow]:
    """Customers whose segment on ``end`` differs from the one on ``start``; worse moves first."""
    if end < start:
        raise DunwellError(
            f"--to ({end}) is before --from ({start})", code="bad_period", kind=ErrorKind.INVALID
        )
    refs = _refs(session, principal)
    before, after = _segments(session, refs, [start, end])
    changes = [_change(c, refs) for c in segment_changes(before, after)]
    return [c for c in changes if c.worse] if only_worse else changes


def customer_segment(
    session: Session, principal: Principal, customer_id: int, *, as_of: date
) -> CustomerSegmentCard:
    """For the customer page: reads only this customer's documents."""
    require_customer(session, principal, customer_id)
    refs = SegmentRepository(session).customers(None, [customer_id])
    since = as_of - timedelta(days=ALERT_DAYS)
    before, after = _segments(session, refs, [since, as_of])
    current = _row(after[0], refs) if after else None
    previous = before[0].segment if before else None
    changes = segment_changes(before, after)
    change = _change(changes[0], refs) if changes else None
    return CustomerSegmentCard(as_of, since, current, previous, change)


def segments_for(
    session: Session, principal: Principal, customer_ids: Collection[int], *, as_of: date
) -> dict[int, tuple[Segment, Segment | None, bool]]:
    """For a list of customers (the worklist's rows): each one's segment on ``as_of``, the one
    ``ALERT_DAYS`` before and whether that is a move to a worse one. Read a few hundred customers at a
    time, each time only their documents."""
    refs = SegmentRepository(session).customers(principal.portfolio, customer_ids)
    ids, found = sorted(refs), {}
    for start in range(0, len(ids), 400):
        chunk = {i: refs[i] for i in ids[start : start + 400]}
        before, after = _segments(session, chunk, [as_of - timedelta(days=ALERT_DAYS), as_of])
        earlier = {int(s.customer): s.segment for s in before}
        worse = {int(c.customer) for c in segment_changes(before, after) if c.worse}
        for s in after:
            found[int(s.customer)] = (s.segment, earlier.get(int(s.customer)), int(s.customer) in worse)
    return found


def worsened_recently(
    session: Session, principal: Principal, *, as_of: date, stale_for: timedelta = STALE_FOR
) -> Snapshot[list[ChangeRow]]:
    """Customers of the principal's portfolio whose segment worsened in the ``ALERT_DAYS`` up to
    ``as_of``. Computed for the whole book once per book version (and promises' state), shared
    by every reader; each reader is shown only the customers they may see, owners as they are now."""
    repository = SegmentRepository(session)
    key = snapshot_key("segments/worsened/v1", as_of, ALERT_DAYS, repository.promises_marker())

    def compute(reader: Session) -> list[ChangeRow]:
        return changes_between(
            reader, Principal.operator("segments"), start=as_of - timedelta(days=ALERT_DAYS), end=as_of,
            only_worse=True,
        )  # fmt: skip

    kept = cached(session, key, compute, _CODEC, stale_for=stale_for)
    if principal.portfolio is None:
        return kept
    visible = repository.customers(principal.portfolio, [c.customer_id for c in kept.value])
    return Snapshot(
        value=[c for c in kept.value if c.customer_id in visible],
        computed_at=kept.computed_at,
        compute_seconds=kept.compute_seconds,
        stale=kept.stale,
    )


_CODEC: Codec[list[ChangeRow]] = Codec(
    encode=lambda changes: {"changes": [c.to_dict() for c in changes]},
    decode=lambda d: [ChangeRow.from_dict(c) for c in d["changes"]],
)


def _refs(session: Session, principal: Principal) -> dict[int, CustomerRef]:
    return SegmentRepository(session).customers(principal.portfolio)


def _segments(
    session: Session, refs: dict[int, CustomerRef], days: list[date]
) -> list[list[CustomerSegment]]:
    """The segments of ``refs``'s customers on each of ``days`` (the book is read once)."""
    if not refs:
        return [[] for _ in days]
    wanted: Collection[int] | None = refs.keys() if len(refs) < 500 else None  # a big scope: read it all
    try:
        stored = load_book(session, wanted)
    except PredictionError as exc:
        if exc.code == "history_empty":
            return [[] for _ in days]
        raise
    partial = _partial_days(session, stored, wanted)
    names = [str(pk) for pk in refs]
    return [
        segment_customers(stored.history, as_of=day_number(day), partial_day=partial, customers=names)
        for day in days
    ]


def _partial_days(session: Session, stored: StoredHistory, customers: Collection[int] | None) -> np.ndarray:
    """Per history position, the first day cash reached the invoice (``ml.segments`` calls it a
    partial payment when the invoice was still open after that day)."""
    first = SegmentRepository(session).first_cash_days(customers)
    return np.array(
        [day_number(first[pk]) if pk in first else NEVER for pk in stored.invoice_pk.tolist()], dtype=np.int64
    )


def _row(found: CustomerSegment, refs: dict[int, CustomerRef]) -> SegmentRow:
    ref = refs[int(found.customer)]
    return SegmentRow(
        ref.id, ref.external_id, ref.name, found.segment, found.habit, found.figures, found.reasons
    )


def _change(change: SegmentChange, refs: dict[int, CustomerRef]) -> ChangeRow:
    ref = refs[int(change.customer)]
    return ChangeRow(
        customer_id=ref.id,
        external_id=ref.external_id,
        name=ref.name,
        before=change.before.segment,
        after=change.after.segment,
        worse=change.worse,
        moved=change.moved,
        reasons=change.after.reasons,
    )
