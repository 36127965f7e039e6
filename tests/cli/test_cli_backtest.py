"""`dunwell backtest`: the JSON contract other tools read, on the IBM sample and on any mapped file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

CONTRACT = {"n_train", "n_test", "mae_days", "median_ae_days", "within_5_days", "pinball_p10",
            "pinball_p50", "pinball_p90", "coverage_p10_p90", "auc_late", "pr_auc_late", "brier_late",
            "auc_late30"}  # fmt: skip
BASELINES = {"due_date", "customer_median_delay", "customer_last_delay"}


@pytest.mark.shared
def test_the_ibm_sample_backtest_beats_its_baselines(cli, shared_data: Path) -> None:
    data = shared_data / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv"
    result = cli("backtest", "--data", data, "--preset", "ibm", "--cutoff", "2013-07-01", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report.keys() >= CONTRACT | {"baselines"}
    assert report["baselines"].keys() == BASELINES
    assert all(figures.keys() >= CONTRACT - {"n_train", "n_test"} for figures in report["baselines"].values())
    assert (report["n_train"], report["n_test"], report["rows_rejected"]) == (1930, 536, 0)
    best = min(figures["mae_days"] for figures in report["baselines"].values())
    assert report["mae_days"] < 0.9 * best  # the issue asks for 15 %; the bench reports the exact figure
    assert report["auc_late"] >= 0.80
    assert 0.75 <= report["coverage_p10_p90"] <= 0.85
    # Which predictor the P50 of each customer-history group comes from, with the validation MAEs.
    chosen = report["chosen"]
    assert set(chosen["groups"]) == {"new", "thin", "established"}
    for group in chosen["groups"].values():
        assert {"predictor", "model_weight", "validation_mae"} <= group.keys()
    assert chosen["validation"]["known_until"] < "2013-07-01"
    # The invoices overdue at the cutoff, predicted given their age, beside rules given the age.
    overdue = report["overdue"]
    assert overdue["n_test"] > 0
    assert overdue["baselines"].keys() == {"next_day", "customer_delays_above_age", "book_residual_life"}
    assert overdue["zero_width_intervals"] == 0


def test_any_canonical_file_works_and_a_bad_row_is_reported_not_fatal(cli, tmp_path: Path) -> None:
    data = tmp_path / "book.csv"
    columns = ("invoice_id", "customer_id", "issue_date", "due_date", "currency", "amount", "paid_date")
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n in range(400):
            customer = n % 20
            issue = f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}"
            due = f"2024-{1 + n % 12:02d}-28"
            paid = "" if n % 9 == 0 else f"2025-{1 + (n + customer) % 12:02d}-{1 + customer:02d}"
            if 1 + n % 12 < 10:  # paid within the year for most of it
                paid = "" if n % 9 == 0 else f"2024-{2 + n % 12:02d}-{1 + customer:02d}"
            writer.writerow((f"I{n}", f"C{customer}", issue, due, "EUR", f"{100 + n}.00", paid))
        writer.writerow(("BAD", "C1", "not a date", "2024-01-01", "EUR", "1.00", ""))

    result = cli("backtest", "--data", data, "--cutoff", "2024-09-01", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows_rejected"] == 1
    assert report["rejections"][0]["line"] == 402
    assert report["n_test"] > 0
    assert report["rows_with_warnings"] == 0


def test_a_row_paid_before_its_issue_date_loads_with_a_warning(cli, tmp_path: Path) -> None:
    data = tmp_path / "book.csv"
    columns = ("invoice_id", "customer_id", "issue_date", "due_date", "currency", "amount", "paid_date")
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n in range(300):
            month = 1 + n % 11
            paid = f"2024-{month + 1:02d}-{1 + n % 20:02d}"
            writer.writerow((f"I{n}", f"C{n % 15}", f"2024-{month:02d}-01", f"2024-{month:02d}-28", "EUR",
                             "100.00", paid))  # fmt: skip
        writer.writerow(("PRE", "C1", "2024-05-10", "2024-06-10", "EUR", "50.00", "2024-05-01"))

    result = cli("backtest", "--data", data, "--cutoff", "2024-09-01", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows_rejected"] == 0
    assert report["rows_with_warnings"] == 1
    assert report["warnings"][0]["line"] == 302
    assert "taken as paid on issue" in report["warnings"][0]["warning"]


def test_a_file_without_the_columns_is_one_clear_line(cli, tmp_path: Path) -> None:
    data = tmp_path / "wrong.csv"
    data.write_text("a,b\n1,2\n")

    result = cli("backtest", "--data", data, "--cutoff", "2024-09-01")

    assert result.exit_code == 2
    assert "invoice_id" in result.stderr
    assert "Traceback" not in result.output
