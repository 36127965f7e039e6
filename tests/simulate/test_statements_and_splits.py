"""The simulator's bank statements reconcile and parse with real parsers; --as-of splits what was
known from what came later without losing or repeating anything."""

from __future__ import annotations

import csv
import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from bai2 import bai2
from pycamt.parser import Camt053Parser

from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.statements import monthly_statements
from dunwell.simulation.company_files import write_cash_month, write_company

START = date(2024, 1, 1)
AS_OF = date(2024, 7, 15)


@pytest.fixture(scope="module")
def company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    company = generate_company(preset=PRESETS["distributor"], customers=60, months=12, seed=11, start=START)
    out = tmp_path_factory.mktemp("company")
    write_company(company, out, as_of=AS_OF)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_statement_parses_and_reconciles_in_all_three_formats(company_dir: Path) -> None:
    payments = _rows(company_dir / "payments.csv")
    camt_files = sorted((company_dir / "statements").glob("*.camt053.xml"))
    assert len(camt_files) == 24  # two entities, twelve months
    seen = 0
    for camt_file in camt_files:
        stem = camt_file.name.removesuffix(".camt053.xml")
        entity, month = stem[:4], stem[5:]
        expected = [p for p in payments if p["entity"] == entity and p["value_date"].startswith(month)]
        total = sum(Decimal(p["amount"]) for p in expected)

        parser = Camt053Parser.from_file(str(camt_file))
        (info,) = parser.get_statement_info()
        transactions = parser.get_transactions()
        assert {t["TransactionID"] for t in transactions} == {p["payment_id"] for p in expected}
        assert sum(Decimal(t["Amount"]) for t in transactions) == total
        assert Decimal(info["ClosingBalance"]) - Decimal(info["OpeningBalance"]) == total

        parsed = bai2.parse_from_string(camt_file.with_name(f"{stem}.bai2").read_text(), check_integrity=True)
        account = parsed.children[0].children[0]
        assert sum(t.amount for t in account.children) == int(total * 100)

        exported = _rows(camt_file.with_name(f"{stem}.csv"))
        assert sum(Decimal(r["amount"]) for r in exported) == total
        seen += len(expected)
    assert seen == len(payments)


def test_opening_balances_carry_over_from_month_to_month() -> None:
    company = generate_company(preset=PRESETS["ibm"], customers=20, months=4, seed=2, start=START)
    statements = monthly_statements(company.entities, company.payments, start=company.start, end=company.end)
    for earlier, later in itertools.pairwise(statements):
        if earlier.entity == later.entity:
            assert later.opening == earlier.closing
            assert later.sequence == earlier.sequence + 1


def test_asof_holds_only_what_was_known_and_future_the_rest(company_dir: Path) -> None:
    everything = {r["payment_id"] for r in _rows(company_dir / "payments.csv")}
    known = _rows(company_dir / "asof" / "payments.csv")
    later = _rows(company_dir / "future" / "payments.csv")

    assert all(date.fromisoformat(p["value_date"]) <= AS_OF for p in known)
    assert all(date.fromisoformat(p["value_date"]) > AS_OF for p in later)
    assert {p["payment_id"] for p in known} | {p["payment_id"] for p in later} == everything
    assert not {p["payment_id"] for p in known} & {p["payment_id"] for p in later}

    book = _rows(company_dir / "asof" / "invoices.csv")
    assert all(date.fromisoformat(i["issue_date"]) <= AS_OF for i in book)
    assert all(not i["paid_date"] or date.fromisoformat(i["paid_date"]) <= AS_OF for i in book)
    still_open = {i["invoice_id"] for i in book if Decimal(i["open_amount"]) != 0}
    outcomes = {i["invoice_id"]: i for i in _rows(company_dir / "future" / "invoices.csv")}
    assert still_open <= outcomes.keys()  # the truth of every invoice open on the as-of date
    assert any(outcomes[i]["paid_date"] for i in still_open)
    # Statements stop on the as-of date.
    last = Camt053Parser.from_file(str(company_dir / "asof" / "statements" / "U001-2024-07.camt053.xml"))
    assert all(t["ValueDate"] <= AS_OF.isoformat() for t in last.get_transactions())


def test_routine_touches_go_to_customers_with_overdue_items_one_per_customer_and_day(
    company_dir: Path,
) -> None:
    touches = _rows(company_dir / "touches.csv")
    invoices = {i["invoice_id"]: i for i in _rows(company_dir / "invoices.csv")}
    assert touches
    assert len({(t["customer_id"], t["day"]) for t in touches}) == len(touches)
    for touch in touches:
        day = date.fromisoformat(touch["day"])
        assert day.weekday() < 5
        for invoice_id in touch["invoice_ids"].split():
            invoice = invoices[invoice_id]
            assert invoice["customer_id"] == touch["customer_id"]
            assert date.fromisoformat(invoice["due_date"]) < day  # overdue when dunned
            assert not invoice["paid_date"] or date.fromisoformat(invoice["paid_date"]) > day
    assert {t["channel"] for t in touches} >= {"email", "call"}
    known = _rows(company_dir / "asof" / "touches.csv")
    assert known == [t for t in touches if date.fromisoformat(t["day"]) <= AS_OF]


def test_the_cash_month_view_is_the_book_when_that_months_statements_arrive(tmp_path: Path) -> None:
    company = generate_company(preset=PRESETS["distributor"], customers=60, months=12, seed=11, start=START)
    first, last, before = date(2024, 7, 1), date(2024, 7, 31), date(2024, 6, 30)
    counts = write_cash_month(company, tmp_path, first)

    book = _rows(tmp_path / "invoices.csv")
    assert {i["invoice_id"] for i in book} == {
        d.invoice_id for d in (*company.invoices, *company.credit_memos) if d.issue_date <= last
    }, "everything billed by the month's end"
    assert all(not i["paid_date"] or date.fromisoformat(i["paid_date"]) <= before for i in book)
    billed_in_july = [i for i in book if date.fromisoformat(i["issue_date"]) >= first]
    assert billed_in_july
    assert all(Decimal(i["open_amount"]) == Decimal(i["amount"]) for i in billed_in_july)
    history = _rows(tmp_path / "payments.csv")
    assert history
    assert all(date.fromisoformat(p["value_date"]) <= before and p["customer_id"] for p in history)
    assert len(history) == sum(p.value_date <= before for p in company.payments)
    # The month's statements only, and the truth of exactly their payments.
    assert counts["statements"] == 2
    assert sorted(f.name for f in (tmp_path / "statements").glob("*.camt053.xml")) == [
        "CA02-2024-07.camt053.xml", "U001-2024-07.camt053.xml",
    ]  # fmt: skip
    entries = {
        t["TransactionID"]
        for f in (tmp_path / "statements").glob("*.camt053.xml")
        for t in Camt053Parser.from_file(str(f)).get_transactions()
    }
    july = {p.payment_id for p in company.payments if first <= p.value_date <= last}
    assert {r["payment_ref"] for r in _rows(tmp_path / "truth.csv")} == july
    assert entries == july
    with pytest.raises(ValueError, match="outside the simulated period"):
        write_cash_month(company, tmp_path / "late", date(2025, 1, 1))
