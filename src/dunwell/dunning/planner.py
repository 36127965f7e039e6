"""The dunning planner (pure): as of a day, which customers get which step, as ONE consolidated
message per customer and currency, and who is skipped and why (ADR 0029).

Inputs are values (``planner_inputs``): the policy book, each customer's facts, the open items and
the messages already planned or sent (history). Outputs are values (``planner_values``): planned
messages and skips, each with reasons. The app layer reads the database, writes the outbox, lets
the compliance guard decide each send (contact caps, quiet hours) and shows the reasons.

Step derivation (``step_clock``): an item's reached step is the last step of the ladder whose day
has come (from the due date, the due date's month end, or the first day the item was listed at the
step before); its sent step is the highest step it was listed at in history. An item whose reached
step is above its sent step is newly due. A customer and currency with a newly due item that may be
listed gets a message at the highest step newly reached by such an item; the message lists every
listable item that has reached a step, each at its own step, so feeding it back as history
(``planner_values.as_history``) makes every listed item sent at its reached step.

Keys and re-planning: a message's key is ``customer:currency:step:plan day``
(``planner_values.message_key``). Planning the same day again with the plan's messages as history
plans nothing: every item's sent step equals its reached step (and a key already in history is never
planned again). The next day plans only what newly reached a step (and what the policy's days
between messages allow).

Catch-up: steps are derived from facts, not from a schedule of sends, so after days without planning
each customer and currency gets one message, at the highest step reached; the steps passed in between
are named in its reasons (``catch_up``) and never sent late. A ``previous_step`` step then counts
from the day of that message.

Speed: items and history are grouped by customer once and each customer is planned on its own, so
the work is linear in items + history + customers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from dunwell.core.errors import DunwellError
from dunwell.dunning.assignment import resolve_policy
from dunwell.dunning.message_builder import CustomerDay, plan_currency
from dunwell.dunning.planner_inputs import CustomerFacts, OpenItem, PastMessage
from dunwell.dunning.planner_values import Plan, PlannedMessage, Skip
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.step_clock import StepClock, item_histories


def plan(
    *,
    as_of: date,
    book: PolicyBook,
    customers: Iterable[CustomerFacts],
    items: Iterable[OpenItem],
    history: Iterable[PastMessage] = (),
) -> Plan:
    """The messages to plan on ``as_of`` and the skips, ordered by customer id and currency.

    Every item's customer must be among ``customers`` (``DunwellError`` otherwise); customers
    without open items are passed over. History may hold any customer's messages.
    """
    items_by_customer: dict[int, list[OpenItem]] = defaultdict(list)
    for item in items:
        items_by_customer[item.customer_id].append(item)
    history_by_customer: dict[int, list[PastMessage]] = defaultdict(list)
    for message in history:
        if message.day <= as_of:  # point in time: a message of a later day did not exist yet
            history_by_customer[message.customer_id].append(message)
    clocks = {name: StepClock(policy, as_of) for name, policy in book.policies.items()}
    step_indexes = {name: policy.step_index() for name, policy in book.policies.items()}

    messages: list[PlannedMessage] = []
    skips: list[Skip] = []
    for facts in sorted(customers, key=lambda c: c.customer_id):
        own_items = items_by_customer.pop(facts.customer_id, None)
        if not own_items:
            continue
        resolved = resolve_policy(
            book, customer_ref=facts.external_id, segment=facts.segment, entity=facts.entity
        )
        past = history_by_customer.get(facts.customer_id, [])
        day = CustomerDay(
            facts=facts,
            resolved=resolved,
            clock=clocks[resolved.policy.name],
            histories=item_histories(past, step_indexes[resolved.policy.name]),
            last_message=max(past, key=lambda m: (m.day, m.key)) if past else None,
            known_keys=frozenset(m.key for m in past),
        )
        by_currency: dict[str, list[OpenItem]] = defaultdict(list)
        for item in own_items:
            by_currency[item.currency].append(item)
        for currency in sorted(by_currency):
            outcome = plan_currency(day, currency, by_currency[currency])
            if isinstance(outcome, PlannedMessage):
                messages.append(outcome)
            elif isinstance(outcome, Skip):
                skips.append(outcome)
    if items_by_customer:
        missing = sorted(items_by_customer)[:5]
        raise DunwellError(
            f"open items of customers the planner was not given: {', '.join(map(str, missing))}",
            code="dunning_customer_missing",
        )
    return Plan(as_of=as_of, messages=tuple(messages), skips=tuple(skips))
