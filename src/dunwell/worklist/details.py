"""What each row of the day's plan says besides its value: the stored payment predictions of its
items (the latest made by the day before), the customer's segment and its move over 30 days, the
last touch and its outcome, and the state of its latest promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.kit.versioned_cache import VersionedCache
from dunwell.ml.history import day_number
from dunwell.ml.segments import Segment
from dunwell.segments.service import segments_for
from dunwell.worklist.exclusions import Facts
from dunwell.worklist.planning import KnownBook
from dunwell.worklist.repository import PredictionRow, WorklistRepository
from dunwell.worklist.values import Prediction, Queue, SegmentState

#: Reasons of the largest item's prediction shown on a row.
SHOWN_REASONS = 3
#: The rows' segments, kept while the book and the promises stand: a page view does not recompute them.
_SEGMENTS: VersionedCache[dict[int, tuple[Segment, Segment | None, bool]]] = VersionedCache(size=16)


def forget() -> None:
    """Drop the kept segments (a benchmark's cold run)."""
    global _SEGMENTS
    _SEGMENTS = VersionedCache(size=16)


def explain(
    session: Session, principal: Principal, queues: list[Queue], *, kb: KnownBook, facts: Facts, as_of: date
) -> list[Queue]:
    ids = [r.customer_id for q in queues for r in q.rows]
    if not ids:
        return queues
    known = as_of - timedelta(days=1)
    items = _open_items(kb, ids, as_of)
    stored = WorklistRepository(session).predictions([i for found in items.values() for i, _ in found], known)
    repo = WorklistRepository(session)
    key = ("worklist/segments/v1", known, repo.promises_marker(), principal.portfolio, tuple(sorted(ids)))
    segments = _SEGMENTS.get(session, key, lambda: segments_for(session, principal, ids, as_of=known))
    explained = []
    for queue in queues:
        rows = []
        for row in queue.rows:
            found = segments.get(row.customer_id)
            segment = None
            if found is not None:
                now, before, worse = found
                segment = SegmentState(now.value, before.value if before else None, worse)
            rows.append(
                replace(
                    row,
                    prediction=_prediction(items.get(row.customer_id, []), stored),
                    segment=segment,
                    last_touch=facts.last_touch.get(row.customer_id),
                    promise=facts.open_promises.get(row.customer_id)
                    or facts.broken_promises.get(row.customer_id),
                )
            )
        explained.append(replace(queue, rows=tuple(rows)))
    return explained


def _open_items(kb: KnownBook, customer_ids: list[int], as_of: date) -> dict[int, list[tuple[int, int]]]:
    """Per customer, its items open on ``as_of`` and not wholly in dispute: (invoice id, open minor)."""
    day = day_number(as_of)
    found: dict[int, list[tuple[int, int]]] = {}
    for customer_id in customer_ids:
        positions = kb.by_customer.get(kb.codes.get(customer_id, -1))
        if positions is None:
            continue
        positions = positions[(kb.book.paid[positions] > day) & (kb.open_minor[positions] > 0)]
        found[customer_id] = list(
            zip(kb.invoice_id[positions].tolist(), kb.open_minor[positions].tolist(), strict=True)
        )
    return found


def _prediction(items: list[tuple[int, int]], stored: dict[int, PredictionRow]) -> Prediction | None:
    known = [(stored[i], amount) for i, amount in items if i in stored]
    if not known:
        return None
    total = sum(amount for _, amount in known) or 1
    risk = sum(p.risk_late * amount for p, amount in known) / total
    latest = max(p.p50_date for p, _ in known)
    largest = max(known, key=lambda pair: pair[1])[0]
    return Prediction(latest, float(risk), tuple(largest.reasons[:SHOWN_REASONS]))
