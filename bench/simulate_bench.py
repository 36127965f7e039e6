"""Benchmark: generate a large simulated company (a benchmark, not a timed test).

Target (issue 3): 10,000 customers x 24 months (about 2 M invoices) in < 2 minutes, generated and
written. The calibrated ``distributor`` preset gives about 2.6 invoices per customer per month
(631 k invoices at that size), so the benchmark runs two scenarios in one process:

* ``calibrated``: the preset as it is;
* ``issue_scale``: the same preset with a median of 8.3 invoices per customer per month, which
  gives the issue's ~2 M invoices for 10,000 customers x 24 months.

Prints ONE JSON object with, per scenario, generation and writing seconds, rows, the rate per
invoice, and a baseline in the same process: writing the same number of invoice rows with the
stdlib ``csv`` module alone.

    .venv/bin/python bench/simulate_bench.py [--customers 1000] [--scenario calibrated]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import json
import os
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS, Preset
from dunwell.simulation.company_files import write_company

TARGET_SECONDS = 120
START = date(2024, 1, 1)
ISSUE_SCALE_INVOICES_PER_MONTH = 8.3  # 10,000 x 24 x 8.3 ~ 2 M


def main() -> None:
    parser = argparse.ArgumentParser(description="simulate a large company")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--preset", default="distributor", choices=sorted(PRESETS))
    parser.add_argument("--scenario", choices=("calibrated", "issue_scale", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    scenarios = {"calibrated": preset, "issue_scale": _at_issue_scale(preset)}
    wanted = list(scenarios) if args.scenario == "both" else [args.scenario]
    runs = {name: _run(scenarios[name], args) for name in wanted}
    print(
        json.dumps(
            {
                "benchmark": "simulate_company",
                "preset": args.preset,
                "customers": args.customers,
                "months": args.months,
                "target_seconds": TARGET_SECONDS,
                "runs": runs,
                "meets_target": all(r["total_seconds"] < TARGET_SECONDS for r in runs.values()),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "cpu_count": os.cpu_count(),
            },
            indent=2,
        )
    )


def _at_issue_scale(preset: Preset) -> Preset:
    _, sigma = preset.invoices_per_month
    return dataclasses.replace(preset, invoices_per_month=(ISSUE_SCALE_INVOICES_PER_MONTH, sigma))


def _run(preset: Preset, args: argparse.Namespace) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="dunwell-sim-bench-"))
    try:
        start = time.perf_counter()
        company = generate_company(
            preset=preset, customers=args.customers, months=args.months, seed=args.seed, start=START
        )
        generated = time.perf_counter() - start
        counts = write_company(company, out / "company")
        total = time.perf_counter() - start
        invoices = len(company.invoices)
        baseline_start = time.perf_counter()
        with (out / "baseline.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            for invoice in company.invoices:
                writer.writerow((invoice.invoice_id, invoice.customer.customer_id, invoice.issue_date,
                                 invoice.due_date, invoice.amount))  # fmt: skip
        baseline = time.perf_counter() - baseline_start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    result = {
        "invoices_per_customer_month": preset.invoices_per_month[0],
        "invoices": invoices,
        "credit_memos": len(company.credit_memos),
        "payments": counts["payments.csv"],
        "generate_seconds": round(generated, 2),
        "total_seconds": round(total, 2),
        "us_per_invoice": round(total * 1e6 / max(invoices, 1), 1),
        "baseline_csv_write_seconds": round(baseline, 2),
        "ratio_to_baseline": round(total / baseline, 1) if baseline else None,
        "meets_target": total < TARGET_SECONDS,
    }
    del company
    gc.collect()
    return result


if __name__ == "__main__":
    main()
