"""Benchmark: payment prediction backtests (accuracy) and training/scoring speed.

Accuracy (issue 4 targets): the IBM sample at cutoff 2013-07-01, and simulated ``distributor`` and
``ibm`` companies (seeds 1-3, 300 customers x 24 months from 2024-01, cutoff 2025-07-01, 90-day
horizon), each read through its import preset exactly as `dunwell backtest` reads it.

Speed (``--speed``): training on N cleared invoices and scoring M open ones of a simulated
distributor book; the baseline in the same process is computing the features alone.

Prints ONE JSON object.   .venv/bin/python bench/predict_bench.py [--speed] [--train 500000]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dunwell.ingest import ImportKind, load_preset
from dunwell.ml.backtest import run_backtest
from dunwell.ml.features import Queries, point_in_time_features
from dunwell.ml.history import NEVER, InvoiceHistory, day_of
from dunwell.ml.predictor import PaymentPredictor
from dunwell.prediction.files import read_book
from dunwell.simulate.company import generate_company
from dunwell.simulate.export import write_company
from dunwell.simulate.presets import PRESETS

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
KEYS = ("n_train", "n_test", "mae_days", "within_5_days", "coverage_p10_p90", "auc_late", "auc_late30",
        "pinball_p50", "mae_vs_best_baseline")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true", help="only the speed figures")
    parser.add_argument("--train", type=int, default=500_000, help="cleared invoices to train on")
    parser.add_argument("--score", type=int, default=1_000_000, help="open invoices to score")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "payment_prediction",
        "cpu_count": os.cpu_count(),
    }
    if not args.skip_accuracy:
        result["accuracy"] = _accuracy()
    if args.speed:
        result["speed"] = _speed(args.train, args.score)
    print(json.dumps(result, indent=2))


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    best = min(report["baselines"].items(), key=lambda kv: kv[1]["mae_days"])
    return {
        **{k: report[k] for k in KEYS},
        "best_baseline": best[0],
        "best_baseline_mae": best[1]["mae_days"],
    }


def _accuracy() -> dict[str, Any]:
    runs: dict[str, Any] = {}
    ibm = SHARED / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv"
    if ibm.is_file():
        book = read_book(ibm, load_preset("ibm", ImportKind.INVOICES))
        runs["ibm_sample"] = _summary(run_backtest(book.history, cutoff=date(2013, 7, 1)))
    with tempfile.TemporaryDirectory() as folder:
        for preset in ("distributor", "ibm"):
            for seed in (1, 2, 3):
                company = generate_company(
                    preset=PRESETS[preset], customers=300, months=24, seed=seed, start=date(2024, 1, 1)
                )
                out = Path(folder) / f"{preset}-{seed}"
                write_company(company, out)
                book = read_book(out / "invoices.csv", load_preset("sim", ImportKind.INVOICES))
                report = run_backtest(book.history, cutoff=date(2025, 7, 1), horizon_days=90)
                runs[f"sim_{preset}_seed{seed}"] = _summary(report)
    return runs


def _speed(train: int, score: int) -> dict[str, Any]:
    # The distributor preset issues about 63 invoices per customer over 24 months: enough
    # customers that the book holds both the training set and the open book to score.
    customers = max(1000, -(-max(score, train * 5 // 4) // 60))
    months = 24
    company = generate_company(preset=PRESETS["distributor"], customers=customers, months=months, seed=7,
                               start=date(2024, 1, 1))  # fmt: skip
    frame = pd.DataFrame(
        {
            "invoice_id": [i.invoice_id for i in company.invoices],
            "customer_id": [i.customer.customer_id for i in company.invoices],
            "entity": [i.customer.entity for i in company.invoices],
            "currency": [i.customer.currency for i in company.invoices],
            "terms": [i.customer.terms for i in company.invoices],
            "amount": [float(i.amount) for i in company.invoices],
            "issue_date": [i.issue_date for i in company.invoices],
            "due_date": [i.due_date for i in company.invoices],
            "paid_date": [i.paid_date for i in company.invoices],
        }
    )
    history = InvoiceHistory.from_frame(frame)
    cleared = np.sort(history.paid[history.paid < NEVER])
    known = int(cleared[min(train, len(cleared)) - 1])
    started = time.perf_counter()
    predictor = PaymentPredictor(random_state=0).fit(history, known_until=known)
    trained = time.perf_counter() - started
    # Score: every invoice of the book, as open on the known day (a book of ``score`` open items).
    rows = np.arange(min(score, len(history)))
    day = np.maximum(history.issue[rows], known)
    queries = Queries(rows=rows, as_of=day, known=np.minimum(day, known))
    started = time.perf_counter()
    point_in_time_features(history, queries)
    features_only = time.perf_counter() - started
    started = time.perf_counter()
    predictor.predict(history, queries, explain=False)
    scored = time.perf_counter() - started
    started = time.perf_counter()
    predictor.predict(history, queries, explain=True)
    explained = time.perf_counter() - started
    return {
        "book_invoices": len(history),
        "trained_on_invoices": predictor.n_training_invoices_,
        "training_rows": predictor.n_training_rows_,
        "train_seconds": round(trained, 1),
        "train_target_seconds": 180,
        "scored_invoices": len(rows),
        "score_seconds": round(scored, 1),
        "score_with_reasons_seconds": round(explained, 1),
        "score_target_seconds": 30,
        "baseline_features_only_seconds": round(features_only, 1),
        "known_until": str(day_of(known)),
    }


if __name__ == "__main__":
    main()
