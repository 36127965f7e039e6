"""Every reason a customer, currency or item gets no message today, each with code and text."""

from __future__ import annotations

from datetime import date

from dunning.planning_factories import DAY, book_from, codes, customer, days_ago, item, only_message, run
from dunwell.core.collections import Channel, HoldReason
from dunwell.dunning.planner_inputs import (
    ActivePlan,
    ContactAccess,
    Hold,
    OpenPromise,
    PastLine,
    PastMessage,
    UnappliedCash,
)
from dunwell.dunning.planner_values import Plan, Skip


def only_skip(result: Plan) -> Skip:
    assert result.messages == (), result.messages
    assert len(result.skips) == 1, result.skips
    return result.skips[0]


def test_hold_on_the_customer() -> None:
    hold = Hold(HoldReason.MANUAL, days_ago(3), date(2025, 3, 10))
    skip = only_skip(run([item(1, days_overdue=5)], [customer(holds=(hold,))]))
    assert [(r.code.value, r.text) for r in skip.reasons] == [("hold", "on hold (manual) until 2025-03-10")]
    assert (skip.step_id, skip.policy, [i.item_id for i in skip.items]) == ("reminder", "standard", [1])
    ended = Hold(HoldReason.MANUAL, days_ago(30), days_ago(1))
    assert only_message(run([item(1, days_overdue=5)], [customer(holds=(ended,))])).step_id == "reminder"


def test_hold_on_one_item_leaves_it_out_of_the_message() -> None:
    hold = Hold(HoldReason.DISPUTE, days_ago(3), date(2025, 4, 1), item_id=2)
    message = only_message(
        run([item(1, days_overdue=5), item(2, days_overdue=20)], [customer(holds=(hold,))])
    )
    assert [line.item_id for line in message.lines] == [1]
    assert message.step_id == "reminder"  # item 2's firm step is not the message's
    assert [(s.item_id, codes(s.reasons)) for s in message.left_out] == [(2, {"hold"})]


def test_promise_not_yet_due_pauses_its_items_until_the_grace_days_pass() -> None:
    promise = OpenPromise(date(2025, 3, 1), "USD", frozenset({1}))  # grace 3 days: paused through 4 March
    skip = only_skip(run([item(1, days_overdue=20)], [customer(promises=(promise,))]))
    assert codes(skip.reasons) == {"promise"}
    assert skip.reasons[0].text == "1 item(s) promised and not due yet: INV-1"
    assert skip.items[0].reasons[0].text == "INV-1: promised to pay by 2025-03-01, not due yet"
    later = run([item(1, days_overdue=21)], [customer(promises=(promise,))], as_of=date(2025, 3, 5))
    assert only_message(later).step_id == "firm_reminder"


def test_a_promise_without_items_covers_its_currency() -> None:
    promise = OpenPromise(date(2025, 3, 20), "EUR")
    result = run(
        [item(1, days_overdue=5), item(2, days_overdue=5, currency="EUR")], [customer(promises=(promise,))]
    )
    assert [m.currency for m in result.messages] == ["USD"]
    assert [(s.currency, codes(s.reasons)) for s in result.skips] == [("EUR", {"promise"})]


def test_disputed_items() -> None:
    skip = only_skip(run([item(1, days_overdue=5, disputed=True)]))
    assert codes(skip.reasons) == {"disputed"}
    message = only_message(run([item(1, days_overdue=5, disputed=True), item(2, days_overdue=4)]))
    assert [line.item_id for line in message.lines] == [2]
    assert message.left_out[0].reasons[0].text == "INV-1 is in dispute"


def test_recent_unapplied_cash_within_the_policy_days() -> None:
    recent = UnappliedCash(days_ago(4), "USD")
    skip = only_skip(run([item(1, days_overdue=5)], [customer(unapplied_cash=(recent,))]))
    assert skip.reasons[0].text == "cash received on 2025-02-27 (within 5 days) is not applied yet"
    older = UnappliedCash(days_ago(5), "USD")
    assert run([item(1, days_overdue=5)], [customer(unapplied_cash=(older,))]).skips == ()
    other_currency = UnappliedCash(days_ago(1), "EUR")
    assert run([item(1, days_overdue=5)], [customer(unapplied_cash=(other_currency,))]).skips == ()
    unknown_currency = UnappliedCash(days_ago(1), None)
    assert codes(
        only_skip(run([item(1, days_overdue=5)], [customer(unapplied_cash=(unknown_currency,))])).reasons
    ) == {"recent_cash"}


def test_opt_out_and_no_usable_contact_are_told_apart() -> None:
    opted_out = {Channel.EMAIL: ContactAccess.OPTED_OUT}
    skip = only_skip(run([item(1, days_overdue=5)], [customer(channel_access=opted_out)]))
    assert [(r.code.value, r.text) for r in skip.reasons] == [("opt_out", "opted out of email")]
    no_consent = {Channel.EMAIL: ContactAccess.NO_CONSENT}
    skip = only_skip(run([item(1, days_overdue=5)], [customer(channel_access=no_consent)]))
    assert [(r.code.value, r.text) for r in skip.reasons] == [
        ("no_contact", "no usable contact for email (no consent)")
    ]
    skip = only_skip(run([item(1, days_overdue=5)], [customer(channel_access={})]))
    assert skip.reasons[0].text == "no usable contact for email (no address)"


def test_a_step_goes_out_on_the_channels_that_reach_the_customer() -> None:
    access = {Channel.EMAIL: ContactAccess.OPTED_OUT, Channel.LETTER: ContactAccess.USABLE}
    message = only_message(run([item(1, days_overdue=50)], [customer(channel_access=access)]))
    assert (message.step_id, message.channels) == ("final_demand", (Channel.LETTER,))
    assert [r.text for r in message.reasons if r.code.value == "channel_unavailable"] == [
        "opted out of email"
    ]


def test_payment_plan_being_kept_pauses_its_items_and_a_broken_one_does_not() -> None:
    kept = ActivePlan(frozenset({1, 2}), kept=True)
    skip = only_skip(run([item(1, days_overdue=40), item(2, days_overdue=35)], [customer(plans=(kept,))]))
    assert codes(skip.reasons) == {"payment_plan"}
    assert skip.reasons[0].text == "2 item(s) in a payment plan being kept: INV-1, INV-2"
    broken = ActivePlan(frozenset({1, 2}), kept=False)
    assert only_message(run([item(1, days_overdue=40)], [customer(plans=(broken,))])).step_id == "urgent"


def test_quiet_period_between_messages_per_customer() -> None:
    last = PastMessage(
        "1:EUR:reminder:2025-02-27", 1, "EUR", "reminder", days_ago(4), (PastLine(7, "reminder"),)
    )
    skip = only_skip(run([item(1, days_overdue=5)], history=[last]))
    assert [(r.code.value, r.text) for r in skip.reasons] == [
        ("quiet_period", "last message on 2025-02-27 (reminder): the policy waits 5 days between messages")
    ]
    last_but_one = PastMessage("x", 1, "EUR", "reminder", days_ago(5), (PastLine(7, "reminder"),))
    assert only_message(run([item(1, days_overdue=5)], history=[last_but_one])).step_id == "reminder"


def test_every_rule_that_applies_is_listed() -> None:
    hold = Hold(HoldReason.LEGAL, days_ago(1), DAY)
    facts = customer(holds=(hold,), unapplied_cash=(UnappliedCash(DAY, "USD"),), channel_access={})
    skip = only_skip(run([item(1, days_overdue=5), item(2, days_overdue=6, disputed=True)], [facts]))
    assert [r.code.value for r in skip.reasons] == ["hold", "recent_cash", "no_contact", "disputed"]
    assert [(i.item_id, codes(i.reasons)) for i in skip.items] == [
        (2, {"disputed"}),
        (1, set()),
    ]  # by due date


def test_zero_min_days_allows_a_message_every_day() -> None:
    book = book_from(
        """\
        policies:
          daily:
            min_days_between_messages: 0
            steps:
              - {id: one, from: due, days: 1, tone: friendly, channels: [email]}
              - {id: two, from: due, days: 2, tone: firm, channels: [email]}
        """
    )
    yesterday = PastMessage("k", 1, "USD", "one", days_ago(1), (PastLine(1, "one"),))
    assert only_message(run([item(1, days_overdue=2)], history=[yesterday], book=book)).step_id == "two"
