"""Invoice imports as history, on SQLite and PostgreSQL: paid dates, partial settlements, later
snapshots (updates with revisions and implied settlements), credit memos, customers created on the
fly, crash/resume, and the point-in-time figures all of this must keep reconstructable.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError
from dunwell.imports.invoice_import import InvoiceImporter
from dunwell.ingest import ImportKind
from dunwell.orm import (
    Allocation,
    Customer,
    ImportBatch,
    Invoice,
    InvoiceRevision,
    LegalEntity,
    Payment,
)

INVOICES = ImportKind.INVOICES
HEADER = (
    "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,"
    "open_amount,paid_date,document_type"
)


def invoices_by_number(book) -> dict[str, Invoice]:
    return {i.number: i for i in book.all(Invoice)}


# --- paid dates, partial settlements, later snapshots ----------------------------------------------


def test_a_paid_date_clears_the_invoice_on_that_date_with_an_implied_payment(
    write_csv, do_import, book
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        P-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,2024-02-10,
        P-2,C1,Acme,2024-01-05,2024-02-04,USD,50.00,,,
        """
    )

    do_import(INVOICES, path, as_of=date(2024, 3, 1))

    invoices = invoices_by_number(book)
    assert invoices["P-1"].status is DocumentStatus.CLEARED
    assert invoices["P-1"].cleared_on == date(2024, 2, 10)
    assert invoices["P-1"].open_amount_minor == 0
    assert invoices["P-2"].status is DocumentStatus.OPEN
    assert invoices["P-2"].open_amount_minor == 5000
    # The implied payment: an allocation of kind payment with no bank transaction behind it.
    assert book.all(Payment) == []
    (allocation,) = book.all(Allocation)
    assert (allocation.invoice_id, allocation.payment_id) == (invoices["P-1"].id, None)
    assert (allocation.kind, allocation.amount_minor) == (SettlementKind.PAYMENT, 10000)
    assert (allocation.applied_on, allocation.applied_by) == (date(2024, 2, 10), "import")
    assert allocation.reversed_on is None

    # The book as of any date: P-1 is open (and 9 days late) the day before it was paid.
    before = book.metrics(date(2024, 2, 9))
    assert before.total_ar == Decimal("150.00")
    assert before.aging.d1_30 == Decimal("150.00")
    assert book.total_ar(date(2024, 2, 10)) == Decimal("50.00")
    assert book.total_ar(date(2024, 1, 3)) == Decimal("100.00")  # P-2 not issued yet
    with pytest.raises(DunwellError, match="the book is empty as of 2023-12-31"):
        book.metrics(date(2023, 12, 31))


def test_an_open_amount_below_the_amount_is_settled_on_the_import_as_of_date(
    write_csv, do_import, book
) -> None:
    path = write_csv(f"{HEADER}\nQ-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,40.00,,\n")

    do_import(INVOICES, path, as_of=date(2024, 2, 1))

    (invoice,) = book.all(Invoice)
    assert (invoice.status, invoice.open_amount_minor, invoice.cleared_on) == (
        DocumentStatus.PARTIAL,
        4000,
        None,
    )
    (allocation,) = book.all(Allocation)
    assert (allocation.applied_on, allocation.amount_minor, allocation.kind) == (
        date(2024, 2, 1),
        6000,
        SettlementKind.PAYMENT,
    )
    assert book.total_ar(date(2024, 1, 31)) == Decimal("100.00")
    assert book.total_ar(date(2024, 2, 1)) == Decimal("40.00")


SNAPSHOT_1 = f"""
{HEADER}
U-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,100.00,,
U-2,C1,Acme,2024-01-10,2024-02-09,USD,80.00,80.00,,
"""
SNAPSHOT_2 = f"""
{HEADER}
U-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,40.00,,
U-2,C1,Acme,2024-01-10,2024-02-09,USD,80.00,80.00,,
U-3,C1,Acme,2024-02-15,2024-03-16,USD,30.00,30.00,,
"""
SNAPSHOT_3 = f"""
{HEADER}
U-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,0,2024-03-20,
U-2,C1,Acme,2024-01-10,2024-02-09,USD,80.00,80.00,,
U-3,C1,Acme,2024-02-15,2024-03-16,USD,30.00,30.00,,
"""


def test_later_snapshots_update_by_natural_key_with_revisions_and_implied_settlements(
    write_csv, do_import, book
) -> None:
    first = do_import(INVOICES, write_csv(SNAPSHOT_1, name="feb.csv"), as_of=date(2024, 2, 1))
    assert (first.imported, book.all(Allocation)) == (2, [])

    # A partial payment of 60.00 on U-1 appears in the March snapshot, plus a new invoice U-3.
    second = do_import(INVOICES, write_csv(SNAPSHOT_2, name="mar.csv"), as_of=date(2024, 3, 1))

    assert (second.read, second.imported, second.updated, second.unchanged) == (3, 1, 1, 1)
    invoices = invoices_by_number(book)
    assert len(invoices) == 3
    u1 = invoices["U-1"]
    assert (u1.open_amount_minor, u1.status) == (4000, DocumentStatus.PARTIAL)
    (revision,) = book.all(InvoiceRevision)
    assert revision.invoice_id == u1.id
    assert revision.effective_on == date(2024, 3, 1)
    assert revision.import_batch_id == second.batch_id
    assert revision.changes == {"open_amount_minor": [10000, 4000]}
    (allocation,) = book.all(Allocation)
    assert (allocation.invoice_id, allocation.applied_on, allocation.amount_minor) == (
        u1.id,
        date(2024, 3, 1),
        6000,
    )

    # April: U-1 is paid in full; its paid date says when the remaining 40.00 arrived.
    third = do_import(INVOICES, write_csv(SNAPSHOT_3, name="apr.csv"), as_of=date(2024, 4, 1))

    assert (third.read, third.imported, third.updated, third.unchanged) == (3, 0, 1, 2)
    u1 = invoices_by_number(book)["U-1"]
    assert (u1.status, u1.cleared_on, u1.open_amount_minor) == (DocumentStatus.CLEARED, date(2024, 3, 20), 0)
    revisions = book.all(InvoiceRevision)
    assert [(r.effective_on, r.changes) for r in revisions] == [
        (date(2024, 3, 1), {"open_amount_minor": [10000, 4000]}),
        (date(2024, 4, 1), {"open_amount_minor": [4000, 0]}),
    ]
    allocations = book.all(Allocation)
    assert [(a.applied_on, a.amount_minor) for a in allocations] == [
        (date(2024, 3, 1), 6000),
        (date(2024, 3, 20), 4000),
    ]
    assert sum(a.amount_minor for a in book.all(Allocation) if a.invoice_id == u1.id) == 10000

    # Each date sees the book as it stood then (U-3 was issued on 2024-02-15).
    assert book.total_ar(date(2024, 2, 14)) == Decimal("180.00")
    assert book.total_ar(date(2024, 2, 29)) == Decimal("210.00")
    assert book.total_ar(date(2024, 3, 1)) == Decimal("150.00")
    assert book.total_ar(date(2024, 3, 19)) == Decimal("150.00")
    assert book.total_ar(date(2024, 3, 20)) == Decimal("110.00")

    # The April snapshot again: nothing new anywhere.
    before = book.snapshot()
    again = do_import(INVOICES, write_csv(SNAPSHOT_3, name="apr.csv"), as_of=date(2024, 4, 1))
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    assert book.snapshot() == before


def test_an_invoice_reopened_by_a_later_snapshot_is_open_again_from_that_date(
    write_csv, do_import, book
) -> None:
    for name, open_amount, day in (("feb", "100.00", 1), ("mar", "40.00", 10), ("apr", "70.00", 20)):
        row = f"B-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,{open_amount},,"
        do_import(INVOICES, write_csv(f"{HEADER}\n{row}\n", name=f"{name}.csv"), as_of=date(2024, 3, day))

    (invoice,) = book.all(Invoice)
    assert (invoice.open_amount_minor, invoice.status) == (7000, DocumentStatus.PARTIAL)
    # The 60.00 seen on 10 March, then the bounce: an adjustment, not a negative payment.
    assert [(a.kind, a.amount_minor) for a in book.all(Allocation)] == [
        (SettlementKind.PAYMENT, 6000),
        (SettlementKind.ADJUSTMENT, -3000),
    ]
    assert [r.changes for r in book.all(InvoiceRevision)] == [
        {"open_amount_minor": [10000, 4000]},
        {"open_amount_minor": [4000, 7000]},
    ]
    assert book.total_ar(date(2024, 3, 9)) == Decimal("100.00")
    assert book.total_ar(date(2024, 3, 19)) == Decimal("40.00")
    assert book.total_ar(date(2024, 3, 20)) == Decimal("70.00")


def test_changed_due_date_and_amount_do_not_change_figures_as_of_earlier_dates(
    write_csv, do_import, book
) -> None:
    do_import(
        INVOICES,
        write_csv(f"{HEADER}\nD-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,\n", name="feb.csv"),
        as_of=date(2024, 2, 1),
    )
    # An extension to 30 April and a price correction to 90.00, known from 20 March on.
    do_import(
        INVOICES,
        write_csv(f"{HEADER}\nD-1,C1,Acme,2024-01-01,2024-04-30,USD,90.00,,,\n", name="mar.csv"),
        as_of=date(2024, 3, 20),
    )

    (revision,) = book.all(InvoiceRevision)
    assert revision.effective_on == date(2024, 3, 20)
    assert revision.changes == {
        "due_date": ["2024-01-31", "2024-04-30"],
        "amount_minor": [10000, 9000],
        "open_amount_minor": [10000, 9000],
    }
    assert book.all(Allocation) == []  # a lower amount is not a settlement
    before = book.metrics(date(2024, 3, 15))  # 44 days past the due date known then
    assert before.total_ar == Decimal("100.00")
    assert before.aging.d31_60 == Decimal("100.00")
    assert before.current_ar == 0
    after = book.metrics(date(2024, 3, 20))
    assert after.total_ar == Decimal("90.00")
    assert after.aging.current == Decimal("90.00")
    assert after.aging.d31_60 == 0


def test_an_issue_date_moved_later_by_a_later_import_keeps_the_invoice_in_earlier_books(
    write_csv, do_import, book
) -> None:
    do_import(
        INVOICES,
        write_csv(f"{HEADER}\nX-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,\n", name="jan.csv"),
        as_of=date(2024, 1, 10),
    )
    do_import(
        INVOICES,
        write_csv(f"{HEADER}\nX-1,C1,Acme,2024-02-15,2024-03-16,USD,100.00,,,\n", name="mar.csv"),
        as_of=date(2024, 3, 1),
    )

    # On 20 January the book held X-1, issued 1 January: the March correction was not known yet.
    assert book.total_ar(date(2024, 1, 20)) == Decimal("100.00")


# --- credit memos ---------------------------------------------------------------------------------


def test_credit_memos_are_stored_negative_and_a_consumed_one_settles_without_cash(
    write_csv, do_import, book
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        INV-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,,invoice
        CM-1,C1,Acme,2024-01-05,2024-01-05,USD,30.00,30.00,,credit_memo
        CM-2,C1,Acme,2024-01-06,2024-01-06,USD,-20.00,0,2024-01-20,cm
        """
    )

    report = do_import(INVOICES, path, as_of=date(2024, 2, 1))

    assert (report.imported, report.rejected) == (3, 0)
    invoices = invoices_by_number(book)
    cm1, cm2 = invoices["CM-1"], invoices["CM-2"]
    assert (cm1.kind, cm1.amount_minor, cm1.open_amount_minor, cm1.status) == (
        DocumentKind.CREDIT_MEMO,
        -3000,
        -3000,
        DocumentStatus.OPEN,
    )
    assert (cm2.kind, cm2.amount_minor, cm2.open_amount_minor, cm2.status) == (
        DocumentKind.CREDIT_MEMO,
        -2000,
        0,
        DocumentStatus.CLEARED,
    )
    assert book.all(Payment) == []  # consumed credit is not cash
    (allocation,) = book.all(Allocation)
    assert (allocation.invoice_id, allocation.kind, allocation.amount_minor, allocation.payment_id) == (
        cm2.id,
        SettlementKind.CREDIT,
        -2000,
        None,
    )
    assert allocation.applied_on == date(2024, 1, 20)
    # Open credit reduces AR; the consumed one did until it was used.
    assert book.total_ar(date(2024, 1, 19)) == Decimal("50.00")
    assert book.total_ar(date(2024, 1, 20)) == Decimal("70.00")


def test_a_credit_memo_consumed_in_a_later_snapshot_gets_a_credit_settlement(
    write_csv, do_import, book
) -> None:
    do_import(
        INVOICES,
        write_csv(
            f"{HEADER}\nCM-1,C1,Acme,2024-01-05,2024-01-05,USD,30.00,30.00,,credit_memo\n", name="a.csv"
        ),
        as_of=date(2024, 2, 1),
    )
    report = do_import(
        INVOICES,
        write_csv(
            f"{HEADER}\nCM-1,C1,Acme,2024-01-05,2024-01-05,USD,30.00,10.00,,credit_memo\n", name="b.csv"
        ),
        as_of=date(2024, 3, 1),
    )

    assert report.updated == 1
    assert book.all(Payment) == []
    (allocation,) = book.all(Allocation)
    assert (allocation.kind, allocation.amount_minor, allocation.applied_on) == (
        SettlementKind.CREDIT,
        -2000,
        date(2024, 3, 1),
    )
    assert book.total_ar(date(2024, 2, 29)) == Decimal("-30.00")
    assert book.total_ar(date(2024, 3, 1)) == Decimal("-10.00")


# --- customers and entities from invoice rows ------------------------------------------------------


def test_customers_and_entities_are_created_from_invoice_rows(write_csv, do_import, book) -> None:
    path = write_csv(
        """
        invoice_id,customer_id,customer_name,entity,issue_date,due_date,currency,amount
        I-1,C1,Acme Corp,US01,2024-01-01,2024-01-31,USD,10.00
        I-2,C1,Acme Corp,US01,2024-01-02,2024-02-01,USD,20.00
        I-3,C1,,DE01,2024-01-03,2024-02-02,EUR,30.00
        I-4,C2,,US01,2024-01-04,2024-02-03,USD,40.00
        I-1,C9,Other,DE01,2024-01-05,2024-02-04,EUR,50.00
        I-5,C3,Gamma,,2024-01-05,2024-02-04,USD,60.00
        """
    )

    report = do_import(INVOICES, path, as_of=date(2024, 2, 1), batch_size=2)

    # I-1 in DE01 is not a duplicate of I-1 in US01: the natural key is entity + invoice number.
    assert (report.imported, report.rejected) == (6, 0)
    entities = {e.id: e.code for e in book.all(LegalEntity)}
    assert sorted(entities.values()) == ["DE01", "MAIN", "US01"]  # an empty entity is the default
    customers = {(entities[c.entity_id], c.external_id): c for c in book.all(Customer)}
    assert {key: c.name for key, c in customers.items()} == {
        ("US01", "C1"): "Acme Corp",
        ("DE01", "C1"): "C1",  # no name in the file: the customer is named after its id
        ("US01", "C2"): "C2",
        ("DE01", "C9"): "Other",
        ("MAIN", "C3"): "Gamma",
    }
    owner = {(entities[i.entity_id], i.number): i.customer_id for i in book.all(Invoice)}
    assert owner[("US01", "I-1")] == owner[("US01", "I-2")] == customers[("US01", "C1")].id
    assert owner[("DE01", "I-3")] == customers[("DE01", "C1")].id
    assert owner[("DE01", "I-1")] == customers[("DE01", "C9")].id


# --- crash safety ---------------------------------------------------------------------------------


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """Make the ``number``-th chunk do its writes and then fail, as a crash before its commit would."""
    original = InvoiceImporter.import_chunk
    calls = 0

    def flaky(self, session, rows, report):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        result = original(self, session, rows, report)
        if calls == number:
            raise RuntimeError("simulated crash")
        return result

    monkeypatch.setattr(InvoiceImporter, "import_chunk", flaky)


CRASH_FILE = f"""
{HEADER}
R-1,C1,Acme,2024-01-01,2024-01-31,USD,10.00,,2024-01-20,
R-2,C2,Beta,2024-01-02,2024-02-01,USD,20.00,,2024-01-21,
R-3,C3,Gamma,2024-01-03,2024-02-02,USD,30.00,,2024-01-22,
R-4,C4,Delta,2024-01-04,2024-02-03,USD,40.00,,2024-01-23,
R-5,C5,Eps,2024-01-05,2024-02-04,USD,50.00,,2024-01-24,
"""


def _assert_one_settlement_per_invoice(book) -> None:
    invoices = book.all(Invoice)
    allocations = book.all(Allocation)
    for invoice in invoices:
        mine = [a for a in allocations if a.invoice_id == invoice.id]
        assert len(mine) <= 1
        assert sum(a.amount_minor for a in mine) == invoice.amount_minor - invoice.open_amount_minor


def test_an_import_that_fails_part_way_finishes_on_the_next_run_without_duplicates(
    write_csv, do_import, book, monkeypatch
) -> None:
    path = write_csv(CRASH_FILE)
    with monkeypatch.context() as patch:
        _fail_on_call(patch, 2)
        with pytest.raises(RuntimeError, match="simulated crash"):
            do_import(INVOICES, path, as_of=date(2024, 2, 15), batch_size=2)

    # The first chunk was committed, the second rolled back entirely.
    counts = book.counts()
    assert (counts["invoices"], counts["allocations"]) == (2, 2)
    assert counts["customers"] == 2
    (crashed,) = book.all(ImportBatch)
    assert crashed.finished_at is None  # an interrupted run is visible as such

    report = do_import(INVOICES, path, as_of=date(2024, 2, 15), batch_size=2)

    assert (report.read, report.imported, report.unchanged, report.rejected) == (5, 3, 2, 0)
    counts = book.counts()
    assert (counts["invoices"], counts["allocations"]) == (5, 5)
    assert counts["customers"] == 5
    _assert_one_settlement_per_invoice(book)
    assert book.total_ar(date(2024, 1, 19)) == Decimal("150.00")
    assert book.total_ar(date(2024, 1, 24)) == 0


def test_an_update_run_that_fails_part_way_posts_each_settlement_once_after_the_rerun(
    write_csv, do_import, book, monkeypatch
) -> None:
    opening = "\n".join(
        f"S-{n},C{n},Cust {n},2024-01-0{n},2024-01-3{n % 2},USD,{n}00.00,{n}00.00,," for n in range(1, 6)
    )
    partly_paid = "\n".join(
        f"S-{n},C{n},Cust {n},2024-01-0{n},2024-01-3{n % 2},USD,{n}00.00,{n}0.00,," for n in range(1, 6)
    )
    do_import(INVOICES, write_csv(f"{HEADER}\n{opening}\n", name="feb.csv"), as_of=date(2024, 2, 1))
    march = write_csv(f"{HEADER}\n{partly_paid}\n", name="mar.csv")
    with monkeypatch.context() as patch:
        _fail_on_call(patch, 2)
        with pytest.raises(RuntimeError, match="simulated crash"):
            do_import(INVOICES, march, as_of=date(2024, 3, 1), batch_size=2)
    assert book.counts()["allocations"] == 2

    report = do_import(INVOICES, march, as_of=date(2024, 3, 1), batch_size=2)

    assert (report.read, report.updated, report.unchanged) == (5, 3, 2)
    counts = book.counts()
    assert (counts["allocations"], counts["invoice_revisions"]) == (5, 5)
    _assert_one_settlement_per_invoice(book)
    # 100+200+300+400+500 issued, 10+20+30+40+50 still open after the March snapshot.
    assert book.total_ar(date(2024, 2, 29)) == Decimal("1500.00")
    assert book.total_ar(date(2024, 3, 1)) == Decimal("150.00")
