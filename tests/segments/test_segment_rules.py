"""Each segment from a constructed history, and the order that makes "worse" well-defined."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from dunwell.ml.history import NEVER, day_number
from dunwell.ml.segments import (
    SEGMENT_ORDER,
    PaymentHabit,
    Segment,
    is_worse,
    rank,
    segment_customers,
)
from segments.segment_books import (
    AS_OF,
    after,
    as_of_day,
    history,
    invoices,
    last_business_day,
    next_weekday,
    quarter_end,
)

CHRONIC = [2, 30, 6, 45, 4, 21, 9, 38, 3, 26]  # late and all over the place


def one(rows: list[dict], **kwargs: object):  # type: ignore[no-untyped-def]
    found = segment_customers(history(rows), as_of=as_of_day(), **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("rule", "segment"),
    [
        (after(-10), Segment.EARLY_PAYER),
        (after(0), Segment.ON_TIME),
        (lambda i, due: due + timedelta(days=12 + i % 3 - 1), Segment.STEADY_LATE),
        (lambda i, due: due + timedelta(days=CHRONIC[i % len(CHRONIC)]), Segment.CHRONIC_LATE),
        (lambda i, due: due + timedelta(days=15 if quarter_end(due) else 0), Segment.SEASONAL),
        (lambda i, due: due + timedelta(days=i // 3), Segment.DETERIORATING),  # ~1.7 days a month more
    ],
    ids=lambda v: v.value if isinstance(v, Segment) else "",
)
def test_each_lateness_segment_from_its_history(rule, segment) -> None:  # type: ignore[no-untyped-def]
    found = one(invoices("C1", rule))
    assert found.segment is segment, found.reasons
    assert found.habit is PaymentHabit.AS_DUE
    assert found.reasons


def test_the_figures_behind_a_steady_late_payer() -> None:
    found = one(invoices("C1", after(12)))
    f = found.figures
    assert f.median_delay == 12.0
    assert f.spread == 0.0
    assert f.trend_per_month == 0.0
    assert f.paid_total == 55
    assert f.age_days == (AS_OF - invoices("C1", after(0))[0]["issue_date"]).days


def test_a_weekly_run_is_a_habit_and_the_payment_run_segment() -> None:
    found = one(invoices("C1", lambda _i, due: next_weekday(due, 3)))  # every Thursday
    assert found.habit is PaymentHabit.WEEKLY_RUN
    assert found.segment is Segment.PAYMENT_RUN
    assert found.figures.run_weekday == 3
    assert found.figures.weekday_share == 1.0


def test_a_month_end_run_is_a_habit_and_the_payment_run_segment() -> None:
    found = one(invoices("C1", lambda _i, due: last_business_day(due)))
    assert found.habit is PaymentHabit.MONTH_END_RUN
    assert found.segment is Segment.PAYMENT_RUN


def test_invoices_due_on_one_weekday_and_paid_as_due_are_not_a_run() -> None:
    weekly = invoices("C1", after(0), every=7)  # every due date is the same weekday
    found = one(weekly)
    assert found.figures.weekday_share == 1.0
    assert found.habit is PaymentHabit.AS_DUE
    assert found.segment is Segment.ON_TIME


def test_an_early_payer_getting_less_early_is_not_deteriorating() -> None:
    found = one(invoices("C1", lambda i, due: due + timedelta(days=-30 + i // 3)))
    assert (found.figures.trend_per_month or 0) > 1
    assert found.segment is not Segment.DETERIORATING


def test_broken_promises_make_an_on_time_payer_deteriorating() -> None:
    book = history(invoices("C1", after(0)))
    made = [AS_OF - timedelta(days=d) for d in (60, 30)]
    promises = pd.DataFrame(
        {"customer_id": ["C1", "C1"], "made_on": made, "promised_date": [m + timedelta(days=7) for m in made],
         "broken": [True, True]}
    )  # fmt: skip
    found = segment_customers(book.with_activity(promises=promises), as_of=as_of_day())[0]
    assert found.segment is Segment.DETERIORATING
    assert found.figures.broken_promises == 2
    one_broken = segment_customers(book.with_activity(promises=promises.iloc[:1]), as_of=as_of_day())[0]
    assert one_broken.segment is Segment.ON_TIME


def test_partial_payments_make_a_customer_deteriorating() -> None:
    rows = invoices("C1", after(0))
    book = history(rows)
    partial = np.full(len(book), NEVER, np.int64)
    for i in range(40, 50):  # a tenth or more of the recent invoices paid in two goes
        partial[i] = day_number(rows[i]["due_date"]) - 5
    found = segment_customers(book, as_of=as_of_day(), partial_day=partial)[0]
    assert found.segment is Segment.DETERIORATING
    assert found.figures.partial_count == 10
    assert segment_customers(book, as_of=as_of_day())[0].segment is Segment.ON_TIME


def test_an_item_long_overdue_marks_a_customer_that_stopped_paying() -> None:
    rows = invoices("C1", lambda i, due: None if i == 45 else due)  # due in 2024-02, still open
    found = one(rows)
    assert found.segment is Segment.DETERIORATING
    assert found.figures.oldest_overdue_days is not None
    assert found.figures.oldest_overdue_days > 60


def test_a_new_or_thin_history() -> None:
    assert one(invoices("C1", after(0), count=4)).segment is Segment.NEW_OR_THIN
    young = invoices("C1", after(-3), start=AS_OF - timedelta(days=80), every=1, count=40)
    assert one(young).segment is Segment.NEW_OR_THIN


def test_the_order_runs_from_best_to_worst_and_new_is_unranked() -> None:
    assert [rank(s) for s in SEGMENT_ORDER] == list(range(len(SEGMENT_ORDER)))
    assert SEGMENT_ORDER[0] is Segment.EARLY_PAYER
    assert SEGMENT_ORDER[-1] is Segment.DETERIORATING
    assert is_worse(Segment.ON_TIME, Segment.STEADY_LATE)
    assert not is_worse(Segment.STEADY_LATE, Segment.ON_TIME)
    assert rank(Segment.NEW_OR_THIN) is None
    assert not is_worse(Segment.NEW_OR_THIN, Segment.DETERIORATING)
    assert not is_worse(Segment.EARLY_PAYER, Segment.NEW_OR_THIN)


def test_customers_limits_the_answer_and_a_customer_with_nothing_issued_has_none() -> None:
    book = history(invoices("C1", after(0)), invoices("C2", after(0), start=AS_OF + timedelta(days=1)))
    found = segment_customers(book, as_of=as_of_day())
    assert [s.customer for s in found] == ["C1"]
    assert segment_customers(book, as_of=as_of_day(), customers=["C2"]) == []
