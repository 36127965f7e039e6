"""The shipped presets against the real sample files in ../shared/data (skipped when absent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.core.documents import DocumentKind
from dunwell.ingest import (
    ImportKind,
    InvoiceRow,
    SourceRow,
    check_columns,
    load_preset,
    open_table,
    parse_rows,
)

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def import_file(relative: str, preset: str) -> tuple[list[InvoiceRow], list[object]]:
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(
            f"../shared/data not found: {path} is missing (the real sample files live beside the repo)"
        )
    mapping = load_preset(preset, ImportKind.INVOICES)
    with open_table(path, mapping=mapping) as table:
        check_columns(mapping, table.columns)
        results = list(parse_rows(table, mapping))
    return [r for r in results if isinstance(r, InvoiceRow)], [
        r for r in results if not isinstance(r, InvoiceRow)
    ]


@pytest.mark.shared
def test_ibm_sample_imports_every_row() -> None:
    rows, rejected = import_file("ibm-ar/WA_Fn-UseC_-Accounts-Receivable.csv", "ibm")
    assert rejected == []
    assert len(rows) == 2466
    first = rows[0]
    assert first == InvoiceRow(
        line=2,
        invoice_id="0000611365",
        customer_id="0379-NEVHP",
        customer_name=None,
        entity="MAIN",
        issue_date=date(2013, 1, 2),
        due_date=date(2013, 2, 1),
        terms="NET30",
        currency="USD",
        amount=Decimal("55.94"),
        open_amount=Decimal(0),
        paid_date=date(2013, 1, 15),
        disputed=False,
        po_number=None,
        document_type=DocumentKind.INVOICE,
        delivery="Paper",
    )
    assert sum(r.disputed for r in rows) == 561
    assert {r.delivery for r in rows} == {"Paper", "Electronic"}
    assert len({r.customer_id for r in rows}) == 100
    assert all((r.due_date - r.issue_date).days == 30 and r.open_amount == 0 for r in rows)


@pytest.mark.shared
def test_highradius_open_book_imports_every_row() -> None:
    rows, rejected = import_file("open-ar-book/open_invoices_2020.csv", "highradius")
    assert rejected == []
    assert len(rows) == 9681
    first = rows[0]
    assert (first.line, first.entity, first.customer_id, first.customer_name, first.invoice_id) == (
        2,
        "CA02",
        "0140105686",
        "SYSC llc",
        "2960623488",
    )
    assert (first.issue_date, first.due_date, first.terms) == (date(2020, 3, 31), date(2020, 4, 10), "CA10")
    assert (first.amount, first.open_amount, first.currency) == (
        Decimal("2309.79"),
        Decimal("2309.79"),
        "USD",
    )
    assert all(r.paid_date is None and r.open_amount == r.amount for r in rows)
    assert len({r.customer_id for r in rows}) == 694
    assert sum(r.amount for r in rows) == Decimal("310427858.75")


def test_highradius_preset_reads_the_float_dates_of_other_dataset_copies() -> None:
    mapping = load_preset("highradius", ImportKind.INVOICES)
    row = {
        "business_code": "U001",
        "cust_number": "0200769623",
        "name_customer": "WAL-MAR corp ",
        "clear_date": "2020-03-12 00:00:00",
        "doc_id": "1930525499.0",
        "baseline_create_date": "20200227.0",
        "due_in_date": "20200313.0",
        "cust_payment_terms": "NAH4",
        "converted_usd": "54273.28",
    }
    (invoice,) = parse_rows([SourceRow(2, row)], mapping)
    assert isinstance(invoice, InvoiceRow)
    assert (invoice.invoice_id, invoice.issue_date, invoice.due_date, invoice.paid_date) == (
        "1930525499",
        date(2020, 2, 27),
        date(2020, 3, 13),
        date(2020, 3, 12),
    )
    assert invoice.open_amount == 0
