"""The REST shapes of accepted payment plans (amounts in minor units)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from dunwell.collections.payment_plans import PlanView
from dunwell.dunning.payment_plans import Instalment


class InstalmentIn(BaseModel):
    due_date: date
    amount_minor: int = Field(gt=0)


class OfferAcceptIn(BaseModel):
    accepted_on: date | None = Field(None, description="The day the customer accepted (default today)")
    instalments: list[InstalmentIn] | None = Field(
        None, description="As agreed with the customer; none: as the reminder offered them"
    )

    def parts(self) -> tuple[Instalment, ...] | None:
        if self.instalments is None:
            return None
        return tuple(Instalment(i.due_date, i.amount_minor) for i in self.instalments)


class PlanCreate(BaseModel):
    invoice_ids: list[int] = Field(min_length=1, description="The open invoices the plan pays off")
    instalments: list[InstalmentIn] = Field(min_length=2)
    accepted_on: date | None = Field(None, description="Default today")
    contact_id: int | None = None


class InstalmentOut(BaseModel):
    promise_id: int
    due_date: date
    amount_minor: int
    status: str = Field(description="open, kept, partly_kept, broken or cancelled, as of the day asked")
    paid_minor: int = Field(description="Cash counted towards this instalment")
    judged_on: date


class PaymentPlanOut(BaseModel):
    id: int
    customer_id: int
    currency: str
    total_minor: int
    accepted_on: date
    reminder_id: int | None
    status: str = Field(description="active, completed, broken or cancelled, as of the day asked")
    invoice_ids: list[int]
    instalments: list[InstalmentOut]
    recorded_by: str

    @classmethod
    def of(cls, v: PlanView) -> PaymentPlanOut:
        p = v.plan
        return cls(
            id=p.id,
            customer_id=p.customer_id,
            currency=p.currency,
            total_minor=p.total_minor,
            accepted_on=p.accepted_on,
            reminder_id=p.reminder_id,
            status=v.status.value,
            invoice_ids=v.invoice_ids,
            instalments=[
                InstalmentOut(
                    promise_id=i.promise_id,
                    due_date=i.due_date,
                    amount_minor=i.amount_minor,
                    status=i.status.value,
                    paid_minor=i.paid_minor,
                    judged_on=i.judged_on,
                )
                for i in v.instalments
            ],
            recorded_by=p.recorded_by,
        )
