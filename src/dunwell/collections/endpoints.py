"""REST: a customer's touches, promises to pay, holds and disputes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from dunwell.collections import disputes, payment_plans, service
from dunwell.collections.plan_schemas import PaymentPlanOut
from dunwell.collections.schemas import (
    Dispute,
    DisputeCreate,
    DisputeResolve,
    Hold,
    HoldCreate,
    Promise,
    PromiseCreate,
    Touch,
    TouchCreate,
)
from dunwell.core.access import Principal
from dunwell.kit.http import ERROR_RESPONSES, RowId, current_principal, db_session, writer

router = APIRouter(tags=["collections"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
BASE = "/customers/{customer_id}"


def _today() -> date:
    return date.today()  # noqa: DTZ011 - the book's own day


@router.get(f"{BASE}/touches", response_model=list[Touch])
def list_touches(customer_id: RowId, principal: Reader, session: Db) -> list[Touch]:
    return [Touch.of(t) for t in service.touches(session, principal, customer_id)]


@router.post(f"{BASE}/touches", response_model=Touch, status_code=201)
def log_touch(customer_id: RowId, body: TouchCreate, principal: Writer, session: Db) -> Touch:
    return Touch.of(
        service.log_touch(session, principal, customer_id, service.TouchInput(**body.model_dump()))
    )


@router.get(f"{BASE}/promises", response_model=list[Promise])
def list_promises(
    customer_id: RowId, principal: Reader, session: Db, as_of: date | None = None
) -> list[Promise]:
    """Promises with their status as of ``as_of`` (default today), computed from the cash applied."""
    found = service.promises(session, principal, customer_id, as_of=as_of or _today())
    return [Promise.of(v) for v in found]


@router.post(f"{BASE}/promises", response_model=Promise, status_code=201)
def record_promise(customer_id: RowId, body: PromiseCreate, principal: Writer, session: Db) -> Promise:
    data = service.PromiseInput(**{**body.model_dump(), "invoice_ids": tuple(body.invoice_ids)})
    return Promise.of(service.record_promise(session, principal, customer_id, data))


@router.get(f"{BASE}/payment-plans", response_model=list[PaymentPlanOut])
def list_payment_plans(
    customer_id: RowId, principal: Reader, session: Db, as_of: date | None = None
) -> list[PaymentPlanOut]:
    """Accepted instalment plans with each instalment's status as of ``as_of`` (default today)."""
    found = payment_plans.plans(session, principal, customer_id, as_of=as_of or _today())
    return [PaymentPlanOut.of(v) for v in found]


@router.get(f"{BASE}/holds", response_model=list[Hold])
def list_holds(customer_id: RowId, principal: Reader, session: Db) -> list[Hold]:
    return [Hold.of(h, _today()) for h in service.holds(session, principal, customer_id)]


@router.post(f"{BASE}/holds", response_model=Hold, status_code=201)
def add_hold(customer_id: RowId, body: HoldCreate, principal: Writer, session: Db) -> Hold:
    return Hold.of(
        service.add_hold(session, principal, customer_id, service.HoldInput(**body.model_dump())), _today()
    )


@router.post(f"{BASE}/holds/{{hold_id}}/release", response_model=Hold)
def release_hold(customer_id: RowId, hold_id: RowId, principal: Writer, session: Db) -> Hold:
    """End a hold early (audited); an ended or released hold is a conflict."""
    return Hold.of(service.release_hold(session, principal, customer_id, hold_id, today=_today()), _today())


@router.get(f"{BASE}/disputes", response_model=list[Dispute])
def list_disputes(customer_id: RowId, principal: Reader, session: Db) -> list[Dispute]:
    return [Dispute.of(v) for v in disputes.disputes(session, principal, customer_id)]


@router.post(f"{BASE}/disputes", response_model=Dispute, status_code=201)
def open_dispute(customer_id: RowId, body: DisputeCreate, principal: Writer, session: Db) -> Dispute:
    data = disputes.DisputeInput(**{**body.model_dump(), "invoice_ids": tuple(body.invoice_ids)})
    return Dispute.of(disputes.open_dispute(session, principal, customer_id, data, today=_today()))


@router.post(f"{BASE}/disputes/{{dispute_id}}/resolve", response_model=Dispute)
def resolve_dispute(
    customer_id: RowId, dispute_id: RowId, body: DisputeResolve, principal: Writer, session: Db
) -> Dispute:
    view = disputes.resolve_dispute(
        session,
        principal,
        customer_id,
        dispute_id,
        status=body.status,
        resolution=body.resolution,
        today=_today(),
    )
    return Dispute.of(view)
