"""Full open-items snapshots: a document the ERP stops listing was cleared on the snapshot date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError
from dunwell.ingest import ImportKind
from dunwell.orm import Allocation, Invoice, InvoiceRevision

INVOICES = ImportKind.INVOICES
HEADER = "entity,invoice_id,customer_id,issue_date,due_date,currency,amount"
MAY = "\n".join(
    [
        HEADER,
        "US01,A-1,C1,2024-04-01,2024-05-01,USD,100.00",
        "US01,A-2,C1,2024-04-05,2024-05-05,USD,250.00",
        "CA02,B-1,C2,2024-04-10,2024-05-10,USD,40.00",
    ]
)
# June lists US01's A-2 only: A-1 was cleared. CA02 is not in the file, so B-1 is left alone.
JUNE = "\n".join([HEADER, "US01,A-2,C1,2024-04-05,2024-05-05,USD,250.00"])


def test_documents_missing_from_a_snapshot_are_cleared_on_its_date(write_csv, do_import, book) -> None:
    do_import(INVOICES, write_csv(MAY, name="may.csv"), as_of=date(2024, 5, 31), snapshot=True)
    report = do_import(INVOICES, write_csv(JUNE, name="june.csv"), as_of=date(2024, 6, 30), snapshot=True)

    assert (report.read, report.unchanged, report.closed) == (1, 1, 1)
    assert report.to_dict()["closed"] == 1
    invoices = {i.number: i for i in book.all(Invoice)}
    assert invoices["A-1"].status is DocumentStatus.CLEARED
    assert invoices["A-1"].cleared_on == date(2024, 6, 30)
    assert invoices["A-2"].status is DocumentStatus.OPEN
    assert invoices["B-1"].status is DocumentStatus.OPEN  # another entity: not covered by the file
    (allocation,) = book.all(Allocation)
    assert (allocation.invoice_id, allocation.kind, allocation.amount_minor, allocation.applied_on) == (
        invoices["A-1"].id,
        SettlementKind.PAYMENT,
        10000,
        date(2024, 6, 30),
    )
    (revision,) = book.all(InvoiceRevision)
    assert revision.changes == {"open_amount_minor": [10000, 0]}
    # History holds: A-1 is open in the books as of the end of May, cleared at the end of June.
    assert book.total_ar(date(2024, 5, 31)) == Decimal("390.00")  # 100 + 250 + 40
    assert book.total_ar(date(2024, 6, 30)) == Decimal("290.00")  # 250 + 40


def test_a_closed_document_listed_again_is_reopened(write_csv, do_import, book) -> None:
    do_import(INVOICES, write_csv(MAY, name="may.csv"), as_of=date(2024, 5, 31), snapshot=True)
    do_import(INVOICES, write_csv(JUNE, name="june.csv"), as_of=date(2024, 6, 30), snapshot=True)
    report = do_import(INVOICES, write_csv(MAY, name="july.csv"), as_of=date(2024, 7, 31), snapshot=True)

    assert (report.updated, report.unchanged, report.closed) == (1, 2, 0)
    a1 = next(i for i in book.all(Invoice) if i.number == "A-1")
    assert (a1.status, a1.open_amount_minor) == (DocumentStatus.OPEN, 10000)
    kinds = sorted(a.kind for a in book.all(Allocation) if a.invoice_id == a1.id)
    assert kinds == [SettlementKind.ADJUSTMENT, SettlementKind.PAYMENT]
    assert book.total_ar(date(2024, 6, 30)) == Decimal("290.00")
    assert book.total_ar(date(2024, 7, 31)) == Decimal("390.00")


def test_nothing_is_closed_when_a_row_was_rejected(write_csv, do_import, book) -> None:
    do_import(INVOICES, write_csv(MAY, name="may.csv"), as_of=date(2024, 5, 31), snapshot=True)
    # A-1 is still open but its row is bad: it must not look "missing" and be cleared.
    june = JUNE + "\nUS01,A-1,C1,2024-04-01,2024-03-01,USD,100.00"
    report = do_import(INVOICES, write_csv(june, name="june.csv"), as_of=date(2024, 6, 30), snapshot=True)

    assert (report.rejected, report.closed) == (1, None)
    assert "no missing document was closed" in report.notes[0]
    assert all(i.status is DocumentStatus.OPEN for i in book.all(Invoice))
    assert book.all(Allocation) == []


def test_without_snapshot_missing_documents_stay_open(write_csv, do_import, book) -> None:
    do_import(INVOICES, write_csv(MAY, name="may.csv"), as_of=date(2024, 5, 31))
    report = do_import(INVOICES, write_csv(JUNE, name="june.csv"), as_of=date(2024, 6, 30))

    assert report.closed is None
    assert "closed" not in report.to_dict()
    assert all(i.status is DocumentStatus.OPEN for i in book.all(Invoice))


def test_snapshot_is_for_invoices_only(write_csv, do_import) -> None:
    path = write_csv("customer_id,name\nC1,Acme\n")
    with pytest.raises(DunwellError, match="for invoices only"):
        do_import(ImportKind.CUSTOMERS, path, as_of=date(2024, 6, 30), snapshot=True)
