"""Instalment plans for customers short of cash (ADR 0029).

A step with ``offer_payment_plan`` offers a plan only where the customer's behaviour suggests a cash
squeeze: part payments, payments growing later, broken promises (``squeeze_signs``). The proposal
(``propose_plan``) splits the total exactly, in integer minor units, into instalments that respect the
policy's limits; an edited plan is checked with ``plan_problems``. An accepted plan becomes one
promise per instalment (the app's work), and the planner pauses the items while the plan is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from dunwell.core.money import Money
from dunwell.dunning.planner_inputs import PaymentEvent
from dunwell.dunning.policy import PaymentPlanLimits, SqueezeRule
from dunwell.dunning.reasons import Reason, ReasonCode

#: Fewer payments than this in the window say nothing about a trend in delays.
MIN_PAYMENTS_FOR_TREND = 4


@dataclass(frozen=True, slots=True)
class Instalment:
    due_date: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PlanProposal:
    """Instalments summing exactly to ``total_minor``; ``reasons`` say why a plan is offered."""

    currency: str
    total_minor: int
    instalments: tuple[Instalment, ...]
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanRefusal:
    """Why no plan can be proposed (too small, or no date fits the limits)."""

    reason: str


def squeeze_signs(
    payments: Iterable[PaymentEvent], broken_promise_days: Iterable[date], *, as_of: date, rule: SqueezeRule
) -> tuple[Reason, ...]:
    """Every sign of a cash squeeze in the ``rule.lookback_days`` before ``as_of``; a plan is offered
    when there are at least ``rule.signs_needed``."""
    since = as_of - timedelta(days=rule.lookback_days)
    recent = sorted((p for p in payments if since < p.day <= as_of), key=lambda p: p.day)
    signs: list[Reason] = []
    partial = sum(p.partial for p in recent)
    if partial >= rule.partial_payments:
        signs.append(
            Reason(ReasonCode.CASH_SQUEEZE, f"{partial} part payments in the last {rule.lookback_days} days")
        )
    if len(recent) >= MIN_PAYMENTS_FOR_TREND:
        half = len(recent) // 2
        earlier, later = recent[:half], recent[half:]
        earlier_sum = sum(p.days_late for p in earlier)
        later_sum = sum(p.days_late for p in later)
        # later mean - earlier mean >= growth, in whole numbers (no rounding decides a sign)
        growth = later_sum * len(earlier) - earlier_sum * len(later)
        if growth >= rule.delay_growth_days * len(earlier) * len(later):
            signs.append(
                Reason(
                    ReasonCode.CASH_SQUEEZE,
                    f"payments growing later: {earlier_sum / len(earlier):.0f} then "
                    f"{later_sum / len(later):.0f} days late on average",
                )
            )
    broken = sum(1 for day in broken_promise_days if since < day <= as_of)
    if broken >= rule.broken_promises:
        signs.append(
            Reason(
                ReasonCode.CASH_SQUEEZE, f"{broken} broken promise(s) in the last {rule.lookback_days} days"
            )
        )
    return tuple(signs)


def propose_plan(
    total_minor: int,
    currency: str,
    *,
    offer_day: date,
    limits: PaymentPlanLimits,
    instalments: int | None = None,
    reasons: Sequence[Reason] = (),
) -> PlanProposal | PlanRefusal:
    """Split ``total_minor`` into ``instalments`` (default: the policy's) equal parts, the first ones
    a minor unit larger where it does not divide, due ``first_instalment_days`` after the offer and
    every ``interval_days`` after; fewer parts when the minimum instalment or the longest duration
    allows no more. A plan has at least two instalments."""
    minimum_total = limits.min_total_minor.get(currency, 0)
    if total_minor <= 0 or total_minor < minimum_total:
        floor = Money.from_minor(minimum_total, currency)
        return PlanRefusal(f"{Money.from_minor(total_minor, currency)} is below the smallest plan ({floor})")
    wanted = min(max(instalments or limits.default_instalments, 2), limits.max_instalments)
    room = limits.max_duration_days - limits.first_instalment_days
    fits_in_time = 1 + room // limits.interval_days if room >= 0 else 0
    smallest = limits.min_instalment_minor.get(currency, 0)
    fits_in_amount = total_minor // smallest if smallest > 0 else wanted
    count = min(wanted, fits_in_time, fits_in_amount)
    if count < 2:
        return PlanRefusal(
            f"{Money.from_minor(total_minor, currency)} does not split into two instalments of at least "
            f"{Money.from_minor(smallest, currency)} within {limits.max_duration_days} days"
        )
    base, remainder = divmod(total_minor, count)
    first = offer_day + timedelta(days=limits.first_instalment_days)
    parts = tuple(
        Instalment(first + timedelta(days=n * limits.interval_days), base + (1 if n < remainder else 0))
        for n in range(count)
    )
    return PlanProposal(currency, total_minor, parts, tuple(reasons))


def plan_problems(
    instalments: Sequence[Instalment],
    *,
    total_minor: int,
    currency: str,
    offer_day: date,
    limits: PaymentPlanLimits,
) -> list[str]:
    """What is wrong with a plan a person edited (none: it is within the policy's limits)."""
    problems: list[str] = []
    if not 2 <= len(instalments) <= limits.max_instalments:
        problems.append(f"{len(instalments)} instalments: a plan has 2 to {limits.max_instalments}")
    if sum(i.amount_minor for i in instalments) != total_minor:
        problems.append(f"the instalments do not add up to {Money.from_minor(total_minor, currency)}")
    smallest = limits.min_instalment_minor.get(currency, 0)
    for n, part in enumerate(instalments):
        if part.amount_minor < max(smallest, 1):
            problems.append(f"instalment {n + 1} is below {Money.from_minor(max(smallest, 1), currency)}")
    days = [i.due_date for i in instalments]
    if any(later <= earlier for earlier, later in pairwise(days)):
        problems.append("instalment dates must each come after the one before")
    if days and days[0] < offer_day:
        problems.append(f"the first instalment falls before the offer ({offer_day})")
    if days and days[-1] > offer_day + timedelta(days=limits.max_duration_days):
        problems.append(
            f"the last instalment falls more than {limits.max_duration_days} days after the offer"
        )
    return problems
