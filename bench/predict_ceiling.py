"""Benchmark: how far below the customer-median baseline any model could go on the simulator.

The simulator draws each invoice's delay from its customer's latent parameters (type, mean,
spread, drift, payment run, seasonality, disputes). An oracle that *knows* those parameters, and
whether each invoice will be disputed, predicts the median of the invoice's true payment-day
distribution (by Monte Carlo through the simulator's own payment code): no model that learns
from the past can beat it on average. The figures bound what issue 4's "15 % below the best
baseline" on simulated companies can mean. Same backtest as ``predict_bench.py``: 300 customers
x 24 months from 2024-01, cutoff 2025-07-01, invoices issued within 90 days of it and paid.

It also runs the model's own backtest on each company and reports the model's share of the
oracle's gain over the customer median (both as relative gains on their test sets; the oracle
without dispute foresight, since the model scores on the issue day), per preset: the target is
at least 50 %.

Prints ONE JSON object.   .venv/bin/python bench/predict_ceiling.py [--draws 201] [--seeds 1,2,3]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import numpy as np

from dunwell.ingest import ImportKind, load_preset
from dunwell.ml.backtest import run_backtest
from dunwell.prediction.files import read_book
from dunwell.simulate.behaviour import payment_day
from dunwell.simulate.company import _instalments, _State, generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company, SimInvoice
from dunwell.simulation.company_files import write_company

START, CUTOFF, HORIZON = date(2024, 1, 1), date(2025, 7, 1), 90


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=201, help="Monte Carlo draws per invoice")
    parser.add_argument("--seeds", default="1,2,3", help="simulator seeds, comma-separated")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, Any] = {}
    shares: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for preset in ("distributor", "ibm"):
            model_gains, oracle_gains = [], []
            for seed in (int(s) for s in args.seeds.split(",")):
                company = generate_company(
                    preset=PRESETS[preset], customers=300, months=24, seed=seed, start=START
                )
                run = _ceiling(company, preset, args.draws)
                run.update(_model(company, Path(folder) / f"{preset}-{seed}", args.n_jobs))
                runs[f"sim_{preset}_seed{seed}"] = run
                model_gains.append(-run["model_vs_baseline"])
                oracle_gains.append(-run["oracle_without_dispute_foresight_vs_baseline"])
            model_gain, oracle_gain = float(np.mean(model_gains)), float(np.mean(oracle_gains))
            shares[preset] = {
                "model_gain": round(model_gain, 3),
                "oracle_gain": round(oracle_gain, 3),
                "model_share_of_oracle_gain": round(model_gain / oracle_gain, 3) if oracle_gain > 0 else None,
                "target": 0.5,
            }
    print(
        json.dumps({"benchmark": "payment_prediction_ceiling", "per_preset": shares, "runs": runs}, indent=2)
    )


def _model(company: Company, folder: Path, n_jobs: int) -> dict[str, Any]:
    """The model's backtest on the same company, read as `dunwell backtest` reads it."""
    write_company(company, folder)
    book = read_book(folder / "invoices.csv", load_preset("sim", ImportKind.INVOICES))
    report = run_backtest(book.history, cutoff=CUTOFF, horizon_days=HORIZON, n_jobs=n_jobs)
    base = report["baselines"]["customer_median_delay"]["mae_days"]
    return {
        "model_n_test": report["n_test"],
        "model_mae": report["mae_days"],
        "model_customer_median_mae": base,
        "model_vs_baseline": round(report["mae_days"] / base - 1, 3),
    }


def _ceiling(company: Company, preset: str, draws: int) -> dict[str, Any]:
    state = _State(
        rng=random.Random(0), preset=PRESETS[preset], start=START, end=company.end, months=company.months
    )
    years = range(START.year - 1, company.end.year + 2)
    for entity in company.entities:
        state.closed[entity.country] = set(holidays.country_holidays(entity.country, years=years))
    past: dict[str, list[int]] = {}
    for invoice in company.invoices:
        if invoice.document_type == "invoice" and invoice.paid_date and invoice.paid_date < CUTOFF:
            past.setdefault(invoice.customer.customer_id, []).append(
                (invoice.paid_date - invoice.due_date).days
            )
    oracle, oracle_blind, baseline = [], [], []
    for invoice in company.invoices:
        if not _in_test(invoice):
            continue
        assert invoice.paid_date is not None
        actual = (invoice.paid_date - invoice.due_date).days
        oracle.append(abs(_true_median(state, invoice, draws, disputed=invoice.disputed) - actual))
        # Without knowing the dispute before it happens (the model scores on the issue day).
        oracle_blind.append(abs(_true_median(state, invoice, draws, disputed=None) - actual))
        own = past.get(invoice.customer.customer_id)
        baseline.append(abs((float(np.median(own)) if own else 0.0) - actual))
    base = float(np.mean(baseline))
    return {
        "n_test": len(baseline),
        "customer_median_mae": round(base, 3),
        "oracle_mae": round(float(np.mean(oracle)), 3),
        "oracle_vs_baseline": round(float(np.mean(oracle)) / base - 1, 3),
        "oracle_without_dispute_foresight_mae": round(float(np.mean(oracle_blind)), 3),
        "oracle_without_dispute_foresight_vs_baseline": round(float(np.mean(oracle_blind)) / base - 1, 3),
    }


def _in_test(invoice: SimInvoice) -> bool:
    return (
        invoice.document_type == "invoice"
        and invoice.paid_date is not None
        and not invoice.cancelled
        and CUTOFF <= invoice.issue_date < CUTOFF + timedelta(days=HORIZON)
    )


def _true_median(state: _State, invoice: SimInvoice, draws: int, *, disputed: bool | None) -> float:
    month = (invoice.issue_date.year - START.year) * 12 + invoice.issue_date.month - START.month
    behaviour = invoice.customer.behaviour
    closed = state.closed[invoice.customer.country]
    credited = -invoice.credit.amount if invoice.credit is not None else 0
    delays = []
    for _ in range(draws):
        draw = copy.copy(invoice)
        draw.instalments, draw.plan = [], []
        draw.disputed = state.rng.random() < behaviour.dispute_rate if disputed is None else disputed
        dues = _instalments(state, behaviour, draw, month, invoice.amount - credited)
        if not dues:
            delays.append(10_000)  # never paid: as far off as it gets
            continue
        days = [d.intended if d.by_card else payment_day(behaviour, d.intended, closed) for d in dues]
        delays.append((max(days) - invoice.due_date).days)
    return float(np.median(delays))


if __name__ == "__main__":
    main()
