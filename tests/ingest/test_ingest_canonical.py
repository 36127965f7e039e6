"""The row parser: typed canonical rows from good rows, a reasoned rejection for each bad one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.core.documents import DocumentKind
from dunwell.ingest import (
    ColumnSpec,
    ImportKind,
    ImportMapping,
    InvoiceRow,
    MappingError,
    Rejection,
    SourceRow,
    identity_mapping,
    mapping_from_dict,
    parse_rows,
)

WriteCsv = Callable[..., Path]
ParseFile = Callable[[Path, ImportMapping], tuple[list[Any], list[Rejection]]]
INVOICE_HEADER = (
    "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,paid_date,document_type"
)
REQUIRED_COLUMNS = {
    "invoice_id": "a",
    "customer_id": "b",
    "issue_date": "c",
    "due_date": "d",
    "currency": "e",
    "amount": "f",
}


def invoices(
    write_csv: WriteCsv, parse: ParseFile, body: str, mapping: ImportMapping | None = None
) -> tuple[list[Any], list[Rejection]]:
    path = write_csv(INVOICE_HEADER + "\n" + body)
    return parse(path, mapping or identity_mapping(ImportKind.INVOICES))


def reasons(rejected: list[Rejection]) -> list[tuple[int, str | None, str]]:
    return [(r.line, r.field, r.reason) for r in rejected]


def test_good_invoice_row_is_typed(write_csv: WriteCsv, parse: ParseFile) -> None:
    good, rejected = invoices(write_csv, parse, "A1,C1,2024-01-02,2024-02-01,usd,100.50,,,\n")
    assert rejected == []
    assert good == [
        InvoiceRow(
            line=2,
            invoice_id="A1",
            customer_id="C1",
            customer_name=None,
            entity="MAIN",
            issue_date=date(2024, 1, 2),
            due_date=date(2024, 2, 1),
            terms=None,
            currency="USD",
            amount=Decimal("100.50"),
            open_amount=Decimal("100.50"),
            paid_date=None,
            disputed=False,
            po_number=None,
            document_type=DocumentKind.INVOICE,
        )
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        good[0].amount = Decimal(1)


def test_every_kind_of_bad_invoice_row_is_reported_with_line_field_and_reason(
    write_csv: WriteCsv, parse: ParseFile
) -> None:
    body = """\
        A1,C1,2024-01-02,2024-02-01,USD,100,,,
        A2,C1,2024-13-45,2024-02-01,USD,100,,,
        A3,C1,2024-01-02,2024-02-01,USD,12abc,,,
        A4,C1,2024-01-02,2024-02-01,XYZ,100,,,
        A5,C1,2024-03-01,2024-02-01,USD,100,,,
        A6,C1,2024-01-02,2024-02-01,USD,-100,,,
        A1,C2,2024-01-02,2024-02-01,USD,100,,,
        A8,,2024-01-02,2024-02-01,USD,100,,,
        A9,C1,2024-01-02,2024-02-01,USD,10.123,,,
        B1,C1,2024-01-02,2024-02-01,JPY,10.5,,,
        B2,C1,2024-01-02,2024-02-01,USD,100,50,2024-01-20,
        B3,C1,2024-01-02,2024-02-01,USD,100,150,,
        B4,C1,2024-01-02,2024-02-01,USD,100,-10,,
        B5,C1,2024-01-02,2024-02-01,USD,100,,2023-12-31,
        B6,C1,2024-01-02,2024-02-01,USD,100,,,debit_note
        B7,C1,2024-01-02,2024-02-01,USD,NaN,,,
    """
    import textwrap

    good, rejected = invoices(write_csv, parse, textwrap.dedent(body))
    # B5 was paid before its issue date: a prepayment, loaded (the predictor takes it as paid on issue).
    assert [r.invoice_id for r in good] == ["A1", "B5"]
    assert reasons(rejected) == [
        (3, "issue_date", "unparseable date '2024-13-45' (expected %Y-%m-%d)"),
        (4, "amount", "not a number: '12abc' (decimal separator '.')"),
        (5, "currency", "unknown currency 'XYZ' (expected an ISO 4217 code such as USD)"),
        (6, "due_date", "due date 2024-02-01 is before issue date 2024-03-01"),
        (7, "amount", "negative amount on an invoice; use document_type=credit_memo"),
        (8, "invoice_id", "duplicate invoice_id 'A1' (entity MAIN): first on line 2"),
        (9, "customer_id", "missing required field (column 'customer_id' is empty)"),
        (10, "amount", "10.123 has more decimals than USD allows (2)"),
        (11, "amount", "10.5 has more decimals than JPY allows (0)"),
        (12, "paid_date", "paid date 2024-01-20 is set but open amount is 50, not 0"),
        (13, "open_amount", "open amount 150 exceeds amount 100"),
        (14, "open_amount", "open amount -10 has the opposite sign of amount 100"),
        (16, "document_type", "unknown document type 'debit_note' (expected invoice or credit_memo)"),
        (17, "amount", "not a number: 'NaN' (decimal separator '.')"),
    ]
    assert rejected[0].raw["issue_date"] == "2024-13-45"
    assert rejected[0].raw["invoice_id"] == "A2"


def test_all_problems_of_a_row_are_reported_together(write_csv: WriteCsv, parse: ParseFile) -> None:
    _, rejected = invoices(write_csv, parse, "A1,,yesterday,2024-02-01,EURO,1e99,,,\n")
    (rejection,) = rejected
    assert rejection.field == "customer_id; issue_date; currency; amount"
    assert rejection.reason.split("; ") == [
        "missing required field (column 'customer_id' is empty)",
        "unparseable date 'yesterday' (expected %Y-%m-%d)",
        "unknown currency 'EURO' (expected an ISO 4217 code such as USD)",
        "number too large: '1e99' (at most 14 digits before the decimals)",
    ]
    assert [p.field for p in rejection.problems] == ["customer_id", "issue_date", "currency", "amount"]


def test_a_rejected_row_claims_no_key(write_csv: WriteCsv, parse: ParseFile) -> None:
    good, rejected = invoices(
        write_csv, parse, "A1,C1,2024-01-02,2024-02-01,USD,oops,,,\nA1,C1,2024-01-02,2024-02-01,USD,5,,,\n"
    )
    assert [r.line for r in good] == [3]
    assert reasons(rejected) == [(2, "amount", "not a number: 'oops' (decimal separator '.')")]


@pytest.mark.parametrize("spelling", ["credit_memo", "CM", "credit", "Credit Memo", "cn", "credit-note"])
@pytest.mark.parametrize(("amount", "open_amount"), [("40", "30"), ("-40", "-30"), ("40", "-30")])
def test_credit_memos_are_stored_negative_whatever_the_file_says(
    write_csv: WriteCsv, parse: ParseFile, spelling: str, amount: str, open_amount: str
) -> None:
    good, rejected = invoices(
        write_csv, parse, f"M1,C1,2024-01-02,2024-01-02,USD,{amount},{open_amount},,{spelling}\n"
    )
    assert rejected == []
    (memo,) = good
    assert isinstance(memo, InvoiceRow)
    assert (memo.document_type, memo.amount, memo.open_amount) == (
        DocumentKind.CREDIT_MEMO,
        Decimal(-40),
        Decimal(-30),
    )


@pytest.mark.parametrize("spelling", ["invoice", "INV", "Invoice", ""])
def test_invoice_document_type_spellings(write_csv: WriteCsv, parse: ParseFile, spelling: str) -> None:
    good, _ = invoices(write_csv, parse, f"A1,C1,2024-01-02,2024-01-02,USD,1,,,{spelling}\n")
    assert good[0].document_type is DocumentKind.INVOICE


def test_open_amount_defaults_to_amount_when_open_and_to_zero_when_paid(
    write_csv: WriteCsv, parse: ParseFile
) -> None:
    good, _ = invoices(
        write_csv,
        parse,
        "A1,C1,2024-01-02,2024-02-01,USD,100,,,\nA2,C1,2024-01-02,2024-02-01,USD,100,,2024-01-05,\n",
    )
    assert [(r.open_amount, r.paid_date) for r in good] == [
        (Decimal(100), None),
        (Decimal(0), date(2024, 1, 5)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("t", True)],
        *[("No", False), ("n", False), ("false", False), ("0", False), ("F", False), ("", False)],
    ],
)
def test_builtin_boolean_spellings(write_csv: WriteCsv, parse: ParseFile, text: str, expected: bool) -> None:
    path = write_csv(
        f"invoice_id,customer_id,issue_date,due_date,currency,amount,disputed\nA,C,2024-01-01,2024-01-01,USD,1,{text}\n"
    )
    good, rejected = parse(path, identity_mapping(ImportKind.INVOICES))
    assert rejected == []
    assert good[0].disputed is expected


def test_unknown_boolean_is_rejected(write_csv: WriteCsv, parse: ParseFile) -> None:
    path = write_csv(
        "invoice_id,customer_id,issue_date,due_date,currency,amount,disputed\nA,C,2024-01-01,2024-01-01,USD,1,maybe\n"
    )
    _, rejected = parse(path, identity_mapping(ImportKind.INVOICES))
    assert reasons(rejected) == [
        (2, "disputed", "not a yes/no value: 'maybe' (expected 1/t/true/y/yes or 0/f/false/n/no)")
    ]


def test_constants_defaults_and_add_days_derivations(write_csv: WriteCsv, parse: ParseFile) -> None:
    mapping = mapping_from_dict(
        {
            "kind": "invoices",
            "date_formats": ["%d.%m.%Y"],
            "fields": {
                "invoice_id": "No",
                "customer_id": "Cust",
                "entity": {"column": "Company", "default": "DE01"},
                "issue_date": "Date",
                "due_date": {"add_days": {"date": "issue_date", "days": 30}},
                "paid_date": {"add_days": {"date": "issue_date", "days_column": "DaysToSettle"}},
                "currency": {"const": "eur"},
                "amount": "Amount",
                "disputed": {"const": True},
            },
        }
    )
    path = write_csv(
        """\
        No,Cust,Company,Date,DaysToSettle,Amount
        1,K1,FR01,31.01.2024,13,10
        2,K1,,2024-02-29,,20
        3,K1,,01.03.2024,13.0,30
        4,K1,,01.03.2024,soon,30
        """
    )
    good, rejected = parse(path, mapping)
    rows = [
        (r.entity, r.issue_date, r.due_date, r.paid_date, r.open_amount, r.currency, r.disputed) for r in good
    ]
    assert rows == [
        ("FR01", date(2024, 1, 31), date(2024, 3, 1), date(2024, 2, 13), Decimal(0), "EUR", True),
        ("DE01", date(2024, 2, 29), date(2024, 3, 30), None, Decimal(20), "EUR", True),
        ("DE01", date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 14), Decimal(0), "EUR", True),
    ]
    assert reasons(rejected) == [
        (5, "paid_date", "column 'DaysToSettle': not a whole number of days: 'soon'")
    ]


def test_a_constant_that_does_not_parse_is_a_mapping_error() -> None:
    mapping = mapping_from_dict(
        {"kind": "invoices", "fields": {**REQUIRED_COLUMNS, "currency": {"const": "DOLLARS"}}}
    )
    with pytest.raises(MappingError, match="field currency: constant 'DOLLARS': unknown currency") as info:
        parse_rows([], mapping)
    assert info.value.code == "mapping_invalid"


def test_decimal_comma_with_thousands_dot(write_csv: WriteCsv, parse: ParseFile) -> None:
    mapping = dataclasses.replace(
        identity_mapping(ImportKind.INVOICES),
        decimal_separator=",",
        thousands_separator=".",
        csv_delimiter=";",
    )
    path = write_csv(
        """\
        invoice_id;customer_id;issue_date;due_date;currency;amount
        A1;C1;2024-01-02;2024-02-01;EUR;1.234.567,89
        A2;C1;2024-01-02;2024-02-01;EUR;-0,5
        A3;C1;2024-01-02;2024-02-01;EUR;12.50
        A4;C1;2024-01-02;2024-02-01;EUR;1.5,0
        A5;C1;2024-01-02;2024-02-01;EUR;999,99
        """
    )
    good, rejected = parse(path, mapping)
    assert [r.amount for r in good] == [Decimal("1234567.89"), Decimal("999.99")]
    expected = "(decimal separator ',', thousands separator '.')"
    assert reasons(rejected) == [
        (3, "amount", "negative amount on an invoice; use document_type=credit_memo"),
        (4, "amount", f"not a number: '12.50' {expected}"),
        (5, "amount", f"not a number: '1.5,0' {expected}"),
    ]


def test_round_to_currency_rounds_float_noise_instead_of_rejecting() -> None:
    base = identity_mapping(ImportKind.INVOICES)
    mapping = dataclasses.replace(
        base, fields={**base.fields, "amount": ColumnSpec("amount", round_to_currency=True)}
    )
    rows = [
        SourceRow(
            2,
            {
                "invoice_id": "A",
                "customer_id": "C",
                "issue_date": "2024-01-01",
                "due_date": "2024-01-01",
                "currency": "USD",
                "amount": "2309.7899999999995",
            },
        )
    ]
    (row,) = parse_rows(rows, mapping)
    assert isinstance(row, InvoiceRow)
    assert row.amount == Decimal("2309.79")


def test_structural_row_problem_rejects_the_row() -> None:
    rows = [
        SourceRow(
            7, {"invoice_id": "A"}, problem="line 7 has 12 or more values but the header has 10 columns"
        )
    ]
    (rejection,) = parse_rows(rows, identity_mapping(ImportKind.INVOICES))
    assert isinstance(rejection, Rejection)
    assert rejection.line == 7
    assert rejection.problems[0].field is None
    assert rejection.reason.startswith("line 7 has 12 or more values")


def test_a_required_derived_date_needs_its_days_and_stays_in_range(
    write_csv: WriteCsv, parse: ParseFile
) -> None:
    due = {"add_days": {"date": "issue_date", "days_column": "Days"}}
    mapping = mapping_from_dict({"kind": "invoices", "fields": {**REQUIRED_COLUMNS, "due_date": due}})
    path = write_csv(
        "a,b,c,e,f,Days\nA1,K,2024-01-01,USD,1,10\nA2,K,2024-01-01,USD,1,\nA3,K,2024-01-01,USD,1,99999999\n"
    )
    good, rejected = parse(path, mapping)
    assert [r.due_date for r in good] == [date(2024, 1, 11)]
    assert reasons(rejected) == [
        (3, "due_date", "missing required field (column 'Days' is empty)"),
        (4, "due_date", "issue_date 2024-01-01 plus 99999999 days is out of range"),
    ]
