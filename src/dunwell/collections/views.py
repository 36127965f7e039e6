"""The customer page (what is owed, contacts, open items with predictions, the timeline, data
quality) and its action forms: log a touch, record a promise, add or release a hold, open or
resolve a dispute. Each form posts, the service decides, and the page is shown again."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.collections import disputes, payment_plans, service
from dunwell.collections.timeline import collections_timeline
from dunwell.core.access import Principal
from dunwell.core.collections import (
    DisputeCategory,
    DisputeStatus,
    HoldReason,
    TouchChannel,
    TouchDirection,
    TouchOutcome,
    TouchTone,
)
from dunwell.customers import contacts, quality
from dunwell.customers import service as customers
from dunwell.kit.http import RowId, current_principal, db_session, form_amount_minor, page, writer
from dunwell.segments import service as segments

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]


def _today() -> date:
    return date.today()  # noqa: DTZ011 - the book's own day


def _back(customer_id: RowId, anchor: str) -> Response:
    return RedirectResponse(f"/customers/{customer_id}#{anchor}", status_code=303)


def _ids(values: list[str]) -> tuple[int, ...]:
    return tuple(int(v) for v in values if v.strip().isdigit())


@router.get("/customers/{customer_id}")
def customer_page(customer_id: RowId, request: Request, principal: Reader, session: Db) -> Response:
    today = _today()
    row = customers.customer(session, principal, customer_id, today=today)
    events = customers.ledger_timeline(session, principal, customer_id)
    events += collections_timeline(session, principal, customer_id, today=today)
    return page(
        request,
        "customers/customer.html",
        principal,
        nav="customers",
        customer=row,
        today=today,
        contacts=contacts.contacts(session, principal, customer_id),
        items=customers.open_items(session, principal, customer_id),
        timeline=customers.sorted_timeline(events)[:150],
        promises=service.promises(session, principal, customer_id, as_of=today),
        plans=payment_plans.plans(session, principal, customer_id, as_of=today),
        holds=service.holds(session, principal, customer_id),
        hold_active=service.hold_active,
        disputes=disputes.disputes(session, principal, customer_id),
        quality=quality.customer_quality(session, principal, customer_id),
        behaviour=segments.customer_segment(session, principal, customer_id, as_of=today),
        segment_labels=segments.SEGMENT_LABELS,
        figure_labels=segments.FIGURE_LABELS,
        channels=[c.value for c in TouchChannel],
        directions=[d.value for d in TouchDirection],
        tones=[t.value for t in TouchTone],
        outcomes=[o.value for o in TouchOutcome],
        reasons=[r.value for r in HoldReason],
        categories=[c.value for c in DisputeCategory],
        resolutions=[s.value for s in DisputeStatus if s is not DisputeStatus.OPEN],
        consent_channels=[c.value for c in contacts.CONSENT_CHANNELS],
        grace_days=service.GRACE_DAYS,
    )


@router.post("/customers/{customer_id}/touches")
def log_touch(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    channel: Annotated[str, Form()],
    outcome: Annotated[str, Form()],
    direction: Annotated[str, Form()] = "outbound",
    contact_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    tone: Annotated[str, Form()] = "",
) -> Response:
    occurred = datetime.combine(date.fromisoformat(day), time(12, tzinfo=UTC)) if day else None
    data = service.TouchInput(
        channel=channel,
        direction=direction,
        outcome=outcome,
        occurred_at=occurred,
        contact_id=int(contact_id) if contact_id else None,
        note=note,
        tone=tone or None,
    )
    service.log_touch(session, principal, customer_id, data)
    return _back(customer_id, "timeline")


@router.post("/customers/{customer_id}/promises")
def record_promise(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    promised_date: Annotated[date, Form()],
    amount: Annotated[str, Form()],
    currency: Annotated[str, Form()],
    invoice_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    data = service.PromiseInput(
        promised_date=promised_date,
        amount_minor=form_amount_minor(amount, currency),
        currency=currency,
        invoice_ids=_ids(invoice_ids or []),
    )
    service.record_promise(session, principal, customer_id, data)
    return _back(customer_id, "promises")


@router.post("/customers/{customer_id}/holds")
def add_hold(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    reason: Annotated[str, Form()],
    starts_on: Annotated[date, Form()],
    ends_on: Annotated[date, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    service.add_hold(session, principal, customer_id, service.HoldInput(reason, starts_on, ends_on, note))
    return _back(customer_id, "holds")


@router.post("/customers/{customer_id}/holds/{hold_id}/release")
def release_hold(customer_id: RowId, hold_id: RowId, principal: Writer, session: Db) -> Response:
    service.release_hold(session, principal, customer_id, hold_id, today=_today())
    return _back(customer_id, "holds")


@router.post("/customers/{customer_id}/disputes")
def open_dispute(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    category: Annotated[str, Form()],
    amount: Annotated[str, Form()],
    currency: Annotated[str, Form()],
    invoice_ids: Annotated[list[str] | None, Form()] = None,
    deadline: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    data = disputes.DisputeInput(
        category=category,
        amount_minor=form_amount_minor(amount, currency),
        currency=currency,
        invoice_ids=_ids(invoice_ids or []),
        deadline=date.fromisoformat(deadline) if deadline else None,
        description=description,
    )
    disputes.open_dispute(session, principal, customer_id, data, today=_today())
    return _back(customer_id, "disputes")


@router.post("/customers/{customer_id}/disputes/{dispute_id}/resolve")
def resolve_dispute(
    customer_id: RowId,
    dispute_id: RowId,
    principal: Writer,
    session: Db,
    status: Annotated[str, Form()],
    resolution: Annotated[str, Form()],
) -> Response:
    disputes.resolve_dispute(
        session, principal, customer_id, dispute_id, status=status, resolution=resolution, today=_today()
    )
    return _back(customer_id, "disputes")
