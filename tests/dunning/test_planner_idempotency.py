"""Keys, re-planning and catch-up: nothing twice, and no burst after an outage."""

from __future__ import annotations

from datetime import timedelta

from dunning.planning_factories import DAY, codes, customer, days_ago, item, only_message, plan_daily, run
from dunwell.dunning.planner_inputs import PastMessage
from dunwell.dunning.planner_values import as_history, message_key


def test_replanning_the_same_day_with_the_plan_as_history_plans_nothing() -> None:
    items = [
        item(1, days_overdue=5),
        item(2, days_overdue=16, currency="EUR"),
        item(3, customer_id=2, days_overdue=31),
    ]
    first = run(items)
    assert len(first.messages) == 3
    again = run(items, history=as_history(first.messages, day=DAY))
    assert again.messages == ()
    assert again.skips == ()  # nothing newly due: not even a skip


def test_next_day_nothing_unless_a_new_step_is_reached() -> None:
    items = [item(1, days_overdue=5)]  # reminder today; firm_reminder in 9 days
    history = list(as_history(run(items).messages, day=DAY))
    for n in range(1, 9):
        assert run(items, history=history, as_of=DAY + timedelta(days=n)).messages == ()
    message = only_message(run(items, history=history, as_of=DAY + timedelta(days=9)))
    assert message.step_id == "firm_reminder"


def test_a_new_item_reaching_a_step_brings_a_message_listing_the_old_ones_again() -> None:
    old = item(1, days_overdue=20)
    history = list(as_history(run([old]).messages, day=DAY))
    tomorrow = DAY + timedelta(days=6)  # after the 5 days between messages
    new = item(2, due=tomorrow - timedelta(days=3))  # reaches its reminder that day
    message = only_message(run([old, new], history=history, as_of=tomorrow))
    assert message.step_id == "reminder"
    assert [(line.item_id, line.step_id, line.newly_reached) for line in message.lines] == [
        (1, "firm_reminder", False),
        (2, "reminder", True),
    ]


def test_a_key_already_planned_today_is_never_planned_twice() -> None:
    # History without lines (say, an outbox row whose lines were lost): the key still stops a duplicate.
    planned = PastMessage(message_key(1, "USD", "reminder", DAY), 1, "USD", "reminder", days_ago(6))
    assert run([item(1, days_overdue=5)], history=[planned]).messages == ()
    assert message_key(1, "USD", "reminder", DAY) == "1:USD:reminder:2025-03-03"


def test_catch_up_after_an_outage_sends_only_the_latest_step_reached() -> None:
    # 30 customers whose items fell due at different times; nothing planned for 40 days.
    customers = [customer(c) for c in range(1, 31)]
    items = [item(c, customer_id=c, days_overdue=c + 10) for c in range(1, 31)]
    result = run(items, customers)
    assert len(result.messages) == 30
    expected = {c: _latest_step(c + 10) for c in range(1, 31)}
    assert {m.customer_id: m.step_id for m in result.messages} == expected
    late = next(m for m in result.messages if m.customer_id == 30)
    assert "catch_up" in codes(late.reasons)
    assert [r.text for r in late.reasons if r.code.value == "catch_up"] == [
        "passed without a message: heads_up, reminder, firm_reminder; only the latest step reached is sent"
    ]


def test_forty_days_without_planning_then_one_plan_one_message_per_customer() -> None:
    customers = [customer(c) for c in range(1, 6)]
    start = DAY - timedelta(days=60)
    items = [item(c, customer_id=c, due=start + timedelta(days=4 * c)) for c in range(1, 6)]
    history, _ = plan_daily(items, customers, start=start, days=10)  # ran daily for 10 days, then an outage
    assert {m.step_id for m in history} == {"heads_up", "reminder"}
    outage_end = start + timedelta(days=50)
    result = run(items, customers, history=history, as_of=outage_end)
    assert len(result.messages) == 5
    assert {m.step_id for m in result.messages} == {"urgent", "final_demand"}
    for message in result.messages:
        assert len(message.lines) == 1
        overdue = (outage_end - message.lines[0].due_date).days
        assert message.step_id == _latest_step(overdue)
    # ... and the day after, nothing more.
    history += as_history(result.messages, day=outage_end)
    assert run(items, customers, history=history, as_of=outage_end + timedelta(days=1)).messages == ()


def test_planning_every_day_sends_each_step_once_in_order() -> None:
    items = [item(1, due=DAY)]
    history, plans = plan_daily(items, [customer(1)], start=DAY - timedelta(days=5), days=60)
    assert [(m.step_id, (m.day - DAY).days) for m in history] == [
        ("heads_up", -3),
        ("reminder", 3),
        ("firm_reminder", 14),
        ("urgent", 30),
        ("final_demand", 45),
    ]
    assert sum(len(p.messages) for p in plans) == 5


def _latest_step(days_overdue: int) -> str:
    ladder = [(45, "final_demand"), (30, "urgent"), (14, "firm_reminder"), (3, "reminder"), (-3, "heads_up")]
    return next(step for day, step in ladder if days_overdue >= day)
