"""`dunwell cashapp match --open-items --statement --out` and `cashapp evaluate`: the file-only
contract other tools use, with no database."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from cashapp.helpers import Entry, camt053

Cli = Callable[..., Result]

OPEN = """\
invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount,po_number,customer_account,customer_aliases,customer_parent,terms
90000001,C1,Acme Holdings Inc,2024-01-02,2024-02-01,USD,100.00,,,US11BANK0001,ACME TREASURY,,NA32
90000002,C1,Acme Holdings Inc,2024-01-05,2024-02-04,USD,250.00,,PO777001,US11BANK0001,ACME TREASURY,,
90000003,C2,Acme Retail LLC,2024-01-03,2024-02-02,USD,123.45,,,,,C1,
90000004,C3,Bolt Industries LLC,2024-01-04,2024-02-03,USD,500.00,,,,,,
90000005,C3,Bolt Industries LLC,2024-01-40,2024-02-03,USD,80.00,,,,,,
90000006,C3,Bolt Industries LLC,2024-01-28,2024-02-27,USD,1000.00,,,,,,2/10 net 30
"""
TRUTH = """\
payment_ref,invoice_id,amount
E-1,90000001,100.00
E-2,90000003,123.45
E-3,90000004,250.00
E-4,90000002,250.00
E-5,90000006,980.00
"""


def test_files_in_matches_and_figures_out(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "OPEN.csv").write_text(OPEN, encoding="utf-8")
    (tmp_path / "TRUTH.csv").write_text(TRUTH, encoding="utf-8")
    statement = tmp_path / "statement.xml"
    entries = [
        Entry(
            "E-1", "100.00", payer="ACME TREASURY", payer_account="US11BANK0001", remittance="INV 90000001"
        ),
        # The group company pays its subsidiary's invoice, with no remittance.
        Entry("E-2", "123.45", payer="Acme Holdings", payer_account="US11BANK0001"),
        Entry("E-3", "250.00", payer="Bolt Industries", remittance="90000004"),  # half of it
        Entry("E-4", "250.00", payer="Acme Holdings Inc", remittance="PO777001"),
        Entry("E-5", "980.00", payer="Bolt Industries"),  # 2 % off, as the invoice's terms offer
    ]
    statement.write_text(camt053(entries), encoding="utf-8")
    matches = tmp_path / "MATCHES.csv"

    done = cli(
        "cashapp", "match", "--open-items", tmp_path / "OPEN.csv", "--statement", statement,
        "--out", matches, "--json",
    )  # fmt: skip

    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert (summary["payments"], summary["open_items"]) == (5, 5)
    (problem,) = summary["open_item_problems"]  # the bad row, by its line and reason
    assert problem.startswith("line 6: ")
    assert "day is out of range" in problem
    with matches.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) >= {"payment_ref", "invoice_id", "amount", "status", "confidence", "evidence"}
    first = {r["payment_ref"]: r for r in rows if r["rank"] == "1"}
    assert (first["E-1"]["invoice_id"], first["E-1"]["status"]) == ("90000001", "auto")
    assert (first["E-2"]["customer_id"], first["E-2"]["invoice_id"]) == ("C2", "90000003")
    assert "parent_pays" in first["E-2"]["evidence"]
    assert (first["E-3"]["invoice_id"], first["E-3"]["amount"], first["E-3"]["status"]) == (
        "90000004",
        "250.00",
        "suggested",
    )

    assert (first["E-5"]["invoice_id"], first["E-5"]["amount"]) == ("90000006", "980.00")
    assert "discount_taken" in first["E-5"]["evidence"]

    figures = cli("cashapp", "evaluate", "--matches", matches, "--truth", tmp_path / "TRUTH.csv", "--json")

    assert figures.exit_code == 0, figures.output
    result = json.loads(figures.stdout)
    assert result["payments"] == 5
    assert result["envelope_rate"] == 1.0
    assert result["top3_accuracy"] == 1.0
    assert result["auto_precision"] == 1.0


def test_write_off_limits_per_currency_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "OPEN.csv").write_text(OPEN, encoding="utf-8")
    statement = tmp_path / "statement.xml"
    # 40.00 short of 90000004 (500.00), named: a bank fee under the default 50.00, a partial
    # payment under a 20.00 limit.
    statement.write_text(camt053([Entry("E-1", "460.00", payer="Bolt Industries", remittance="90000004")]))
    out = tmp_path / "MATCHES.csv"

    def evidence(*limits: str) -> str:
        done = cli("cashapp", "match", "--open-items", tmp_path / "OPEN.csv", "--statement", statement,
                   "--out", out, *limits)  # fmt: skip
        assert done.exit_code == 0, done.output
        with out.open(encoding="utf-8") as handle:
            return next(csv.DictReader(handle))["evidence"]

    assert "short_paid" in evidence()
    assert "partial_payment" in evidence("--write-off-limit", "USD=20")
    refused = cli("cashapp", "match", "--open-items", tmp_path / "OPEN.csv", "--statement", statement,
                  "--out", out, "--write-off-limit", "USD")  # fmt: skip
    assert refused.exit_code == 2
    assert "CURRENCY=AMOUNT" in refused.output
