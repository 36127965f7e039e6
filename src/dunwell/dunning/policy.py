"""Dunning policies as values: a ladder of steps and the settings the planner reads (ADR 0029).

A policy is written in YAML (``policies/default.yaml`` is the shipped one; ``policy_parse`` reads and
checks it) and becomes these frozen values. Amounts are integer minor units per ISO currency, never
floats. Channels are ``core.collections.Channel``; ``call`` is a call task for the customer's owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from dunwell.core.collections import Channel, TouchTone


class Tone(StrEnum):
    """How a step is worded, gentlest first."""

    FRIENDLY = "friendly"
    FIRM = "firm"
    URGENT = "urgent"
    FINAL_DEMAND = "final_demand"

    @property
    def touch_tone(self) -> TouchTone:
        """The tone a touch records (the worklist learns friendly and firm apart; the rest are firm)."""
        return TouchTone.FRIENDLY if self is Tone.FRIENDLY else TouchTone.FIRM


class Anchor(StrEnum):
    """What a step's days count from."""

    DUE = "due"  # the item's due date
    MONTH_END = "month_end"  # the last day of the month the item falls due in
    PREVIOUS_STEP = "previous_step"  # the day the item was first listed at the step before


class AssignmentSource(StrEnum):
    """Which rule chose a customer's policy, in the order they are tried."""

    CUSTOMER = "customer"
    SEGMENT = "segment"
    ENTITY = "entity"
    DEFAULT = "default"


K = TypeVar("K")
V = TypeVar("V")


def frozen_map(values: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only copy, so a policy value cannot be changed behind the planner's back."""
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    """When a person must approve a step's message before it goes out. Approval is a flag on the
    planned message (with its reasons), never a skip."""

    #: Approve when the message's net total is above this, per currency (minor units). A currency
    #: without a threshold always asks for approval when any threshold is set (fail closed).
    amount_over_minor: Mapping[str, int] = field(default_factory=frozen_map)
    strategic_accounts: bool = False
    legal_language: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.amount_over_minor or self.strategic_accounts or self.legal_language)


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder: when it is reached, how it is worded and sent, what it claims."""

    id: str
    anchor: Anchor
    days: int  # negative: before the anchor (a pre-due step counts back from the due date)
    tone: Tone
    channels: tuple[Channel, ...]
    legal_language: bool = False
    approval: ApprovalRule = field(default_factory=ApprovalRule)
    claim_interest: bool = False  # dunning.interest computes the amounts; the step only asks for it
    claim_compensation: bool = False
    offer_payment_plan: bool = False  # only to customers showing a cash squeeze
    #: Let the configured drafting provider word the message (ADR 0035); the fact guard decides
    #: whether its draft or the template's words are used. Nothing changes without a provider.
    ai_draft: bool = False

    @property
    def is_pre_due(self) -> bool:
        return self.anchor is Anchor.DUE and self.days < 0

    def describe_when(self) -> str:
        """``due + 14 days``, ``3 days before due``, ``month end + 5 days``, ``previous step + 10 days``."""
        anchor = self.anchor.value.replace("_", " ")
        if self.days < 0:
            return f"{-self.days} days before {anchor}"
        return f"{anchor} + {self.days} days"


@dataclass(frozen=True, slots=True)
class SqueezeRule:
    """Signs of a cash squeeze, read over the last ``lookback_days``: a payment plan is offered when
    at least ``signs_needed`` of them show."""

    lookback_days: int = 180
    signs_needed: int = 2
    partial_payments: int = 2  # at least this many part payments
    delay_growth_days: int = 10  # the later half of payments is this many days later on average
    broken_promises: int = 1  # at least this many broken (or partly kept) promises


@dataclass(frozen=True, slots=True)
class PaymentPlanLimits:
    """What a proposed instalment plan may look like."""

    max_instalments: int = 6
    default_instalments: int = 3
    #: Per currency (minor units): the smallest instalment, and the smallest total worth a plan.
    #: A currency without an entry has no minimum.
    min_instalment_minor: Mapping[str, int] = field(default_factory=frozen_map)
    min_total_minor: Mapping[str, int] = field(default_factory=frozen_map)
    first_instalment_days: int = 7  # after the offer
    interval_days: int = 30
    max_duration_days: int = 180  # the last instalment falls at most this many days after the offer
    squeeze: SqueezeRule = field(default_factory=SqueezeRule)


@dataclass(frozen=True, slots=True)
class SendTimeRule:
    """When in the customer's day a message goes out. Quiet hours are the compliance guard's."""

    default_hour: int = 9
    earliest_hour: int = 8
    latest_hour: int = 17
    min_events: int = 3  # fewer past opens/payments than this: the default hour
    holdout_share: float = 0.10  # customers kept on the default hour, to measure the gain


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    min_days_between_messages: int = 5
    recent_cash_days: int = 5  # unapplied cash received within this many days pauses dunning
    promise_grace_days: int = 3  # as the promise tracking counts it (collections.service.GRACE_DAYS)
    send_time: SendTimeRule = field(default_factory=SendTimeRule)
    payment_plan: PaymentPlanLimits | None = None

    def step_index(self) -> Mapping[str, int]:
        return {step.id: index for index, step in enumerate(self.steps)}


@dataclass(frozen=True, slots=True)
class Assignments:
    """Which policy a customer gets: its own entry, else its segment's, else its legal entity's,
    else the default. Keys are the customer's external id, the segment name, the entity code."""

    default: str
    customers: Mapping[str, str] = field(default_factory=frozen_map)
    segments: Mapping[str, str] = field(default_factory=frozen_map)
    entities: Mapping[str, str] = field(default_factory=frozen_map)


@dataclass(frozen=True, slots=True)
class PolicyBook:
    """A policy file: the named policies and who gets which."""

    policies: Mapping[str, Policy]
    assignments: Assignments
