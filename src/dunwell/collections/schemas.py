"""The REST shapes of touches, promises to pay, holds and disputes (amounts in minor units)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from dunwell.collections.disputes import DisputeView
from dunwell.collections.service import PromiseView, hold_active
from dunwell.orm.collections import Hold as HoldRow
from dunwell.orm.collections import Touch as TouchRow


class TouchCreate(BaseModel):
    channel: str = Field(description="call, email, letter, meeting or sms")
    direction: str = Field("outbound", description="outbound or inbound")
    outcome: str = Field(
        description="reached, voicemail, no_answer, wrong_number, promise, dispute, paid, refused, …"
    )
    occurred_at: datetime | None = None
    contact_id: int | None = None
    note: str | None = None
    tone: str | None = Field(None, description="friendly or firm; outbound touches only")


class Touch(BaseModel):
    id: int
    customer_id: int
    contact_id: int | None
    channel: str
    direction: str
    outcome: str
    occurred_at: datetime
    note: str | None
    tone: str | None

    @classmethod
    def of(cls, t: TouchRow) -> Touch:
        return cls(
            id=t.id,
            customer_id=t.customer_id,
            contact_id=t.contact_id,
            channel=t.channel.value,
            direction=t.direction.value,
            outcome=t.outcome.value,
            occurred_at=t.occurred_at,
            note=t.note,
            tone=t.tone.value if t.tone else None,
        )


class PromiseCreate(BaseModel):
    promised_date: date
    amount_minor: int = Field(gt=0)
    currency: str | None = None
    invoice_ids: list[int] = Field([], description="Empty: the promise is for the account")
    contact_id: int | None = None


class Promise(BaseModel):
    id: int
    customer_id: int
    made_on: date
    promised_date: date
    judged_on: date = Field(description="The promised date plus the grace period")
    amount_minor: int
    currency: str
    invoice_ids: list[int]
    status: str = Field(description="open, kept, partly_kept, broken or cancelled, as of today")
    paid_minor: int
    recorded_by: str

    @classmethod
    def of(cls, v: PromiseView) -> Promise:
        p = v.promise
        return cls(
            id=p.id,
            customer_id=p.customer_id,
            made_on=p.made_on,
            promised_date=p.promised_date,
            judged_on=v.judged_on,
            amount_minor=p.amount_minor,
            currency=p.currency,
            invoice_ids=v.invoice_ids,
            status=v.status.value,
            paid_minor=v.paid_minor,
            recorded_by=p.recorded_by,
        )


class HoldCreate(BaseModel):
    reason: str = Field(description="dispute, promise, manual, legal or bankruptcy")
    starts_on: date
    ends_on: date
    note: str | None = None


class Hold(BaseModel):
    id: int
    customer_id: int
    reason: str
    note: str | None
    starts_on: date
    ends_on: date
    active: bool
    created_by: str
    released_at: datetime | None
    released_by: str | None

    @classmethod
    def of(cls, h: HoldRow, today: date) -> Hold:
        return cls(
            id=h.id,
            customer_id=h.customer_id,
            reason=h.reason.value,
            note=h.note,
            starts_on=h.starts_on,
            ends_on=h.ends_on,
            active=hold_active(h, today),
            created_by=h.created_by,
            released_at=h.released_at,
            released_by=h.released_by,
        )


class DisputeCreate(BaseModel):
    category: str
    amount_minor: int = Field(gt=0)
    currency: str | None = None
    invoice_ids: list[int] = []
    owner_id: int | None = None
    deadline: date | None = None
    description: str | None = None


class DisputeResolve(BaseModel):
    status: str = Field(description="resolved_credited, resolved_rejected or withdrawn")
    resolution: str


class Dispute(BaseModel):
    id: int
    customer_id: int
    invoice_ids: list[int]
    category: str
    status: str
    amount_minor: int
    currency: str
    owner_id: int | None
    opened_on: date
    deadline: date | None
    description: str | None
    resolution: str | None
    resolved_on: date | None
    resolved_by: str | None

    @classmethod
    def of(cls, v: DisputeView) -> Dispute:
        d = v.dispute
        return cls(
            id=d.id,
            customer_id=d.customer_id,
            invoice_ids=v.invoice_ids,
            category=d.category.value,
            status=d.status.value,
            amount_minor=d.amount_minor,
            currency=d.currency,
            owner_id=d.owner_id,
            opened_on=d.opened_on,
            deadline=d.deadline,
            description=d.description,
            resolution=d.resolution,
            resolved_on=d.resolved_on,
            resolved_by=d.resolved_by,
        )
