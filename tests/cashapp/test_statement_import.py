"""Importing bank statements: each credit once, whatever file or format reports it (both databases)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cashapp.helpers import ENTITY, Book, Entry
from dunwell.cashapp.service import ImportResult, import_statement
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.orm import AuditEntry, BankAccount, BankStatement, Payment, PaymentOrigin, StatementEntry
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

ImportCamt = Callable[..., ImportResult]
Count = Callable[[type], int]
ACME = {"payer": "Acme Trading Inc", "payer_account": "US11BANK0001"}
ENTRIES = [
    Entry("E-1", "100.00", remittance="90000001", **ACME),
    Entry("E-2", "42.00", payer="Bolt Industries", day=date(2024, 2, 2)),
    Entry("E-3", "77.10", payer="Office Supplies", direction="DBIT"),
]


def test_credits_become_unapplied_payments_and_debits_are_counted(
    session: Session, book: Book, import_camt: ImportCamt, count: Count
) -> None:
    result = import_camt(ENTRIES)

    assert (result.statements_new, result.payments_created, result.debits) == (1, 2, 1)
    payments = session.scalars(select(Payment).order_by(Payment.value_date)).all()
    assert [(p.amount_minor, p.unapplied_minor, p.origin) for p in payments] == [
        (10000, 10000, PaymentOrigin.BANK_STATEMENT),
        (4200, 4200, PaymentOrigin.BANK_STATEMENT),
    ]
    assert (payments[0].payer_name, payments[0].remittance) == ("Acme Trading Inc", "90000001")
    assert payments[0].customer_id is None  # identified by matching, not by the import
    assert (count(BankStatement), count(StatementEntry), count(BankAccount)) == (1, 2, 1)
    statement = session.scalars(select(BankStatement)).one()
    assert (statement.statement_id, statement.format, statement.transactions) == ("S-2024-02", "camt.053", 3)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "cashapp.statement_imported")).one()
    assert (audit.details["payments_created"], audit.details["debits"]) == (2, 1)


def test_the_same_file_twice_changes_nothing(
    session: Session, book: Book, write_camt: Callable[..., Path], count: Count
) -> None:
    path = write_camt(ENTRIES)
    import_statement(session, path, entity_code=ENTITY, actor="test")
    before = (count(Payment), count(BankStatement), count(StatementEntry), count(AuditEntry))

    again = import_statement(session, path, actor="test")  # the account is known now

    assert (again.statements_new, again.statements_skipped, again.payments_created) == (0, 1, 0)
    assert again.statements[0].status == "already_imported"
    assert (count(Payment), count(BankStatement), count(StatementEntry), count(AuditEntry)) == before


def test_a_resent_statement_adds_only_the_entries_the_first_copy_lacked(
    session: Session, book: Book, import_camt: ImportCamt, count: Count
) -> None:
    import_camt(ENTRIES)
    same = import_camt(ENTRIES, name="copy.xml")  # the same statement in another file: nothing new
    # Re-sent by the bank: same account and statement id, one more entry, different bytes.
    again = import_camt([*ENTRIES, Entry("E-9", "5.00", payer="Late Entry")], name="resent.xml")

    assert (same.statements[0].status, same.payments_created) == ("already_imported", 0)
    assert (again.statements[0].status, again.payments_created, again.payments_present) == ("amended", 1, 2)
    assert [p.code for p in again.problems] == ["statement_amended"]
    assert "adds 1 payment(s)" in again.problems[0].message
    assert (count(Payment), count(BankStatement), count(StatementEntry)) == (3, 1, 3)  # listed once
    amended = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "cashapp.statement_amended")
    ).one()
    assert (amended.details["payments_created"], amended.details["statement_id"]) == (1, "S-2024-02")


def test_an_overlapping_statement_adds_only_the_new_credits(
    session: Session, book: Book, import_camt: ImportCamt, count: Count
) -> None:
    import_camt(ENTRIES[:2], statement_id="S-A")
    second = import_camt(
        [ENTRIES[1], Entry("E-4", "60.00", payer="Crane Works")], "b.xml", statement_id="S-B"
    )

    assert (second.statements_new, second.payments_created, second.payments_present) == (1, 1, 1)
    assert count(Payment) == 3


def test_entries_without_a_reference_are_keyed_by_content_and_occurrence(
    session: Session, book: Book, import_camt: ImportCamt, count: Count
) -> None:
    twin = Entry(None, "10.00", payer="Crane Works", remittance="weekly")
    first = import_camt([twin, twin], statement_id=None)
    overlapping = import_camt(
        [twin, twin, Entry(None, "11.00", payer="Crane Works")], "b.xml", statement_id=None
    )

    assert first.payments_created == 2  # two identical payments on one day are two payments
    assert (overlapping.payments_created, overlapping.payments_present) == (1, 2)
    assert count(Payment) == 3


def test_reversals_are_problems_for_a_person_not_payments(
    session: Session, book: Book, import_camt: ImportCamt, count: Count
) -> None:
    result = import_camt([ENTRIES[0], Entry("R-1", "100.00", payer="Acme", direction="DBIT", reversal=True)])

    assert (result.payments_created, result.reversals, result.debits) == (1, 1, 0)
    assert [p.code for p in result.problems] == ["reversal"]
    assert "100.00 USD" in result.problems[0].message
    assert count(Payment) == 1


def test_an_unknown_account_needs_an_entity_once(
    session: Session, book: Book, write_camt: Callable[..., Path], count: Count
) -> None:
    path = write_camt(ENTRIES)
    with pytest.raises(DunwellError) as unknown:
        import_statement(session, path, actor="test")
    assert unknown.value.code == "unknown_bank_account"
    with pytest.raises(DunwellError) as no_entity:
        import_statement(session, path, entity_code="NOPE", actor="test")
    assert no_entity.value.kind is ErrorKind.NOT_FOUND

    import_statement(session, path, entity_code=ENTITY, actor="test")
    account = session.scalars(select(BankAccount)).one()
    assert (account.account, account.entity_id) == ("DE89370400440532013000", book.entity.id)
    later = write_camt([Entry("E-7", "1.00", payer="x")], "later.xml", statement_id="S-2024-03")
    assert import_statement(session, later, actor="test").payments_created == 1


def test_an_account_of_another_entity_is_a_conflict(
    session: Session, book: Book, write_camt: Callable[..., Path]
) -> None:
    from factories import make_entity

    make_entity(session, code="OTHER")
    import_statement(session, write_camt(ENTRIES), entity_code=ENTITY, actor="test")
    with pytest.raises(DunwellError) as conflict:
        import_statement(
            session, write_camt(ENTRIES, "x.xml", statement_id="S2"), entity_code="OTHER", actor="t"
        )
    assert conflict.value.kind is ErrorKind.CONFLICT


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    company = generate_company(
        preset=PRESETS["distributor"], customers=20, months=3, seed=1, start=date(2024, 1, 1)
    )
    out = tmp_path_factory.mktemp("company")
    write_company(company, out)
    return out / "statements"


@pytest.mark.parametrize("order", [("camt053.xml", "csv", "bai2"), ("csv", "bai2", "camt053.xml")])
def test_one_month_in_three_formats_is_one_set_of_payments(
    session: Session, simulated: Path, order: tuple[str, ...], count: Count
) -> None:
    from factories import make_entity

    make_entity(session, code="U001")
    results = [
        import_statement(session, simulated / f"U001-2024-02.{suffix}", entity_code="U001", actor="test")
        for suffix in order
    ]

    created = [r.payments_created for r in results]
    assert created[0] == 31
    assert created[1:] == [0, 0]  # the same statement (camt/CSV share its id) or the same entries
    assert count(Payment) == 31
    assert count(BankAccount) == 1  # a CSV names no account: it is the entity's only one
    account = session.scalars(select(BankAccount)).one()
    assert account.account == "000400112233"
    # Imported first, a file is known by its bytes: the same file again needs no --entity.
    first = simulated / f"U001-2024-02.{order[0]}"
    again = import_statement(session, first, actor="test")
    assert [(s.status, s.entity) for s in again.statements] == [("already_imported", "U001")]
