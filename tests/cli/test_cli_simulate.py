"""`dunwell simulate company` writes files that `dunwell import` takes as they are."""

from __future__ import annotations

import json
from pathlib import Path

from cli_inputs import count
from dunwell.orm import Invoice


def test_a_simulated_company_imports_without_a_rejected_row(cli, sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--preset", "distributor", "--customers", "25", "--months", "6",
               "--seed", "4", "--start", "2024-01", "--out", out, "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    files = json.loads(made.stdout)["files"]

    imported = cli("import", "invoices", out / "invoices.csv", "--as-of", "2024-06-30", "--json")

    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.stdout)
    assert (report["read"], report["imported"], report["rejected"]) == (files["invoices.csv"],) * 2 + (0,)
    assert count(sqlite_url, Invoice) == files["invoices.csv"]


def test_an_unknown_preset_is_one_clear_line(cli, tmp_path: Path) -> None:
    result = cli("simulate", "company", "--preset", "nope", "--out", tmp_path / "x")
    assert result.exit_code == 2
    assert "unknown preset 'nope'; the presets are: ibm, distributor" in result.stderr


def test_an_as_of_split_imports_with_the_sim_preset_without_a_rejected_row(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--preset", "distributor", "--customers", "30", "--months", "8",
               "--start", "2024-01", "--as-of", "2024-06-30", "--out", out, "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    files = json.loads(made.stdout)["files"]

    for kind in ("customers", "invoices", "payments"):
        result = cli("import", kind, out / "asof" / f"{kind}.csv", "--preset", "sim", "--as-of", "2024-06-30",
                     "--json")  # fmt: skip
        assert result.exit_code == 0, (kind, result.output)
        report = json.loads(result.stdout)
        assert report["imported"] == report["read"] == files[f"asof/{kind}.csv"]


def test_an_as_of_outside_the_simulated_period_is_refused(cli, tmp_path: Path) -> None:
    result = cli("simulate", "company", "--months", "2", "--start", "2024-01", "--as-of", "2025-01-01",
                 "--out", tmp_path / "x")  # fmt: skip
    assert result.exit_code == 2
    assert "--as-of 2025-01-01 is outside the simulated period 2024-01-01 to 2024-02-29" in result.stderr
