"""Point-in-time features: no leakage, and the vectorised searches agree with a plain loop."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dunwell.ml.features import FEATURES, Queries, point_in_time_features
from dunwell.ml.history import InvoiceHistory, day_number

D0 = date(2024, 1, 1)


def book(seed: int = 3, customers: int = 12, invoices: int = 400) -> pd.DataFrame:
    """A small random book: issue dates over a year, some paid (early or late), some open."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in range(invoices):
        issue = D0 + timedelta(days=int(rng.integers(0, 365)))
        due = issue + timedelta(days=int(rng.choice([0, 15, 30, 45])))
        delay = int(rng.normal(3, 10))
        paid = due + timedelta(days=delay) if rng.random() < 0.85 else None
        if paid is not None and paid < issue:
            paid = issue
        rows.append(
            {
                "invoice_id": f"I{n}",
                "customer_id": f"C{int(rng.integers(0, customers))}",
                "entity": "E1" if rng.random() < 0.7 else "E2",
                "currency": "USD",
                "terms": f"NET{(due - issue).days}",
                "amount": float(rng.lognormal(7, 1)),
                "issue_date": issue,
                "due_date": due,
                "paid_date": paid,
                "disputed": bool(rng.random() < 0.1),
            }
        )
    return pd.DataFrame(rows)


def activity(
    seed: int, customers: int = 12, start: date = D0, days: int = 365
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random touches and promises to pay (some broken) over ``days`` from ``start``."""
    rng = np.random.default_rng(seed)
    touches = pd.DataFrame(
        {
            "customer_id": [f"C{int(c)}" for c in rng.integers(0, customers, 300)],
            "day": [start + timedelta(days=int(d)) for d in rng.integers(0, days, 300)],
        }
    )
    made = [start + timedelta(days=int(d)) for d in rng.integers(0, days, 80)]
    promises = pd.DataFrame(
        {
            "customer_id": [f"C{int(c)}" for c in rng.integers(0, customers, 80)],
            "made_on": made,
            "promised_date": [
                m + timedelta(days=int(d)) for m, d in zip(made, rng.integers(0, 20, 80), strict=True)
            ],
            "broken": rng.random(80) < 0.4,
        }
    )
    return touches, promises


def features_on(
    frame: pd.DataFrame,
    ids: list[str],
    day: date,
    touches: pd.DataFrame | None = None,
    promises: pd.DataFrame | None = None,
) -> pd.DataFrame:
    history = InvoiceHistory.from_frame(frame).with_activity(touches, promises)
    position = {invoice: i for i, invoice in enumerate(history.invoice_id)}
    rows = np.array([position[i] for i in ids])
    k = np.full(len(rows), day_number(day))
    return point_in_time_features(history, Queries(rows=rows, as_of=k, known=k))


def test_events_after_the_query_day_change_no_feature() -> None:
    frame = book()
    t = date(2024, 7, 1)
    open_at_t = frame[(frame.issue_date <= t) & (frame.paid_date.isna() | (frame.paid_date > t))]
    ids = list(open_at_t.invoice_id)
    touches, promises = activity(seed=4)
    # Only what had happened by t: touches on or before it, promises made by then, and a promise
    # due later is not yet known to be broken.
    past_touches = touches[touches.day <= t]
    past_promises = promises[promises.made_on <= t].copy()
    past_promises["broken"] &= past_promises.promised_date < t
    before = features_on(frame, ids, t, past_touches, past_promises)

    # The future changes: every outcome after t moves, open items get paid, new invoices arrive
    # (one for a brand-new customer), and one item open at t is paid the day after.
    future = frame.copy()
    later = future.paid_date.notna() & (future.paid_date > t)
    future.loc[later, "paid_date"] = future.loc[later, "paid_date"] + timedelta(days=40)
    never = future.paid_date.isna()
    future.loc[never, "paid_date"] = t + timedelta(days=1)
    extra = book(seed=9, invoices=60)
    extra["invoice_id"] = "X" + extra.invoice_id
    extra["issue_date"] = extra.issue_date.map(lambda d: max(d, t + timedelta(days=1)))
    extra["due_date"] = extra.issue_date + timedelta(days=30)
    extra["paid_date"] = extra.due_date + timedelta(days=5)
    extra.loc[0, "customer_id"] = "A-NEW-CUSTOMER"
    later_touches, later_promises = activity(seed=11, start=t + timedelta(days=1), days=120)
    after = features_on(
        pd.concat([future, extra], ignore_index=True),
        ids,
        t,
        pd.concat([touches, later_touches], ignore_index=True),
        pd.concat([promises, later_promises], ignore_index=True),
    )

    pd.testing.assert_frame_equal(before.astype(str), after.astype(str))
    assert before["open_count"].max() > 0
    assert before["cust_paid_count"].max() > 0
    assert before["touches_30d"].max() > 0
    assert before["promises_outstanding"].max() > 0


def test_activity_features_agree_with_a_plain_loop() -> None:
    frame = book(seed=5)
    touches, promises = activity(seed=6)
    t = date(2024, 8, 20)
    chosen = frame[(frame.issue_date <= t) & (frame.paid_date.isna() | (frame.paid_date > t))]
    got = features_on(frame, list(chosen.invoice_id), t, touches, promises)

    for (_, invoice), (_, row) in zip(chosen.iterrows(), got.iterrows(), strict=True):
        mine_t = touches[touches.customer_id == invoice.customer_id]
        assert row.touches_30d == ((mine_t.day <= t) & (mine_t.day > t - timedelta(days=30))).sum()
        mine = promises[(promises.customer_id == invoice.customer_id) & (promises.made_on <= t)]
        assert row.promises_outstanding == (mine.promised_date >= t).sum()
        assert row.promises_broken == (mine.broken & (mine.promised_date < t)).sum()
        if len(mine):
            last = mine.sort_values("made_on", kind="stable").iloc[-1]
            assert row.days_to_promise == (last.promised_date - t).days
        else:
            assert np.isnan(row.days_to_promise)


def test_the_book_as_known_on_a_day_forgets_what_came_after() -> None:
    frame = book(seed=8)
    touches, promises = activity(seed=8)
    history = InvoiceHistory.from_frame(frame).with_activity(touches, promises)
    k = day_number(date(2024, 6, 30))
    known = history.as_known_on(k)
    assert known.issue.max() <= k
    assert (known.paid[known.paid < 10_000_000] <= k).all()
    assert (known.activity.touch_day <= k).all()
    assert (known.activity.promise_made <= k).all()
    assert not (known.activity.promise_broken & (known.activity.promise_due >= k)).any()
    # A bare dispute flag is a fact of the past only once its invoice is paid.
    assert not (known.disputed & (known.paid > k)).any()
    # Features on day k are the same from the full book and from the book as known then.
    rows_full = np.flatnonzero(history.issue <= k)
    q = np.full(len(rows_full), k)
    full = point_in_time_features(history, Queries(rows=rows_full, as_of=q, known=q))
    cut = point_in_time_features(known, Queries(rows=np.arange(len(known)), as_of=q, known=q))
    pd.testing.assert_frame_equal(full.astype(str), cut.astype(str))


def test_history_features_agree_with_a_plain_loop() -> None:
    frame = book(seed=5)
    t = date(2024, 9, 15)
    chosen = frame[(frame.issue_date <= t) & (frame.paid_date.isna() | (frame.paid_date > t))]
    got = features_on(frame, list(chosen.invoice_id), t)

    for (_, invoice), (_, row) in zip(chosen.iterrows(), got.iterrows(), strict=True):
        mine = frame[frame.customer_id == invoice.customer_id]
        paid = mine[mine.paid_date.notna() & (mine.paid_date <= t)].sort_values("paid_date", kind="stable")
        delays = np.array([(p - d).days for p, d in zip(paid.paid_date, paid.due_date, strict=True)])
        assert row.cust_paid_count == len(paid)
        if len(paid):
            weights = paid.amount.to_numpy()
            assert row.cust_mean_delay == pytest.approx(np.average(delays, weights=weights), abs=1e-3)
            assert row.cust_share_late == pytest.approx(np.mean(delays > 0))
            assert row.cust_median_delay == pytest.approx(np.median(delays[-40:]))
            assert row.cust_days_since_payment == (t - paid.paid_date.max()).days
        others = mine[(mine.invoice_id != invoice.invoice_id) & (mine.issue_date <= t)]
        still_open = others[others.paid_date.isna() | (others.paid_date > t)]
        overdue = still_open[still_open.due_date < t]
        assert row.open_count == len(still_open)
        assert row.open_amount == pytest.approx(np.log1p(still_open.amount.sum()), rel=1e-5, abs=1e-5)
        assert row.overdue_amount == pytest.approx(np.log1p(overdue.amount.sum()), rel=1e-5, abs=1e-5)
        oldest = (t - overdue.due_date.min()).days if len(overdue) else 0
        assert row.oldest_overdue_days == oldest
        assert row.days_past_due == (t - invoice.due_date).days


def test_a_new_customer_falls_back_on_the_priors() -> None:
    frame = book(seed=7)
    newcomer = {"invoice_id": "NEW", "customer_id": "NEWCO", "entity": "E1", "currency": "USD",
                "terms": "NET30",
                "amount": 500.0, "issue_date": date(2024, 10, 1), "due_date": date(2024, 10, 31),
                "paid_date": None, "disputed": False}  # fmt: skip
    frame = pd.concat([frame, pd.DataFrame([newcomer])], ignore_index=True)
    row = features_on(frame, ["NEW"], date(2024, 10, 1)).iloc[0]

    assert row.cust_paid_count == 0
    assert np.isnan(row.cust_mean_delay)
    t = date(2024, 10, 1)
    peers = frame[(frame.entity == "E1") & frame.paid_date.notna()]
    peers = peers[peers.paid_date <= t]
    entity_mean = np.mean([(p - d).days for p, d in zip(peers.paid_date, peers.due_date, strict=True)])
    # No history of its own: its expected delay is its entity's mean, entirely.
    assert row.cust_shrunk_delay == pytest.approx(entity_mean, abs=1e-3)
    assert list(row.index) == list(FEATURES)


def test_a_query_cannot_know_the_future() -> None:
    with pytest.raises(ValueError, match="cannot know a day after"):
        Queries(rows=np.array([0]), as_of=np.array([10]), known=np.array([11]))


def test_the_dispute_flag_is_point_in_time() -> None:
    """Flipping disputes after the query day (opening, closing, or the bare flag of an invoice
    not yet paid) changes no feature; a dispute closed by then no longer counts as open."""
    frame = book(seed=12)
    t = date(2024, 7, 1)
    rng = np.random.default_rng(12)
    frame["dispute_opened"] = None
    frame["dispute_closed"] = None
    dated = rng.random(len(frame)) < 0.3
    frame.loc[dated, "dispute_opened"] = frame.loc[dated, "issue_date"] + timedelta(days=5)
    frame.loc[dated, "disputed"] = True
    closes = dated & (rng.random(len(frame)) < 0.5)
    frame.loc[closes, "dispute_closed"] = frame.loc[closes, "issue_date"] + timedelta(days=15)
    open_at_t = frame[(frame.issue_date <= t) & (frame.paid_date.isna() | (frame.paid_date > t))]
    ids = list(open_at_t.invoice_id)
    before = features_on(frame, ids, t)

    future = frame.copy()
    unpaid = future.paid_date.isna() | (future.paid_date > t)
    undated = future.dispute_opened.isna()
    future.loc[unpaid & undated, "disputed"] = ~future.loc[unpaid & undated, "disputed"].astype(bool)
    later = unpaid & undated & (rng.random(len(future)) < 0.5)
    future.loc[later, "dispute_opened"] = t + timedelta(days=3)
    future.loc[later, "disputed"] = True
    open_then = future.dispute_opened.notna() & future.dispute_closed.isna()
    future.loc[open_then, "dispute_closed"] = t + timedelta(days=10)
    after = features_on(future, ids, t)

    pd.testing.assert_frame_equal(before.astype(str), after.astype(str))

    # Closing every dispute before t changes what was open at t.
    closed = frame.copy()
    closed.loc[closed.dispute_opened.notna(), "dispute_closed"] = date(2024, 1, 20)
    assert features_on(closed, ids, t)["open_disputes"].sum() < before["open_disputes"].sum()


def test_a_prepayment_is_taken_as_paid_on_its_issue_day() -> None:
    frame = book(seed=13, invoices=50)
    frame.loc[0, "paid_date"] = frame.loc[0, "issue_date"] - timedelta(days=7)
    history = InvoiceHistory.from_frame(frame)
    assert history.paid[0] == history.issue[0]
