"""Properties: planning is deterministic, whatever the input order, and re-planning with its own
output as history plans nothing."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dunning.planning_factories import DAY, customer, run
from dunwell.core.collections import Channel, HoldReason
from dunwell.dunning.planner_inputs import (
    ContactAccess,
    CustomerFacts,
    Hold,
    OpenItem,
    OpenPromise,
    PastLine,
    PastMessage,
    UnappliedCash,
)
from dunwell.dunning.planner_values import as_history
from dunwell.dunning.policy_files import default_policy_book

STEPS = [s.id for s in default_policy_book().policies["standard"].steps] + ["retired_step"]

items_st = st.lists(
    st.builds(
        OpenItem,
        item_id=st.integers(1, 60),
        customer_id=st.integers(1, 6),
        currency=st.sampled_from(["USD", "EUR"]),
        due_date=st.integers(-10, 90).map(lambda n: DAY - timedelta(days=n)),
        open_minor=st.integers(-50_000, 5_000_000),
        disputed=st.booleans(),
    ),
    max_size=40,
    unique_by=lambda i: i.item_id,
)

facts_st = st.builds(
    lambda c, access, hold, promise, cash, strategic, hours: customer(
        c,
        channel_access=access,
        holds=(Hold(HoldReason.MANUAL, DAY - timedelta(days=2), DAY + timedelta(days=hold)),)
        if hold >= 0
        else (),
        promises=(OpenPromise(DAY + timedelta(days=promise), "USD"),) if promise is not None else (),
        unapplied_cash=(UnappliedCash(DAY - timedelta(days=cash), "EUR"),) if cash is not None else (),
        strategic=strategic,
        engagement_hours=tuple(hours),
    ),
    c=st.just(0),
    access=st.dictionaries(st.sampled_from(list(Channel)), st.sampled_from(list(ContactAccess))),
    hold=st.integers(-3, 3),
    promise=st.none() | st.integers(-6, 6),
    cash=st.none() | st.integers(0, 8),
    strategic=st.booleans(),
    hours=st.lists(st.integers(0, 23), max_size=6),
)

history_st = st.lists(
    st.builds(
        lambda c, step, ago, item_ids: PastMessage(
            f"h{c}-{step}-{ago}",
            c,
            "USD",
            step,
            DAY - timedelta(days=ago),
            tuple(PastLine(i, step) for i in item_ids),
        ),
        c=st.integers(1, 6),
        step=st.sampled_from(STEPS),
        ago=st.integers(0, 60),
        item_ids=st.lists(st.integers(1, 60), max_size=5),
    ),
    max_size=10,
)


def with_ids(facts: list[CustomerFacts]) -> list[CustomerFacts]:
    return [
        customer(
            n,
            **{
                k: getattr(f, k)
                for k in (
                    "channel_access",
                    "holds",
                    "promises",
                    "unapplied_cash",
                    "strategic",
                    "engagement_hours",
                )
            },
        )
        for n, f in enumerate(facts, start=1)
    ]


@settings(max_examples=150, deadline=None)
@given(
    items=items_st,
    facts=st.lists(facts_st, min_size=6, max_size=6),
    history=history_st,
    days=st.integers(0, 3),
)
def test_planning_is_deterministic_and_replanning_its_own_output_is_a_no_op(
    items: list[OpenItem], facts: list[CustomerFacts], history: list[PastMessage], days: int
) -> None:
    customers = with_ids(facts)
    as_of: date = DAY + timedelta(days=days)
    first = run(items, customers, history=history, as_of=as_of)
    assert (
        run(list(reversed(items)), list(reversed(customers)), history=list(reversed(history)), as_of=as_of)
        == first
    )
    fed_back = [*history, *as_history(first.messages, day=as_of)]
    assert run(items, customers, history=fed_back, as_of=as_of).messages == ()
    keys = [m.key for m in first.messages]
    assert len(keys) == len(set(keys))
    for message in first.messages:
        assert {line.item_id for line in message.lines}.isdisjoint({s.item_id for s in message.left_out})
