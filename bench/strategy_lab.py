"""Benchmark: collection policies in the strategy lab at equal capacity (issue 17).

For each preset and seed a fresh company is simulated (``--customers`` customers over 18 months);
its last 90 days are replayed under every policy with the same collector hours a day, and the
responses drawn from the same seed. Reported per seed and as mean and spread: cash collected
within 30/60/90 days, the extra cash over ``none`` (most cash arrives whatever collectors do, so
the policies are compared on what they add), DSO at 90 days and the touches used. The learning
policies (``worklist``, ``risk-first``) learn only from the history the lab hands them
(``simulate/lab_history.py``), never from the simulator's parameters.

Targets (issue 17): on ``distributor`` the worklist's extra cash within 30 days is at least 30 %
larger than oldest-first's and larger than largest-first's and risk-first's, with lower DSO at
90 days than oldest-first, in at least 4 of 5 seeds; on ``ibm`` never below risk-first.

Cash of several currencies is added at par for the shares (the per-currency figures are printed
too); DSO is the sales-weighted mean over currencies. Prints ONE JSON object to stdout:

    .venv/bin/python bench/strategy_lab.py [--presets distributor ibm] [--seeds 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import LabResult, run_lab
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.policy_replay import policy_named

POLICIES = ("none", "oldest-first", "largest-first", "risk-first", "worklist")
WINDOWS = (30, 60, 90)


def _log(message: str) -> None:
    print(f"strategy-lab: {message}", file=sys.stderr, flush=True)


def _total(by_currency: dict[str, Decimal]) -> Decimal:
    return sum(by_currency.values(), Decimal(0))


def _dso(result: LabResult, sales: dict[str, Decimal]) -> float:
    weight = sum(sales.get(c, Decimal(0)) for c in result.dso_end)
    if not weight:
        return 0.0
    return float(sum(result.dso_end[c] * sales.get(c, Decimal(0)) for c in result.dso_end) / weight)


def run_seed(preset: str, seed: int, *, customers: int, capacity_hours: float) -> dict[str, Any]:
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=18, seed=seed, start=date(2024, 1, 1)
    )
    start = company.end - timedelta(days=89)
    sales: dict[str, Decimal] = {}
    for invoice in company.invoices:
        if start <= invoice.issue_date <= company.end:
            currency = invoice.customer.currency
            sales[currency] = sales.get(currency, Decimal(0)) + invoice.amount
    figures: dict[str, Any] = {}
    base: dict[int, Decimal] = {}
    for name in POLICIES:
        started = time.perf_counter()
        result = run_lab(
            company, policy_named(name), start=start, days=90, capacity_hours=capacity_hours, seed=seed
        )
        seconds = time.perf_counter() - started
        cash = {w: _total(result.cash[w]) for w in WINDOWS}
        if name == "none":
            base = cash
        figures[name] = {
            "cash": {f"{w}d": {c: str(v) for c, v in result.cash[w].items()} for w in WINDOWS},
            "extra_pct": {f"{w}d": round(float((cash[w] - base[w]) / base[w] * 100), 3) for w in WINDOWS},
            "dso_90d": round(_dso(result, sales), 2),
            "dso_90d_by_currency": {c: str(v) for c, v in result.dso_end.items()},
            "touches": dict(sorted(result.touches.items())),
            "minutes_used": result.minutes_used,
            "seconds": round(seconds, 2),
        }
    return figures


def _targets(preset: str, seeds: list[dict[str, Any]]) -> dict[str, Any]:
    def extra(seed: dict[str, Any], policy: str) -> float:
        return float(seed[policy]["extra_pct"]["30d"])

    if preset == "distributor":
        wins = [
            extra(s, "worklist") >= 1.3 * extra(s, "oldest-first")
            and extra(s, "worklist") > extra(s, "largest-first")
            and extra(s, "worklist") > extra(s, "risk-first")
            and s["worklist"]["dso_90d"] < s["oldest-first"]["dso_90d"]
            for s in seeds
        ]
        return {
            "rule": "worklist extra 30d >= 1.3 x oldest-first, > largest-first and risk-first, and DSO 90d "
            "below oldest-first, in at least 4 of 5 seeds",
            "seeds_meeting": sum(wins),
            "per_seed": wins,
            "met": sum(wins) >= 4,
        }
    never_below = [extra(s, "worklist") >= extra(s, "risk-first") for s in seeds]
    return {
        "rule": "worklist extra 30d never below risk-first",
        "per_seed": never_below,
        "met": all(never_below),
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 3),
        "stdev": round(statistics.stdev(values), 3) if len(values) > 1 else 0.0,
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--presets", nargs="+", default=["distributor", "ibm"], choices=sorted(PRESETS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--capacity-hours", type=float, default=4.0)
    args = parser.parse_args()
    report: dict[str, Any] = {
        "benchmark": "strategy_lab",
        "machine": f"{platform.machine()}, {platform.python_version()}; shared 2-core machine",
        "customers": args.customers,
        "capacity_hours": args.capacity_hours,
        "days": 90,
        "presets": {},
    }
    for preset in args.presets:
        seeds = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            _log(f"{preset} seed {seed}")
            figures = run_seed(preset, seed, customers=args.customers, capacity_hours=args.capacity_hours)
            seeds.append(figures)
        table = {
            policy: {
                **{
                    f"extra_{w}d_pct": _spread([s[policy]["extra_pct"][f"{w}d"] for s in seeds])
                    for w in WINDOWS
                },
                "dso_90d": _spread([s[policy]["dso_90d"] for s in seeds]),
                "touches": _spread([float(sum(s[policy]["touches"].values())) for s in seeds]),
                "minutes_used": _spread([float(s[policy]["minutes_used"]) for s in seeds]),
            }
            for policy in POLICIES
        }
        report["presets"][preset] = {
            "seeds": {str(args.first_seed + i): s for i, s in enumerate(seeds)},
            "table": table,
            "targets": _targets(preset, seeds),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
