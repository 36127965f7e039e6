"""Benchmark: generate a large simulated company (a benchmark, not a timed test).

Target (issue 3): 10,000 customers x 24 months (about 2 M invoices) in < 2 minutes. Prints ONE
JSON object: generation and writing seconds, rows, and the rate per invoice; the baseline in the
same process is writing the same number of rows with the stdlib ``csv`` module alone.

    .venv/bin/python bench/simulate_bench.py --customers 1000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from dunwell.simulate.company import generate_company
from dunwell.simulate.export import write_company
from dunwell.simulate.presets import PRESETS

TARGET_SECONDS = 120


def main() -> None:
    parser = argparse.ArgumentParser(description="simulate a large company")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--preset", default="distributor", choices=sorted(PRESETS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="dunwell-sim-bench-"))
    try:
        start = time.perf_counter()
        company = generate_company(
            preset=PRESETS[args.preset], customers=args.customers, months=args.months, seed=args.seed,
            start=date(2024, 1, 1),
        )  # fmt: skip
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
    print(
        json.dumps(
            {
                "benchmark": "simulate_company",
                "preset": args.preset,
                "customers": args.customers,
                "months": args.months,
                "invoices": invoices,
                "payments": counts["payments.csv"],
                "generate_seconds": round(generated, 2),
                "total_seconds": round(total, 2),
                "us_per_invoice": round(total * 1e6 / max(invoices, 1), 1),
                "baseline_csv_write_seconds": round(baseline, 2),
                "ratio_to_baseline": round(total / baseline, 1) if baseline else None,
                "target_seconds": TARGET_SECONDS,
                "meets_target": total < TARGET_SECONDS,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "cpu_count": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
