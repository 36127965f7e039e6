"""Benchmark: payment prediction backtests (accuracy) and training/scoring speed.

Accuracy: the IBM sample at cutoff 2013-07-01, and simulated ``distributor`` and ``ibm`` companies
(``--seeds``, default 1-5; 300 customers x 24 months from 2024-01, cutoff 2025-07-01, 90-day
horizon), each read through its import preset exactly as `dunwell backtest` reads it. Per dataset:
the model's MAE, each baseline's MAE, the ratio to the best baseline (target <= 1.00 everywhere,
<= 0.85 on IBM), P10-P90 coverage, the model-or-baseline choice made in training (ADR 0016) and the
backtest of the invoices overdue at the cutoff (given their age, beside rules given the age).

Speed (``--speed``): training on N cleared invoices and scoring M open ones of a simulated
distributor book; the baseline in the same process is computing the features alone.

Prints ONE JSON object.   .venv/bin/python bench/predict_bench.py [--seeds 1,2,3] [--speed] [--train 500000]
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
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

try:  # run as a script (bench/ on the path) or imported as bench.predict_bench
    import predict_standins as standins
except ImportError:  # pragma: no cover
    from bench import predict_standins as standins

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
KEYS = ("n_train", "n_test", "share_open", "mae_days", "within_5_days", "coverage_p10_p90", "auc_late",
        "auc_late30", "pinball_p50", "mae_vs_best_baseline")  # fmt: skip

OVERDUE_KEYS = ("n_open_overdue", "n_test", "n_never_paid", "median_age_days", "mae_days",
                "coverage_p10_p90", "share_below_p10", "share_above_p90", "zero_width_intervals",
                "best_baseline", "best_baseline_mae", "mae_vs_best_baseline")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true", help="only the speed figures")
    parser.add_argument("--train", type=int, default=500_000, help="cleared invoices to train on")
    parser.add_argument("--score", type=int, default=1_000_000, help="open invoices to score")
    parser.add_argument("--seeds", default="1,2,3,4,5", help="simulator seeds, comma-separated")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--only", default="ibm,sim,standins", help="datasets: ibm, sim, standins (comma-separated)"
    )
    parser.add_argument("--standin-seeds", default="11,12,13", help="stand-in ledger seeds")
    parser.add_argument("--variants", default=",".join(standins.VARIANTS), help="stand-in variants")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "payment_prediction",
        "cpu_count": os.cpu_count(),
    }
    if not args.skip_accuracy:
        seeds = tuple(int(seed) for seed in args.seeds.split(","))
        only = set(args.only.split(","))
        result["accuracy"] = _accuracy(seeds, args.n_jobs, only)
        if "standins" in only:
            standin_seeds = tuple(int(seed) for seed in args.standin_seeds.split(","))
            result["accuracy"].update(_standins(standin_seeds, args.variants.split(","), args.n_jobs))
        result["summary"] = _overall(result["accuracy"])
    if args.speed:
        result["speed"] = _speed(args.train, args.score)
    print(json.dumps(result, indent=2))


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    best = min(report["baselines"].items(), key=lambda kv: kv[1]["mae_days"])
    overdue = report["overdue"]
    return {
        **{k: report[k] for k in KEYS},
        "baselines_mae": {name: b["mae_days"] for name, b in report["baselines"].items()},
        "best_baseline": best[0],
        "best_baseline_mae": best[1]["mae_days"],
        "ratio_to_best_baseline": round(report["mae_days"] / best[1]["mae_days"], 4),
        "chosen": _chosen(report.get("chosen")),
        "overdue": {k: overdue.get(k) for k in OVERDUE_KEYS}
        | {"baselines_mae": {n: b["mae_days"] for n, b in overdue.get("baselines", {}).items()}},
    }


def _chosen(chosen: dict[str, Any] | None) -> dict[str, Any] | None:
    if chosen is None:
        return None
    groups = {**chosen["groups"], **({"overdue": chosen["overdue"]} if chosen.get("overdue") else {})}
    return {
        name: {
            "predictor": g["predictor"],
            "model_weight": g["model_weight"],
            "n_validation": g["n_validation"],
            "validation_mae": g["validation_mae"],
            **(
                {"interval_scale": g.get("interval_scale"), "interval_coverage": g.get("interval_coverage")}
                if name == "overdue"
                else {}
            ),
        }
        for name, g in groups.items()
    }


def _overall(runs: dict[str, Any]) -> dict[str, Any]:
    ratios = {name: run["ratio_to_best_baseline"] for name, run in runs.items()}
    coverage = {name: run["coverage_p10_p90"] for name, run in runs.items()}
    families: dict[str, list[float]] = {}
    for name, ratio in ratios.items():
        family = name.rsplit("_seed", 1)[0]
        families.setdefault(family, []).append(ratio)
    return {
        "worst_ratio_to_best_baseline": max(ratios.values()),
        "datasets_worse_than_best_baseline": sorted(n for n, r in ratios.items() if r > 1.0),
        "coverage_range": [min(coverage.values()), max(coverage.values())],
        "median_ratio_per_family": {f: round(float(np.median(r)), 4) for f, r in families.items()},
        "max_ratio_per_family": {f: max(r) for f, r in families.items()},
    }


def _standins(seeds: tuple[int, ...], variants: list[str], n_jobs: int) -> dict[str, Any]:
    """The school-ledger stand-ins (``predict_standins``): tuned-on and held-out variants."""
    runs: dict[str, Any] = {}
    for variant in variants:
        for seed in seeds:
            history = InvoiceHistory.from_frame(standins.school_ledger(seed, variant))
            report = run_backtest(
                history, cutoff=standins.CUTOFF, horizon_days=standins.HORIZON_DAYS, n_jobs=n_jobs
            )
            held_out = variant in standins.HELD_OUT or seed not in standins.TUNE_SEEDS
            runs[f"school_{variant}_seed{seed}"] = _summary(report) | {"held_out": held_out}
    return runs


def _accuracy(seeds: tuple[int, ...], n_jobs: int, only: set[str]) -> dict[str, Any]:
    runs: dict[str, Any] = {}
    ibm = SHARED / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv"
    if ibm.is_file() and "ibm" in only:
        book = read_book(ibm, load_preset("ibm", ImportKind.INVOICES))
        runs["ibm_sample"] = _summary(run_backtest(book.history, cutoff=date(2013, 7, 1), n_jobs=n_jobs))
    with tempfile.TemporaryDirectory() as folder:
        for preset in ("distributor", "ibm") if "sim" in only else ():
            for seed in seeds:
                company = generate_company(
                    preset=PRESETS[preset], customers=300, months=24, seed=seed, start=date(2024, 1, 1)
                )
                out = Path(folder) / f"{preset}-{seed}"
                write_company(company, out)
                book = read_book(out / "invoices.csv", load_preset("sim", ImportKind.INVOICES))
                report = run_backtest(book.history, cutoff=date(2025, 7, 1), horizon_days=90, n_jobs=n_jobs)
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
