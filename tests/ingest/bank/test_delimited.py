"""The CSV/TSV/XLSX bank export reader: auto-detection, explicit mappings, the simulator's statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import openpyxl
import pytest

from dunwell.ingest.bank import Direction, StatementFormat, StatementUnreadable, read_statement
from dunwell.ingest.bank.formats import delimited
from dunwell.ingest.bank.formats.bank_mappings import (
    BankMapping,
    Columns,
    bank_presets,
    load_bank_mapping,
    load_bank_preset,
)
from dunwell.ingest.errors import MAPPING_INVALID, MAPPING_MISSING_COLUMN, MappingError
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.statements import monthly_statements
from dunwell.simulation.company_files import write_company


def write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(dedent(text).lstrip("\n").encode(encoding))
    return path


def test_the_simulators_csv_statements_match_its_payments(tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=20, months=2, seed=1, start=date(2024, 1, 1)
    )
    write_company(company, tmp_path)
    expected = {
        s.statement_id: s
        for s in monthly_statements(company.entities, company.payments, start=company.start, end=company.end)
    }
    files = sorted((tmp_path / "statements").glob("*.csv"))
    assert {f.stem for f in files} == set(expected)
    assert sum(len(s.payments) for s in expected.values()) > 20
    for path in files:
        parsed = read_statement(path)
        truth = expected[path.stem]
        assert parsed.format is StatementFormat.CSV
        assert parsed.problems == ()
        (statement,) = parsed.statements
        assert statement.statement_id == path.stem
        assert len(statement.transactions) == len(truth.payments)
        assert (statement.credits, statement.debits) == (truth.credits, 0)
        for got, payment in zip(statement.transactions, truth.payments, strict=True):
            assert (got.entry_ref, got.amount, got.currency, got.direction) == (
                payment.payment_id, payment.amount, payment.currency, Direction.CREDIT,
            )  # fmt: skip
            assert (got.value_date, got.booking_date) == (payment.value_date, payment.value_date)
            assert (got.payer_name, got.payer_account) == (payment.payer_name, payment.payer_account)
            assert got.remittance == payment.remittance_text


def test_a_german_export_with_a_preamble_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        Kontoumsätze;;;;
        Konto;DE89370400440532013000;;;
        ;;;;
        Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Betrag (EUR)
        02.01.2024;03.01.2024;Müller GmbH;RE 4711 Danke;1.234,56
        15.01.2024;15.01.2024;Stadtwerke;Abschlag Januar;-89,90
        """,
        encoding="cp1252",
    )
    parsed = read_statement(path)
    assert parsed.problems == ()
    (statement,) = parsed.statements
    first, second = statement.transactions
    assert (first.line, first.booking_date, first.value_date) == (5, date(2024, 1, 2), date(2024, 1, 3))
    assert (first.amount, first.direction, first.currency) == (Decimal("1234.56"), Direction.CREDIT, "EUR")
    assert (first.payer_name, first.remittance) == ("Müller GmbH", "RE 4711 Danke")
    assert (second.amount, second.direction) == (Decimal("89.90"), Direction.DEBIT)


def test_credit_and_debit_columns_with_a_newest_first_running_balance(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        Date,Description,Debit,Credit,Balance,Currency
        2024-03-05,Rent,500.00,,1500.00,GBP
        2024-03-02,Invoice 17,,1000.00,2000.00,GBP
        2024-03-01,Opening transfer,,1000.00,1000.00,GBP
        """,
    )
    parsed = read_statement(path)  # reconciles: a wrong opening or closing would be a problem
    assert parsed.problems == ()
    (statement,) = parsed.statements
    assert (statement.opening, statement.closing) == (Decimal("0.00"), Decimal("1500.00"))
    assert (statement.credits, statement.debits) == (Decimal("2000.00"), Decimal("500.00"))
    assert (statement.period_start, statement.period_end) == (date(2024, 3, 1), date(2024, 3, 5))


def test_a_balance_that_does_not_add_up_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        Date,Amount,Balance,Currency
        2024-03-01,100.00,100.00,EUR
        2024-03-02,50.00,170.00,EUR
        2024-03-03,10.00,180.00,EUR
        """,
    )
    assert [p.code for p in read_statement(path).problems] == ["balance_mismatch"]


def test_an_amount_with_a_debit_credit_indicator(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        Date\tAmount\tD/C\tCurrency\tName
        01/15/2024\t1,200.00\tC\tUSD\tAcme Inc
        01/16/2024\t-45.10\tD\tUSD\tBank fee
        01/17/2024\t5.00\tX\tUSD\tWho knows
        """,
        name="export.tsv",
    )
    parsed = read_statement(path)
    assert [(t.signed, t.payer_name) for t in parsed.transactions] == [
        (Decimal("1200.00"), "Acme Inc"),
        (Decimal("-45.10"), "Bank fee"),
    ]
    (problem,) = parsed.problems
    assert (problem.code, problem.line) == ("bad_entry", 4)
    assert "indicator 'X'" in problem.message


def test_unreadable_rows_are_problems_and_the_rest_still_reads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        booking date,amount,currency,reference
        2024-05-01,10.00,EUR,A1
        2024-05-32,11.00,EUR,A2
        2024-05-02,twelve,EUR,A3
        2024-05-03,0.00,EUR,A4
        2024-05-04,1.005,EUR,A5
        2024-05-05,13.00,EURO,A6
        2024-05-06,14.00,EUR,A7
        """,
    )
    parsed = read_statement(path)
    assert [t.entry_ref for t in parsed.transactions] == ["A1", "A7"]
    assert [(p.code, p.line) for p in parsed.problems] == [
        ("bad_entry", 3), ("bad_entry", 4), ("zero_amount", 5), ("bad_entry", 6), ("bad_entry", 7),
    ]  # fmt: skip
    messages = " | ".join(p.message for p in parsed.problems)
    assert "unparseable date '2024-05-32'" in messages
    assert "not a number: 'twelve'" in messages
    assert "more decimals than EUR allows" in messages
    assert "unknown currency 'EURO'" in messages


@pytest.mark.parametrize(
    ("dates", "currency", "expected", "ambiguous"),
    [
        (["13/01/2024", "02/02/2024"], "EUR", [date(2024, 1, 13), date(2024, 2, 2)], False),
        (["01/13/2024", "02/02/2024"], "EUR", [date(2024, 1, 13), date(2024, 2, 2)], False),
        (["01/02/2024", "03/02/2024"], "EUR", [date(2024, 2, 1), date(2024, 2, 3)], True),
        (["01/02/2024", "03/02/2024"], "USD", [date(2024, 1, 2), date(2024, 3, 2)], True),
        # Two-digit years: year-first would spread four dates over nine years; day-first is certain.
        (
            ["12/8/13", "15/8/13", "3/3/13"],
            "EUR",
            [date(2013, 8, 12), date(2013, 8, 15), date(2013, 3, 3)],
            False,
        ),
    ],
)
def test_the_date_order_is_chosen_for_the_whole_file(
    tmp_path: Path, dates: list[str], currency: str, expected: list[date], ambiguous: bool
) -> None:
    rows = "\n".join(f"{d},1.00,{currency}" for d in dates)
    parsed = read_statement(write(tmp_path, f"Date,Amount,Currency\n{rows}\n"))
    assert [t.value_date for t in parsed.transactions] == expected
    assert [p.code for p in parsed.problems] == (["ambiguous_date_format"] if ambiguous else [])


def test_an_xlsx_export_with_typed_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Bank export"])
    sheet.append([])
    sheet.append(["Transaction Date", "Payee", "Amount", "Transaction ID", "Currency"])
    sheet.append([date(2024, 2, 1), "Acme", 2309.7899999999995, 19000000001, "USD"])
    sheet.append(["2024-02-02", "Beta", "-12.5", "T-2", "USD"])
    sheet.append([date(2024, 2, 3), "Gamma", 0.125, "T-3", "USD"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    parsed = read_statement(path)
    assert parsed.format is StatementFormat.XLSX
    first, second = parsed.transactions
    # Spreadsheet floats carry binary noise; rounding to the currency's cents removes it.
    assert (first.line, first.amount, first.entry_ref) == (4, Decimal("2309.79"), "19000000001")
    assert (second.value_date, second.signed) == (date(2024, 2, 2), Decimal("-12.50"))
    (problem,) = parsed.problems  # a real third decimal is not noise: the row is not rounded away
    assert (problem.code, problem.line) == ("bad_entry", 6)


def test_files_that_are_not_tables_or_have_no_bank_columns(tmp_path: Path) -> None:
    old_excel = tmp_path / "statement.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(StatementUnreadable, match=r"old binary Excel \(\.xls\).*save it as \.xlsx or CSV"):
        read_statement(old_excel)
    fake = tmp_path / "statement.xlsx"
    fake.write_text("Date,Amount\n", encoding="utf-8")
    with pytest.raises(StatementUnreadable, match="not an XLSX workbook"):
        read_statement(fake)
    unrelated = write(tmp_path, "path\tbranch\tblob\na.csv\t13.0\tb7cd\n", name="manifest.tsv")
    with pytest.raises(StatementUnreadable, match=r"no date/amount columns found.*pass a mapping"):
        read_statement(unrelated)


@pytest.mark.parametrize(
    ("name", "text", "claimed"),
    [
        ("statement.txt", '<?xml version="1.0"?><Document/>', False),
        ("statement.txt", "OFXHEADER:100\nDATA:OFXSGML\n", False),
        ("statement.txt", "01,SIMBANK,DUNWELL,240131,2000,1,,,2/\n", False),
        ("statement.txt", ":20:STARTUMS\n:25:12345678/0001\n", False),
        ("statement.txt", "!Type:Bank\nD1/2/24\nT-1.00\n^\n", False),
        ("statement.txt", "Date;Amount\n2024-01-01;1,00\n", True),
        ("statement.dat", "Booking date;Betrag;Name\n2024-01-01;1,00;X\n", True),
        ("statement.dat", "Dear customer, your statement is attached.\n", False),
    ],
)
def test_sniff_claims_tables_only(tmp_path: Path, name: str, text: str, claimed: bool) -> None:
    path = write(tmp_path, text, name=name)
    assert delimited.sniff(path.read_bytes(), path) is claimed


def test_read_with_a_yaml_mapping_by_column_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        "15.12.2018","Your payment","1.525,00","Azure Interior","INV0001"
        "16.12.2018","Card charge","33,50","Card shop",""
        "TOTAL","","1.558,50","",""
        """,
    )
    mapping_file = write(
        tmp_path,
        """
        kind: bank_statement
        header_row: 0
        skip_footer: 1
        date_formats: ["%d.%m.%Y"]
        decimal_separator: ","
        invert_sign: true
        fields:
          booking_date: 1
          amount: 3
          currency: {const: EUR}
          payer_name: 4
          remittance: [2, 5]
        """,
        name="card.yaml",
    )
    parsed = delimited.read_with_mapping(path, mapping_file)
    assert parsed.problems == ()
    assert [(t.line, t.signed, t.currency, t.remittance) for t in parsed.transactions] == [
        (1, Decimal("-1525.00"), "EUR", "Your payment INV0001"),
        (2, Decimal("-33.50"), "EUR", "Card charge"),
    ]


def test_a_mapping_naming_columns_the_file_lacks(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Amount\n2024-01-01,1.00\n")
    mapping = BankMapping(fields={"booking_date": Columns(("Date",)), "amount": Columns(("Betrag",))})
    with pytest.raises(MappingError, match=r"'Betrag'.*its first row has: 'Date', 'Amount'") as caught:
        delimited.read_with_mapping(path, mapping)
    assert caught.value.code == MAPPING_MISSING_COLUMN


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("fields: [", "not valid YAML"),
        ("kind: invoices\nfields: {booking_date: D, amount: A}", "kind bank_statement"),
        ("fields: {booking_date: D, amount: A, colour: C}", "unknown field 'colour'"),
        ("fields: {amount: A}", "map booking_date or value_date"),
        ("fields: {booking_date: D, amount: A, credit: C}", "either amount"),
        (
            "fields: {booking_date: D, credit: C, indicator: {column: X, credit: [C], debit: [D]}}",
            "indicator goes",
        ),
        (
            "fields: {booking_date: D, amount: A, indicator: {column: X, credit: [C], debit: [c]}}",
            "both credit and debit",
        ),
        ("fields: {booking_date: D, amount: [A, B]}", "takes one column"),
        ("fields: {booking_date: D, amount: A, currency: {const: EURO}}", "unknown currency"),
        ("decimal_separator: ';'\nfields: {booking_date: D, amount: A}", "decimal_separator"),
        ("encoding: klingon\nfields: {booking_date: D, amount: A}", "unknown text encoding"),
        ("header_row: 0\nfields: {booking_date: Date, amount: 2}", "by 1-based position"),
        ("date_formats: [dd.mm.yyyy]\nfields: {booking_date: D, amount: A}", "strptime"),
        ("colour: red\nfields: {booking_date: D, amount: A}", "unknown key(s) colour"),
    ],
)
def test_invalid_mappings_are_refused_with_the_reason(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = write(tmp_path, yaml_text, name="bad.yaml")
    with pytest.raises(MappingError) as caught:
        load_bank_mapping(path)
    assert message in str(caught.value)
    assert caught.value.code == MAPPING_INVALID
    assert str(path) in str(caught.value)


def test_the_presets_load_and_are_chosen_by_their_columns() -> None:
    assert set(bank_presets()) >= {"dunwell-sim", "paypal-activity", "paypal-statement", "adyen-settlement"}
    assert all(p.match for p in bank_presets().values())
    assert load_bank_preset("dunwell-sim").columns("entry_ref") == ("reference",)
    with pytest.raises(MappingError, match="no bank statement preset 'nope'"):
        load_bank_preset("nope")
