"""Invoice imports end to end (file -> database), on SQLite and PostgreSQL: bad rows and the reject
file, and idempotent re-imports. History (paid dates, snapshots, crashes) is in test_invoice_history.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from textwrap import dedent

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.documents import DocumentStatus
from dunwell.ingest import ImportKind, MappingError, mapping_from_dict
from dunwell.orm import (
    AuditEntry,
    Customer,
    ImportBatch,
    Invoice,
    InvoiceRevision,
)

INVOICES = ImportKind.INVOICES
HEADER = (
    "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,"
    "open_amount,paid_date,document_type"
)


def invoices_by_number(book) -> dict[str, Invoice]:
    return {i.number: i for i in book.all(Invoice)}


# --- bad rows -------------------------------------------------------------------------------------

BAD_FILE = f"""
{HEADER}
INV-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,
INV-2,C1,Acme,2024-13-01,2024-01-31,USD,100.00,,,
INV-3,C2,Beta,2024-01-01,2024-01-31,XXX,100.00,,,
INV-4,C2,Beta,2024-02-01,2024-01-15,USD,100.00,,,
INV-5,C2,Beta,2024-01-01,2024-01-31,USD,-5.00,,,
INV-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,
INV-7,,Gamma,2024-01-01,2024-01-31,USD,100.00,,,
INV-8,C3,Gamma,2024-01-01,2024-01-31,USD,"12,50",,,
CM-1,C1,Acme,2024-01-05,2024-01-05,USD,20.00,,,credit_memo
INV-9,C3,Gamma,2024-01-01,2024-01-31,USD,50.00,0,2024-01-20,
"""

#: (line, field, part of the reason) of every bad row of BAD_FILE, in file order.
EXPECTED_REJECTS = [
    ("3", "issue_date", "unparseable date '2024-13-01'"),
    ("4", "currency", "unknown currency 'XXX'"),
    ("5", "due_date", "due date 2024-01-15 is before issue date 2024-02-01"),
    ("6", "amount", "negative amount on an invoice"),
    ("7", "invoice_id", "duplicate invoice_id 'INV-1' (entity MAIN): first on line 2"),
    ("8", "customer_id", "missing required field"),
    ("9", "amount", "not a number: '12,50'"),
]


def test_every_kind_of_bad_row_is_rejected_with_line_field_and_reason_and_good_rows_load(
    write_csv, do_import, book, read_rejects, tmp_path
) -> None:
    path = write_csv(BAD_FILE)

    report = do_import(INVOICES, path, as_of=date(2024, 2, 1), batch_size=3)

    assert report.to_dict() == {
        "read": 10,
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 7,
        "reject_file": str(tmp_path / "input.rejects.csv"),
    }
    rejects = read_rejects(report.reject_file)
    assert [(r["line"], r["field"]) for r in rejects] == [(line, f) for line, f, _ in EXPECTED_REJECTS]
    for row, (_, _, reason) in zip(rejects, EXPECTED_REJECTS, strict=True):
        assert reason in row["reason"]
    # The reject file carries the original row, column for column, after line/field/reason.
    original = list(csv.DictReader(io.StringIO(dedent(BAD_FILE).lstrip("\n"))))
    by_line = {str(i): row for i, row in enumerate(original, start=2)}
    for row in rejects:
        assert list(row)[:3] == ["line", "field", "reason"]
        assert {k: v for k, v in row.items() if k not in ("line", "field", "reason")} == by_line[row["line"]]
    # The console summary keeps the first few, already formatted.
    assert (
        report.rejection_samples[0] == "line 3, issue_date: unparseable date '2024-13-01' (expected %Y-%m-%d)"
    )

    invoices = invoices_by_number(book)
    assert set(invoices) == {"INV-1", "CM-1", "INV-9"}
    assert invoices["INV-1"].amount_minor == 10000
    assert invoices["CM-1"].amount_minor == -2000
    # Rejected rows create nothing, not even their customer (C2 appears on rejected rows only).
    assert sorted(c.external_id for c in book.all(Customer)) == ["C1", "C3"]


def test_a_row_with_several_problems_is_rejected_once_listing_all_of_them(
    write_csv, do_import, read_rejects
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        BAD,C1,Acme,someday,2024-01-31,ZZZ,abc,,,
        """
    )

    report = do_import(INVOICES, path, as_of=date(2024, 2, 1))

    assert (report.read, report.imported, report.rejected) == (1, 0, 1)
    (row,) = read_rejects(report.reject_file)
    assert row["line"] == "2"
    assert row["field"] == "issue_date; currency; amount"
    assert "unparseable date 'someday'" in row["reason"]
    assert "unknown currency 'ZZZ'" in row["reason"]
    assert "not a number: 'abc'" in row["reason"]


def test_fixed_rows_from_the_reject_file_can_be_imported_as_they_are(
    write_csv, do_import, book, read_rejects, tmp_path
) -> None:
    path = write_csv(BAD_FILE)
    report = do_import(INVOICES, path, as_of=date(2024, 2, 1))
    rejects = read_rejects(report.reject_file)
    fixes = {"3": ("issue_date", "2024-01-03"), "9": ("amount", "12.50")}
    fixed_path = tmp_path / "fixed.csv"
    with fixed_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rejects[0]))
        writer.writeheader()
        for row in rejects:
            if row["line"] in fixes:
                column, value = fixes[row["line"]]
                writer.writerow({**row, column: value})

    again = do_import(INVOICES, fixed_path, as_of=date(2024, 2, 1))

    # line/field/reason are not canonical columns: the identity mapping ignores them.
    assert (again.read, again.imported, again.rejected, again.reject_file) == (2, 2, 0, None)
    invoices = invoices_by_number(book)
    assert invoices["INV-2"].issue_date == date(2024, 1, 3)
    assert invoices["INV-8"].amount_minor == 1250


def test_a_currency_change_is_rejected_by_the_database_check_with_the_original_row(
    write_csv, do_import, book, read_rejects
) -> None:
    do_import(
        INVOICES,
        write_csv(f"{HEADER}\nK-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,\n"),
        as_of=date(2024, 2, 1),
    )
    changed = write_csv(f"{HEADER}\nK-1,C2,Beta,2024-01-01,2024-01-31,EUR,100.00,,,\n", name="next.csv")

    report = do_import(INVOICES, changed, as_of=date(2024, 3, 1))

    assert (report.read, report.updated, report.rejected) == (1, 0, 1)
    (row,) = read_rejects(report.reject_file)
    assert (row["line"], row["field"]) == ("2", "currency")
    assert "currency cannot change (stored: USD)" in row["reason"]
    assert (row["invoice_id"], row["currency"], row["amount"]) == ("K-1", "EUR", "100.00")
    (invoice,) = book.all(Invoice)
    assert invoice.currency == "USD"
    assert book.all(InvoiceRevision) == []
    assert [c.external_id for c in book.all(Customer)] == ["C1"]  # the rejected row created no C2


def test_a_mapping_that_cannot_be_compiled_fails_before_anything_is_recorded(
    write_csv, do_import, book
) -> None:
    mapping = mapping_from_dict(
        {
            "kind": "invoices",
            "fields": {
                "invoice_id": "invoice_id",
                "customer_id": "customer_id",
                "issue_date": "issue_date",
                "due_date": "due_date",
                "amount": "amount",
                "currency": {"const": "XYZ"},
            },
        },
        source="bad.yaml",
    )

    with pytest.raises(MappingError, match=r"bad\.yaml: field currency: constant 'XYZ': unknown currency"):
        do_import(INVOICES, write_csv(CLEAN_FILE), as_of=date(2024, 2, 1), mapping=mapping)

    assert book.all(ImportBatch) == []  # no unfinished run left behind
    assert book.counts()["invoices"] == 0


# --- idempotency ----------------------------------------------------------------------------------

CLEAN_FILE = f"""
{HEADER}
A-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,
A-2,C1,Acme,2024-01-10,2024-02-09,USD,250.00,100.00,,
A-3,C2,Beta,2024-01-15,2024-02-14,USD,75.50,0,2024-02-01,
CM-1,C2,Beta,2024-01-20,2024-01-20,USD,-10.00,0,2024-01-25,credit_memo
CM-2,C1,Acme,2024-01-21,2024-01-21,USD,15.00,15.00,,credit_memo
"""


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_importing_the_same_file_again_changes_nothing(write_csv, do_import, book, batch_size) -> None:
    path = write_csv(CLEAN_FILE)
    first = do_import(INVOICES, path, as_of=date(2024, 2, 15), batch_size=batch_size)
    assert (first.read, first.imported, first.rejected, first.reject_file) == (5, 5, 0, None)
    before = book.snapshot()
    # A-2's 150.00 and A-3's 75.50 as implied payments, CM-1 consumed: allocations, no bank cash.
    assert len(before["payments"]) == 0
    assert len(before["allocations"]) == 3

    again = do_import(INVOICES, path, as_of=date(2024, 2, 15), batch_size=batch_size)
    later = do_import(INVOICES, path, as_of=date(2024, 6, 30), batch_size=batch_size)

    for report in (again, later):
        assert report.to_dict() == {
            "read": 5,
            "imported": 0,
            "updated": 0,
            "unchanged": 5,
            "rejected": 0,
            "reject_file": None,
        }
    assert book.snapshot() == before  # not one row added or touched, in any table


def test_reimporting_a_file_with_bad_rows_rejects_them_again_and_adds_nothing(
    write_csv, do_import, book, read_rejects
) -> None:
    path = write_csv(BAD_FILE)
    first = do_import(INVOICES, path, as_of=date(2024, 2, 1))
    before = book.snapshot()
    first_rejects = read_rejects(first.reject_file)

    again = do_import(INVOICES, path, as_of=date(2024, 2, 1))

    assert (again.read, again.imported, again.unchanged, again.rejected) == (10, 0, 3, 7)
    assert read_rejects(again.reject_file) == first_rejects  # rewritten, not appended to
    assert book.snapshot() == before


def test_a_clean_import_removes_the_stale_reject_file_of_an_earlier_run(
    write_csv, do_import, tmp_path
) -> None:
    path = write_csv(BAD_FILE)
    assert do_import(INVOICES, path, as_of=date(2024, 2, 1)).reject_file is not None
    path.write_text(dedent(CLEAN_FILE).lstrip("\n"), encoding="utf-8")

    report = do_import(INVOICES, path, as_of=date(2024, 2, 15))

    assert report.reject_file is None
    assert not (tmp_path / "input.rejects.csv").exists()


def test_each_run_is_recorded_as_an_import_batch_and_audited(write_csv, do_import, book) -> None:
    path = write_csv(BAD_FILE)
    report = do_import(INVOICES, path, as_of=date(2024, 2, 1))

    (batch,) = book.all(ImportBatch)
    assert batch.id == report.batch_id
    assert (batch.kind, batch.source_file, batch.mapping) == ("invoices", str(path), "test")
    assert (batch.read, batch.imported, batch.updated, batch.unchanged, batch.rejected) == (10, 3, 0, 0, 7)
    assert batch.reject_file == str(report.reject_file)
    assert batch.finished_at is not None
    (entry,) = [e for e in book.all(AuditEntry) if e.action == "import.invoices"]
    assert entry.subject_type == "import_batch"
    assert entry.subject_id == str(batch.id)
    assert entry.details["rejected"] == 7


def test_amounts_are_stored_in_minor_units_with_their_status(
    write_csv, sessions: sessionmaker[Session], do_import
) -> None:
    path = write_csv(CLEAN_FILE)
    do_import(INVOICES, path, as_of=date(2024, 2, 15))
    with sessions() as session:
        stored = session.execute(
            select(Invoice.number, Invoice.amount_minor, Invoice.open_amount_minor, Invoice.status).order_by(
                Invoice.number
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("A-1", 10000, 10000, DocumentStatus.OPEN),
        ("A-2", 25000, 10000, DocumentStatus.PARTIAL),
        ("A-3", 7550, 0, DocumentStatus.CLEARED),
        ("CM-1", -1000, 0, DocumentStatus.CLEARED),
        ("CM-2", -1500, -1500, DocumentStatus.OPEN),
    ]
