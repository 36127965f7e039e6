"""`dunwell simulate company` writes files that `dunwell import` takes as they are."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select

from cli_inputs import count
from dunwell.core.documents import DocumentKind
from dunwell.kit.db import create_db_engine, session_factory
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
    with (out / "invoices.csv").open(newline="") as handle:
        memos = [row for row in csv.DictReader(handle) if row["document_type"] == "credit_memo"]
    assert memos, "the distributor credits some invoices"
    assert credit_memos_stored(sqlite_url) == len(memos)


def credit_memos_stored(url: str) -> int:
    engine = create_db_engine(url)
    try:
        with session_factory(engine)() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(Invoice).where(Invoice.kind == DocumentKind.CREDIT_MEMO)
                )
                or 0
            )
    finally:
        engine.dispose()


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
        as_of = ("--as-of", "2024-06-30") if kind == "invoices" else ()
        result = cli("import", kind, out / "asof" / f"{kind}.csv", "--preset", "sim", *as_of, "--json")
        assert result.exit_code == 0, (kind, result.output)
        report = json.loads(result.stdout)
        assert report["imported"] == report["read"] == files[f"asof/{kind}.csv"]


def test_an_as_of_outside_the_simulated_period_is_refused(cli, tmp_path: Path) -> None:
    result = cli("simulate", "company", "--months", "2", "--start", "2024-01", "--as-of", "2025-01-01",
                 "--out", tmp_path / "x")  # fmt: skip
    assert result.exit_code == 2
    assert "--as-of 2025-01-01 is outside the simulated period 2024-01-01 to 2024-02-29" in result.stderr


def test_the_strategy_lab_compares_policies_on_the_same_company(cli, tmp_path: Path) -> None:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--customers", "60", "--months", "12", "--start", "2024-01",
               "--as-of", "2024-08-31", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output

    def lab(policy: str) -> dict:  # type: ignore[type-arg]
        result = cli("simulate", "policy", "--company", out, "--policy", policy, "--capacity-hours", "1",
                     "--days", "90", "--seeds", "2", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    idle, busy = lab("none"), lab("oldest-first")

    assert idle["start"] == busy["start"] == "2024-09-01"
    assert [s["seed"] for s in busy["seeds"]] == [1, 2]
    assert set(busy["seeds"][0]) >= {"cash_30d", "cash_60d", "cash_90d", "dso_end", "touches", "minutes_used"}
    assert not idle["seeds"][0]["touches"]
    assert busy["mean"]["touches"]["email"]["mean"] != "0.00"
    assert float(busy["mean"]["cash_30d"]["USD"]["mean"]) >= float(idle["mean"]["cash_30d"]["USD"]["mean"])


def test_the_lab_says_what_is_wrong_in_one_line(cli, tmp_path: Path) -> None:
    missing = cli("simulate", "policy", "--company", tmp_path, "--policy", "none")
    assert missing.exit_code == 2
    assert "has no company.json" in missing.stderr
    out = tmp_path / "c"
    cli("simulate", "company", "--customers", "5", "--months", "2", "--start", "2024-01", "--out", out)
    unknown = cli("simulate", "policy", "--company", out, "--policy", "nope", "--days", "10")
    assert unknown.exit_code == 2
    assert "unknown policy 'nope'" in unknown.stderr
    too_long = cli("simulate", "policy", "--company", out, "--policy", "none", "--days", "400")
    assert too_long.exit_code == 2
    assert "leave the simulated period" in too_long.stderr


def test_an_unwritable_output_folder_is_one_clear_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("simulate", "company", "--customers", "3", "--months", "1", "--out", blocker / "company")
    assert result.exit_code == 2
    assert f"cannot write to {blocker / 'company'}" in result.stderr


def test_a_damaged_company_manifest_is_one_clear_line(cli, tmp_path: Path) -> None:
    (tmp_path / "company.json").write_text('{"preset": "distributor"}')
    result = cli("simulate", "policy", "--company", tmp_path, "--policy", "none")
    assert result.exit_code == 2
    assert "is not a company manifest (KeyError" in result.stderr
