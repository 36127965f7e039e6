"""Send time from the customer's history, with a deterministic holdout on the default hour."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunning.planning_factories import customer, item, only_message, run
from dunwell.dunning.policy import SendTimeRule
from dunwell.dunning.send_time import HOLDOUT_SALT, SendTimeArm, choose_send_time, in_holdout
from dunwell.dunning.send_time_gain import SentOutcome, send_time_gain
from dunwell.ml.action_value import in_holdout as worklist_draw

NO_HOLDOUT = SendTimeRule(holdout_share=0.0)


def test_the_hour_most_past_opens_and_payments_fell_in() -> None:
    chosen = choose_send_time(1, [14, 14, 10, 14, 10, 22, 22, 22, 22], NO_HOLDOUT)
    assert (chosen.local_hour, chosen.holdout) == (14, False)  # 22:00 is outside 8-17
    assert chosen.reason.text == "3 of 5 past opens or payments at 14:00 local time"
    assert choose_send_time(1, [10, 10, 11, 11], NO_HOLDOUT).local_hour == 10  # ties: the earlier


def test_too_few_events_keep_the_default_hour() -> None:
    chosen = choose_send_time(1, [15, 15], NO_HOLDOUT)
    assert chosen.local_hour == 9
    assert chosen.reason.code.value == "send_time"


def test_holdout_share_is_close_to_the_configured_share_and_deterministic() -> None:
    rule = SendTimeRule(holdout_share=0.10)
    drawn = [choose_send_time(c, [15, 15, 15], rule) for c in range(20_000)]
    held = [c for c, chosen in enumerate(drawn) if chosen.holdout]
    assert len(held) / 20_000 == pytest.approx(0.10, abs=0.01)
    assert all(drawn[c].local_hour == 9 for c in held)
    assert all(chosen.local_hour == 15 for chosen in drawn if not chosen.holdout)
    assert held == [c for c in range(20_000) if choose_send_time(c, [], rule).holdout]
    assert drawn[held[0]].reason.code.value == "holdout"


def test_the_draw_is_the_worklists_with_its_own_salt() -> None:
    assert all(in_holdout(c, 0.3) == worklist_draw(str(c), 0.3, salt=HOLDOUT_SALT) for c in range(500))
    assert not in_holdout(1, 0.0)


def test_planned_messages_carry_the_hour_and_the_holdout_flag() -> None:
    facts = [customer(c, engagement_hours=(16, 16, 16, 9)) for c in range(1, 41)]
    result = run([item(c, customer_id=c, days_overdue=5) for c in range(1, 41)], facts)
    hours = {(m.holdout, m.send_at_local_hour) for m in result.messages}
    assert hours == {(False, 16), (True, 9)}
    assert only_message(run([item(1, days_overdue=5)], [facts[0]])).send_at_local_hour in (9, 16)


def test_only_customers_with_enough_events_are_in_the_experiment() -> None:
    rule = SendTimeRule(holdout_share=0.10)
    held = next(c for c in range(1000) if in_holdout(c, 0.10))
    treated = next(c for c in range(1000) if not in_holdout(c, 0.10))
    withheld = choose_send_time(held, [15, 15, 15], rule)
    assert (withheld.arm, withheld.local_hour, withheld.would_choose) == (SendTimeArm.HOLDOUT, 9, 15)
    assert "its events point to 15:00" in withheld.reason.text
    assert choose_send_time(held, [15], rule).arm is SendTimeArm.TOO_FEW_EVENTS  # default either way
    chosen = choose_send_time(treated, [15, 15, 15], rule)
    assert (chosen.arm, chosen.local_hour) == (SendTimeArm.CHOSEN, 15)
    assert choose_send_time(treated, [15], rule).arm is SendTimeArm.TOO_FEW_EVENTS


def _outcomes(arm: SendTimeArm, paid: int, unpaid: int) -> list[SentOutcome]:
    return [SentOutcome(arm, 10_000, 4_000)] * paid + [SentOutcome(arm, 10_000, 0)] * unpaid


def test_the_gain_is_the_difference_in_paid_share_with_its_interval() -> None:
    outcomes = [
        *_outcomes(SendTimeArm.CHOSEN, 30, 10),
        *_outcomes(SendTimeArm.HOLDOUT, 10, 30),
        *_outcomes(SendTimeArm.TOO_FEW_EVENTS, 5, 5),
    ]
    gain = send_time_gain(outcomes, days=7)
    assert (gain.chosen.reminders, gain.chosen.paid, gain.holdout.paid, gain.too_few_events) == (
        40,
        30,
        10,
        10,
    )
    assert gain.difference == pytest.approx(0.5)
    assert gain.ci95 is not None
    assert 0 < gain.ci95[0] < 0.5 < gain.ci95[1] < 1
    assert gain.chosen.cash_share == Decimal("0.3000")  # 30 of 40 paid 40 %
    assert gain.enough
    assert "more often" in gain.note


def test_too_few_reminders_on_a_side_is_said_not_claimed() -> None:
    gain = send_time_gain(
        [*_outcomes(SendTimeArm.CHOSEN, 20, 5), *_outcomes(SendTimeArm.HOLDOUT, 1, 2)], days=7
    )
    assert not gain.enough
    assert gain.note.startswith("not enough reminders yet: 25 at the chosen hour and 3 in the holdout")
    empty = send_time_gain([], days=7)
    assert (empty.difference, empty.ci95, empty.chosen.paid_share) == (None, None, None)
