"""The customer's payment habit as a delay (ADR 0016, "The customer's habit as the anchor"): the
day a customer with a weekly or month-end payment run means to pay, moved to its run, or the trend
line of a customer whose delays grow; elsewhere its median. Runs and trends are called as the
segments call them (ADR 0023), point in time, vectorised over customer-history states."""

from __future__ import annotations

import warnings

import numpy as np

from dunwell.ml.prefix import EventIndex
from dunwell.ml.segments import DEFAULT_THRESHOLDS

LAST_DELAYS = 40  # the habit is read from the customer's last 40 payments (as the median delay)
#: Payment runs are called as the segments call them (ADR 0023): at least this many payments, ...
RUN_MIN_PAID = DEFAULT_THRESHOLDS.min_paid
#: ... this share of them on one weekday, or in a month's last ``RUN_MONTH_END_DAYS`` + 1 days, ...
RUN_WEEKDAY_SHARE = DEFAULT_THRESHOLDS.run_weekday_share
RUN_MONTH_END_SHARE = DEFAULT_THRESHOLDS.run_month_end_share
RUN_MONTH_END_DAYS = DEFAULT_THRESHOLDS.month_end_days
#: ... and this much more concentrated than the due dates themselves.
RUN_MARGIN = DEFAULT_THRESHOLDS.run_margin
#: A deteriorating trend, as the segments call it: at least this many payments whose delay grows
#: (Theil-Sen, against the due date) this much a month and this much over them, the latest third
#: paid later than the grace days.
TREND_MIN_PAID = DEFAULT_THRESHOLDS.trend_min_paid
TREND_PER_MONTH = DEFAULT_THRESHOLDS.trend_days_per_month
TREND_RISE = DEFAULT_THRESHOLDS.trend_rise_days
TREND_GRACE = DEFAULT_THRESHOLDS.grace_days


AS_DUE, WEEKLY_RUN, MONTH_END_RUN = 0, 1, 2
#: The intended delay of a run customer is searched this far below its median delay: a weekly run
#: adds up to six days of waiting, a month-end run up to a month.
_RUN_SEARCH = {WEEKLY_RUN: 7, MONTH_END_RUN: 31}
_RUN_CHUNK = 2048  # states fitted at once (memory: chunk x search x LAST_DELAYS)


def run_delays(
    payments: EventIndex, customer: np.ndarray, known: np.ndarray, due: np.ndarray, median: np.ndarray
) -> np.ndarray:
    """The delay the customer's payment habit gives an invoice due on ``due``.

    ``payments``: each customer's payments (group: customer; values ``paid`` and ``delay``). A
    customer whose last ``LAST_DELAYS`` payments known by ``known`` show a weekly or month-end
    payment run (``run_habits``) means to pay some days after the due date and pays on the next
    run: the delay is that intended day moved to the run (the run weekday on or after it, or the
    last weekday of its month). One without a run whose delays grow as the segments call a
    deteriorating trend (``_trend``) gets its Theil-Sen line at this due date. Elsewhere it is
    ``median`` (the customer's median delay; NaN without history). Run, intended delay and trend
    are fitted on the customer's own payments known by then, nothing else.
    """
    start, stop = payments.first(customer), payments.through(customer, known)
    result = np.asarray(median, dtype=np.float64).copy()
    if len(payments) == 0 or len(customer) == 0:
        return result
    # One fit per state of a customer's record (the payments known), not one per query.
    key = start.astype(np.int64) * (len(payments) + 1) + stop
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    paid = payments.last("paid", start[first], stop[first], LAST_DELAYS)
    delay = payments.last("delay", start[first], stop[first], LAST_DELAYS)
    habit, run_day, intended = run_habits(paid, delay)
    trend, level = _trend(paid, delay, habit)
    habit, run_day, intended = habit[inverse], run_day[inverse], intended[inverse]
    trend, level = trend[inverse], level[inverse]
    meant = due + np.nan_to_num(intended).astype(np.int64)
    week, month = habit == WEEKLY_RUN, habit == MONTH_END_RUN
    result[week] = (_next_weekday(meant, run_day) - due)[week]
    result[month] = (_last_weekday_of_month(meant) - due)[month]
    growing = ~np.isnan(trend)
    result[growing] = (level + trend * due)[growing]
    return result


def _trend(paid: np.ndarray, delay: np.ndarray, habit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of payments without a run (``habit`` ``AS_DUE``), a deteriorating trend's slope
    (days of delay per day of due date; NaN where there is none) and the line's level at day 0:
    Theil-Sen of the delay against the due date, called as the segments call it."""
    slope, level = np.full(len(paid), np.nan), np.full(len(paid), np.nan)
    n = (~np.isnan(paid)).sum(axis=1)
    rows = np.flatnonzero((habit == AS_DUE) & (n >= TREND_MIN_PAID))
    if len(rows) == 0:
        return slope, level
    # The latest third (by due date) paid later than the grace days first: it is cheap, and
    # only the customers that pass it need the pairwise slopes.
    y, count = delay[rows], n[rows]
    x = paid[rows] - y  # due days
    by_due = np.take_along_axis(y, np.argsort(np.where(np.isnan(x), np.inf, x), axis=1), axis=1)
    third = np.maximum(count // 3, 1)
    column = np.arange(y.shape[1])[None, :]
    latest = (column >= (count - third)[:, None]) & (column < count[:, None])
    with np.errstate(invalid="ignore"):
        rows = rows[_row_median(np.where(latest, by_due, np.nan)) > TREND_GRACE]
    i, j = np.triu_indices(paid.shape[1], k=1)
    for begin in range(0, len(rows), _RUN_CHUNK):
        at = rows[begin : begin + _RUN_CHUNK]
        y = delay[at]
        x = paid[at] - y
        dx = x[:, j] - x[:, i]
        with np.errstate(invalid="ignore", divide="ignore"):
            pair = np.where(dx != 0, (y[:, j] - y[:, i]) / dx, np.nan)
        b = _row_median(pair)
        a = _row_median(y - b[:, None] * x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no usable pair: NaN
            span = np.nanmax(x, axis=1) - np.nanmin(x, axis=1)
        with np.errstate(invalid="ignore"):
            grows = (b * 30 >= TREND_PER_MONTH) & (b * span >= TREND_RISE)
        slope[at] = np.where(grows, b, np.nan)
        level[at] = np.where(grows, a, np.nan)
    return slope, level


def run_habits(paid: np.ndarray, delay: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of payments (``paid`` days and their ``delay`` after due, NaN-padded), the habit
    (``AS_DUE``, ``WEEKLY_RUN`` or ``MONTH_END_RUN``), the run's weekday, and the delay the
    customer means to pay after (NaN where there is no run).

    A run is called as the segments call it (``segments.Thresholds``): at least ``RUN_MIN_PAID``
    payments, ``RUN_MONTH_END_SHARE`` of them in a month's last days (else ``RUN_WEEKDAY_SHARE``
    on one weekday), and that share at least ``RUN_MARGIN`` above the due dates' own. The intended
    delay is the one whose payments, moved to the run, come closest to the payments made (least
    absolute days; the middle of the best when several tie)."""
    valid = ~np.isnan(paid)
    n = valid.sum(axis=1)
    paid_day = np.nan_to_num(paid).astype(np.int64)
    due_day = paid_day - np.nan_to_num(delay).astype(np.int64)
    count = np.maximum(n, 1)
    weekday = _weekday(paid_day)
    by_weekday = np.column_stack([((weekday == d) & valid).sum(axis=1) for d in range(7)])
    run_day = by_weekday.argmax(axis=1)
    weekday_share = by_weekday.max(axis=1) / count
    due_weekday_share = ((_weekday(due_day) == run_day[:, None]) & valid).sum(axis=1) / count
    month_end_share = ((_days_left_in_month(paid_day) <= RUN_MONTH_END_DAYS) & valid).sum(axis=1) / count
    due_month_end_share = ((_days_left_in_month(due_day) <= RUN_MONTH_END_DAYS) & valid).sum(axis=1) / count
    enough = n >= RUN_MIN_PAID
    month = (
        enough
        & (month_end_share >= RUN_MONTH_END_SHARE)
        & (month_end_share - due_month_end_share >= RUN_MARGIN)
    )
    week = (
        enough
        & ~month
        & (weekday_share >= RUN_WEEKDAY_SHARE)
        & (weekday_share - due_weekday_share >= RUN_MARGIN)
    )
    habit = np.where(month, MONTH_END_RUN, np.where(week, WEEKLY_RUN, AS_DUE))
    intended = np.full(len(n), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: customers with no history
        median = np.floor(np.nanmedian(delay, axis=1))
    for code, search in _RUN_SEARCH.items():
        rows = np.flatnonzero(habit == code)
        for begin in range(0, len(rows), _RUN_CHUNK):
            at = rows[begin : begin + _RUN_CHUNK]
            intended[at] = _fit_intended(
                code, due_day[at], paid_day[at], valid[at], run_day[at], median[at], search
            )
    return habit, run_day, intended


def _fit_intended(
    habit: int,
    due: np.ndarray,
    paid: np.ndarray,
    valid: np.ndarray,
    run_day: np.ndarray,
    median: np.ndarray,
    search: int,
) -> np.ndarray:
    """The intended delay (``median - search`` to ``median``) whose run days are nearest the
    payments: (states, candidates, payments) errors, the middle of the least."""
    offsets = np.arange(-search, 1)
    candidate = median[:, None] + offsets[None, :]  # (s, g)
    meant = due[:, None, :] + candidate.astype(np.int64)[:, :, None]  # (s, g, w)
    if habit == WEEKLY_RUN:
        moved = _next_weekday(meant, run_day[:, None, None])
    else:
        moved = _last_weekday_of_month(meant)
    error = (np.abs(moved - paid[:, None, :]) * valid[:, None, :]).sum(axis=2)
    best = error == error.min(axis=1, keepdims=True)
    middle = (best.sum(axis=1) + 1) // 2
    pick = np.argmax(np.cumsum(best, axis=1) >= middle[:, None], axis=1)
    return np.asarray(candidate[np.arange(len(candidate)), pick], dtype=np.float64)


def _row_median(values: np.ndarray) -> np.ndarray:
    """The median of each row's non-NaN values (NaN for none): ``np.nanmedian`` along rows,
    without its slow path for short rows."""
    ordered = np.sort(values, axis=1)  # NaN last
    count = (~np.isnan(values)).sum(axis=1)
    low = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(ordered, np.maximum(count // 2, 0)[:, None], axis=1)[:, 0]
    return np.asarray(np.where(count > 0, (low + high) / 2, np.nan), dtype=np.float64)


def _next_weekday(days: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """The first day on or after ``days`` that falls on ``weekday`` (0 = Monday)."""
    return np.asarray(days + (weekday - _weekday(days)) % 7)


def _days_left_in_month(days: np.ndarray) -> np.ndarray:
    """Days from each day to the last of its month (numpy's calendar; any shape): worked out
    once per day of the span, then looked up (the calendar conversions are slow)."""
    days = np.asarray(days, np.int64)
    if days.size == 0:
        return days.copy()
    first = int(days.min())
    span = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
    last = (span.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.asarray((last - span).astype(np.int64)[days - first])


def _last_weekday_of_month(days: np.ndarray) -> np.ndarray:
    """The last Monday-to-Friday day of each day's month (where month-end runs pay)."""
    last = np.asarray(days, np.int64) + _days_left_in_month(days)
    weekday = _weekday(last)
    return np.asarray(last - np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0)))


def _weekday(days: np.ndarray) -> np.ndarray:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
