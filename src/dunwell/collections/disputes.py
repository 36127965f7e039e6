"""Disputes: opened on one or more open invoices of a customer, for no more than they have open,
with a category, an owner and a deadline; resolved with a status and what was decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dunwell.collections.repository import CollectionsRepository
from dunwell.collections.service import _choice, invalid, invoices_currency, open_invoices
from dunwell.core.access import Principal
from dunwell.core.collections import DisputeCategory, DisputeStatus
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import minor_to_decimal
from dunwell.customers.service import require_customer
from dunwell.kit.audit import record
from dunwell.orm.collections import Dispute, DisputeInvoice


@dataclass(frozen=True, slots=True)
class DisputeInput:
    category: str
    amount_minor: int
    invoice_ids: tuple[int, ...] = ()
    owner_id: int | None = None
    deadline: date | None = None
    description: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class DisputeView:
    dispute: Dispute
    invoice_ids: list[int]


def disputes(session: Session, principal: Principal, customer_id: int) -> list[DisputeView]:
    require_customer(session, principal, customer_id)
    repo = CollectionsRepository(session)
    found = repo.disputes(customer_id)
    links = repo.dispute_invoices(d.id for d in found)
    return [DisputeView(d, links.get(d.id, [])) for d in found]


def open_dispute(
    session: Session, principal: Principal, customer_id: int, data: DisputeInput, *, today: date
) -> DisputeView:
    require_customer(session, principal, customer_id, write=True)
    repo = CollectionsRepository(session)
    category = _choice(DisputeCategory, data.category, "category")
    if data.amount_minor <= 0:
        raise invalid("a dispute is for an amount above zero", "bad_amount")
    if data.deadline is not None and data.deadline < today:
        raise invalid("the deadline has already passed", "deadline_passed")
    if data.owner_id is not None and repo.user(data.owner_id) is None:
        raise invalid(f"no user {data.owner_id} to own the dispute", "bad_owner")
    invoices = open_invoices(repo, customer_id, data.invoice_ids, what="dispute")
    currency = invoices_currency(repo, customer_id, invoices, data.currency)
    open_minor = sum(i.open_amount_minor for i in invoices) if invoices else repo.open_total(customer_id)[0]
    if data.amount_minor > open_minor:
        raise DunwellError(
            f"the dispute ({minor_to_decimal(data.amount_minor, currency)} {currency}) is above what is "
            f"open ({minor_to_decimal(open_minor, currency)} {currency})",
            code="dispute_above_open",
            kind=ErrorKind.INVALID,
        )
    dispute = Dispute(
        customer_id=customer_id,
        invoice_id=invoices[0].id if len(invoices) == 1 else None,
        category=category,
        status=DisputeStatus.OPEN,
        currency=currency,
        amount_minor=data.amount_minor,
        owner_id=data.owner_id or principal.user_id,
        opened_on=today,
        deadline=data.deadline,
        description=data.description or None,
    )
    repo.add(dispute)
    repo.add_all([DisputeInvoice(dispute_id=dispute.id, invoice_id=i.id) for i in invoices])
    for invoice in invoices:
        invoice.disputed = True
    repo.flush()
    record(
        session,
        actor=principal.actor,
        action="dispute.opened",
        subject_type="customer",
        subject_id=customer_id,
        details={
            "dispute_id": dispute.id,
            "category": category.value,
            "amount_minor": data.amount_minor,
            "invoice_ids": [i.id for i in invoices],
        },
    )
    return DisputeView(dispute, [i.id for i in invoices])


def resolve_dispute(
    session: Session,
    principal: Principal,
    customer_id: int,
    dispute_id: int,
    *,
    status: str,
    resolution: str,
    today: date,
) -> DisputeView:
    require_customer(session, principal, customer_id, write=True)
    repo = CollectionsRepository(session)
    dispute = repo.dispute(dispute_id)
    if dispute is None or dispute.customer_id != customer_id:
        raise DunwellError("dispute not found", code="dispute_not_found", kind=ErrorKind.NOT_FOUND)
    outcome = _choice(DisputeStatus, status, "status")
    if outcome is DisputeStatus.OPEN:
        raise invalid("resolve as resolved_credited, resolved_rejected or withdrawn", "bad_status")
    if dispute.status is not DisputeStatus.OPEN:
        raise DunwellError(
            f"the dispute is already {dispute.status.value}", code="dispute_closed", kind=ErrorKind.CONFLICT
        )
    if not resolution.strip():
        raise invalid("say what was decided (the resolution)", "no_resolution")
    dispute.status, dispute.resolution = outcome, resolution.strip()
    dispute.resolved_on, dispute.resolved_by = today, principal.actor
    invoice_ids = repo.dispute_invoices([dispute.id]).get(dispute.id, [])
    for invoice in repo.invoices(customer_id, invoice_ids):
        if not repo.other_open_disputes(invoice.id, dispute.id):
            invoice.disputed = False
    repo.flush()
    record(
        session,
        actor=principal.actor,
        action="dispute.resolved",
        subject_type="customer",
        subject_id=customer_id,
        details={"dispute_id": dispute.id, "status": outcome.value},
    )
    return DisputeView(dispute, invoice_ids)
