"""REST: the dunning outbox (reminders with what happened to them, the day's skips), the decisions
on what waits for a person, and planning a day. Reads are portfolio-scoped; decisions and planning
are a manager's (the service refuses anyone else with 403)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from dunwell.collections import payment_plans
from dunwell.collections.plan_schemas import OfferAcceptIn, PaymentPlanOut, PlanCreate
from dunwell.core.access import Principal
from dunwell.core.reminders import ReminderStatus
from dunwell.dunning.payment_plans import Instalment
from dunwell.kit.http import ERROR_RESPONSES, RowId, current_principal, db_session, writer
from dunwell.reminders import listing, plan_offers, service
from dunwell.reminders.schemas import (
    ApproveIn,
    EditIn,
    EditOut,
    PlanIn,
    PlanOut,
    RejectIn,
    ReminderDetail,
    ReminderOut,
    SkipOut,
)

router = APIRouter(tags=["dunning"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
Day = Annotated[
    date | None, Query(ge=listing.FIRST_DAY, le=listing.LAST_DAY, description="Planned on this day")
]


@router.get("/reminders", response_model=list[ReminderOut])
def list_reminders(
    principal: Reader, session: Db, status: ReminderStatus | None = None, day: Day = None
) -> list[ReminderOut]:
    """Reminders planned on ``day`` (default: any day, the latest 500) in ``status`` (default: any)."""
    found = listing.reminders(session, principal, statuses=[status] if status else None, day=day)
    return [ReminderOut.of(r) for r in found]


@router.get("/reminders/{reminder_id}", response_model=ReminderDetail)
def get_reminder(reminder_id: RowId, principal: Reader, session: Db) -> ReminderDetail:
    """The exact message (subject, body, recipient), why it was planned and what happened to it."""
    view = service.reminder(session, principal, reminder_id)
    return ReminderDetail.with_events(view.reminder, view.events)


@router.post("/reminders/{reminder_id}/approve", response_model=ReminderDetail)
def approve(reminder_id: RowId, body: ApproveIn, principal: Writer, session: Db) -> ReminderDetail:
    """Let it go: queued for its send time (the compliance guard still decides when it is sent)."""
    service.approve(session, principal, reminder_id, note=body.note)
    return _detail(session, principal, reminder_id)


@router.post("/reminders/{reminder_id}/reject", response_model=ReminderDetail)
def reject(reminder_id: RowId, body: RejectIn, principal: Writer, session: Db) -> ReminderDetail:
    """Stop it for good, with the reason."""
    service.reject(session, principal, reminder_id, reason=body.reason)
    return _detail(session, principal, reminder_id)


@router.post("/reminders/{reminder_id}/edit", response_model=EditOut)
def edit(reminder_id: RowId, body: EditIn, principal: Writer, session: Db) -> EditOut:
    """Replace the words; the guard checks the edited message at once. An edit it would never send
    is refused (400, ``blocked_by_guard``); one it would send later is kept, with its remarks."""
    _, remarks = service.edit(session, principal, reminder_id, subject=body.subject, body=body.body)
    return EditOut(reminder=_detail(session, principal, reminder_id), guard=remarks)


@router.get("/dunning/skips", response_model=list[SkipOut])
def list_skips(principal: Reader, session: Db, day: Day = None) -> list[SkipOut]:
    """The customers and items the day's plan (default today) left out, each with its reason."""
    found = listing.skips(session, principal, day or listing.today())
    names = listing.customer_names(session, {s.customer_id for s in found})
    return [SkipOut.of(s, names) for s in found]


@router.post("/dunning/plan", response_model=PlanOut)
def plan(request: Request, body: PlanIn, principal: Writer, session: Db) -> PlanOut:
    """Plan a day (default today) for every customer: reminders to the outbox, skips with reasons.
    Planning a day again writes nothing new."""
    principal.require_manager()
    outcome = service.plan_day(
        session, principal, request.app.state.settings, as_of=body.as_of or listing.today()
    )
    summary = outcome.summary()
    return PlanOut(
        as_of=outcome.as_of,
        messages=summary["messages"],
        reminders_written=summary["reminders_written"],
        by_status=summary["by_status"],
        already_planned=summary["already_planned"],
        skipped_customers=summary["skipped_customers"],
        skips_written=outcome.skips_written,
    )


def _detail(session: Session, principal: Principal, reminder_id: int) -> ReminderDetail:
    session.flush()  # the decision's event is read back with the others
    view = service.reminder(session, principal, reminder_id)
    return ReminderDetail.with_events(view.reminder, view.events)


@router.post("/reminders/{reminder_id}/payment-plan", response_model=PaymentPlanOut, status_code=201)
def accept_plan_offer(
    request: Request, reminder_id: RowId, body: OfferAcceptIn, principal: Writer, session: Db
) -> PaymentPlanOut:
    """The customer accepted the instalment plan this sent reminder offered (as offered, or with the
    instalments agreed with them, within the policy's limits): one promise per instalment, and the
    dunning ladder pauses the items while the plan is kept."""
    view = plan_offers.accept_offer(
        session,
        principal,
        service.policy_book(request.app.state.settings),
        reminder_id,
        accepted_on=body.accepted_on or listing.today(),
        instalments=body.parts(),
    )
    return PaymentPlanOut.of(view)


@router.post("/customers/{customer_id}/payment-plans", response_model=PaymentPlanOut, status_code=201)
def record_payment_plan(
    request: Request, customer_id: RowId, body: PlanCreate, principal: Writer, session: Db
) -> PaymentPlanOut:
    """A plan agreed with the customer (on a call): one promise per instalment; the limits of the
    customer's dunning policy apply when it has any."""
    accepted_on = body.accepted_on or listing.today()
    limits = plan_offers.customer_plan_limits(
        session, principal, request.app.state.settings, customer_id, as_of=accepted_on
    )
    data = payment_plans.PlanInput(
        instalments=tuple(Instalment(i.due_date, i.amount_minor) for i in body.instalments),
        invoice_ids=tuple(body.invoice_ids),
        accepted_on=accepted_on,
        contact_id=body.contact_id,
    )
    return PaymentPlanOut.of(payment_plans.accept_plan(session, principal, customer_id, data, limits=limits))
