"""Benchmark: the cash-in forecast's backtest (issue 19) on the IBM sample and simulated companies.

For each dataset, ``prediction.forecast_backtest`` from weekly (``--step-days``) origins over a
window, beside the ``due_date`` and ``avg_days_to_pay`` baselines, and whether the forecast is ahead
of both on 30-day accuracy and weekly WAPE. Simulated companies: 300 customers x 24 months from
2024-01 (preset, seed), origins 2025-07-01 to 2025-09-30; ``demo``: ``make run``'s demo company
(distributor, seed 1, from 2024-12), origins 2026-05-01 to 2026-08-15. Issue 19's targets:
distributor 30-day accuracy >= 0.95 and P10-P90 coverage 0.75-0.85; ahead of both baselines
everywhere.

Prints ONE JSON object.
  .venv/bin/python bench/forecast_bench.py [--datasets ibm,demo,distributor,saas] [--seeds 1,2,3]
      [--draws 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from dunwell.ingest import ImportKind, load_preset
from dunwell.prediction.files import read_book
from dunwell.prediction.forecast_backtest import forecast_backtest
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

IBM = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv"
)


def _ahead(result: dict[str, Any]) -> bool:
    return all(
        result["accuracy_30d"] > b["accuracy_30d"] and result["weekly_wape"] < b["weekly_wape"]
        for b in result["baselines"].values()
    )


def _run(path: Path, preset: str, start: date, end: date, args: argparse.Namespace) -> dict[str, Any]:
    book = read_book(path, load_preset(preset, ImportKind.INVOICES))
    began = time.perf_counter()
    result = forecast_backtest(book, start=start, end=end, step_days=args.step_days, draws=args.draws)
    return {
        **result,
        "ahead_of_both_baselines": _ahead(result),
        "seconds": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default="ibm,distributor")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--step-days", type=int, default=7)
    args = parser.parse_args()
    found: dict[str, Any] = {}
    for name in args.datasets.split(","):
        if name == "ibm":
            if IBM.exists():
                found["ibm"] = _run(IBM, "ibm", date(2013, 3, 1), date(2013, 8, 31), args)
            else:
                found["ibm"] = {"skipped": f"{IBM} is missing (../shared beside the repo)"}
            continue
        if name == "demo":  # make run's demo company (its start moves with the month: pinned here)
            company = generate_company(
                preset=PRESETS["distributor"], customers=300, months=24, seed=1, start=date(2024, 12, 1)
            )
            with tempfile.TemporaryDirectory() as folder:
                write_company(company, Path(folder))
                found["demo"] = _run(
                    Path(folder) / "invoices.csv", "sim", date(2026, 5, 1), date(2026, 8, 15), args
                )
            continue
        for seed in (int(s) for s in args.seeds.split(",")):
            company = generate_company(
                preset=PRESETS[name], customers=300, months=24, seed=seed, start=date(2024, 1, 1)
            )
            with tempfile.TemporaryDirectory() as folder:
                write_company(company, Path(folder))
                found[f"{name}_seed{seed}"] = _run(
                    Path(folder) / "invoices.csv", "sim", date(2025, 7, 1), date(2025, 9, 30), args
                )
    print(json.dumps({"draws": args.draws, "step_days": args.step_days, "datasets": found}, indent=1))


if __name__ == "__main__":
    main()
