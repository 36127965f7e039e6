"""The send-time experiment's result from the outbox and the cash applied (``dunning.send_time_gain``):
reminders sent in a window whose outcome is complete by the day asked (sent at least ``days``
before it), each with its arm and the cash its listed items received in the ``days`` after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.dunning.send_time import SendTimeArm
from dunwell.dunning.send_time_gain import SendTimeGain, SentOutcome, send_time_gain
from dunwell.reminders.repository import OutboxRepository
from dunwell.reminders.service import visible_customers


def send_time_result(
    session: Session, principal: Principal, *, since: date, as_of: date, days: int = 7
) -> tuple[SendTimeGain, dict[str, str]]:
    """The comparison, and the window it covers (``sent_from``, ``sent_before``)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    sent_before = as_of - timedelta(days=days) + timedelta(days=1)  # outcomes complete by as_of
    outbox = OutboxRepository(session)
    sent = outbox.sent_between(
        _start(since), _start(sent_before), customers=visible_customers(session, principal)
    )
    listed = outbox.listed_items([r.id for r in sent])
    invoices = {invoice_id for items in listed.values() for invoice_id, _ in items}
    cash = outbox.cash_by_invoice_and_day(invoices, since, as_of)
    outcomes = []
    for reminder in sent:
        arm = _arm(reminder.document)
        if arm is None or reminder.sent_at is None:
            continue  # planned before the experiment was recorded
        day = reminder.sent_at.astimezone(UTC).date()
        items = listed.get(reminder.id, [])
        paid = sum(
            amount
            for invoice_id, _ in items
            for paid_on, amount in cash.get(invoice_id, [])
            if day < paid_on <= day + timedelta(days=days)
        )
        outcomes.append(SentOutcome(arm, sum(open_minor for _, open_minor in items), paid))
    window = {"sent_from": since.isoformat(), "sent_before": sent_before.isoformat()}
    return send_time_gain(outcomes, days=days), window


def _arm(document: dict[str, object]) -> SendTimeArm | None:
    recorded = document.get("send_time")
    if not isinstance(recorded, dict):
        return None
    arm = recorded.get("arm")
    return SendTimeArm(arm) if arm in {a.value for a in SendTimeArm} else None


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
