"""The cash forecast's backtest on a file (issue 19's contract): its JSON on a small simulated
company, and nothing after an origin reaches that origin's forecast. The figures on the IBM sample
and the simulator are bench/forecast_bench.py's (heavy data stays in benchmarks)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dunwell.ingest import ImportKind, load_preset
from dunwell.ml.history import day_number
from dunwell.ml.predictor import PaymentPredictor
from dunwell.prediction.files import FileHistory, read_book
from dunwell.prediction.forecast_backtest import forecast_at
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

FIGURES = {"accuracy_7d", "accuracy_30d", "accuracy_90d", "weekly_wape", "coverage_p10_p90",
           "pinball_p10", "pinball_p50", "pinball_p90"}  # fmt: skip


@pytest.fixture(scope="module")
def company_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    company = generate_company(
        preset=PRESETS["distributor"], customers=60, months=16, seed=21, start=date(2024, 1, 1)
    )
    folder = tmp_path_factory.mktemp("company")
    write_company(company, folder)
    return folder / "invoices.csv"


def test_the_backtest_prints_the_contract_beside_both_baselines(cli, company_file: Path) -> None:
    result = cli("forecast", "backtest", "--data", company_file, "--preset", "sim", "--start", "2025-01-06",
                 "--end", "2025-01-20", "--step-days", "14", "--draws", "100", "--refit-days", "120",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report.keys() >= FIGURES | {"origins", "baselines", "currency", "rows_read", "rows_rejected"}
    assert report["origins"] == 2
    assert set(report["baselines"]) == {"due_date", "avg_days_to_pay"}
    assert all(figures.keys() == FIGURES for figures in report["baselines"].values())
    for name in ("accuracy_30d", "accuracy_90d"):
        assert 0.5 < report[name] <= 1.0
    assert 0.0 <= report["coverage_p10_p90"] <= 1.0
    assert report["pinball_p10"] > 0
    # rho is measured per origin on what was known then, the stated value only its fallback.
    assert report["rho_source"] == "estimated"
    assert len(report["rho_by_origin"]) == 2
    assert 0.0 <= report["rho"] < 1.0


def test_nothing_after_the_origin_reaches_its_forecast(company_file: Path) -> None:
    book = read_book(company_file, load_preset("sim", ImportKind.INVOICES))
    origin = day_number(date(2025, 1, 6))
    history = book.history
    predictor = PaymentPredictor(random_state=0).fit(history, known_until=origin)
    before = forecast_at(
        history, book.amount_minor, 0, predictor, origin, horizon=91, draws=200, rho=0.3, seed=0
    )
    # Every payment after the origin a week later, and the amounts of invoices issued after it doubled.
    later = history.paid > origin
    changed = FileHistory(
        replace(history, paid=np.where(later, history.paid + 7, history.paid)),
        book.rows, book.rejections, book.warnings,
        np.where(history.issue > origin, book.amount_minor * 2, book.amount_minor),
    )  # fmt: skip
    after = forecast_at(
        changed.history, changed.amount_minor, 0, predictor, origin, horizon=91, draws=200, rho=0.3, seed=0
    )
    assert np.array_equal(before.bands, after.bands)
    assert before.totals == after.totals
    assert np.array_equal(before.due_date, after.due_date)
    assert not np.array_equal(before.actual, after.actual)  # the outcome did change
