"""Allocating and reversing cash against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentStatus
from dunwell.core.money import Money
from dunwell.orm import Allocation, AuditEntry, Invoice, Payment
from dunwell.settlements.posting import AllocationRefused, allocate, reverse_allocation
from factories import make_customer, make_invoice, make_payment

DAY = date(2024, 1, 20)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def test_partial_then_full_allocation_clears_the_invoice(session: Session) -> None:
    customer = make_customer(session)
    invoice = make_invoice(session, customer=customer, amount="100.00")
    payment = make_payment(session, customer=customer, amount="150.00")

    first = allocate(
        session,
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=usd("40.00"),
        applied_on=DAY,
        actor="user:ann",
    )
    assert first.invoice_open == usd("60.00")
    assert first.payment_unapplied == usd("110.00")
    assert session.get(Invoice, invoice.id).status is DocumentStatus.PARTIAL  # type: ignore[union-attr]

    second = allocate(
        session,
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=usd("60.00"),
        applied_on=DAY,
        actor="user:ann",
    )
    # 100.00 - 40.00 - 60.00 = 0 open; 150.00 - 100.00 = 50.00 stays unapplied cash.
    assert second.invoice_open == usd("0.00")
    assert second.payment_unapplied == usd("50.00")
    stored = session.get(Invoice, invoice.id)
    assert stored is not None
    assert stored.status is DocumentStatus.CLEARED
    assert stored.cleared_on == DAY


def test_over_allocation_is_refused_with_every_reason(session: Session) -> None:
    customer = make_customer(session)
    invoice = make_invoice(session, customer=customer, amount="50.00")
    payment = make_payment(session, customer=customer, amount="30.00")
    with pytest.raises(AllocationRefused) as refused:
        allocate(
            session,
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount=usd("60.00"),
            applied_on=DAY,
            actor="user:ann",
        )
    assert len(refused.value.reasons) == 2
    assert "exceeds the payment's unapplied 30.00" in str(refused.value)
    assert "exceeds the document's open amount 50.00" in str(refused.value)


def test_currency_mismatch_is_refused(session: Session) -> None:
    customer = make_customer(session)
    invoice = make_invoice(session, customer=customer, amount="50.00", currency="EUR")
    payment = make_payment(session, customer=customer, amount="50.00", currency="USD")
    with pytest.raises(AllocationRefused, match="payment is in USD, the document in EUR"):
        allocate(
            session,
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount=usd("50.00"),
            applied_on=DAY,
            actor="user:ann",
        )


def test_reversal_restores_balances_keeps_history_and_is_audited(session: Session) -> None:
    customer = make_customer(session)
    invoice = make_invoice(session, customer=customer, amount="80.00")
    payment = make_payment(session, customer=customer, amount="80.00")
    result = allocate(
        session,
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=usd("80.00"),
        applied_on=DAY,
        actor="engine:matching",
    )
    reverse_allocation(
        session,
        result.allocation_id,
        reversed_on=date(2024, 1, 25),
        actor="user:bob",
        reason="applied to the wrong customer",
    )

    stored = session.get(Invoice, invoice.id)
    cash = session.get(Payment, payment.id)
    assert stored is not None
    assert cash is not None
    assert (stored.open_amount_minor, stored.status, stored.cleared_on) == (8000, DocumentStatus.OPEN, None)
    assert cash.unapplied_minor == 8000
    allocation = session.get(Allocation, result.allocation_id)
    assert allocation is not None
    assert allocation.reversed_on == date(2024, 1, 25)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["allocation.applied", "allocation.reversed"]
    with pytest.raises(AllocationRefused, match="already reversed"):
        reverse_allocation(
            session, result.allocation_id, reversed_on=date(2024, 1, 26), actor="user:bob", reason="again"
        )


def test_audit_log_refuses_updates_and_deletes(session: Session) -> None:
    customer = make_customer(session)
    invoice = make_invoice(session, customer=customer)
    payment = make_payment(session, customer=customer)
    allocate(
        session,
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=usd("10.00"),
        applied_on=DAY,
        actor="user:ann",
    )
    session.commit()
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    invoice_cents=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=4),
    payment_cents=st.integers(min_value=1, max_value=200_000),
    steps=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 120_000), st.booleans()), max_size=12),
)
def test_allocation_invariants_hold_under_any_sequence(
    session: Session, invoice_cents: list[int], payment_cents: int, steps: list[tuple[int, int, bool]]
) -> None:
    """Whatever is tried: allocations never exceed the payment or an invoice; open = amount - allocations."""
    customer = make_customer(session)
    invoices = [make_invoice(session, customer=customer, amount=Decimal(c).scaleb(-2)) for c in invoice_cents]
    payment = make_payment(session, customer=customer, amount=Decimal(payment_cents).scaleb(-2))
    applied: list[int] = []
    for index, cents, reverse in steps:
        if reverse and applied:
            reverse_allocation(session, applied.pop(), reversed_on=DAY, actor="test", reason="property test")
            continue
        target = invoices[index % len(invoices)]
        try:
            result = allocate(
                session,
                payment_id=payment.id,
                invoice_id=target.id,
                amount=Money(Decimal(cents).scaleb(-2), "USD"),
                applied_on=DAY,
                actor="test",
            )
            applied.append(result.allocation_id)
        except AllocationRefused:
            pass
    session.expire_all()
    live = session.scalars(
        select(Allocation).where(Allocation.payment_id == payment.id, Allocation.reversed_on.is_(None))
    ).all()
    stored_payment = session.get(Payment, payment.id)
    assert stored_payment is not None
    total_applied = sum(a.amount_minor for a in live)
    assert 0 <= total_applied <= stored_payment.amount_minor
    assert stored_payment.unapplied_minor == stored_payment.amount_minor - total_applied
    for invoice in invoices:
        stored = session.get(Invoice, invoice.id)
        assert stored is not None
        on_invoice = sum(a.amount_minor for a in live if a.invoice_id == invoice.id)
        assert 0 <= on_invoice <= stored.amount_minor
        assert stored.open_amount_minor == stored.amount_minor - on_invoice
