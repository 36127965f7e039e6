"""Which step an item has reached, and one consolidated message per customer and currency."""

from __future__ import annotations

from datetime import date

from dunning.planning_factories import DAY, book_from, codes, customer, days_ago, item, only_message, run
from dunwell.core.collections import Channel
from dunwell.dunning.planner_inputs import PastLine, PastMessage
from dunwell.dunning.policy import Tone

ANCHORS = """\
policies:
  anchors:
    steps:
      - {id: month_end_notice, from: month_end, days: 5, tone: friendly, channels: [email]}
      - {id: follow_up, from: previous_step, days: 10, tone: firm, channels: [email]}
"""


def test_due_anchor_reached_on_its_day_not_before() -> None:
    heads_up = PastMessage("k0", 1, "USD", "heads_up", days_ago(5), (PastLine(1, "heads_up"),))
    assert run([item(1, days_overdue=2)], history=[heads_up]).messages == ()
    message = only_message(run([item(1, days_overdue=3)], history=[heads_up]))
    assert message.step_id == "reminder"
    assert message.tone is Tone.FRIENDLY
    assert "INV-1 reached 'reminder' (due + 3 days) on 2025-03-03" in [r.text for r in message.reasons]


def test_pre_due_heads_up() -> None:
    message = only_message(run([item(1, due=date(2025, 3, 6))]))  # due in 3 days
    assert message.step_id == "heads_up"
    assert message.lines[0].step_id == "heads_up"
    assert run([item(1, due=date(2025, 3, 7))]).messages == ()  # due in 4 days: nothing yet


def test_month_end_anchor_counts_from_the_end_of_the_due_month() -> None:
    book = book_from(ANCHORS)
    due = date(2025, 2, 10)  # month end 28 February: the notice on 5 March
    assert run([item(1, due=due)], as_of=date(2025, 3, 4), book=book).messages == ()
    message = only_message(run([item(1, due=due)], as_of=date(2025, 3, 5), book=book))
    assert message.step_id == "month_end_notice"
    assert "month end + 5 days" in message.reasons[1].text


def test_previous_step_anchor_counts_from_the_day_the_item_was_listed() -> None:
    book = book_from(ANCHORS)
    due = date(2025, 1, 10)  # the month-end notice came on 5 February
    # Never listed at the step before: the follow-up is not reached, whatever the date.
    assert (
        only_message(run([item(1, due=due)], as_of=date(2025, 4, 1), book=book)).step_id == "month_end_notice"
    )
    listed = PastMessage(
        "k1", 1, "USD", "month_end_notice", date(2025, 3, 1), (PastLine(1, "month_end_notice"),)
    )
    assert run([item(1, due=due)], history=[listed], as_of=date(2025, 3, 10), book=book).messages == ()
    message = only_message(run([item(1, due=due)], history=[listed], as_of=date(2025, 3, 11), book=book))
    assert message.step_id == "follow_up"
    assert message.tone is Tone.FIRM


def test_one_message_per_customer_lists_every_item_at_its_own_step() -> None:
    items = [
        item(1, days_overdue=20),
        item(2, days_overdue=3),
        item(3, days_overdue=31),
        item(4, days_overdue=-10),
    ]
    message = only_message(run(items))
    assert message.step_id == "urgent"  # the highest step newly reached
    assert message.channels == (Channel.EMAIL, Channel.CALL)
    assert [(line.item_id, line.step_id) for line in message.lines] == [
        (3, "urgent"),
        (1, "firm_reminder"),
        (2, "reminder"),
    ]  # by due date; item 4 is not due for 10 days and reached no step
    assert message.total_minor == 300_000
    assert message.key == f"1:USD:urgent:{DAY.isoformat()}"
    assert {"policy", "step_reached", "catch_up"} <= codes(message.reasons)


def test_two_currencies_two_messages() -> None:
    result = run([item(1, days_overdue=5), item(2, days_overdue=15, currency="EUR"), item(3, days_overdue=4)])
    assert [(m.currency, m.step_id, len(m.lines)) for m in result.messages] == [
        ("EUR", "firm_reminder", 1),
        ("USD", "reminder", 2),
    ]


def test_credit_memos_are_listed_and_netted() -> None:
    credit = item(9, days_overdue=40, open_minor=-30_000)
    message = only_message(run([item(1, days_overdue=5), credit]))
    assert message.total_minor == 70_000
    assert (message.lines[-1].item_id, message.lines[-1].step_id) == (9, None)
    covered = run([item(1, days_overdue=5), item(9, days_overdue=40, open_minor=-150_000)])
    assert covered.messages == ()
    assert codes(covered.skips[0].reasons) == {"credit_covers"}


def test_customers_without_items_are_passed_over_and_order_is_by_customer() -> None:
    items = [item(1, customer_id=7, days_overdue=5), item(2, customer_id=3, days_overdue=5)]
    result = run(items, [customer(7), customer(3), customer(4)])
    assert [m.customer_id for m in result.messages] == [3, 7]


def test_items_of_an_unknown_customer_are_an_error() -> None:
    import pytest

    from dunwell.core.errors import DunwellError

    with pytest.raises(DunwellError) as raised:
        run([item(1, customer_id=5, days_overdue=5)], [customer(1)])
    assert raised.value.code == "dunning_customer_missing"


def test_history_from_a_later_day_is_not_read() -> None:
    later = PastMessage("k", 1, "USD", "reminder", days_ago(-1), (PastLine(1, "reminder"),))
    assert only_message(run([item(1, days_overdue=5)], history=[later])).step_id == "reminder"
