"""Customer payment-behaviour segments as of a day: rules over robust statistics (ADR 0023).

Every statistic is computed from ``history.as_known_on(day)``: outcomes paid after the day,
documents issued after it, partial payments received after it and promises not yet broken by it
are invisible, so adding later events never changes a segment as of an earlier day.

A customer gets one segment (``Segment``) and, separately, a payment habit (``PaymentHabit``):
the habit says *how* money arrives (each invoice on its own day, or on a weekly or month-end
run), the segment how well. The rules run in a fixed order and the first that holds decides:
new or thin history, deteriorating, payment run, chronic late, steady late, seasonal, early
payer, on time. ``SEGMENT_ORDER`` ranks the segments from best to worst; a new or thin history
is unranked (too little is known to say it is better or worse than anything).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum

import numpy as np

from dunwell.ml.history import NEVER, InvoiceHistory


class Segment(StrEnum):
    EARLY_PAYER = "early_payer"
    ON_TIME = "on_time"
    PAYMENT_RUN = "payment_run"
    SEASONAL = "seasonal"
    STEADY_LATE = "steady_late"
    CHRONIC_LATE = "chronic_late"
    DETERIORATING = "deteriorating"
    NEW_OR_THIN = "new_or_thin"


#: Best to worst, by how late and how unpredictably the money arrives. NEW_OR_THIN is not here.
SEGMENT_ORDER: tuple[Segment, ...] = (
    Segment.EARLY_PAYER,
    Segment.ON_TIME,
    Segment.PAYMENT_RUN,
    Segment.SEASONAL,
    Segment.STEADY_LATE,
    Segment.CHRONIC_LATE,
    Segment.DETERIORATING,
)


class PaymentHabit(StrEnum):
    AS_DUE = "as_due"
    WEEKLY_RUN = "weekly_run"
    MONTH_END_RUN = "month_end_run"


def rank(segment: Segment) -> int | None:
    """0 for the best segment; None for a new or thin history."""
    return SEGMENT_ORDER.index(segment) if segment in SEGMENT_ORDER else None


def is_worse(before: Segment, after: Segment) -> bool:
    """Whether moving from ``before`` to ``after`` is a move to a worse segment (both ranked)."""
    old, new = rank(before), rank(after)
    return old is not None and new is not None and new > old


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The rules' thresholds (ADR 0023 says why each is what it is). Days are days after due."""

    min_paid: int = 6  # paid invoices below which the history is thin
    min_age_days: int = 90  # a customer younger than a quarter is new
    window_days: int = 365  # statistics over the last year's payments (and at least min_paid)
    seasonal_window_days: int = 730  # two years: at least eight quarter ends
    early_days: float = -5.0  # median at least a working week before due
    grace_days: float = 3.0  # a payment made on the due date can show up to 3 days later
    stable_spread_days: float = 5.0  # robust sd (IQR / 1.349) of a plannable delay
    tail_days: float = 14.0  # p90 - median: one in ten invoices two weeks beyond the usual
    trend_days_per_month: float = 1.0  # Theil–Sen slope of delay against due date
    trend_rise_days: float = 7.0  # and a week more late over the window
    trend_min_paid: int = 8
    max_trend_points: int = 60  # Theil–Sen over at most this many (evenly spaced) payments
    stopped_days: int = 60  # an undisputed item this overdue, and 30 days beyond the p90
    stopped_margin_days: int = 30
    partial_share: float = 0.10
    partial_min: int = 2
    promise_days: int = 180  # broken promises counted over the last half year
    broken_promises: int = 2
    run_weekday_share: float = 0.7
    run_month_end_share: float = 0.6
    run_margin: float = 0.2  # payments concentrate more than the due dates themselves do
    month_end_days: int = 3  # the last four calendar days: the last business day and a weekend
    quarter_end_excess_days: float = 5.0
    quarter_end_min: int = 3
    other_min: int = 6


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class SegmentFigures:
    """The numbers behind a segment; None where too little was known to compute one."""

    paid_invoices: int  # in the window
    paid_total: int
    age_days: int
    median_delay: float | None
    spread: float | None  # robust standard deviation: IQR / 1.349
    upper_tail: float | None  # p90 - median
    trend_per_month: float | None
    trend_rise: float | None
    recent_delay: float | None  # median delay of the window's latest third (by due date)
    weekday_share: float | None
    run_weekday: int | None  # 0 = Monday
    month_end_share: float | None
    quarter_end_excess: float | None
    partial_count: int
    partial_share: float | None
    broken_promises: int
    oldest_overdue_days: int | None  # the oldest open, undisputed invoice

    def to_dict(self) -> dict[str, float | int | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, float | int | None]) -> SegmentFigures:
        return cls(**{f.name: values.get(f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CustomerSegment:
    customer: str  # the history's customer id
    segment: Segment
    habit: PaymentHabit
    figures: SegmentFigures
    reasons: tuple[str, ...]


def segment_customers(
    history: InvoiceHistory,
    *,
    as_of: int,
    partial_day: np.ndarray | None = None,
    customers: Iterable[str] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[CustomerSegment]:
    """Each customer's segment as of the end of day ``as_of`` (a day number).

    ``partial_day``: per history position, the day its first partial payment was received
    (``NEVER`` for none), known from that day on. ``customers`` limits the answer to those ids;
    a customer with nothing issued by ``as_of`` gets no segment.
    """
    known_rows = history.issue <= as_of
    partial = np.full(len(history), NEVER, np.int64) if partial_day is None else np.asarray(partial_day)
    known = history.as_known_on(as_of)
    partial = partial[known_rows]
    wanted = None if customers is None else {str(c) for c in customers}
    codes = np.arange(len(known.customer_names))
    if wanted is not None:
        codes = np.array([c for c in codes if known.customer_names[c] in wanted], dtype=np.int64)
    order = np.argsort(known.customer, kind="stable")
    starts = np.searchsorted(known.customer[order], codes, side="left")
    stops = np.searchsorted(known.customer[order], codes, side="right")
    broken = _broken_promises(known, as_of, thresholds)
    disputed = known.disputed_known(as_of)
    found: list[CustomerSegment] = []
    for code, start, stop in zip(codes, starts, stops, strict=True):
        if start == stop:
            continue
        rows = order[start:stop]
        found.append(
            _segment_one(
                known,
                rows,
                as_of=as_of,
                name=known.customer_names[code],
                partial=partial[rows],
                disputed=disputed[rows],
                broken=int(broken.get(int(code), 0)),
                t=thresholds,
            )
        )
    return found


def _broken_promises(history: InvoiceHistory, as_of: int, t: Thresholds) -> dict[int, int]:
    activity = history.activity
    counted = activity.promise_broken & (activity.promise_due >= as_of - t.promise_days)
    customers, counts = np.unique(activity.promise_customer[counted], return_counts=True)
    return dict(zip(customers.tolist(), counts.tolist(), strict=True))


def _segment_one(
    history: InvoiceHistory,
    rows: np.ndarray,
    *,
    as_of: int,
    name: str,
    partial: np.ndarray,
    disputed: np.ndarray,
    broken: int,
    t: Thresholds,
) -> CustomerSegment:
    invoice = history.is_invoice[rows]
    paid, due = history.paid[rows], history.due[rows]
    is_paid = invoice & (paid <= as_of)
    by_paid = np.argsort(np.where(is_paid, paid, NEVER), kind="stable")[: int(is_paid.sum())]
    recent = paid[by_paid] > as_of - t.window_days
    recent[max(0, len(by_paid) - t.min_paid) :] = True  # at least the last min_paid payments
    window = by_paid[recent]
    delays = (paid[window] - due[window]).astype(np.float64)
    age = int(as_of - history.issue[rows].min())
    is_open = invoice & (paid > as_of)
    partial_known = invoice & (partial <= as_of) & (partial < paid)
    population = np.zeros(len(rows), bool)
    population[window] = True
    population |= is_open
    partial_count = int((partial_known & population).sum())
    overdue = is_open & ~disputed & (due < as_of)
    seasonal_rows = by_paid[paid[by_paid] > as_of - t.seasonal_window_days]
    qe_excess, other = _quarter_end_excess(due[seasonal_rows], paid[seasonal_rows], t)
    stats = _robust(delays)
    habit, weekday_share, run_weekday, month_end_share = _payment_habit(paid[window], due[window], t)
    slope, rise = _trend(due[window].astype(np.float64), delays, t)
    figures = SegmentFigures(
        paid_invoices=len(window),
        paid_total=len(by_paid),
        age_days=age,
        median_delay=stats[0],
        spread=stats[1],
        upper_tail=stats[2],
        trend_per_month=slope,
        trend_rise=rise,
        recent_delay=_recent(due[window], delays, t),
        weekday_share=weekday_share,
        run_weekday=run_weekday,
        month_end_share=month_end_share,
        quarter_end_excess=qe_excess,
        partial_count=partial_count,
        partial_share=partial_count / int(population.sum()) if population.any() else None,
        broken_promises=broken,
        oldest_overdue_days=int(as_of - due[overdue].min()) if overdue.any() else None,
    )
    figures = SegmentFigures.from_dict(
        {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.to_dict().items()}
    )
    p90 = None if stats[0] is None or stats[2] is None else stats[0] + stats[2]
    segment, reasons = _classify(figures, habit, other, p90, t)
    return CustomerSegment(name, segment, habit, figures, tuple(reasons))


def _robust(delays: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Median, IQR / 1.349 (the sd a normal delay with that IQR would have), p90 - median."""
    if len(delays) == 0:
        return None, None, None
    q25, median, q75, q90 = np.percentile(delays, [25, 50, 75, 90])
    return float(median), float((q75 - q25) / 1.349), float(q90 - median)


def _trend(due: np.ndarray, delays: np.ndarray, t: Thresholds) -> tuple[float | None, float | None]:
    """Theil–Sen slope of delay against due day (days per 30 days) and its rise over the window."""
    if len(delays) < t.trend_min_paid:
        return None, None
    order = np.argsort(due, kind="stable")
    keep = np.unique(np.linspace(0, len(order) - 1, min(len(order), t.max_trend_points)).round().astype(int))
    x, y = due[order][keep], delays[order][keep]
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    usable = dx > 0
    if not usable.any():
        return None, None
    slope = float(np.median((y[j] - y[i])[usable] / dx[usable]))
    return slope * 30.0, slope * float(x.max() - x.min())


def _recent(due: np.ndarray, delays: np.ndarray, t: Thresholds) -> float | None:
    if len(delays) < t.trend_min_paid:
        return None
    latest = np.argsort(due, kind="stable")[-max(1, len(delays) // 3) :]
    return float(np.median(delays[latest]))


def _payment_habit(
    paid: np.ndarray, due: np.ndarray, t: Thresholds
) -> tuple[PaymentHabit, float | None, int | None, float | None]:
    """The habit, the share of payments on their most common weekday (and that day), and the
    share paid in the last days of a month.

    A run is called only where payments concentrate clearly more than the due dates themselves
    do: invoices that all fall due on a Tuesday (weekly deliveries) or at month end (EOM terms)
    and are paid as due are not a payment run.
    """
    if len(paid) < t.min_paid:
        return PaymentHabit.AS_DUE, None, None, None
    weekdays = (paid + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    counts = np.bincount(weekdays, minlength=7)
    run_day = int(counts.argmax())
    weekday_share = float(counts[run_day] / len(paid))
    due_weekday_share = float(np.mean((due + 3) % 7 == run_day))
    month_end_share = float(_month_end(paid, t).mean())
    due_month_end_share = float(_month_end(due, t).mean())
    habit = PaymentHabit.AS_DUE
    if month_end_share >= t.run_month_end_share and month_end_share - due_month_end_share >= t.run_margin:
        habit = PaymentHabit.MONTH_END_RUN
    elif weekday_share >= t.run_weekday_share and weekday_share - due_weekday_share >= t.run_margin:
        habit = PaymentHabit.WEEKLY_RUN
    return habit, weekday_share, run_day, month_end_share


def _calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month (1-12), day of the month and the month's length of each day number (numpy's own
    calendar: day numbers count from 1970-01-01 as datetime64[D] does; pandas per customer was
    most of the segments' time)."""
    stamps = np.asarray(days, np.int64).astype("datetime64[D]")
    months = stamps.astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    return months.astype(np.int64) % 12 + 1, (stamps - first).astype(np.int64) + 1, length


def _month_end(days: np.ndarray, t: Thresholds) -> np.ndarray:
    _, day, length = _calendar(days)
    return np.asarray(length - day <= t.month_end_days)


def _quarter_end_excess(due: np.ndarray, paid: np.ndarray, t: Thresholds) -> tuple[float | None, np.ndarray]:
    """Median extra delay of invoices due from the 10th of a quarter's last month, and the
    delays of the others (the customer's usual behaviour once quarter ends are set aside)."""
    month, day, _ = _calendar(due)
    quarter_end = np.asarray((month % 3 == 0) & (day >= 10))
    delays = (paid - due).astype(np.float64)
    other = delays[~quarter_end]
    if quarter_end.sum() < t.quarter_end_min or len(other) < t.other_min:
        return None, other
    return float(np.median(delays[quarter_end]) - np.median(other)), other


def _classify(
    f: SegmentFigures, habit: PaymentHabit, other: np.ndarray, p90: float | None, t: Thresholds
) -> tuple[Segment, list[str]]:
    if f.paid_total < t.min_paid or f.age_days < t.min_age_days:
        return Segment.NEW_OR_THIN, [
            f"{f.paid_total} paid invoice(s) and {f.age_days} days of history "
            f"(segments need {t.min_paid} and {t.min_age_days})"
        ]
    warning = _deterioration(f, p90, t)
    if warning:
        return Segment.DETERIORATING, warning
    if habit is PaymentHabit.MONTH_END_RUN:
        return Segment.PAYMENT_RUN, [f"{_pct(f.month_end_share)} of payments in the last days of a month"]
    if habit is PaymentHabit.WEEKLY_RUN:
        day = _WEEKDAYS[f.run_weekday or 0]
        return Segment.PAYMENT_RUN, [f"{_pct(f.weekday_share)} of payments on a {day}"]
    seasonal = f.quarter_end_excess is not None and f.quarter_end_excess >= max(
        t.quarter_end_excess_days, _robust(other)[1] or 0.0
    )
    # A seasonal customer's usual lateness is judged without its quarter ends.
    median, spread, tail = _robust(other) if seasonal else (f.median_delay, f.spread, f.upper_tail)
    assert median is not None and spread is not None and tail is not None  # noqa: S101 - min_paid payments
    usual = f"median delay {median:+.0f} days, spread {spread:.1f}, p90 {tail:+.0f} beyond the median"
    if median > t.grace_days:
        if spread > t.stable_spread_days or tail > t.tail_days:
            return Segment.CHRONIC_LATE, [f"late and unpredictable: {usual}"]
        return Segment.STEADY_LATE, [f"late by a stable delay: {usual}"]
    if seasonal:
        return Segment.SEASONAL, [
            f"{f.quarter_end_excess:+.0f} days more late at quarter ends; otherwise {usual}"
        ]
    if median <= t.early_days:
        return Segment.EARLY_PAYER, [f"pays early: {usual}"]
    return Segment.ON_TIME, [f"pays on time: {usual}"]


def _deterioration(f: SegmentFigures, p90: float | None, t: Thresholds) -> list[str]:
    signals = []
    if (
        f.trend_per_month is not None
        and f.trend_rise is not None
        and f.trend_per_month >= t.trend_days_per_month
        and f.trend_rise >= t.trend_rise_days
        and (f.recent_delay or 0.0) > t.grace_days  # paying less early is no collection problem
    ):
        signals.append(
            f"delay grows {f.trend_per_month:.1f} days a month ({f.trend_rise:+.0f} over the window, "
            f"lately {f.recent_delay:+.0f} days)"
        )
    limit = max(t.stopped_days, (p90 or 0.0) + t.stopped_margin_days)
    if f.oldest_overdue_days is not None and f.oldest_overdue_days > limit:
        signals.append(
            f"an undisputed invoice {f.oldest_overdue_days} days overdue (usual p90 {p90 or 0:+.0f})"
        )
    if f.partial_count >= t.partial_min and (f.partial_share or 0.0) >= t.partial_share:
        signals.append(f"{f.partial_count} invoices paid in part ({_pct(f.partial_share)})")
    if f.broken_promises >= t.broken_promises:
        signals.append(f"{f.broken_promises} broken promises in {t.promise_days} days")
    return signals


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


@dataclass(frozen=True, slots=True)
class FigureMove:
    name: str
    before: float | int | None
    after: float | int | None


@dataclass(frozen=True, slots=True)
class SegmentChange:
    customer: str
    before: CustomerSegment
    after: CustomerSegment

    @property
    def worse(self) -> bool:
        return is_worse(self.before.segment, self.after.segment)

    @property
    def moved(self) -> tuple[FigureMove, ...]:
        """The figures behind the new segment that moved by at least their material step (else all
        that did)."""
        moves = []
        for name, step in WATCHED:
            old, new = getattr(self.before.figures, name), getattr(self.after.figures, name)
            if (old is None) != (new is None) or (
                old is not None and new is not None and abs(new - old) >= step
            ):
                moves.append(FigureMove(name, old, new))
        relevant = [m for m in moves if m.name in SEGMENT_FIGURES[self.after.segment]]
        return tuple(relevant or moves)  # nothing behind the new segment moved much: show what did


#: Figures shown when a segment changes, with the smallest move worth showing.
WATCHED: tuple[tuple[str, float], ...] = (
    ("median_delay", 1.0),
    ("recent_delay", 2.0),
    ("spread", 1.0),
    ("upper_tail", 2.0),
    ("trend_per_month", 0.5),
    ("oldest_overdue_days", 7.0),
    ("partial_share", 0.05),
    ("broken_promises", 1.0),
    ("quarter_end_excess", 2.0),
    ("weekday_share", 0.1),
    ("month_end_share", 0.1),
    ("paid_total", 1.0),
)
_LATENESS = frozenset({"median_delay", "spread", "upper_tail"})
#: The figures each segment's rules read: what a change into that segment shows as having moved.
SEGMENT_FIGURES: dict[Segment, frozenset[str]] = {
    Segment.EARLY_PAYER: frozenset({"median_delay"}),
    Segment.ON_TIME: frozenset({"median_delay"}),
    Segment.PAYMENT_RUN: frozenset({"median_delay", "weekday_share", "month_end_share"}),
    Segment.SEASONAL: frozenset({"median_delay", "quarter_end_excess"}),
    Segment.STEADY_LATE: _LATENESS,
    Segment.CHRONIC_LATE: _LATENESS,
    Segment.DETERIORATING: frozenset(
        {
            "median_delay",
            "recent_delay",
            "trend_per_month",
            "oldest_overdue_days",
            "partial_share",
            "broken_promises",
        }
    ),
    Segment.NEW_OR_THIN: frozenset({"paid_total"}),
}


def segment_changes(
    before: Iterable[CustomerSegment], after: Iterable[CustomerSegment]
) -> list[SegmentChange]:
    """Customers whose segment differs between two days (a customer new by the later day has no
    earlier segment and is not a change), worse moves first, then by how many ranks they fell."""
    earlier = {s.customer: s for s in before}
    changes = [
        SegmentChange(s.customer, earlier[s.customer], s)
        for s in after
        if s.customer in earlier and earlier[s.customer].segment is not s.segment
    ]
    return sorted(changes, key=lambda c: (not c.worse, -_fall(c), c.customer))


def _fall(change: SegmentChange) -> int:
    old, new = rank(change.before.segment), rank(change.after.segment)
    return 0 if old is None or new is None else new - old
