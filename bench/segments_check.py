"""Sanity check of the segment rules against the simulator's latent behaviour (ADR 0023).

Generates companies, segments every customer as of the last day, and prints one JSON object:
per preset and seed, the confusion of the simulator's latent type (rows) against the segment
(columns), and of its payment habit against the habit found. The rules are not tuned on this:
it shows where they and the simulator's types disagree, and why (see the ADR).

    .venv/bin/python bench/segments_check.py --preset ibm --seeds 1 2 3 --customers 400 --months 30
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from dunwell.ml.history import NEVER, InvoiceHistory, day_number
from dunwell.ml.segments import segment_customers
from dunwell.simulate.company import generate_company
from dunwell.simulate.company_tables import Table, behaviour_truth, view_files
from dunwell.simulate.presets import PRESETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="ibm", choices=sorted(PRESETS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--months", type=int, default=30)
    args = parser.parse_args()
    runs = [_run(args.preset, seed, args.customers, args.months) for seed in args.seeds]
    types = sum((Counter(r["types"]) for r in runs), Counter())
    habits = sum((Counter(r["habits"]) for r in runs), Counter())
    print(
        json.dumps(
            {
                "preset": args.preset,
                "seeds": args.seeds,
                "customers": args.customers,
                "months": args.months,
                "type_vs_segment": _table(types),
                "habit_vs_found": _table(habits),
                "per_seed_agreement": [r["agreement"] for r in runs],
            },
            indent=1,
        )
    )


def _run(preset: str, seed: int, customers: int, months: int) -> dict[str, Any]:
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=months, seed=seed, start=date(2023, 1, 1)
    )
    files = view_files(company, known_on=None)
    invoices = _frame(files["invoices.csv"])
    history = InvoiceHistory.from_frame(invoices.assign(paid_date=invoices["paid_date"].replace("", None)))
    partial = _partial_days(invoices, _frame(files["payments.csv"]), _frame(files["allocations_truth.csv"]))
    as_of = day_number(company.end)
    found = {s.customer: s for s in segment_customers(history, as_of=as_of, partial_day=partial)}
    truth = _frame(behaviour_truth(company))
    types: Counter[tuple[str, str]] = Counter()
    habits: Counter[tuple[str, str]] = Counter()
    for row in truth.itertuples():
        seen = found.get(str(row.customer_id))
        types[(str(row.type), seen.segment.value if seen else "no_invoice")] += 1
        habits[(str(row.habit), seen.habit.value if seen else "no_invoice")] += 1
    return {"types": types, "habits": habits, "agreement": {"seed": seed, **_agreement(types, habits)}}


def _partial_days(invoices: pd.DataFrame, payments: pd.DataFrame, allocations: pd.DataFrame) -> np.ndarray:
    """Per invoice, the first payment day when more than one payment paid it (else NEVER)."""
    paid = allocations.merge(payments[["payment_id", "value_date"]], on="payment_id")
    per_invoice = paid.groupby("invoice_id")["value_date"].agg(["min", "nunique"])
    first = per_invoice.loc[per_invoice["nunique"] > 1, "min"]
    days = pd.to_datetime(invoices["invoice_id"].map(first))
    numbers = (days - pd.Timestamp(date(1970, 1, 1))).dt.days
    return np.asarray(numbers.fillna(NEVER).to_numpy(dtype=np.int64))


def _agreement(types: Counter[tuple[str, str]], habits: Counter[tuple[str, str]]) -> dict[str, float]:
    same = {"early_payer", "on_time", "steady_late", "chronic_late", "seasonal", "deteriorating"}
    ranked = sum(n for (t, s), n in types.items() if t in same and s != "new_or_thin")
    agree = sum(n for (t, s), n in types.items() if t == s)
    runs = sum(n for (h, _), n in habits.items() if h != "as_due")
    runs_found = sum(n for (h, f), n in habits.items() if h != "as_due" and h == f)
    as_due = sum(n for (h, _), n in habits.items() if h == "as_due")
    false_runs = sum(n for (h, f), n in habits.items() if h == "as_due" and f not in ("as_due", "no_invoice"))
    return {
        "type_agreement": round(agree / ranked, 3) if ranked else 0.0,
        "runs_found": round(runs_found / runs, 3) if runs else 0.0,
        "false_runs": round(false_runs / as_due, 3) if as_due else 0.0,
    }


def _table(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for (truth, found), n in sorted(counts.items()):
        rows.setdefault(truth, {})[found] = n
    return rows


def _frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in table.rows], columns=list(table.header)).astype(
        {c: str for c in ("customer_id", "invoice_id", "payment_id") if c in table.header}
    )


if __name__ == "__main__":
    main()
