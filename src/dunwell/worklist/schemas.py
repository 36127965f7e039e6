"""The JSON shape of a worklist (the API's and the CLI's --json): amounts in minor units with their
currency; values for ranking in minor units of the reference currency."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from dunwell.worklist.values import Worklist as WorklistValue


class CurrencyFiguresOut(BaseModel):
    currency: str
    overdue_minor: int = Field(description="Open, not in dispute, past due")
    due_soon_minor: int = Field(description="Open, not in dispute, due within a week")
    disputed_minor: int = Field(description="In dispute: left out of the amount at stake")
    expected_minor: int = Field(
        description="Extra cash within 30 days the suggested action is expected to bring"
    )


class SuggestionOut(BaseModel):
    channel: str = Field(description="email, letter or call")
    tone: str = Field(description="friendly or firm")
    minutes: int
    cost_minor: int = Field(description="In the reference currency")
    value_minor: int = Field(
        description="Expected extra cash less the cost, in the reference currency (ranks)"
    )
    per_minute_minor: int


class PredictionOut(BaseModel):
    p50_date: date | None
    risk_late: float
    reasons: list[str]


class LastTouchOut(BaseModel):
    day: date
    channel: str
    outcome: str


class PromiseOut(BaseModel):
    status: str = Field(description="open (not due yet), broken or partly_kept")
    promised_date: date
    amount_minor: int
    currency: str


class SegmentOut(BaseModel):
    segment: str
    before: str | None = Field(description="30 days earlier")
    worse: bool


class WorkRowOut(BaseModel):
    rank: int
    customer_id: int
    external_id: str
    name: str
    figures: list[CurrencyFiguresOut]
    suggestion: SuggestionOut
    p_untouched: float = Field(description="Amount-weighted P(paid within 30 days | no action)")
    why: list[str]
    prediction: PredictionOut | None
    segment: SegmentOut | None
    last_touch: LastTouchOut | None
    promise: PromiseOut | None
    done: bool = Field(description="Something was recorded for the customer on the day")


class ReasonOut(BaseModel):
    code: str = Field(
        description="no_owner, disputed, hold, promise, recent_cash, quiet_period, contact_cap, no_contact, "
        "holdout, no_value or capacity"
    )
    text: str


class LeftOutOut(BaseModel):
    customer_id: int
    external_id: str
    name: str
    owner_id: int | None
    figures: list[CurrencyFiguresOut]
    reasons: list[ReasonOut]


class QueueOut(BaseModel):
    collector_id: int
    login: str
    name: str
    capacity_minutes: int
    planned_minutes: int
    rows: list[WorkRowOut]
    left_out: list[LeftOutOut]
    done: int
    minutes_used: int
    touches_today: int
    promised_today: list[tuple[str, int]] = Field(description="(currency, minor units) promised on the day")


class WorklistOut(BaseModel):
    as_of: date
    known_until: date = Field(description="The plan reads what was recorded by the end of this day")
    reference_currency: str
    holdout_share: float
    model: dict[str, Any]
    queues: list[QueueOut]
    unassigned: list[LeftOutOut]

    @classmethod
    def of(cls, value: WorklistValue) -> WorklistOut:
        return cls.model_validate(asdict(value))
