"""Changes between two days: a move to a worse segment is an alert, with the figures that moved."""

from __future__ import annotations

from datetime import date, timedelta

from dunwell.ml.history import day_number
from dunwell.ml.segments import Segment, segment_changes, segment_customers
from segments.segment_books import after, history, invoices

WAS, NOW = date(2023, 12, 31), date(2024, 6, 30)


def _slipping(i: int, due: date) -> date:
    """On time through 2023, then 19 days late."""
    return due + timedelta(days=0 if due.year == 2023 else 19)


def test_a_move_to_a_worse_segment_is_an_alert_with_the_numbers_that_moved() -> None:
    book = history(invoices("C1", _slipping), invoices("C2", after(-10)))
    before = segment_customers(book, as_of=day_number(WAS))
    after_ = segment_customers(book, as_of=day_number(NOW))
    changes = segment_changes(before, after_)
    assert [c.customer for c in changes] == ["C1"]  # C2 stayed an early payer
    change = changes[0]
    assert change.before.segment is Segment.ON_TIME
    assert change.after.segment in (Segment.STEADY_LATE, Segment.DETERIORATING)
    assert change.worse
    recent = {m.name: m for m in change.moved}["recent_delay"]
    assert (recent.before, recent.after) == (0.0, 19.0)


def test_a_move_to_a_better_segment_is_a_change_but_no_alert() -> None:
    book = history(invoices("C1", _slipping))
    changes = segment_changes(
        segment_customers(book, as_of=day_number(NOW)), segment_customers(book, as_of=day_number(WAS))
    )
    assert len(changes) == 1
    assert not changes[0].worse


def test_leaving_a_thin_history_is_no_alert_and_a_customer_new_since_is_no_change() -> None:
    book = history(invoices("C1", after(30), count=60), invoices("C2", after(0), start=date(2024, 3, 1)))
    early = segment_customers(book, as_of=day_number(date(2023, 2, 20)))
    late = segment_customers(book, as_of=day_number(NOW))
    assert {s.customer: s.segment for s in early} == {"C1": Segment.NEW_OR_THIN}
    changes = segment_changes(early, late)
    assert [c.customer for c in changes] == ["C1"]
    assert not changes[0].worse


def test_worse_moves_come_first() -> None:
    recovering = invoices("A", lambda i, due: due + timedelta(days=19 if due.year == 2023 else 0), count=90)
    book = history(recovering, invoices("B", _slipping, count=90))
    changes = segment_changes(
        segment_customers(book, as_of=day_number(WAS)),
        segment_customers(book, as_of=day_number(date(2025, 3, 31))),
    )
    assert [(c.customer, c.worse) for c in changes] == [("B", True), ("A", False)]
