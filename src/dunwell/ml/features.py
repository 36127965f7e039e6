"""Point-in-time features of an invoice: what was known about it and its customer on a day.

A query is (document, ``as_of``, ``known``): the invoice is looked at on day ``as_of`` (its age,
how overdue it is), with the book as it stood at the end of day ``known`` (``known <= as_of``;
they differ in a backtest, where nothing after the cutoff may be used). Every history feature
comes from ``prefix.EventIndex`` searches bounded by ``known``: a payment counts only if it was
made by then, an item is open only if it was not paid by then. Adding events after ``known`` to
the history therefore changes no feature (``tests/ml/test_features.py`` proves it).

Customers without history get NaN history features; the segment priors (the entity's, the
terms code's and the whole book's record by then) and a delay shrunk towards the entity's mean
let the model fall back on them. The priors themselves are not model inputs: in a book with one
entity they are a function of the calendar alone, and trees used them to single out the latest
training rows (whose few observed outcomes are the quick payers) and carry that into the future.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dunwell.ml.habit import LAST_DELAYS, _weekday, run_delays
from dunwell.ml.history import NEVER, InvoiceHistory
from dunwell.ml.prefix import EventIndex, FirstAbove

RECENT_DAYS = 90  # "recent" in the trend feature
TOUCH_DAYS = 30  # touches counted over the last 30 days
PRIOR_WEIGHT = 5.0  # a customer's mean delay is shrunk towards the entity's with this many payments

#: Feature names, in model order. Categorical: currency and entity.
FEATURES: tuple[str, ...] = (
    "cust_paid_count", "cust_mean_delay", "cust_median_delay", "cust_delay_sd", "cust_trend",
    "cust_share_late", "cust_share_late15", "cust_share_late30", "cust_last_delay",
    "cust_days_since_payment", "cust_share_disputed", "cust_shrunk_delay", "cust_channel_delay",
    "cust_channel_count", "cust_habit_delay", "cust_run_day_share", "days_due_to_run_day",
    "cust_month_end_share", "days_due_to_month_end", "run_week_shift", "run_month_shift",
    "cust_quarter_end_excess", "due_quarter_end", "quarter_end_shift",
    "open_count", "open_amount", "overdue_amount", "oldest_overdue_days", "open_disputes",
    "log_amount", "amount_ratio", "terms_days", "issue_weekday", "issue_day", "due_weekday",
    "due_month_end", "due_month", "days_past_due", "staleness",
    "touches_30d", "promises_outstanding", "days_to_promise", "promises_broken",
    "currency", "entity", "delivery",
)  # fmt: skip
CATEGORICAL = ("currency", "entity", "delivery")


@dataclass(frozen=True)
class Queries:
    """What to compute features for: history positions, the day each is looked at, and the last
    day whose events may be used."""

    rows: np.ndarray
    as_of: np.ndarray
    known: np.ndarray

    def __post_init__(self) -> None:
        if np.any(self.known > self.as_of):
            raise ValueError("a query cannot know a day after the one it is made on")


def point_in_time_features(history: InvoiceHistory, queries: Queries) -> pd.DataFrame:
    """One row of ``FEATURES`` per query, from what was known on each query's ``known`` day."""
    book = _HistoryEvents(history)
    rows, as_of, known = queries.rows, queries.as_of, queries.known
    customer = history.customer[rows]
    columns: dict[str, np.ndarray] = {}
    columns.update(book.customer_history(customer, known))
    columns.update(book.priors(history.entity[rows], history.terms[rows], known))
    columns.update(book.same_channel(customer, history.delivery[rows], known))
    weight = columns["cust_paid_count"]
    prior = np.where(
        np.isnan(columns["entity_mean_delay"]), columns["book_mean_delay"], columns["entity_mean_delay"]
    )
    own = np.nan_to_num(columns["cust_mean_delay"])
    columns["cust_shrunk_delay"] = (weight * own + PRIOR_WEIGHT * prior) / (weight + PRIOR_WEIGHT)
    columns.update(book.exposure(rows, customer, known))
    columns.update(book.activity(customer, as_of, known))
    columns.update(_invoice_itself(history, rows, as_of, known, book.usual_amount(rows, customer, known)))
    due = history.due[rows]
    columns["days_due_to_run_day"] = ((columns.pop("run_day") - _weekday(due)) % 7).astype(np.float64)
    columns["days_due_to_month_end"] = _days_to_month_end(due)
    columns.update(_run_shifts(due, columns["cust_median_delay"], columns["days_due_to_run_day"]))
    columns["cust_habit_delay"] = book.run_delay(customer, known, due, columns["cust_median_delay"])
    columns["due_quarter_end"] = _quarter_end(due)
    # The customer's usual quarter-end slowdown where it applies: one split, not an interaction.
    columns["quarter_end_shift"] = np.where(
        columns["due_quarter_end"] > 0, np.nan_to_num(columns["cust_quarter_end_excess"]), 0.0
    )
    frame = pd.DataFrame({name: columns[name] for name in FEATURES if name not in CATEGORICAL})
    frame = frame.astype(np.float32)
    frame["currency"] = pd.Categorical.from_codes(history.currency[rows], categories=history.currency_names)
    frame["entity"] = pd.Categorical.from_codes(history.entity[rows], categories=history.entity_names)
    frame["delivery"] = pd.Categorical.from_codes(history.delivery[rows], categories=history.delivery_names)
    return frame[list(FEATURES)]


class _HistoryEvents:
    """The history's events, indexed once for all queries."""

    def __init__(self, history: InvoiceHistory) -> None:
        self.history = history
        invoices = history.is_invoice
        cleared = invoices & (history.paid < NEVER)
        delay = (history.paid - history.due).astype(np.float64)
        amount = np.abs(history.amount)
        c = cleared
        values = {
            "one": np.ones(c.sum()),
            "amount": amount[c],
            "amount_delay": amount[c] * delay[c],
            "amount_delay2": amount[c] * delay[c] ** 2,
            "delay": delay[c],
            "late": (delay[c] > 0).astype(np.float64),
            "late15": (delay[c] > 15).astype(np.float64),
            "late30": (delay[c] > 30).astype(np.float64),
            # Known at payment only where the dispute was known by then (its dates, else the flag).
            "disputed": history.disputed_known(history.paid)[c].astype(np.float64),
            "paid": history.paid[c].astype(np.float64),
            "month_end": _month_end(history.paid[c]),
            "quarter_end": _quarter_end(history.due[c]),
            "quarter_end_delay": _quarter_end(history.due[c]) * delay[c],
            **{f"weekday{d}": (_weekday(history.paid[c]) == d).astype(np.float64) for d in range(7)},
        }
        self.payments = EventIndex(history.customer[c], history.paid[c], values)
        prior_values = {"one": values["one"], "delay": values["delay"], "late": values["late"]}
        self.entity_payments = EventIndex(history.entity[c], history.paid[c], prior_values)
        self.terms_payments = EventIndex(history.terms[c], history.paid[c], prior_values)
        self.book_payments = EventIndex(np.zeros(c.sum(), np.int64), history.paid[c], prior_values)
        # The customer's record on invoices sent the same way (a switch to e-invoicing changes it).
        self.channels = len(history.delivery_names)
        channel = history.customer[c] * self.channels + history.delivery[c]
        self.channel_payments = EventIndex(channel, history.paid[c], {"delay": values["delay"]})
        self.issued = EventIndex(
            history.customer[invoices],
            history.issue[invoices],
            {"one": np.ones(invoices.sum()), "amount": amount[invoices]},
        )
        all_paid = invoices & (history.paid < NEVER)
        self.settled = EventIndex(
            history.customer[all_paid],
            history.paid[all_paid],
            {"one": np.ones(all_paid.sum()), "amount": amount[all_paid]},
        )
        # Overdue on day k means due < k < paid: the interval [due + 1, paid - 1] holds k. An item
        # enters it the day after its due date and leaves it on the day it is paid.
        late = invoices & (history.paid > history.due + 1)
        self.overdue_from = EventIndex(
            history.customer[late], history.due[late] + 1, {"amount": amount[late]}
        )
        left = late & (history.paid < NEVER)
        self.overdue_until = EventIndex(history.customer[left], history.paid[left], {"amount": amount[left]})
        disputed = invoices & (history.dispute_opened < history.paid)
        self.disputes_from = EventIndex(
            history.customer[disputed], history.dispute_opened[disputed], {"one": np.ones(disputed.sum())}
        )
        # A dispute stops counting as open when it is closed, else when its invoice is paid.
        ended = np.minimum(history.dispute_closed, history.paid)
        closed = disputed & (ended < NEVER)
        self.disputes_until = EventIndex(
            history.customer[closed], ended[closed], {"one": np.ones(closed.sum())}
        )
        activity = history.activity
        self.touches = EventIndex(activity.touch_customer, activity.touch_day)
        self.promises_made = EventIndex(
            activity.promise_customer, activity.promise_made, {"due": activity.promise_due}
        )
        self.promises_passed = EventIndex(activity.promise_customer, activity.promise_due)
        # A broken promise is known the day after the promised date, not before.
        self.promises_broken = EventIndex(
            activity.promise_customer,
            activity.promise_due + 1,
            {"broken": activity.promise_broken.astype(np.float64)},
        )
        # The oldest overdue item: invoices in (customer, due) order, the first not paid by day k.
        self.by_due = EventIndex(
            history.customer[invoices], history.due[invoices], {"paid": history.paid[invoices]}
        )
        self.by_due_rows = np.flatnonzero(invoices)[self.by_due.order]
        runs = np.bincount(history.customer[invoices]) if invoices.any() else np.zeros(1, np.int64)
        self.first_unpaid = FirstAbove(self.by_due.sorted["paid"].astype(np.int64), int(runs.max()))

    def customer_history(self, customer: np.ndarray, known: np.ndarray) -> dict[str, np.ndarray]:
        p = self.payments
        start, stop = p.first(customer), p.through(customer, known)
        count = (stop - start).astype(np.float64)
        amount = p.total("amount", start, stop)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = p.total("amount_delay", start, stop) / amount
            variance = p.total("amount_delay2", start, stop) / amount - mean**2
            recent_start = np.maximum(p.through(customer, known - RECENT_DAYS), start)
            recent = p.total("delay", recent_start, stop, start) / (stop - recent_start)
            older = p.total("delay", start, recent_start) / (recent_start - start)
            shares = {
                name: p.total(name, start, stop) / count for name in ("late", "late15", "late30", "disputed")
            }
        last = p.last("delay", start, stop, LAST_DELAYS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: customers with no history
            median = np.nanmedian(last, axis=1)
        last_paid = p.last("paid", start, stop, 1)[:, 0]
        by_weekday = np.column_stack([p.total(f"weekday{d}", start, stop) for d in range(7)])
        run_day = by_weekday.argmax(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            run_share = by_weekday.max(axis=1) / count
            month_end_share = p.total("month_end", start, stop) / count
            quarter_end = p.total("quarter_end", start, stop)
            quarter_end_delay = p.total("quarter_end_delay", start, stop)
            other_delay = (p.total("delay", start, stop) - quarter_end_delay) / (count - quarter_end)
            quarter_end_excess = np.where(
                quarter_end > 0, quarter_end_delay / quarter_end - other_delay, np.nan
            )
        return {
            "cust_paid_count": count,
            "cust_mean_delay": mean,
            "cust_median_delay": median,
            "cust_delay_sd": np.sqrt(np.maximum(variance, 0)),
            "cust_trend": recent - older,
            "cust_share_late": shares["late"],
            "cust_share_late15": shares["late15"],
            "cust_share_late30": shares["late30"],
            "cust_last_delay": last[:, 0],
            "cust_days_since_payment": known - last_paid,
            "cust_share_disputed": shares["disputed"],
            # Payment runs: the weekday most payments leave on, and how concentrated they are.
            "cust_run_day_share": run_share,
            "run_day": run_day,
            "cust_month_end_share": month_end_share,
            # Quarter-end slowdowns: how much later than usual the customer paid invoices due then.
            "cust_quarter_end_excess": quarter_end_excess,
        }

    def run_delay(
        self, customer: np.ndarray, known: np.ndarray, due: np.ndarray, median: np.ndarray
    ) -> np.ndarray:
        """``run_delays`` over the customer's payments known by ``known`` (``cust_habit_delay``)."""
        return run_delays(self.payments, customer, known, due, median)

    def same_channel(
        self, customer: np.ndarray, delivery: np.ndarray, known: np.ndarray
    ) -> dict[str, np.ndarray]:
        index, group = self.channel_payments, customer * self.channels + delivery
        start, stop = index.first(group), index.through(group, known)
        last = index.last("delay", start, stop, LAST_DELAYS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nanmedian(last, axis=1)
        return {"cust_channel_delay": median, "cust_channel_count": (stop - start).astype(np.float64)}

    def priors(self, entity: np.ndarray, terms: np.ndarray, known: np.ndarray) -> dict[str, np.ndarray]:
        def mean_and_late(index: EventIndex, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            start, stop = index.first(group), index.through(group, known)
            count = stop - start
            with np.errstate(invalid="ignore", divide="ignore"):
                return index.total("delay", start, stop) / count, index.total("late", start, stop) / count

        entity_mean, entity_late = mean_and_late(self.entity_payments, entity)
        terms_mean, _ = mean_and_late(self.terms_payments, terms)
        book_mean, _ = mean_and_late(self.book_payments, np.zeros_like(entity))
        return {
            "entity_mean_delay": entity_mean,
            "entity_share_late": entity_late,
            "terms_mean_delay": terms_mean,
            "book_mean_delay": book_mean,
        }

    def exposure(self, rows: np.ndarray, customer: np.ndarray, known: np.ndarray) -> dict[str, np.ndarray]:
        """The customer's *other* open items at the end of day ``known``."""
        history = self.history
        issued, settled = self.issued, self.settled
        i_start, i_stop = issued.first(customer), issued.through(customer, known)
        s_start, s_stop = settled.first(customer), settled.through(customer, known)
        # The queried invoice is open on its query day when it was issued by then: not "other".
        itself = (history.issue[rows] <= known) & (history.paid[rows] > known) & history.is_invoice[rows]
        own_amount = np.where(itself, np.abs(history.amount[rows]), 0.0)
        open_count = (i_stop - i_start) - (s_stop - s_start) - itself
        open_amount = (
            issued.total("amount", i_start, i_stop) - settled.total("amount", s_start, s_stop) - own_amount
        )
        entered = self.overdue_from.total(
            "amount", self.overdue_from.first(customer), self.overdue_from.through(customer, known)
        )
        left = self.overdue_until.total(
            "amount", self.overdue_until.first(customer), self.overdue_until.through(customer, known)
        )
        overdue_itself = itself & (history.due[rows] < known)
        overdue = entered - left - np.where(overdue_itself, own_amount, 0.0)
        d_from, d_until = self.disputes_from, self.disputes_until
        disputes = (d_from.through(customer, known) - d_from.first(customer)) - (
            d_until.through(customer, known) - d_until.first(customer)
        )
        open_itself = (history.dispute_opened[rows] <= known) & (history.dispute_closed[rows] > known)
        disputes = disputes - (itself & open_itself)
        return {
            "open_count": np.maximum(open_count, 0).astype(np.float64),
            "open_amount": np.log1p(np.maximum(open_amount, 0)),
            "overdue_amount": np.log1p(np.maximum(overdue, 0)),
            "oldest_overdue_days": self._oldest_overdue(rows, customer, known),
            "open_disputes": np.maximum(disputes, 0).astype(np.float64),
        }

    def activity(self, customer: np.ndarray, as_of: np.ndarray, known: np.ndarray) -> dict[str, np.ndarray]:
        """Touches and promises to pay known at the end of day ``known``."""
        touches = self.touches
        recent = touches.through(customer, known) - touches.through(customer, known - TOUCH_DAYS)
        made = self.promises_made
        m_start, m_stop = made.first(customer), made.through(customer, known)
        passed = self.promises_passed
        # Promised for a day before ``known``: no longer outstanding (made earlier still, so counted).
        gone = passed.through(customer, known - 1) - passed.first(customer)
        last_due = made.last("due", m_start, m_stop, 1)[:, 0]
        broken = self.promises_broken
        return {
            "touches_30d": recent.astype(np.float64),
            "promises_outstanding": np.maximum((m_stop - m_start) - gone, 0).astype(np.float64),
            "days_to_promise": last_due - as_of,
            "promises_broken": broken.total(
                "broken", broken.first(customer), broken.through(customer, known)
            ),
        }

    def _oldest_overdue(self, rows: np.ndarray, customer: np.ndarray, known: np.ndarray) -> np.ndarray:
        index = self.by_due
        start, stop = index.first(customer), index.through(customer, known - 1)  # due before day k
        found = self.first_unpaid.find(start, stop, known)
        hit = found < stop
        is_self = hit & (self.by_due_rows[np.minimum(found, len(self.by_due_rows) - 1)] == rows)
        if is_self.any():  # skip the queried invoice itself and look further
            again = self.first_unpaid.find(found[is_self] + 1, stop[is_self], known[is_self])
            found[is_self] = again
            hit = found < stop
        due = (
            index.day[np.minimum(found, max(len(index) - 1, 0))]
            if len(index)
            else np.zeros(len(rows), np.int64)
        )
        return np.where(hit, known - due, 0).astype(np.float64)

    def usual_amount(self, rows: np.ndarray, customer: np.ndarray, known: np.ndarray) -> np.ndarray:
        """The mean amount of the customer's other invoices issued by day ``known`` (NaN if none)."""
        issued = self.issued
        start, stop = issued.first(customer), issued.through(customer, known)
        history = self.history
        itself = (history.issue[rows] <= known) & history.is_invoice[rows]
        count = (stop - start) - itself
        total = issued.total("amount", start, stop) - np.where(itself, np.abs(history.amount[rows]), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)


def _days_to_month_end(days: np.ndarray) -> np.ndarray:
    stamps = pd.to_datetime(days, unit="D")
    return np.asarray(stamps.days_in_month - stamps.day, dtype=np.float64)


def _month_end(days: np.ndarray) -> np.ndarray:
    """1.0 for a day among the last three of its month (where month-end payment runs fall)."""
    return (_days_to_month_end(days) <= 2).astype(np.float64)


def _quarter_end(days: np.ndarray) -> np.ndarray:
    """1.0 for a due date from the 10th of a quarter's last month (when buyers hold cash back)."""
    stamps = pd.to_datetime(days, unit="D")
    return np.asarray((stamps.month % 3 == 0) & (stamps.day >= 10), dtype=np.float64)


def _run_shifts(due: np.ndarray, anchor: np.ndarray, due_to_run_day: np.ndarray) -> dict[str, np.ndarray]:
    """Where the customer's payment run would move this invoice, relative to its usual delay.

    The usual delay already includes the average wait for a run (3 days for a weekly run, half a
    month for a month-end run), so the day the customer means to pay is the usual delay less that
    wait; the shift is the run day reached from there, minus the usual delay. The trees weigh it
    by how concentrated the customer's payments are (``cust_run_day_share``, ``cust_month_end_share``).
    """
    usual = np.nan_to_num(anchor)
    meant = np.round(usual) - 3
    week = (due_to_run_day - meant) % 7 + meant - usual
    intended = due + (np.round(usual) - 15).astype(np.int64)
    month = intended + _days_to_month_end(intended) - due - usual
    return {"run_week_shift": week.astype(np.float64), "run_month_shift": month.astype(np.float64)}


def _invoice_itself(
    history: InvoiceHistory, rows: np.ndarray, as_of: np.ndarray, known: np.ndarray, usual: np.ndarray
) -> dict[str, np.ndarray]:
    amount = np.abs(history.amount[rows])
    issue, due = history.issue[rows], history.due[rows]
    issue_dates = pd.to_datetime(issue, unit="D")
    due_dates = pd.to_datetime(due, unit="D")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = amount / usual
    return {
        "log_amount": np.log1p(amount),
        "amount_ratio": ratio,
        "terms_days": (due - issue).astype(np.float64),
        "issue_weekday": issue_dates.weekday.to_numpy(dtype=np.float64),
        "issue_day": issue_dates.day.to_numpy(dtype=np.float64),
        "due_weekday": due_dates.weekday.to_numpy(dtype=np.float64),
        "due_month_end": np.asarray(due_dates.days_in_month - due_dates.day <= 2, dtype=np.float64),
        "due_month": due_dates.month.to_numpy(dtype=np.float64),
        "days_past_due": (as_of - due).astype(np.float64),
        "staleness": (as_of - known).astype(np.float64),
    }
