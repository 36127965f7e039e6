"""What a worklist is made of: queues (one per collector), their ranked rows with the reasons behind
each, and the customers left out with theirs. Money is integer minor units with its currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class LeftOutReason(StrEnum):
    NO_OWNER = "no_owner"
    DISPUTED = "disputed"
    HOLD = "hold"
    PROMISE = "promise"
    RECENT_CASH = "recent_cash"
    QUIET_PERIOD = "quiet_period"
    CONTACT_CAP = "contact_cap"
    NO_CONTACT = "no_contact"
    HOLDOUT = "holdout"
    NO_VALUE = "no_value"
    CAPACITY = "capacity"


@dataclass(frozen=True, slots=True)
class Reason:
    code: LeftOutReason
    text: str


@dataclass(frozen=True, slots=True)
class CurrencyFigures:
    currency: str
    overdue_minor: int  # open, not in dispute, past due
    due_soon_minor: int  # open, not in dispute, due within a week
    disputed_minor: int
    expected_minor: int = 0  # extra cash within 30 days the suggested action is expected to bring


@dataclass(frozen=True, slots=True)
class Suggestion:
    channel: str  # email, letter or call
    tone: str  # friendly or firm
    minutes: int
    cost_minor: int  # in the reference currency
    value_minor: int  # expected extra cash less the cost, in the reference currency, for ranking
    per_minute_minor: int  # value_minor per minute, rounded down


@dataclass(frozen=True, slots=True)
class Prediction:
    p50_date: date | None  # the latest of the items' predicted payment dates
    risk_late: float  # the amount-weighted chance an item is paid late
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LastTouch:
    day: date
    channel: str
    outcome: str


@dataclass(frozen=True, slots=True)
class PromiseState:
    status: str
    promised_date: date
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class SegmentState:
    segment: str
    before: str | None
    worse: bool


@dataclass(frozen=True, slots=True)
class WorkRow:
    rank: int
    customer_id: int
    external_id: str
    name: str
    figures: tuple[CurrencyFigures, ...]
    suggestion: Suggestion
    p_untouched: float  # amount-weighted P(paid within 30 days | no action)
    why: tuple[str, ...]
    prediction: Prediction | None = None
    segment: SegmentState | None = None
    last_touch: LastTouch | None = None
    promise: PromiseState | None = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class LeftOut:
    customer_id: int
    external_id: str
    name: str
    owner_id: int | None
    figures: tuple[CurrencyFigures, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Queue:
    collector_id: int
    login: str
    name: str
    capacity_minutes: int
    planned_minutes: int
    rows: tuple[WorkRow, ...]
    left_out: tuple[LeftOut, ...]
    done: int = 0  # planned customers with something recorded on the day
    minutes_used: int = 0  # the configured minutes of the day's touches on the portfolio
    touches_today: int = 0
    promised_today: tuple[tuple[str, int], ...] = ()  # (currency, minor) promised on the day


@dataclass(frozen=True, slots=True)
class Worklist:
    as_of: date
    known_until: date
    reference_currency: str
    holdout_share: float
    model: dict[str, Any]
    queues: tuple[Queue, ...]
    unassigned: tuple[LeftOut, ...]  # customers nobody owns
