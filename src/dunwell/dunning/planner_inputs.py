"""What the planner reads: plain values the application layer builds from the database (ADR 0029).

Everything is as known at the plan's day; amounts are integer minor units in the item's currency.
The planner groups ``OpenItem``s and ``PastMessage``s by customer itself, so the caller passes them
as flat lists straight from its queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from dunwell.core.collections import Channel, HoldReason
from dunwell.dunning.policy import frozen_map


class ContactAccess(StrEnum):
    """Whether a channel can carry a reminder to the customer, as the app judged its contacts."""

    USABLE = "usable"  # someone has an address on it, and consent where a natural person needs it
    OPTED_OUT = "opted_out"  # every contact with an address on it opted out
    NO_CONSENT = "no_consent"  # only natural persons who have not consented
    NO_ADDRESS = "no_address"  # nobody has an address for it


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open invoice (or a credit memo: a negative open amount, listed but never dunned)."""

    item_id: int
    customer_id: int
    currency: str
    due_date: date
    open_minor: int
    reference: str = ""  # the document number the customer knows it by
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class Hold:
    """A pause of dunning, on the whole customer or on one item."""

    reason: HoldReason
    starts_on: date
    ends_on: date
    item_id: int | None = None

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class OpenPromise:
    """A promise to pay not yet judged kept or broken; no ``item_ids``: all the customer's items in
    ``currency``. Instalments of an accepted payment plan are promises like any other."""

    promised_date: date
    currency: str
    item_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class UnappliedCash:
    """Money received from (or probably from) the customer and not yet applied to its items;
    ``currency`` ``None`` when unknown (it then pauses every currency)."""

    received_on: date
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class ActivePlan:
    """An accepted instalment plan over some items; ``kept`` as the promise tracking judges it."""

    item_ids: frozenset[int]
    kept: bool


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A past payment, for the cash-squeeze signs: its day, how late it was, whether it paid only part."""

    day: date
    days_late: int
    partial: bool = False


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """One customer as the planner needs it (its items and history come in separate lists)."""

    customer_id: int
    external_id: str
    segment: str | None = None
    entity: str | None = None
    strategic: bool = False
    channel_access: Mapping[Channel, ContactAccess] = field(default_factory=frozen_map)
    holds: tuple[Hold, ...] = ()
    promises: tuple[OpenPromise, ...] = ()
    unapplied_cash: tuple[UnappliedCash, ...] = ()
    plans: tuple[ActivePlan, ...] = ()
    payments: tuple[PaymentEvent, ...] = ()
    broken_promise_days: tuple[date, ...] = ()  # days promises were judged broken or partly kept
    engagement_hours: tuple[int, ...] = ()  # local hours (0-23) of past opens and payments


@dataclass(frozen=True, slots=True)
class PastLine:
    """An item listed in a past message, at the step the item had reached then."""

    item_id: int
    step_id: str


@dataclass(frozen=True, slots=True)
class PastMessage:
    """A message already planned or sent (the outbox's rows): the planner's memory."""

    key: str
    customer_id: int
    currency: str
    step_id: str
    day: date
    lines: tuple[PastLine, ...] = ()
