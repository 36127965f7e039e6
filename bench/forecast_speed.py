"""Benchmark: the cash forecast's speed at issue 19's size (13 weeks, 100 k open invoices, 1,000
joint simulations; target < 30 s on 2 cores).

A synthetic book (numpy, fixed seed): ``--open`` invoices open at the origin among ``--customers``
customers, beside three times as many settled in the year before it (what the never-paid life
table and ``rho`` read). Times, each the median of ``--repeats`` runs in this process:

- ``never_paid``: the life table of the book's past and each open invoice's chance (``cash_in``);
- ``estimate_rho``: the copula's correlation measured on the settled invoices;
- ``simulate_daily``: the joint simulation of the open book, ``draws`` x 91 days;
- ``new_billing``: invoices not issued yet: monthly billers found, their stops measured on the
  year before and their next invoices simulated, the rest of the book at its run-rate;
- ``contributions``: each customer's expected cash per week (the page's "largest contributors");
- ``baseline_independent_sum``: summing every invoice's own P50 by day (what the naive method costs,
  the ratio's denominator).

The payment predictor's own time is not in it (``bench/predict_bench.py`` measures it).
Prints ONE JSON object.
  .venv/bin/python bench/forecast_speed.py [--open 100000] [--draws 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from dunwell.forecast.contributions import expected_by_customer_week
from dunwell.forecast.joint import OpenBook, simulate_daily
from dunwell.ml.history import EPOCH, InvoiceHistory, day_number
from dunwell.prediction.cash_in import estimate_rho, never_paid, new_billing_cash

HORIZON = 91


def _book(open_count: int, customers: int, seed: int) -> tuple[InvoiceHistory, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    settled = open_count * 3
    total = open_count + settled
    origin = day_number(EPOCH) + 800
    issue = np.concatenate(
        [origin - rng.integers(0, 120, open_count), origin - rng.integers(30, 400, settled)]
    )
    due = issue + rng.choice([15, 30, 45, 60], total)
    delay = np.rint(rng.gamma(2.0, 6.0, total) - 4).astype(np.int64)
    paid = due + delay
    paid[:open_count] = np.maximum(paid[:open_count], origin + 1)  # open at the origin
    paid[open_count:] = np.minimum(paid[open_count:], origin)  # settled by it ...
    paid[open_count::97] = np.iinfo(np.int64).max // 4  # ... but a few never paid
    frame = pd.DataFrame(
        {
            "invoice_id": [f"I{i}" for i in range(total)],
            "customer_id": [f"C{c}" for c in rng.integers(0, customers, total)],
            "currency": "USD",
            "amount": rng.lognormal(7, 1, total).round(2),
            "issue_date": [EPOCH.fromordinal(EPOCH.toordinal() + int(d)) for d in issue],
            "due_date": [EPOCH.fromordinal(EPOCH.toordinal() + int(d)) for d in due],
            "paid_date": [
                None if p > origin + 2000 else EPOCH.fromordinal(EPOCH.toordinal() + int(p)) for p in paid
            ],
        }
    )
    history = InvoiceHistory.from_frame(frame)
    minor = np.rint(history.amount * 100).astype(np.int64)
    return history, minor, origin


def _median_seconds(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    history, minor, origin = _book(args.open, args.customers, seed=7)
    ours = history.is_invoice & (minor > 0)
    open_rows = np.flatnonzero(ours & (history.issue <= origin) & (history.paid > origin))
    rng = np.random.default_rng(1)
    p50 = (history.due[open_rows] - origin + rng.gamma(2.0, 5.0, len(open_rows))).astype(np.float64)
    _, dense = np.unique(history.customer[open_rows], return_inverse=True)
    p_never = never_paid(history, ours, origin, open_rows, HORIZON)
    book = OpenBook(minor[open_rows], p50 - 6, p50, p50 + 15, p_never, dense.astype(np.int64))

    def independent_sum() -> np.ndarray:
        days = np.clip(np.ceil(p50).astype(np.int64), 1, HORIZON + 1) - 1
        return np.bincount(days, weights=minor[open_rows], minlength=HORIZON + 1)

    steps: dict[str, Callable[[], Any]] = {
        "never_paid": lambda: never_paid(history, ours, origin, open_rows, HORIZON),
        "estimate_rho": lambda: estimate_rho(history, ours, origin),
        "simulate_daily": lambda: simulate_daily(
            book, horizon_days=HORIZON, draws=args.draws, rho=0.3, seed=0
        ),
        "new_billing": lambda: new_billing_cash(
            history, minor, ours, origin, horizon=HORIZON, draws=args.draws, seed=1
        ),
        "contributions": lambda: expected_by_customer_week(book, weeks=13),
        "baseline_independent_sum": independent_sum,
    }
    timings = {name: _median_seconds(step, args.repeats) for name, step in steps.items()}
    forecast = sum(v for k, v in timings.items() if k != "baseline_independent_sum")
    print(
        json.dumps(
            {
                "open_invoices": len(open_rows),
                "settled_invoices": int(len(minor) - len(open_rows)),
                "customers": args.customers,
                "draws": args.draws,
                "horizon_days": HORIZON,
                "repeats": args.repeats,
                "median_seconds": {name: round(value, 4) for name, value in timings.items()},
                "forecast_seconds": round(forecast, 3),
                "target_seconds": 30,
                "ratio_to_independent_sum": round(
                    forecast / max(timings["baseline_independent_sum"], 1e-6), 1
                ),
                "note": "shared 2-core machine: medians in one process; compare ratios, not seconds",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
