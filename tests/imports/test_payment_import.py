"""Payment (bank credit) imports end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.core.money import Money
from dunwell.imports.payment_import import PaymentImporter
from dunwell.ingest import ImportKind
from dunwell.orm import Allocation, Customer, Invoice, Payment, PaymentOrigin
from dunwell.settlements.posting import allocate

PAYMENTS = ImportKind.PAYMENTS
AS_OF = date(2024, 3, 1)
HEADER = (
    "payment_id,entity,value_date,amount,currency,payer_name,payer_account,"
    "remittance,customer_id,bank_reference"
)


@pytest.fixture
def customers(write_csv, do_import) -> None:
    """C1 and C2 in the default entity, C3 in DE01."""
    do_import(
        ImportKind.CUSTOMERS,
        write_csv(
            """
            customer_id,name,entity
            C1,Acme Corp,
            C2,Beta Inc,
            C3,Gamma GmbH,DE01
            """,
            name="customers.csv",
        ),
        as_of=AS_OF,
    )


def by_key(book) -> dict[str, Payment]:
    return {p.natural_key: p for p in book.all(Payment)}


def test_payments_load_as_unapplied_cash_and_unknown_customers_are_rejected(
    customers, write_csv, do_import, book, read_rejects
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        PAY-1,,2024-02-01,100.00,USD,Acme Corp,DE89370400440532013000,INV-1 INV-2,C1,REF1
        PAY-2,,2024-02-02,50.00,USD,Nobody,,,C404,REF2
        PAY-3,,2024-02-03,25.00,USD,Unknown payer,,,,REF3
        PAY-4,,2024-02-04,70.00,EUR,Gamma,,,C3,REF4
        PAY-5,DE01,2024-02-05,80.00,EUR,Gamma,,,C3,REF5
        """,
        name="bank.csv",
    )

    report = do_import(PAYMENTS, path, as_of=AS_OF)

    assert (report.read, report.imported, report.rejected) == (5, 3, 2)
    rejects = read_rejects(report.reject_file)
    # C3 belongs to DE01: a payment booked to the default entity does not find it.
    assert [(r["line"], r["field"], r["reason"]) for r in rejects] == [
        ("3", "customer_id", "unknown customer 'C404'"),
        ("5", "customer_id", "unknown customer 'C3'"),
    ]
    assert (rejects[0]["payment_id"], rejects[0]["amount"], rejects[0]["payer_name"]) == (
        "PAY-2",
        "50.00",
        "Nobody",
    )
    payments = by_key(book)
    assert set(payments) == {"PAY-1", "PAY-3", "PAY-5"}
    customer_ids = {c.external_id: c.id for c in book.all(Customer) if c.external_id != "C3"}
    pay1 = payments["PAY-1"]
    assert pay1.origin is PaymentOrigin.IMPORT
    assert (pay1.value_date, pay1.currency, pay1.amount_minor, pay1.unapplied_minor) == (
        date(2024, 2, 1),
        "USD",
        10000,
        10000,
    )
    assert pay1.customer_id == customer_ids["C1"]
    assert (pay1.payer_name, pay1.payer_account, pay1.remittance, pay1.bank_reference) == (
        "Acme Corp",
        "DE89370400440532013000",
        "INV-1 INV-2",
        "REF1",
    )
    assert (pay1.source_file, pay1.source_line) == (str(path), 2)
    assert payments["PAY-3"].customer_id is None
    assert book.all(Allocation) == []  # imported cash is not applied to anything


def test_bad_payment_rows_are_rejected_and_the_good_ones_load(
    write_csv, do_import, book, read_rejects
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        P1,,2024-02-01,100.00,USD,,,,,
        P2,,2024-02-30,100.00,USD,,,,,
        P3,,2024-02-01,0,USD,,,,,
        P4,,2024-02-01,-5.00,USD,,,,,
        P5,,2024-02-01,100.00,ABC,,,,,
        P1,,2024-02-02,1.00,USD,,,,,
        P7,,,100.00,USD,,,,,
        P8,,2024-02-01,100.5,JPY,,,,,
        P9,,2024-02-01,1 000,USD,,,,,
        """
    )

    report = do_import(PAYMENTS, path, as_of=AS_OF)

    assert (report.read, report.imported, report.rejected) == (9, 1, 8)
    rejects = read_rejects(report.reject_file)
    assert [(r["line"], r["field"], r["payment_id"]) for r in rejects] == [
        ("3", "value_date", "P2"),
        ("4", "amount", "P3"),
        ("5", "amount", "P4"),
        ("6", "currency", "P5"),
        ("7", "payment_id", "P1"),
        ("8", "value_date", "P7"),
        ("9", "amount", "P8"),
        ("10", "amount", "P9"),
    ]
    reasons = [r["reason"] for r in rejects]
    assert "unparseable date '2024-02-30'" in reasons[0]
    assert "payment amount 0 is not positive" in reasons[1]
    assert "payment amount -5.00 is not positive" in reasons[2]
    assert "unknown currency 'ABC'" in reasons[3]
    assert "duplicate payment_id 'P1': first on line 2" in reasons[4]
    assert "missing required field" in reasons[5]
    assert "more decimals than JPY allows (0)" in reasons[6]
    assert "not a number: '1 000'" in reasons[7]
    assert list(by_key(book)) == ["P1"]


def test_payment_ids_make_reimports_idempotent_and_corrections_update_in_place(
    customers, write_csv, do_import, book
) -> None:
    statement = f"""
    {HEADER}
    PAY-1,,2024-02-01,100.00,USD,Acme,,INV-1,C1,
    PAY-2,,2024-02-02,50.00,USD,Beta,,,C2,
    """
    do_import(PAYMENTS, write_csv(statement), as_of=AS_OF)
    before = book.snapshot()

    again = do_import(PAYMENTS, write_csv(statement), as_of=AS_OF)

    assert (again.read, again.imported, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert book.snapshot() == before

    corrected = f"""
    {HEADER}
    PAY-1,,2024-02-01,100.00,USD,Acme Corp,,INV-1 and INV-7,C1,
    PAY-2,,2024-02-02,55.00,USD,Beta,,,C2,
    """
    report = do_import(PAYMENTS, write_csv(corrected, name="corrected.csv"), as_of=AS_OF)

    assert (report.read, report.imported, report.updated, report.unchanged) == (2, 0, 2, 0)
    payments = by_key(book)
    assert len(payments) == 2
    assert (payments["PAY-1"].payer_name, payments["PAY-1"].remittance) == ("Acme Corp", "INV-1 and INV-7")
    # Not applied yet: the amount may still be corrected, and all of it stays unapplied.
    assert (payments["PAY-2"].amount_minor, payments["PAY-2"].unapplied_minor) == (5500, 5500)


def test_rows_without_payment_id_are_keyed_by_content_and_occurrence(write_csv, do_import, book) -> None:
    row = "2024-02-01,100.00,USD,Acme,,INV-1,,"
    other = "2024-02-01,40.00,USD,Beta,,INV-9,,"
    monday = write_csv(f"{HEADER}\n,,{row}\n,,{row}\n,,{other}\n", name="monday.csv")

    first = do_import(PAYMENTS, monday, as_of=AS_OF)

    # Two equal transfers on one day are two payments, not a duplicate.
    assert (first.imported, first.rejected) == (3, 0)
    keys = sorted(by_key(book))
    assert all(k.startswith("sha256:") for k in keys)
    assert len({k.rsplit(":", 1)[0] for k in keys}) == 2
    assert sorted(k.rsplit(":", 1)[1] for k in keys) == ["1", "1", "2"]

    assert do_import(PAYMENTS, monday, as_of=AS_OF).unchanged == 3
    # The same statement exported again with one more equal transfer, in another order: one new payment.
    again = write_csv(f"{HEADER}\n,,{other}\n,,{row}\n,,{row}\n,,{row}\n", name="again.csv")
    report = do_import(PAYMENTS, again, as_of=AS_OF)

    assert (report.read, report.imported, report.unchanged) == (4, 1, 3)
    assert len(book.all(Payment)) == 4


def test_an_applied_payment_keeps_its_amount_but_descriptive_fields_may_change(
    customers, write_csv, do_import, book, read_rejects
) -> None:
    do_import(
        ImportKind.INVOICES,
        write_csv(
            "invoice_id,customer_id,issue_date,due_date,currency,amount\nINV-1,C1,2024-01-01,2024-01-31,USD,60.00\n",
            name="invoices.csv",
        ),
        as_of=AS_OF,
    )
    do_import(PAYMENTS, write_csv(f"{HEADER}\nPAY-1,,2024-02-01,100.00,USD,Acme,,,C1,\n"), as_of=AS_OF)
    (invoice,) = book.all(Invoice)
    (payment,) = book.all(Payment)
    with book.sessions() as session, session.begin():
        allocate(
            session,
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount=Money.of("60.00", "USD"),
            applied_on=date(2024, 2, 2),
            actor="user:ann",
        )

    refused = do_import(
        PAYMENTS, write_csv(f"{HEADER}\nPAY-1,,2024-02-01,90.00,USD,Acme,,,C1,\n", name="b.csv"), as_of=AS_OF
    )
    renamed = do_import(
        PAYMENTS,
        write_csv(f"{HEADER}\nPAY-1,,2024-02-01,100.00,USD,Acme Corp,,,C1,\n", name="c.csv"),
        as_of=AS_OF,
    )

    assert (refused.updated, refused.rejected) == (0, 1)
    (row,) = read_rejects(refused.reject_file)
    assert (row["line"], row["field"], row["amount"]) == ("2", "amount", "90.00")
    assert "already applied" in row["reason"]
    assert (renamed.updated, renamed.rejected) == (1, 0)
    (payment,) = book.all(Payment)
    assert (payment.payer_name, payment.amount_minor, payment.unapplied_minor) == ("Acme Corp", 10000, 4000)


def test_a_payment_import_that_fails_part_way_finishes_on_the_next_run_without_duplicates(
    write_csv, do_import, book, monkeypatch
) -> None:
    rows = "\n".join(f",,2024-02-0{n},{n}0.00,USD,Payer {n},,,," for n in range(1, 6))
    path = write_csv(f"{HEADER}\n{rows}\n,,2024-02-01,10.00,USD,Payer 1,,,,\n")
    original = PaymentImporter.import_chunk
    calls = 0

    def flaky(self, session, chunk, report):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        result = original(self, session, chunk, report)
        if calls == 2:
            raise RuntimeError("simulated crash")
        return result

    with monkeypatch.context() as patch:
        patch.setattr(PaymentImporter, "import_chunk", flaky)
        with pytest.raises(RuntimeError, match="simulated crash"):
            do_import(PAYMENTS, path, as_of=AS_OF, batch_size=2)
    assert len(book.all(Payment)) == 2

    report = do_import(PAYMENTS, path, as_of=AS_OF, batch_size=2)

    assert (report.read, report.imported, report.unchanged) == (6, 4, 2)
    payments = book.all(Payment)
    assert len(payments) == 6  # the last row repeats the first: a second equal transfer
    assert len({p.natural_key for p in payments}) == 6
    assert sum(p.amount_minor for p in payments) == 16000
