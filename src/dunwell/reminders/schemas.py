"""The REST shapes of reminders, their events, the day's skips and a dunning plan (amounts in minor
units; a reminder's ``why`` lists every reason the planner gave, codes included)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from dunwell.orm.reminders import Reminder, ReminderEvent, ReminderSkip
from dunwell.reminders.listing import FIRST_DAY, LAST_DAY


class Reason(BaseModel):
    code: str = Field(description="e.g. step_reached, strategic, amount_over, legal_language, holdout")
    text: str


class ReminderOut(BaseModel):
    id: int
    key: str
    customer_id: int
    customer: str | None = Field(description="The customer's name as the message addresses it")
    currency: str
    total_minor: int
    policy: str
    step: str
    tone: str
    channel: str = Field(description="email, letter, sms or call")
    language: str
    planned_on: date
    send_after: datetime
    status: str = Field(
        description="awaiting_approval, queued, sending, sent, unconfirmed, failed, blocked, rejected "
        "or cancelled"
    )
    needs_approval: bool
    why: list[Reason]
    to_address: str | None
    subject: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, r: Reminder) -> ReminderOut:
        return cls(**_fields(r))


class ReminderEventOut(BaseModel):
    at: datetime
    kind: str
    actor: str
    rule: str | None = Field(description="The compliance rule behind a deferral or a block")
    detail: str | None

    @classmethod
    def of(cls, e: ReminderEvent) -> ReminderEventOut:
        return cls(at=e.at, kind=e.kind.value, actor=e.actor, rule=e.rule, detail=e.detail)


class ReminderDetail(ReminderOut):
    body: str
    events: list[ReminderEventOut]

    @classmethod
    def with_events(cls, r: Reminder, events: list[ReminderEvent]) -> ReminderDetail:
        return cls(**_fields(r), body=r.body, events=[ReminderEventOut.of(e) for e in events])


class ApproveIn(BaseModel):
    note: str = Field("", max_length=2000, description="Why (recorded)")


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why it must not go (required)")


class EditIn(BaseModel):
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000, description="Plain text, never a template")


class EditOut(BaseModel):
    reminder: ReminderDetail
    guard: list[str] = Field(description="The compliance guard's remarks on the edited text (rule: reason)")


class SkipOut(BaseModel):
    id: int
    planned_on: date
    customer_id: int
    customer: str | None
    currency: str | None
    invoice_id: int | None = Field(description="The item left out; none when the whole customer was")
    code: str
    reason: str

    @classmethod
    def of(cls, s: ReminderSkip, names: dict[int, str]) -> SkipOut:
        return cls(
            id=s.id,
            planned_on=s.planned_on,
            customer_id=s.customer_id,
            customer=names.get(s.customer_id),
            currency=s.currency,
            invoice_id=s.invoice_id,
            code=s.code,
            reason=s.reason,
        )


class PlanIn(BaseModel):
    as_of: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="The day planned (default today)")


class PlanOut(BaseModel):
    as_of: date
    messages: int
    reminders_written: int
    by_status: dict[str, int]
    already_planned: int
    skipped_customers: int
    skips_written: int


def _fields(r: Reminder) -> dict[str, Any]:
    customer = r.document.get("customer") if isinstance(r.document, dict) else None
    name = customer.get("name") if isinstance(customer, dict) else None
    return {
        "id": r.id,
        "key": r.key,
        "customer_id": r.customer_id,
        "customer": str(name) if name else None,
        "currency": r.currency,
        "total_minor": r.total_minor,
        "policy": r.policy,
        "step": r.step,
        "tone": r.tone,
        "channel": r.channel,
        "language": r.language,
        "planned_on": r.planned_on,
        "send_after": r.send_after,
        "status": r.status.value,
        "needs_approval": r.needs_approval,
        "why": [Reason(code=str(x.get("code", "")), text=str(x.get("text", ""))) for x in r.reasons],
        "to_address": r.to_address,
        "subject": r.subject,
        "attempts": r.attempts,
        "sent_at": r.sent_at,
        "last_error": r.last_error,
        "decided_by": r.decided_by,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
    }
