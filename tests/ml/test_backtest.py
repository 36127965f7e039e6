"""Backtests on three books: never worse than the best naive rule, intervals that cover ~80 %,
and overdue invoices predicted given their age.

The simulated books are the bench's (300 customers x 24 months, cutoff 2025-07-01, 90-day
horizon), one seed each; the IBM sample needs ../shared/data and is skipped without it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dunwell.ingest import ImportKind, load_preset
from dunwell.ml.backtest import run_backtest
from dunwell.ml.history import InvoiceHistory
from dunwell.prediction.files import read_book
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company


def simulated(preset: str, folder: Path, seed: int = 1) -> InvoiceHistory:
    company = generate_company(
        preset=PRESETS[preset], customers=300, months=24, seed=seed, start=date(2024, 1, 1)
    )
    write_company(company, folder)
    return read_book(folder / "invoices.csv", load_preset("sim", ImportKind.INVOICES)).history


def best_baseline(report: dict[str, Any]) -> float:
    return float(min(b["mae_days"] for b in report["baselines"].values()))


@pytest.fixture(scope="module", params=["distributor", "ibm"])
def sim_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    history = simulated(request.param, tmp_path_factory.mktemp(request.param))
    return run_backtest(history, cutoff=date(2025, 7, 1), horizon_days=90, n_jobs=1)


def test_the_simulated_backtests_are_never_worse_than_the_best_baseline(sim_report: dict[str, Any]) -> None:
    assert sim_report["mae_days"] <= best_baseline(sim_report)
    assert 0.75 <= sim_report["coverage_p10_p90"] <= 0.85
    assert 0 <= sim_report["share_open"] < 0.1


def test_the_backtest_reports_the_choice_and_the_overdue_invoices(sim_report: dict[str, Any]) -> None:
    chosen = sim_report["chosen"]
    assert set(chosen["groups"]) == {"new", "thin", "established"}
    established = chosen["groups"]["established"]
    assert established["n_validation"] > 100
    assert {"model", "due_date", "customer_median_delay", "customer_last_delay"} <= set(
        established["validation_mae"]
    )
    overdue = sim_report["overdue"]
    assert overdue["n_test"] > 10
    assert overdue["zero_width_intervals"] == 0
    # Given their age, no worse than paying tomorrow (what clipping an unconditional guess gave).
    assert overdue["mae_days"] < overdue["baselines"]["next_day"]["mae_days"]


@pytest.mark.shared
def test_the_ibm_sample_stays_15_percent_better_than_its_best_baseline(shared_data: Path) -> None:
    data = shared_data / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv"
    history = read_book(data, load_preset("ibm", ImportKind.INVOICES)).history

    report = run_backtest(history, cutoff=date(2013, 7, 1), n_jobs=1)

    assert report["mae_days"] <= 0.85 * best_baseline(report)
    assert 0.75 <= report["coverage_p10_p90"] <= 0.85
    assert np.isfinite(report["overdue"]["mae_days"])
