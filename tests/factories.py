"""Factory functions with keyword defaults: each builds one persisted row and returns it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind, DocumentStatus
from dunwell.core.money import Money
from dunwell.orm import Customer, Invoice, LegalEntity, Payment, PaymentOrigin

_counter = itertools.count(1)


def make_entity(session: Session, *, code: str | None = None) -> LegalEntity:
    code = code or f"E{next(_counter)}"
    entity = LegalEntity(code=code, name=f"Entity {code}")
    session.add(entity)
    session.flush()
    return entity


def make_customer(
    session: Session,
    *,
    entity: LegalEntity | None = None,
    external_id: str | None = None,
    segment: str | None = None,
) -> Customer:
    entity = entity or make_entity(session)
    ext = external_id or f"C{next(_counter)}"
    customer = Customer(entity_id=entity.id, external_id=ext, name=f"Customer {ext}", segment=segment)
    session.add(customer)
    session.flush()
    return customer


def make_invoice(
    session: Session,
    *,
    customer: Customer | None = None,
    amount: str | Decimal = "100.00",
    currency: str = "USD",
    issue_date: date = date(2024, 1, 1),
    due_days: int = 30,
    kind: DocumentKind = DocumentKind.INVOICE,
) -> Invoice:
    customer = customer or make_customer(session)
    minor = Money.of(amount, currency).to_minor()
    invoice = Invoice(
        entity_id=customer.entity_id,
        customer_id=customer.id,
        number=f"INV-{next(_counter)}",
        kind=kind,
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=due_days),
        currency=currency,
        amount_minor=minor,
        open_amount_minor=minor,
        status=DocumentStatus.OPEN,
    )
    session.add(invoice)
    session.flush()
    return invoice


def make_payment(
    session: Session,
    *,
    customer: Customer | None = None,
    amount: str | Decimal = "100.00",
    currency: str = "USD",
    value_date: date = date(2024, 1, 15),
) -> Payment:
    customer = customer or make_customer(session)
    minor = Money.of(amount, currency).to_minor()
    payment = Payment(
        entity_id=customer.entity_id,
        natural_key=f"P{next(_counter)}",
        origin=PaymentOrigin.BANK_STATEMENT,
        value_date=value_date,
        currency=currency,
        amount_minor=minor,
        unapplied_minor=minor,
        customer_id=customer.id,
    )
    session.add(payment)
    session.flush()
    return payment
