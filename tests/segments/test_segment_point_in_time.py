"""Segments as of a day do not move when later events are added: payments, invoices, promises and
partial payments after the day are unknown on it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dunwell.ml.history import NEVER, day_number
from dunwell.ml.segments import Segment, segment_customers
from segments.segment_books import after, history, invoices

EARLIER = date(2024, 1, 31)
LATER = date(2024, 12, 31)


def _book_and_later_events():  # type: ignore[no-untyped-def]
    """An on-time payer known up to EARLIER; afterwards it pays later and later, pays in part and
    breaks promises (every kind of later event)."""
    steady = invoices("C1", lambda i, due: due if due <= EARLIER - timedelta(days=5) else None, count=80)
    later = invoices("C1", lambda i, due: due + timedelta(days=3 * i - 100), count=80)
    late_paid = [
        {**row, "paid_date": later[i]["paid_date"] if row["paid_date"] is None else row["paid_date"]}
        for i, row in enumerate(steady)
    ]
    promises = pd.DataFrame(
        {"customer_id": ["C1"] * 3, "made_on": [date(2024, 3, 1), date(2024, 5, 1), date(2024, 7, 1)],
         "promised_date": [date(2024, 3, 8), date(2024, 5, 8), date(2024, 7, 8)], "broken": [True] * 3}
    )  # fmt: skip
    return history(steady), history(late_paid).with_activity(promises=promises)


def test_later_events_do_not_change_a_segment_as_of_an_earlier_day() -> None:
    known, with_later = _book_and_later_events()
    partial = np.full(len(with_later), NEVER, np.int64)
    partial[60:75] = day_number(date(2024, 4, 1))  # partial payments after EARLIER
    before = segment_customers(known, as_of=day_number(EARLIER))
    again = segment_customers(with_later, as_of=day_number(EARLIER), partial_day=partial)
    assert before == again
    assert before[0].segment is Segment.ON_TIME


def test_the_later_events_do_change_the_segment_as_of_a_later_day() -> None:
    _, with_later = _book_and_later_events()
    assert segment_customers(with_later, as_of=day_number(LATER))[0].segment is Segment.DETERIORATING


def test_an_invoice_open_on_the_day_is_not_paid_on_it_even_if_the_history_says_it_was_later() -> None:
    rows = invoices("C1", after(40), count=30)
    day = day_number(rows[20]["due_date"] + timedelta(days=10))
    found = segment_customers(history(rows), as_of=day)[0]
    paid_by_then = sum(1 for r in rows if day_number(r["paid_date"]) <= day)
    assert found.figures.paid_total == paid_by_then
