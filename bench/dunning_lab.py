"""Benchmark: dunning policies in the strategy lab (issue 18).

The shipped default dunning policy (``dunning:default``) against no reminders (``none``) and against
one fixed ladder for everyone (``bench/dunning_fixed_ladder.yaml``: a friendly e-mail at due + 7
days, then a firm e-mail every 14 days), on the distributor and ibm presets, 5 seeds each. The
machinery is ``bench/strategy_lab.py``'s: a fresh company per preset and seed (``--customers`` over
18 months), its last 90 days replayed under each policy with the same collector hours a day and
responses drawn from the same seed.

Reported per seed and as mean and spread: cash within 30/60/90 days, the extra cash over ``none``
(amount and %), DSO at 90 days, the messages sent and, of them, those a person would have had to
approve (treated as approved in the lab). The lab charges every message its minutes against the
capacity (``simulate.actions.COST_MINUTES``: an e-mail 2, a letter 5), automated or not, so every
policy works at equal effort; ``over_capacity`` counts messages a day could not take (sent later).

Cash of several currencies is added at par; DSO is the sales-weighted mean over currencies (as in
``strategy_lab.py``). Prints ONE JSON object to stdout:

    .venv/bin/python bench/dunning_lab.py [--presets distributor ibm] [--seeds 5] [--customers 1000]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import run_lab
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.policy_replay import policy_named
from strategy_lab import WINDOWS, _dso, _spread, _total

FIXED_LADDER = Path(__file__).resolve().parent / "dunning_fixed_ladder.yaml"
POLICIES = {
    "none": "none",
    "dunning:default": "dunning:default",
    "dunning:fixed_ladder": f"dunning:{FIXED_LADDER}",
}


def _log(message: str) -> None:
    print(f"dunning-lab: {message}", file=sys.stderr, flush=True)


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
    for label, spec in POLICIES.items():
        started = time.perf_counter()
        policy = policy_named(spec)
        result = run_lab(company, policy, start=start, days=90, capacity_hours=capacity_hours, seed=seed)
        seconds = time.perf_counter() - started
        cash = {w: _total(result.cash[w]) for w in WINDOWS}
        if label == "none":
            base = cash
        counts = dict(sorted(getattr(policy, "counts", {}).items()))
        figures[label] = {
            "cash": {f"{w}d": str(cash[w]) for w in WINDOWS},
            "cash_by_currency": {f"{w}d": {c: str(v) for c, v in result.cash[w].items()} for w in WINDOWS},
            "extra": {f"{w}d": str(cash[w] - base[w]) for w in WINDOWS},
            "extra_pct": {f"{w}d": round(float((cash[w] - base[w]) / base[w] * 100), 3) for w in WINDOWS},
            "dso_90d": round(_dso(result, sales), 2),
            "dso_90d_by_currency": {c: str(v) for c, v in result.dso_end.items()},
            "messages": sum(result.touches.values()),
            "needing_approval": counts.get("needing_approval", 0),
            "over_capacity": counts.get("over_capacity", 0),
            "touches": dict(sorted(result.touches.items())),
            "minutes_used": result.minutes_used,
            "refused_by_lab": result.refused,
            "outcomes": dict(sorted(result.outcomes.items())),
            "planner": {k: v for k, v in counts.items() if k.startswith(("step:", "skip"))},
            "seconds": round(seconds, 2),
        }
    return figures


def _table(seeds: list[dict[str, Any]]) -> dict[str, Any]:
    def column(policy: str, pick: Any) -> dict[str, float]:
        return _spread([float(pick(s[policy])) for s in seeds])

    return {
        policy: {
            **{f"cash_{w}d": column(policy, lambda f, w=w: Decimal(f["cash"][f"{w}d"])) for w in WINDOWS},
            **{f"extra_{w}d": column(policy, lambda f, w=w: Decimal(f["extra"][f"{w}d"])) for w in WINDOWS},
            **{f"extra_{w}d_pct": column(policy, lambda f, w=w: f["extra_pct"][f"{w}d"]) for w in WINDOWS},
            "dso_90d": column(policy, lambda f: f["dso_90d"]),
            "messages": column(policy, lambda f: f["messages"]),
            "needing_approval": column(policy, lambda f: f["needing_approval"]),
            "minutes_used": column(policy, lambda f: f["minutes_used"]),
        }
        for policy in POLICIES
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
    started = time.perf_counter()
    report: dict[str, Any] = {
        "benchmark": "dunning_lab",
        "machine": f"{platform.machine()}, {platform.python_version()}; shared 2-core machine",
        "customers": args.customers,
        "capacity_hours": args.capacity_hours,
        "days": 90,
        "policies": POLICIES,
        "presets": {},
    }
    for preset in args.presets:
        seeds = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            _log(f"{preset} seed {seed}")
            seeds.append(run_seed(preset, seed, customers=args.customers, capacity_hours=args.capacity_hours))
        report["presets"][preset] = {
            "seeds": {str(args.first_seed + i): s for i, s in enumerate(seeds)},
            "table": _table(seeds),
        }
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
