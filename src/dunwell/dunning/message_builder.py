"""One customer in one currency on one day: a consolidated message, a skip, or nothing (ADR 0029).

Nothing when no item has newly reached a step. Otherwise the message's step is the highest step
newly reached by an item that may be listed (catch-up: the steps an item passed while nothing was
sent are not sent late); it lists every listable item that has reached a step, each at its own
step, and the open credits. A skip when no newly due item may be listed, or a customer rule applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dunwell.core.money import Money
from dunwell.dunning.assignment import ResolvedPolicy
from dunwell.dunning.eligibility import customer_reasons, item_reasons, summarise_items, usable_channels
from dunwell.dunning.payment_plans import PlanProposal, propose_plan, squeeze_signs
from dunwell.dunning.planner_inputs import CustomerFacts, OpenItem, PastMessage
from dunwell.dunning.planner_values import PlannedLine, PlannedMessage, Skip, SkippedItem, message_key
from dunwell.dunning.policy import Policy, Step
from dunwell.dunning.reasons import Reason, ReasonCode
from dunwell.dunning.send_time import choose_send_time
from dunwell.dunning.step_clock import NO_HISTORY, NOT_REACHED, ItemHistory, StepClock


@dataclass(frozen=True, slots=True)
class CustomerDay:
    """What every currency of one customer shares on the plan's day."""

    facts: CustomerFacts
    resolved: ResolvedPolicy
    clock: StepClock
    histories: Mapping[int, ItemHistory]
    last_message: PastMessage | None
    known_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Reached:
    item: OpenItem
    step: int
    sent: int
    why_not: tuple[Reason, ...]

    @property
    def is_new(self) -> bool:
        return self.step > self.sent


def plan_currency(day: CustomerDay, currency: str, items: Sequence[OpenItem]) -> PlannedMessage | Skip | None:
    """The message (or skip) for one customer's items in ``currency``."""
    policy, as_of = day.resolved.policy, day.clock.as_of
    found: list[tuple[OpenItem, int, ItemHistory]] = []
    credits: list[OpenItem] = []
    for item in sorted(
        items, key=lambda i: (i.due_date, i.item_id)
    ):  # the order does not depend on the input's
        if item.open_minor < 0:
            credits.append(item)
        elif item.open_minor > 0:
            history = day.histories.get(item.item_id, NO_HISTORY)
            index = day.clock.reached(item.due_date, history)
            if index != NOT_REACHED:
                found.append((item, index, history))
    if not any(index > history.sent for _, index, history in found):
        return None  # the common case on a daily run: nothing newly due, nothing more to read
    reached = [
        _Reached(item, index, history.sent, item_reasons(item, day.facts, policy, as_of))
        for item, index, history in found
    ]
    new = [r for r in reached if r.is_new]
    listable = [r for r in reached if not r.why_not]
    listable_new = [r for r in listable if r.is_new]
    lead = max(listable_new or new, key=lambda r: r.step)
    step = policy.steps[lead.step]
    total = sum(r.item.open_minor for r in listable) + sum(c.open_minor for c in credits)
    stop = customer_reasons(
        day.facts, currency=currency, policy=policy, as_of=as_of, last_message=day.last_message
    )
    channels, channel_reasons = usable_channels(step, day.facts)
    if not channels:
        stop += channel_reasons
    if listable_new and total <= 0:
        stop.append(
            Reason(
                ReasonCode.CREDIT_COVERS, f"open credits cover what is due ({_money(total, currency)} net)"
            )
        )
    if not listable_new or stop:
        skipped = [(_name(r.item), r.why_not) for r in new if r.why_not]
        return Skip(
            customer_id=day.facts.customer_id,
            currency=currency,
            policy=policy.name,
            step_id=step.id,
            reasons=(*stop, *summarise_items(skipped)),
            items=tuple(SkippedItem(r.item.item_id, r.item.reference, r.why_not) for r in new),
        )
    key = message_key(day.facts.customer_id, currency, step.id, as_of)
    if key in day.known_keys:
        return None  # already planned today under this key (history lines missing): never twice
    send = choose_send_time(day.facts.customer_id, day.facts.engagement_hours, policy.send_time)
    offer, offer_reasons = _plan_offer(day, step, policy, currency, total)
    reasons = [
        Reason(ReasonCode.POLICY, day.resolved.describe()),
        *_step_reasons(day, listable_new),
        *(channel_reasons if channels else ()),
        *offer_reasons,
        send.reason,
    ]
    return PlannedMessage(
        key=key,
        customer_id=day.facts.customer_id,
        currency=currency,
        policy=policy.name,
        step_id=step.id,
        tone=step.tone,
        channels=channels,
        lines=(
            *(
                PlannedLine(
                    r.item.item_id,
                    r.item.reference,
                    r.item.due_date,
                    r.item.open_minor,
                    policy.steps[r.step].id,
                    r.is_new,
                )
                for r in listable
            ),
            *(PlannedLine(c.item_id, c.reference, c.due_date, c.open_minor, None, False) for c in credits),
        ),
        total_minor=total,
        claim_interest=step.claim_interest,
        claim_compensation=step.claim_compensation,
        approval=approval_reasons(step, currency=currency, total_minor=total, strategic=day.facts.strategic),
        payment_plan=offer,
        send_at_local_hour=send.local_hour,
        holdout=send.holdout,
        reasons=tuple(reasons),
        send_time_arm=send.arm,
        left_out=tuple(
            SkippedItem(r.item.item_id, r.item.reference, r.why_not) for r in reached if r.why_not
        ),
    )


def approval_reasons(step: Step, *, currency: str, total_minor: int, strategic: bool) -> tuple[Reason, ...]:
    """Why a person must approve the message (none: it may go out as planned)."""
    rule = step.approval
    found: list[Reason] = []
    if rule.amount_over_minor:
        threshold = rule.amount_over_minor.get(currency)
        if threshold is None:
            found.append(
                Reason(ReasonCode.AMOUNT_OVER, f"step {step.id!r} sets no approval amount for {currency}")
            )
        elif total_minor > threshold:
            found.append(
                Reason(
                    ReasonCode.AMOUNT_OVER,
                    f"{_money(total_minor, currency)} is over the approval amount "
                    f"{_money(threshold, currency)}",
                )
            )
    if rule.strategic_accounts and strategic:
        found.append(Reason(ReasonCode.STRATEGIC, "a strategic account"))
    if rule.legal_language and step.legal_language:
        found.append(
            Reason(ReasonCode.LEGAL_LANGUAGE, f"step {step.id!r} ({step.tone.value}) uses legal language")
        )
    return tuple(found)


def _step_reasons(day: CustomerDay, newly: Sequence[_Reached]) -> list[Reason]:
    steps = day.clock.policy.steps
    reasons = []
    for r in newly:
        on = day.clock.reached_on(r.step, r.item.due_date, day.histories.get(r.item.item_id, NO_HISTORY))
        step = steps[r.step]
        reasons.append(
            Reason(
                ReasonCode.STEP_REACHED,
                f"{_name(r.item)} reached {step.id!r} ({step.describe_when()}) on {on}",
            )
        )
    passed = sorted({index for r in newly for index in range(r.sent + 1, r.step)})
    if passed:
        names = ", ".join(steps[index].id for index in passed)
        reasons.append(
            Reason(
                ReasonCode.CATCH_UP,
                f"passed without a message: {names}; only the latest step reached is sent",
            )
        )
    return reasons


def _plan_offer(
    day: CustomerDay, step: Step, policy: Policy, currency: str, total: int
) -> tuple[PlanProposal | None, list[Reason]]:
    limits = policy.payment_plan
    if not step.offer_payment_plan or limits is None:
        return None, []
    facts, as_of = day.facts, day.clock.as_of
    signs = squeeze_signs(facts.payments, facts.broken_promise_days, as_of=as_of, rule=limits.squeeze)
    if len(signs) < limits.squeeze.signs_needed:
        return None, []
    proposal = propose_plan(total, currency, offer_day=as_of, limits=limits, reasons=signs)
    if not isinstance(proposal, PlanProposal):
        return None, [*signs, Reason(ReasonCode.CASH_SQUEEZE, f"no payment plan offered: {proposal.reason}")]
    parts = proposal.instalments
    offered = Reason(
        ReasonCode.PAYMENT_PLAN_OFFERED,
        f"offers {len(parts)} instalments of about {_money(parts[-1].amount_minor, currency)}, "
        f"from {parts[0].due_date} to {parts[-1].due_date}",
    )
    return proposal, [*signs, offered]


def _name(item: OpenItem) -> str:
    return item.reference or f"item {item.item_id}"


def _money(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency))
