"""`dunwell cashapp import|run|match|review|confirm|reject` on a database, in process."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from cashapp.helpers import Entry, camt053
from cli_inputs import count
from dunwell.orm import Allocation, PayerAlias, Payment, RejectedMatch
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

Cli = Callable[..., Result]


@pytest.fixture
def company(tmp_path: Path) -> Path:
    """A small simulated distributor; its book as of the end of February."""
    out = tmp_path / "company"
    sim = generate_company(
        preset=PRESETS["distributor"], customers=20, months=3, seed=1, start=date(2024, 1, 1)
    )
    write_company(sim, out, as_of=date(2024, 2, 29))
    return out


def _book(cli: Cli, company: Path) -> None:
    for kind in ("customers", "invoices"):
        as_of = ("--as-of", "2024-02-29") if kind == "invoices" else ()  # customers carry no dates
        done = cli("import", kind, company / "asof" / f"{kind}.csv", "--preset", "sim", *as_of)
        assert done.exit_code == 0, done.output


def _json(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    return payload


INVOICES = """
invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount
90000001,C1,Acme Trading Inc,2024-01-01,2024-01-31,USD,100.00
90000002,C1,Acme Trading Inc,2024-01-05,2024-02-04,USD,250.00
90000003,C2,Bolt Industries LLC,2024-01-01,2024-01-31,USD,100.00
"""


def test_import_run_review_confirm_reject_as_json(
    cli: Cli, write_file: Callable[..., Path], tmp_path: Path, sqlite_url: str
) -> None:
    assert (
        cli("import", "invoices", write_file("invoices.csv", INVOICES), "--as-of", "2024-01-31").exit_code
        == 0
    )
    statement = tmp_path / "march.xml"
    statement.write_text(
        camt053(
            [
                Entry("E-1", "100.00", payer="Acme Trading Inc", remittance="90000001"),  # applied
                Entry("E-2", "99.00", payer="Bolt Industries", payer_account="US22", day=date(2024, 2, 2)),
                Entry("E-3", "60.00", payer="Zenith", remittance="90000002", day=date(2024, 2, 3)),  # partial
                Entry("E-4", "1.23", payer="Nobody", day=date(2024, 2, 4)),  # unmatched
            ]
        ),
        encoding="utf-8",
    )

    imported = _json(cli("cashapp", "import", statement, "--entity", "MAIN", "--json"))
    again = _json(cli("cashapp", "import", statement, "--json"))
    run = _json(cli("cashapp", "run", "--as-of", "2024-02-29", "--json"))
    queue = _json(cli("cashapp", "review", "--json"))

    assert (imported["statements_new"], imported["payments_created"], imported["debits"]) == (1, 4, 0)
    assert (again["statements_skipped"], again["payments_created"]) == (1, 0)
    assert {k: run[k] for k in ("payments", "auto", "suggested", "unmatched")} == {
        "payments": 4, "auto": 1, "suggested": 2, "unmatched": 1,
    }  # fmt: skip
    assert run["applied_minor"] == {"USD": 10000}
    items = queue["items"]
    assert isinstance(items, list)
    assert [(i["value_date"], i["status"]) for i in items] == [
        ("2024-02-04", "unmatched"), ("2024-02-03", "suggested"), ("2024-02-02", "suggested"),
    ]  # fmt: skip
    partial, bolt = items[1], items[2]
    assert partial["candidates"][0]["evidence"]

    confirmed = _json(cli("cashapp", "confirm", bolt["match_id"], "--by", "ann", "--json"))
    rejected = _json(cli("cashapp", "reject", partial["match_id"], "--reason", "not Acme", "--json"))

    assert (confirmed["decision"], confirmed["candidate"]["name"]) == ("confirmed", "Bolt Industries LLC")
    assert len(confirmed["allocation_ids"]) == 1
    assert confirmed["learned"] == ["account:US22"]  # "Bolt Industries" is its own name already
    assert rejected["decision"] == "rejected"
    assert (
        count(sqlite_url, PayerAlias),
        count(sqlite_url, RejectedMatch),
        count(sqlite_url, Allocation),
    ) == (1, 1, 3)  # the auto match's cash; Bolt's cash and its bank fee, written off within policy
    assert len(confirmed["write_off_ids"]) == 1
    # A second run: the rejected and unmatched payments again.
    rerun = _json(cli("cashapp", "run", "--as-of", "2024-02-29", "--json"))
    assert (rerun["payments"], rerun["auto"]) == (2, 0)


def test_match_is_the_file_match_and_points_to_run_for_the_database(cli: Cli, sqlite_url: str) -> None:
    without_files = cli("cashapp", "match")
    with_as_of = cli("cashapp", "match", "--as-of", "2024-02-29")

    assert without_files.exit_code == with_as_of.exit_code == 2
    assert "give --open-items, --statement and --out" in without_files.stderr
    assert "run `dunwell cashapp run`" in without_files.stderr
    assert "No such option: --as-of" in with_as_of.stderr  # refused, not ignored


def test_human_output_and_errors(cli: Cli, company: Path, sqlite_url: str) -> None:
    _book(cli, company)
    statement = company / "statements" / "U001-2024-03.camt053.xml"

    unknown = cli("cashapp", "import", statement)
    assert unknown.exit_code == 2
    assert "not known yet" in unknown.stderr
    assert "--entity" in unknown.stderr

    imported = cli("cashapp", "import", statement, "--entity", "U001")
    assert imported.exit_code == 0, imported.output
    assert "1 statement(s) imported, 0 already imported, 0 amended; 31 new payment(s)" in imported.stdout
    run = cli("cashapp", "run", "--as-of", "2024-03-31")
    assert run.exit_code == 0, run.output
    assert "31 payment(s):" in run.stdout
    review = cli("cashapp", "review", "--limit", "3")
    assert review.exit_code == 0, review.output
    assert "candidates (confidence)" in review.stdout

    missing = cli("cashapp", "confirm", "999999")
    assert missing.exit_code == 4
    assert missing.stderr.strip() == "error: no match 999999"
    assert count(sqlite_url, Payment) == 31
    unreadable = company / "customers.csv"
    assert cli("cashapp", "import", unreadable, "--entity", "U001").exit_code == 2


def test_the_commands_on_each_database(
    cli: Cli, company: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", database_url)
    _book(cli, company)
    for entity in ("U001", "CA02"):
        statement = company / "statements" / f"{entity}-2024-03.camt053.xml"
        assert cli("cashapp", "import", statement, "--entity", entity).exit_code == 0

    run = _json(cli("cashapp", "run", "--as-of", "2024-03-31", "--json"))

    assert run["payments"] == count(database_url, Payment) == 35
    assert count(database_url, Allocation) > 0


def test_export_and_evaluate_a_database_run_against_the_simulators_truth(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "company"
    made = _json(cli("simulate", "company", "--customers", "20", "--months", "3", "--seed", "1",
                     "--start", "2024-01", "--cash-month", "2024-03", "--out", out, "--json"))  # fmt: skip
    cash = out / "cash-2024-03"
    assert made["files"]["cash-2024-03/statements"] == 2  # one per entity
    for kind in ("customers", "invoices", "payments"):
        as_of = ("--as-of", "2024-02-29") if kind == "invoices" else ()
        done = cli("import", kind, cash / f"{kind}.csv", "--preset", "sim", *as_of)
        assert done.exit_code == 0, done.output
    for statement in sorted((cash / "statements").glob("*.camt053.xml")):
        entity = statement.name.split("-")[0]
        assert cli("cashapp", "import", statement, "--entity", entity).exit_code == 0
    run = _json(cli("cashapp", "run", "--as-of", "2024-03-31", "--json"))

    exported = _json(cli("cashapp", "export", "--out", tmp_path / "matches.csv", "--from", "2024-03-01",
                         "--json"))  # fmt: skip
    from_file = _json(cli("cashapp", "evaluate", "--matches", tmp_path / "matches.csv", "--truth",
                          cash / "truth.csv", "--json"))  # fmt: skip
    from_database = _json(cli("cashapp", "evaluate", "--truth", cash / "truth.csv", "--json"))

    assert exported["payments"] == run["payments"] == from_database["payments"]
    assert from_file == from_database
    assert from_database["auto_payments"] == run["auto"]
    assert from_database["auto_wrong"] == 0
    nothing = _json(cli("cashapp", "export", "--out", tmp_path / "none.csv", "--to", "2024-02-29", "--json"))
    assert (nothing["payments"], nothing["rows"]) == (0, 0)


def test_a_cash_month_outside_the_simulation_is_refused(cli: Cli, tmp_path: Path) -> None:
    base = ("simulate", "company", "--customers", "5", "--months", "2", "--start", "2024-01",
            "--out", tmp_path)  # fmt: skip
    late = cli(*base, "--cash-month", "2024-03")
    typo = cli(*base, "--cash-month", "March")

    assert late.exit_code == typo.exit_code == 2
    assert "--cash-month 2024-03 is outside the simulated period" in late.stderr
    assert "--cash-month must be YYYY-MM, not 'March'" in typo.stderr


def test_the_terms_catalogue_on_the_command_line(cli: Cli) -> None:
    assert cli("db", "upgrade").exit_code == 0  # `terms list` only reads: it creates no database
    empty = cli("terms", "list")
    assert empty.exit_code == 0, empty.output
    assert "The terms catalogue is empty" in empty.stdout

    assert _json(cli("terms", "set", "NA32", "2/10 net 32", "--by", "ann", "--json")) == {
        "code": "NA32", "definition": "2/10 net 32", "net_days": 32, "discount_percent": "2",
        "discount_days": 10, "end_of_month": False,
    }  # fmt: skip
    bad = cli("terms", "set", "NAA8", "fifteen days")
    listed = _json(cli("terms", "list", "--json"))
    table = cli("terms", "list")

    assert bad.exit_code == 2
    assert "'fifteen days' is not in the terms notation" in bad.stderr
    assert [t["code"] for t in listed["terms"]] == ["NA32"]  # type: ignore[index]
    assert "2/10 net 32" in table.stdout


def test_the_confidence_model_in_use_and_a_recalibration(cli: Cli, sqlite_url: str) -> None:
    assert cli("db", "upgrade").exit_code == 0
    shown = _json(cli("cashapp", "calibration", "--json"))
    assert (shown["source"], shown["version"]) == ("shipped", None)
    assert "families" in shown["fitted_on"]
    assert 0.95 <= shown["auto_threshold"] <= 1.0

    refit = _json(cli("cashapp", "recalibrate", "--json"))
    assert refit["activated"] is False
    assert "at least 300" in refit["reason"]
    text = cli("cashapp", "calibration")
    assert "Confidence model: shipped" in text.output
