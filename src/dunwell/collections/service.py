"""Touches, promises to pay, holds and disputes: recorded for a customer of the principal's
portfolio, validated with clear errors, and audited.

A promise's status is computed from the cash applied, as of any day, never read stale from the
row: kept when the cash applied between the day it was made and the promised day plus
``GRACE_DAYS`` covers it; until then open; after that partly kept (some cash) or broken (none).
A hold is active while today is within its days and nobody released it; it ends by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from dunwell.collections.repository import CollectionsRepository
from dunwell.core.access import Principal
from dunwell.core.collections import (
    DisputeCategory,
    DisputeStatus,
    HoldReason,
    PaymentPlanStatus,
    PromiseStatus,
    TouchChannel,
    TouchDirection,
    TouchOutcome,
    TouchTone,
    plan_status,
)
from dunwell.core.documents import DocumentStatus
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.contacts import contact_for
from dunwell.customers.service import require_customer
from dunwell.kit import audit
from dunwell.kit.audit import record
from dunwell.orm.collections import Hold, PromiseInvoice, PromiseToPay, Touch
from dunwell.orm.invoice import Invoice

#: Days after the promised date that cash still counts as on time (banks take a day or two, and
#: a payment run may fall on the next business day); only then is a promise partly kept or broken.
GRACE_DAYS = 3
Choice = TypeVar(
    "Choice",
    TouchChannel,
    TouchDirection,
    TouchOutcome,
    TouchTone,
    HoldReason,
    DisputeCategory,
    DisputeStatus,
)


def invalid(message: str, code: str) -> DunwellError:
    return DunwellError(message, code=code, kind=ErrorKind.INVALID)


def _choice(kind: type[Choice], value: str, what: str) -> Choice:
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(m.value for m in kind)
        raise invalid(f"{what} must be one of {names}, not {value!r}", f"bad_{what}") from None


# --- touches -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TouchInput:
    channel: str
    direction: str
    outcome: str
    occurred_at: datetime | None = None
    contact_id: int | None = None
    note: str | None = None
    #: How an outbound message or call was worded (friendly or firm); None when nobody said.
    tone: str | None = None


def touches(session: Session, principal: Principal, customer_id: int) -> list[Touch]:
    require_customer(session, principal, customer_id)
    return CollectionsRepository(session).touches(customer_id)


def log_touch(session: Session, principal: Principal, customer_id: int, data: TouchInput) -> Touch:
    require_customer(session, principal, customer_id, write=True)
    channel = _choice(TouchChannel, data.channel, "channel")
    direction = _choice(TouchDirection, data.direction, "direction")
    outcome = _choice(TouchOutcome, data.outcome, "outcome")
    tone = _choice(TouchTone, data.tone, "tone") if data.tone else None
    if tone is not None and direction is not TouchDirection.OUTBOUND:
        # The worklist learns what wording brings cash; an inbound call has no wording of ours.
        raise invalid("only an outbound touch has a tone", "tone_inbound")
    contact_for(session, customer_id, data.contact_id)
    now = datetime.now(UTC)
    occurred = data.occurred_at or now
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    if occurred > now + timedelta(minutes=5):
        raise invalid("a touch cannot happen in the future", "touch_in_future")
    touch = Touch(
        customer_id=customer_id,
        contact_id=data.contact_id,
        user_id=principal.user_id,
        channel=channel,
        direction=direction,
        outcome=outcome,
        tone=tone,
        occurred_at=occurred,
        note=data.note or None,
    )
    CollectionsRepository(session).add(touch)
    record(
        session,
        actor=principal.actor,
        action="touch.logged",
        subject_type="customer",
        subject_id=customer_id,
        details={
            "touch_id": touch.id,
            "channel": channel.value,
            "outcome": outcome.value,
            "tone": tone.value if tone else None,
        },
    )
    return touch


# --- promises ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromiseInput:
    promised_date: date
    amount_minor: int
    invoice_ids: tuple[int, ...] = ()
    currency: str | None = None
    contact_id: int | None = None
    made_on: date | None = None


@dataclass(frozen=True, slots=True)
class PromiseView:
    promise: PromiseToPay
    invoice_ids: list[int]
    status: PromiseStatus
    paid_minor: int
    judged_on: date  # the promised date plus the grace period


def promise_status(
    repo: CollectionsRepository, promise: PromiseToPay, invoice_ids: list[int], *, as_of: date
) -> tuple[PromiseStatus, int]:
    """The promise's status as of ``as_of`` and the cash counted towards it. An instalment of a
    payment plan is judged on the cash its items received since the plan was accepted against
    everything due by its day (``plan_cumulative_minor``): what paid an earlier instalment does
    not count twice, and paying ahead keeps the later ones."""
    judged_on = promise.promised_date + timedelta(days=GRACE_DAYS)
    received = repo.cash_applied(
        customer_id=promise.customer_id,
        invoice_ids=invoice_ids,
        since=promise.made_on,
        until=judged_on,
        as_of=as_of,
    )
    target = promise.plan_cumulative_minor or promise.amount_minor
    paid = min(max(received - (target - promise.amount_minor), 0), promise.amount_minor)
    if promise.plan_cumulative_minor is None:
        paid = received  # a promise of its own shows everything it received
    if promise.status is PromiseStatus.CANCELLED:
        return PromiseStatus.CANCELLED, paid
    if received >= target:
        return PromiseStatus.KEPT, paid
    if as_of <= judged_on:
        return PromiseStatus.OPEN, paid
    return (PromiseStatus.PARTLY_KEPT if paid > 0 else PromiseStatus.BROKEN), paid


def promises(session: Session, principal: Principal, customer_id: int, *, as_of: date) -> list[PromiseView]:
    """The customer's promises with their status as of ``as_of``, computed from the cash applied
    (reading never writes: the stored status is refreshed by ``refresh_promises``)."""
    require_customer(session, principal, customer_id)
    repo = CollectionsRepository(session)
    found = repo.promises(customer_id)
    links = repo.promise_invoices(p.id for p in found)
    views = []
    for promise in found:
        status, paid = promise_status(repo, promise, links.get(promise.id, []), as_of=as_of)
        judged_on = promise.promised_date + timedelta(days=GRACE_DAYS)
        views.append(PromiseView(promise, links.get(promise.id, []), status, paid, judged_on))
    return views


def refresh_promises(session: Session, principal: Principal, *, as_of: date) -> dict[str, int]:
    """Store every promise's status as of ``as_of`` (what readers of the stored status, such as the
    prediction's features, see); run after the day's cash is applied. Audited once, with counts."""
    principal.require_write()
    repo = CollectionsRepository(session)
    found = repo.all_promises()
    links = repo.promise_invoices(p.id for p in found)
    changed: dict[str, int] = {}
    for promise in found:
        status, _ = promise_status(repo, promise, links.get(promise.id, []), as_of=as_of)
        if promise.status is not status:
            promise.status = status
            changed[status.value] = changed.get(status.value, 0) + 1
    repo.flush()
    for plan, statuses in repo.plans_with_instalment_statuses():
        judged = plan_status(statuses) if plan.status is not PaymentPlanStatus.CANCELLED else plan.status
        if plan.status is not judged:
            plan.status = judged
            key = f"plan_{judged.value}"
            changed[key] = changed.get(key, 0) + 1
    repo.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="promises.refreshed",
        subject_type="promise",
        subject_id="*",
        details={"as_of": as_of.isoformat(), "promises": len(found), "changed": changed},
    )
    return {"promises": len(found), **changed}


def record_promise(
    session: Session, principal: Principal, customer_id: int, data: PromiseInput
) -> PromiseView:
    require_customer(session, principal, customer_id, write=True)
    repo = CollectionsRepository(session)
    made_on = data.made_on or date.today()  # noqa: DTZ011
    if data.amount_minor <= 0:
        raise invalid("a promise is for an amount above zero", "bad_amount")
    if data.promised_date < made_on:
        raise invalid("the promised date is before the day the promise was made", "promise_in_past")
    contact_for(session, customer_id, data.contact_id)
    invoices = open_invoices(repo, customer_id, data.invoice_ids, what="promise")
    currency = invoices_currency(repo, customer_id, invoices, data.currency)
    promise = PromiseToPay(
        customer_id=customer_id,
        invoice_id=invoices[0].id if len(invoices) == 1 else None,
        contact_id=data.contact_id,
        made_on=made_on,
        promised_date=data.promised_date,
        currency=currency,
        amount_minor=data.amount_minor,
        status=PromiseStatus.OPEN,
        recorded_by=principal.actor,
    )
    repo.add(promise)
    repo.add_all([PromiseInvoice(promise_id=promise.id, invoice_id=i.id) for i in invoices])
    record(
        session,
        actor=principal.actor,
        action="promise.recorded",
        subject_type="customer",
        subject_id=customer_id,
        details={
            "promise_id": promise.id,
            "amount_minor": data.amount_minor,
            "currency": currency,
            "promised_date": data.promised_date.isoformat(),
            "invoice_ids": [i.id for i in invoices],
        },
    )
    return PromiseView(
        promise,
        [i.id for i in invoices],
        PromiseStatus.OPEN,
        0,
        data.promised_date + timedelta(days=GRACE_DAYS),
    )


def open_invoices(
    repo: CollectionsRepository, customer_id: int, ids: tuple[int, ...], *, what: str
) -> list[Invoice]:
    invoices = repo.invoices(customer_id, set(ids))
    missing = sorted(set(ids) - {i.id for i in invoices})
    if missing:
        raise DunwellError(
            f"invoice(s) {', '.join(map(str, missing))} not found for this customer",
            code="invoice_not_found",
            kind=ErrorKind.NOT_FOUND,
        )
    closed = [i.number for i in invoices if i.status is DocumentStatus.CLEARED or i.open_amount_minor <= 0]
    if closed:
        raise DunwellError(
            f"a {what} cannot be made on a closed invoice: {', '.join(sorted(closed))}",
            code="invoice_closed",
            kind=ErrorKind.CONFLICT,
        )
    return invoices


def invoices_currency(
    repo: CollectionsRepository, customer_id: int, invoices: list[Invoice], given: str | None
) -> str:
    currencies = {i.currency for i in invoices}
    if len(currencies) > 1:
        raise invalid("the invoices are in different currencies: record one per currency", "mixed_currencies")
    currency = next(iter(currencies), None) or given or repo.open_total(customer_id)[1]
    currency = currency or repo.customer_currency(customer_id)
    if not currency:
        raise invalid("say the currency (the customer has no open invoices to take it from)", "no_currency")
    if given and given.upper() != currency:
        raise invalid(f"the invoices are in {currency}, not {given}", "wrong_currency")
    return currency.upper()


# --- holds ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoldInput:
    reason: str
    starts_on: date
    ends_on: date
    note: str | None = None


def hold_active(hold: Hold, today: date) -> bool:
    return hold.released_at is None and hold.starts_on <= today <= hold.ends_on


def holds(session: Session, principal: Principal, customer_id: int) -> list[Hold]:
    require_customer(session, principal, customer_id)
    return CollectionsRepository(session).holds(customer_id)


def add_hold(session: Session, principal: Principal, customer_id: int, data: HoldInput) -> Hold:
    require_customer(session, principal, customer_id, write=True)
    reason = _choice(HoldReason, data.reason, "reason")
    if data.ends_on < data.starts_on:
        raise invalid(
            f"the hold ends ({data.ends_on}) before it starts ({data.starts_on})", "hold_ends_before_start"
        )
    hold = Hold(
        customer_id=customer_id,
        reason=reason,
        note=data.note or None,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=principal.actor,
    )
    CollectionsRepository(session).add(hold)
    record(
        session,
        actor=principal.actor,
        action="hold.added",
        subject_type="customer",
        subject_id=customer_id,
        details={
            "hold_id": hold.id,
            "reason": reason.value,
            "starts_on": data.starts_on.isoformat(),
            "ends_on": data.ends_on.isoformat(),
        },
    )
    return hold


def release_hold(
    session: Session, principal: Principal, customer_id: int, hold_id: int, *, today: date
) -> Hold:
    require_customer(session, principal, customer_id, write=True)
    repo = CollectionsRepository(session)
    hold = repo.hold(hold_id)
    if hold is None or hold.customer_id != customer_id:
        raise DunwellError("hold not found", code="hold_not_found", kind=ErrorKind.NOT_FOUND)
    if hold.released_at is not None:
        raise DunwellError(
            f"the hold was already released by {hold.released_by}",
            code="hold_released",
            kind=ErrorKind.CONFLICT,
        )
    if hold.ends_on < today:
        raise DunwellError("the hold has already ended by itself", code="hold_ended", kind=ErrorKind.CONFLICT)
    hold.released_at, hold.released_by = datetime.now(UTC), principal.actor
    repo.flush()
    record(
        session,
        actor=principal.actor,
        action="hold.released",
        subject_type="customer",
        subject_id=customer_id,
        details={"hold_id": hold.id},
    )
    return hold
