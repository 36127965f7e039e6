"""Small builders for the dunning planner tests: items, customers and books with keyword defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from textwrap import dedent

from dunwell.core.collections import Channel
from dunwell.dunning.planner import plan
from dunwell.dunning.planner_inputs import ContactAccess, CustomerFacts, OpenItem, PastMessage
from dunwell.dunning.planner_values import Plan, PlannedMessage, as_history
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy_files import default_policy_book
from dunwell.dunning.policy_parse import parse_policy_text
from dunwell.dunning.reasons import Reason

#: A Monday. The shipped ladder: heads_up -3, reminder +3, firm_reminder +14, urgent +30, final_demand +45.
DAY = date(2025, 3, 3)
ALL_USABLE: Mapping[Channel, ContactAccess] = dict.fromkeys(Channel, ContactAccess.USABLE)


def days_ago(n: int, *, day: date = DAY) -> date:
    return day - timedelta(days=n)


def item(
    item_id: int,
    *,
    customer_id: int = 1,
    currency: str = "USD",
    due: date | None = None,
    days_overdue: int = 0,
    open_minor: int = 100_000,
    disputed: bool = False,
) -> OpenItem:
    """An open item ``days_overdue`` days past its due date on ``DAY`` (or due on ``due``)."""
    return OpenItem(
        item_id=item_id,
        customer_id=customer_id,
        currency=currency,
        due_date=due if due is not None else days_ago(days_overdue),
        open_minor=open_minor,
        reference=f"INV-{item_id}",
        disputed=disputed,
    )


def customer(customer_id: int = 1, **overrides: object) -> CustomerFacts:
    fields: dict[str, object] = {
        "customer_id": customer_id,
        "external_id": f"C-{customer_id}",
        "channel_access": ALL_USABLE,
    }
    fields.update(overrides)
    return CustomerFacts(**fields)  # type: ignore[arg-type]


def book_from(text: str) -> PolicyBook:
    return parse_policy_text(dedent(text), source="test policy")


def run(
    items: Iterable[OpenItem],
    customers: Iterable[CustomerFacts] | None = None,
    *,
    history: Iterable[PastMessage] = (),
    as_of: date = DAY,
    book: PolicyBook | None = None,
) -> Plan:
    items = list(items)
    if customers is None:
        customers = [customer(c) for c in sorted({i.customer_id for i in items})]
    return plan(
        as_of=as_of, book=book or default_policy_book(), customers=customers, items=items, history=history
    )


def only_message(result: Plan) -> PlannedMessage:
    assert len(result.messages) == 1, (result.messages, result.skips)
    return result.messages[0]


def codes(reasons: Iterable[Reason]) -> set[str]:
    return {r.code.value for r in reasons}


def plan_daily(
    items: list[OpenItem],
    customers: list[CustomerFacts],
    *,
    start: date,
    days: int,
    book: PolicyBook | None = None,
) -> tuple[list[PastMessage], list[Plan]]:
    """Plan every day from ``start`` for ``days`` days, feeding each day's messages back as history."""
    history: list[PastMessage] = []
    plans = []
    for offset in range(days):
        today = start + timedelta(days=offset)
        result = run(items, customers, history=history, as_of=today, book=book)
        history += as_history(result.messages, day=today)
        plans.append(result)
    return history, plans
