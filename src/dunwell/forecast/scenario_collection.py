"""A collection policy's measured effect, carried onto the open book (issue 19 scenarios).

The strategy lab measures, on a simulated stand-in company, the cash received within 30/60/90
days under a policy as a ratio of that under no extra collection work. Here the ratio is applied to
the base forecast: the expected cumulative cash by day 30 (60, 90) is to become ``ratio`` times the
base's, and the difference is made by paying the invoices already overdue at the origin earlier,
because collection work acts on what is overdue.

How: the overdue invoices' expected cash by day, ``O(t) = Σ amount x (1 - p_never) x P(paid by t)``,
is read off each invoice's own quantile curve (``quantile_curve.days_at`` on a grid of levels, the
same curve the simulation draws from). For each window ``w`` the day ``s_w`` at which the overdue
book would have brought ``O(w) + (ratio_w - 1) x C(w)`` (``C``: the base's expected cumulative cash
of everything) becomes day ``w``: a piecewise linear, increasing map of days through (0, 0) and the
(``s_w``, ``w``), moving every later day by the last knot's shift. Each overdue invoice's P10/P50/P90
go through that map, so the simulation keeps its random numbers and only the days move. Between its
quantiles an invoice's curve is linear in the level, so the lift realised is close to, not exactly,
the measured one: ``run_scenarios`` prints the ratios it reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.quantile_curve import days_at
from dunwell.forecast.scenario_kinds import PolicyEffect, ScenarioBase, money_text

#: Levels on which an invoice's payment-day distribution is read (midpoints of equal shares).
GRID_LEVELS = 400
#: Days past the horizon up to which the overdue book's expected cash is followed.
LOOK_BEYOND = 4
#: Invoices read together (memory: invoices x GRID_LEVELS days at a time).
CHUNK_INVOICES = 10_000


@dataclass(frozen=True, slots=True)
class PulledBook:
    p10: NDArray[np.float64]
    p50: NDArray[np.float64]
    p90: NDArray[np.float64]
    notes: tuple[str, ...]


def expected_paid_by_day(
    amount: NDArray[np.int64],
    p10: NDArray[np.float64],
    p50: NDArray[np.float64],
    p90: NDArray[np.float64],
    p_never: NDArray[np.float64],
    last_day: int,
) -> NDArray[np.float64]:
    """``[last_day + 1]``: expected cash (minor units) paid by the end of day t, t = 0..last_day,
    with the simulation's rounding (paid on the ceiling of the drawn day, never before day 1)."""
    levels = (np.arange(GRID_LEVELS) + 0.5) / GRID_LEVELS
    by_day = np.zeros(last_day + 2)
    weight = amount.astype(np.float64) * (1.0 - p_never) / GRID_LEVELS
    for start in range(0, len(amount), CHUNK_INVOICES):
        part = slice(start, start + CHUNK_INVOICES)
        days = days_at(p10[part, None], p50[part, None], p90[part, None], levels[None, :])
        landed = np.clip(np.maximum(np.ceil(days), 1), 0, last_day + 1).astype(np.int64)
        by_day += np.bincount(
            landed.ravel(), weights=np.repeat(weight[part], GRID_LEVELS), minlength=last_day + 2
        )
    return np.asarray(np.cumsum(by_day)[: last_day + 1], dtype=np.float64)


def pull_overdue(
    base: ScenarioBase, effect: PolicyEffect, base_cumulative: NDArray[np.float64]
) -> PulledBook:
    """The book's quantiles with the overdue invoices' days moved so that the expected cumulative
    cash at each measured window moves by the effect's ratio. ``base_cumulative[t - 1]``: the base's
    expected cash (open book and new billing) by the end of day t."""
    horizon = base.horizon_days
    overdue = base.due_in_days < 0
    windows = sorted(w for w in effect.cash_ratio if w <= horizon)
    notes: list[str] = []
    if not overdue.any() or not windows:
        notes.append("no invoice is overdue at the origin (or no window inside the horizon): nothing to pull")
        return PulledBook(base.p10, base.p50, base.p90, tuple(notes))
    last_day = horizon * LOOK_BEYOND
    paid_by = expected_paid_by_day(
        base.amount_minor[overdue], base.p10[overdue], base.p50[overdue], base.p90[overdue],
        base.p_never[overdue], last_day,
    )  # fmt: skip
    knots_from, knots_to = [0.0], [0.0]
    for window in windows:
        wanted = paid_by[window] + (effect.cash_ratio[window] - 1.0) * float(base_cumulative[window - 1])
        reachable = min(max(wanted, 0.0), float(paid_by[-1]))
        if reachable != wanted:
            notes.append(
                f"at {window} days the measured lift needs {money_text(base, wanted - paid_by[window])} "
                f"from the overdue book, which can bring {money_text(base, reachable - paid_by[window])}: "
                "capped there"
            )
        day = _day_reaching(paid_by, reachable)
        # A lift only pulls days earlier (a drop only pushes them later), whatever a cap left of it;
        # and the map increases, so invoices keep their order.
        day = max(day, float(window)) if effect.cash_ratio[window] >= 1.0 else min(day, float(window))
        knots_from.append(max(day, knots_from[-1] + 1e-6))
        knots_to.append(float(window))
    if knots_from == knots_to:  # no lift at any window: the book as it is (exactly, no rounding)
        return PulledBook(base.p10, base.p50, base.p90, ("the ratios move no window: nothing pulled",))
    moved = (_warp(q[overdue], knots_from, knots_to) for q in (base.p10, base.p50, base.p90))
    p10, p50, p90 = (np.array(q, dtype=np.float64) for q in (base.p10, base.p50, base.p90))
    p10[overdue], p50[overdue], p90[overdue] = moved
    shown = ", ".join(
        f"day {s:.1f} -> day {t:.0f}" for s, t in zip(knots_from[1:], knots_to[1:], strict=True)
    )
    notes.append(
        f"{int(overdue.sum())} invoices overdue at the origin pay earlier along the map {shown} "
        f"(linear between, later days moved by the last shift)"
    )
    return PulledBook(p10, p50, p90, tuple(notes))


def _day_reaching(paid_by: NDArray[np.float64], amount: float) -> float:
    """The (fractional) day by which the expected cash first reaches ``amount``."""
    day = int(np.searchsorted(paid_by, amount, side="left"))
    if day == 0:
        return 0.0
    if day >= len(paid_by):
        return float(len(paid_by) - 1)
    below, above = float(paid_by[day - 1]), float(paid_by[day])
    return day - 1 + ((amount - below) / (above - below) if above > below else 1.0)


def _warp(days: NDArray[np.float64], knots_from: list[float], knots_to: list[float]) -> NDArray[np.float64]:
    inside = np.interp(days, knots_from, knots_to)
    beyond = days - (knots_from[-1] - knots_to[-1])
    return np.asarray(
        np.where(days < 0, days, np.where(days > knots_from[-1], beyond, inside)), dtype=np.float64
    )
