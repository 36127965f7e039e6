"""Call frequency (RULES.md RF-CALL-1 … RF-CALL-4), with the official commentary's test vectors as
tests. 2026 matches the weekdays they state: Wed Apr 1, Tue Aug 11, Fri Aug 14."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.dunning.test_compliance_rules import NEW_YORK, SEVEN_DAYS_OF_CALLS, case, contact, rules_of, utc

from dunwell.dunning.compliance import Channel, ContactKind, Policy, decide

# -- the official vectors -------------------------------------------------------------------


def _placed_in_turn(times: list[str]) -> list[bool]:
    """Whether each call would be allowed, given the calls before it."""
    allowed = []
    for index, at in enumerate(times):
        history = tuple(contact(earlier) for earlier in times[:index])
        allowed.append(decide(case(at, history=history)).allowed)
    return allowed


def test_seven_unanswered_calls_apr_1_to_7_comply_and_the_next_is_allowed_wed_apr_8() -> None:
    """Comment 14(b)(2)(i)-1.i."""
    days = [f"2026-04-0{d}T14:00" for d in range(1, 8)]
    assert _placed_in_turn(days) == [True] * 7
    eighth = decide(case("2026-04-07T19:00", history=SEVEN_DAYS_OF_CALLS))
    assert [b.rule for b in eighth.blocked_by] == ["RF-CALL-1"]
    assert "Wed 2026-04-08" in eighth.blocked_by[0].reason
    assert eighth.next_allowed_at == utc("2026-04-08T12:00")  # Wed Apr 8, 08:00 EDT
    assert f"{eighth.next_allowed_at.astimezone(NEW_YORK):%a %H:%M}" == "Wed 08:00"


def test_one_two_two_two_one_is_eight_calls_and_the_eighth_is_a_presumed_violation() -> None:
    """Comment 14(b)(2)(ii)-1.i: 1 call Apr 1, 2 each on Apr 2, 3 and 6, 1 on Apr 7."""
    times = [
        "2026-04-01T14:00",
        "2026-04-02T14:00", "2026-04-02T19:00",
        "2026-04-03T14:00", "2026-04-03T19:00",
        "2026-04-06T14:00", "2026-04-06T19:00",
        "2026-04-07T14:00",
    ]  # fmt: skip
    assert _placed_in_turn(times) == [True] * 7 + [False]
    eighth = decide(case(times[-1], history=tuple(contact(t) for t in times[:-1])))
    assert "call 8" in eighth.blocked_by[0].reason
    assert eighth.next_allowed_at == utc("2026-04-08T12:00")  # Apr 1 leaves the week


def test_after_a_conversation_on_fri_aug_14_no_call_before_fri_aug_21() -> None:
    """Comment 14(b)(2)(ii)-1.ii: unanswered Tue Aug 11, conversation Fri Aug 14."""
    history = (contact("2026-08-11T14:00"), contact("2026-08-14T14:00", ContactKind.CONVERSATION))
    for day in range(14, 21):
        decision = decide(case(f"2026-08-{day}T20:00", history=history))
        assert [b.rule for b in decision.blocked_by] == ["RF-CALL-1"], day
        assert decision.next_allowed_at == utc("2026-08-21T12:00")  # Fri Aug 21, 08:00 EDT
    assert decide(case("2026-08-21T12:00", history=history)).allowed
    assert "day 8, Fri 2026-08-21" in decide(case("2026-08-17T14:00", history=history)).blocked_by[0].reason


def test_a_call_earlier_on_the_conversation_day_is_not_barred_by_it() -> None:
    history = (contact("2026-08-14T18:00", ContactKind.CONVERSATION),)
    assert decide(case("2026-08-14T14:00", history=history)).allowed


# -- what counts (RF-CALL-2) and per which debt (RF-CALL-3) ------------------------------------


def test_calls_that_never_connected_do_not_count_but_unanswered_ones_do() -> None:
    """RF-CALL-2: the seventh call of the week is a busy signal, so an eighth attempt is allowed."""
    busy_seventh = (*SEVEN_DAYS_OF_CALLS[:6], contact("2026-04-07T14:00", ContactKind.NOT_CONNECTED))
    assert decide(case("2026-04-07T19:00", history=busy_seventh)).allowed
    assert rules_of(case("2026-04-07T19:00", history=SEVEN_DAYS_OF_CALLS)) == ["RF-CALL-1"]


def test_texts_and_emails_are_not_calls() -> None:
    """RF-CALL-2: texts and emails (and letters) never count toward the call caps."""
    others = tuple(
        contact(f"2026-04-0{d}T14:00", ContactKind.SENT, channel=channel)
        for d in range(1, 8)
        for channel in (Channel.SMS, Channel.EMAIL, Channel.LETTER)
    )
    assert decide(case("2026-04-07T19:00", history=others)).allowed


def test_calls_count_per_particular_debt_and_unnamed_ones_count_for_every_debt() -> None:
    """RF-CALL-3."""
    about_d1 = SEVEN_DAYS_OF_CALLS
    assert decide(case("2026-04-07T19:00", history=about_d1, debt_id="D2")).allowed
    unnamed = tuple(contact(f"2026-04-0{d}T14:00", debt=None) for d in range(1, 8))
    assert rules_of(case("2026-04-07T19:00", history=unnamed, debt_id="D2")) == ["RF-CALL-1"]
    # An action naming no debt counts every call, whatever debt it was about.
    assert rules_of(case("2026-04-07T19:00", history=about_d1, debt_id=None)) == ["RF-CALL-1"]
    talk_d1 = (contact("2026-08-14T14:00", ContactKind.CONVERSATION),)
    assert decide(case("2026-08-15T14:00", history=talk_d1, debt_id="D2")).allowed
    assert not decide(case("2026-08-15T14:00", history=talk_d1, debt_id="D1")).allowed


def test_only_telephone_conversations_start_the_seven_day_bar() -> None:
    by_email = (contact("2026-08-14T14:00", ContactKind.CONVERSATION, channel=Channel.EMAIL),)
    assert decide(case("2026-08-15T14:00", history=by_email)).allowed


def test_days_are_counted_in_the_persons_local_calendar() -> None:
    """A call at 02:00 UTC on Apr 8 is still Apr 7 in New York, so it stays in the Apr 1–7 week."""
    late_on_the_seventh = (*SEVEN_DAYS_OF_CALLS[:6], contact("2026-04-08T00:30"))
    decision = decide(case("2026-04-07T19:00", history=late_on_the_seventh))
    assert [b.rule for b in decision.blocked_by] == ["RF-CALL-1"]


def test_the_cap_is_a_policy_number() -> None:
    three = SEVEN_DAYS_OF_CALLS[:3]
    assert decide(case("2026-04-04T14:00", history=three)).allowed
    strict = decide(case("2026-04-04T14:00", history=three), policy=Policy(calls_per_seven_days=3))
    assert strict.next_allowed_at == utc("2026-04-08T12:00")


# -- pattern flags (RF-CALL-4) ----------------------------------------------------------------


def test_rapid_redial_is_flagged_not_blocked() -> None:
    history = (contact("2026-04-06T15:57"),)
    decision = decide(case("2026-04-06T16:00", history=history))
    assert decision.allowed
    assert [f.rule for f in decision.flags] == ["RF-CALL-4"]
    assert "rapid redial" in decision.flags[0].reason
    assert decide(case("2026-04-06T16:06", history=history)).flags == ()
    answered = (contact("2026-04-06T15:57", ContactKind.CONVERSATION, debt="D2"),)
    assert decide(case("2026-04-06T16:00", history=answered)).flags == ()


def test_concentrated_calls_in_one_day_are_flagged_over_all_debts() -> None:
    start = utc("2026-04-06T13:00")
    six = tuple(
        contact(f"{start + timedelta(minutes=30 * n):%Y-%m-%dT%H:%M}", debt=f"D{n}") for n in range(6)
    )
    decision = decide(case("2026-04-06T20:00", history=six))
    assert decision.allowed
    assert ["concentrated" in f.reason for f in decision.flags] == [True]
    assert decide(case("2026-04-06T20:00", history=six[:5])).flags == ()


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS, Channel.LETTER])
def test_messages_other_than_calls_are_never_flagged_or_capped(channel: Channel) -> None:
    decision = decide(case("2026-04-07T19:00", channel, history=SEVEN_DAYS_OF_CALLS))
    assert decision.allowed
    assert decision.flags == ()
