"""The rules that keep an item or a customer out of today's messages, each with its reason (ADR 0029).

Item rules leave the item out of its message (disputed, on hold, promised and not yet due, in a plan
being kept); customer rules stop the whole message for a currency (a hold on the customer, unapplied
cash recent enough to cover the items, the policy's days between messages, no channel of the step
that reaches the customer). Every rule that applies is listed, not just the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from dunwell.core.collections import Channel
from dunwell.dunning.planner_inputs import ContactAccess, CustomerFacts, OpenItem, PastMessage
from dunwell.dunning.policy import Policy, Step
from dunwell.dunning.reasons import Reason, ReasonCode

#: How many item references a summary names before "and N more".
NAMED_IN_SUMMARY = 5


def item_reasons(item: OpenItem, facts: CustomerFacts, policy: Policy, as_of: date) -> tuple[Reason, ...]:
    """Why ``item`` is left out of today's message (none: it may be listed)."""
    found: list[Reason] = []
    name = item.reference or f"item {item.item_id}"
    if item.disputed:
        found.append(Reason(ReasonCode.DISPUTED, f"{name} is in dispute"))
    for hold in facts.holds:
        if hold.item_id == item.item_id and hold.active_on(as_of):
            found.append(
                Reason(ReasonCode.HOLD, f"{name} is on hold ({hold.reason.value}) until {hold.ends_on}")
            )
    grace = timedelta(days=policy.promise_grace_days)
    for promise in facts.promises:
        covers = item.item_id in promise.item_ids if promise.item_ids else promise.currency == item.currency
        if covers and as_of <= promise.promised_date + grace:
            found.append(
                Reason(ReasonCode.PROMISE, f"{name}: promised to pay by {promise.promised_date}, not due yet")
            )
    for plan in facts.plans:
        if plan.kept and item.item_id in plan.item_ids:
            found.append(Reason(ReasonCode.PAYMENT_PLAN, f"{name} is in a payment plan being kept"))
    return tuple(found)


def customer_reasons(
    facts: CustomerFacts,
    *,
    currency: str,
    policy: Policy,
    as_of: date,
    last_message: PastMessage | None,
) -> list[Reason]:
    """Why the customer gets no message in ``currency`` today, whatever the step (none: it may)."""
    found: list[Reason] = []
    for hold in facts.holds:
        if hold.item_id is None and hold.active_on(as_of):
            found.append(Reason(ReasonCode.HOLD, f"on hold ({hold.reason.value}) until {hold.ends_on}"))
    since = as_of - timedelta(days=policy.recent_cash_days)
    recent_cash = [
        c for c in facts.unapplied_cash if c.received_on > since and c.currency in (None, currency)
    ]
    if recent_cash:
        latest = max(c.received_on for c in recent_cash)
        found.append(
            Reason(
                ReasonCode.RECENT_CASH,
                f"cash received on {latest} (within {policy.recent_cash_days} days) is not applied yet",
            )
        )
    if last_message is not None and (as_of - last_message.day).days < policy.min_days_between_messages:
        found.append(
            Reason(
                ReasonCode.QUIET_PERIOD,
                f"last message on {last_message.day} ({last_message.step_id}): the policy waits "
                f"{policy.min_days_between_messages} days between messages",
            )
        )
    return found


def usable_channels(step: Step, facts: CustomerFacts) -> tuple[tuple[Channel, ...], list[Reason]]:
    """The step's channels that reach the customer, and the reasons for those that do not (a skip
    when none is left: opt-out and no consent/address are told apart)."""
    usable = tuple(c for c in step.channels if facts.channel_access.get(c) is ContactAccess.USABLE)
    blocked = {
        c: facts.channel_access.get(c, ContactAccess.NO_ADDRESS) for c in step.channels if c not in usable
    }
    reasons: list[Reason] = []
    opted_out = [c.value for c, access in blocked.items() if access is ContactAccess.OPTED_OUT]
    unreachable = [
        f"{c.value} ({access.value.replace('_', ' ')})"
        for c, access in blocked.items()
        if access is not ContactAccess.OPTED_OUT
    ]
    code_if_sent = ReasonCode.CHANNEL_UNAVAILABLE
    if opted_out:
        reasons.append(
            Reason(ReasonCode.OPT_OUT if not usable else code_if_sent, f"opted out of {', '.join(opted_out)}")
        )
    if unreachable:
        reasons.append(
            Reason(
                ReasonCode.NO_CONTACT if not usable else code_if_sent,
                f"no usable contact for {', '.join(unreachable)}",
            )
        )
    return usable, reasons


def summarise(code: ReasonCode, what: str, references: Sequence[str]) -> Reason:
    """One reason for many items: ``3 items in dispute: INV-1, INV-2, INV-3``."""
    named = ", ".join(references[:NAMED_IN_SUMMARY])
    more = f" and {len(references) - NAMED_IN_SUMMARY} more" if len(references) > NAMED_IN_SUMMARY else ""
    return Reason(code, f"{len(references)} item(s) {what}: {named}{more}")


#: How item reasons are summarised on a skip.
SUMMARY_WORDS = {
    ReasonCode.DISPUTED: "in dispute",
    ReasonCode.HOLD: "on hold",
    ReasonCode.PROMISE: "promised and not due yet",
    ReasonCode.PAYMENT_PLAN: "in a payment plan being kept",
}


def summarise_items(items: Iterable[tuple[str, tuple[Reason, ...]]]) -> list[Reason]:
    """The item reasons of a skip, one per code, in the order of ``SUMMARY_WORDS``."""
    by_code: dict[ReasonCode, list[str]] = {}
    for reference, reasons in items:
        for code in dict.fromkeys(r.code for r in reasons):
            by_code.setdefault(code, []).append(reference)
    return [summarise(code, words, by_code[code]) for code, words in SUMMARY_WORDS.items() if code in by_code]
