"""Properties of the guard over generated cases: the next allowed time is allowed and is the
earliest one; allowed contacts are inside every zone's window; what no waiting cures has no next
time; the guard is a pure function of the case."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.dunning.test_compliance_rules import NEVER

from dunwell.dunning.compliance import (
    Automation,
    Case,
    Channel,
    Consent,
    ContactKind,
    Debtor,
    InconvenientTime,
    Ledger,
    PastContact,
    ProposedAction,
    decide,
)

ZONES = [ZoneInfo(z) for z in ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
                               "America/Los_Angeles", "Pacific/Honolulu", "Europe/London")]  # fmt: skip
#: Early March to mid April 2026: both sides of the US and EU daylight-saving changes.
START = datetime(2026, 3, 1, tzinfo=UTC)

moments = st.integers(min_value=0, max_value=45 * 24 * 60).map(lambda m: START + timedelta(minutes=m))
maybe = st.sampled_from([True, False, None])


@st.composite
def stretches(draw: st.DrawFn) -> InconvenientTime:
    """Up to six hours (longer ones mostly leave no time at all, which the rule tests cover)."""
    start = draw(st.integers(min_value=0, max_value=47))
    length = draw(st.integers(min_value=1, max_value=12))
    return InconvenientTime(start=_clock(start), end=_clock((start + length) % 48))


def _clock(half_hours: int) -> time:
    return time(half_hours // 2, 30 * (half_hours % 2))


@st.composite
def cases(draw: st.DrawFn, *, permissive: bool = False, consumer_calls: bool = False) -> Case:
    """A case; ``permissive`` ones carry nothing that no waiting cures, so that most have a next
    allowed time to check; ``consumer_calls`` ones are calls on a consumer ledger (the call caps)."""
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True))
    debts = st.sampled_from(["D1", "D2", None])
    at = draw(moments)
    # Mostly calls in the ten days around the action, so that the call caps come into play.
    around = st.integers(min_value=-10 * 24 * 60, max_value=2 * 24 * 60).map(
        lambda m: at + timedelta(minutes=m)
    )
    history = draw(
        st.lists(
            st.builds(
                PastContact,
                at=around,
                channel=st.sampled_from([Channel.CALL, Channel.CALL, Channel.CALL, *Channel]),
                kind=st.sampled_from([ContactKind.ATTEMPT, *ContactKind]),
                debt_id=debts,
            ),
            max_size=20,
        )
    )
    flag = st.just(False) if permissive else st.booleans().map(lambda b: b and draw(st.booleans()))
    debtor = Debtor(
        time_zones=tuple(zones),
        cease_requested=draw(flag),
        represented_by_attorney=draw(flag),
        opted_out_channels=frozenset() if permissive else frozenset(draw(st.sets(st.sampled_from(Channel)))),
        consent=Consent(sms=True, prerecorded_call=True, autodialed_call=True)
        if permissive
        else Consent(sms=draw(maybe), prerecorded_call=draw(maybe), autodialed_call=draw(maybe)),
        inconvenient_times=tuple(draw(st.lists(stretches(), max_size=2))),
        employer_prohibits_contact_at_work=False if permissive else draw(maybe),
    )
    action = ProposedAction(
        at=at,
        channel=Channel.CALL if consumer_calls else draw(st.sampled_from(Channel)),
        debt_id=draw(debts),
        automation=draw(st.sampled_from(Automation)),
        to_work_address=False if permissive else draw(maybe),
        includes_opt_out_notice=True if permissive else draw(maybe),
    )
    ledger = Ledger.CONSUMER if consumer_calls else draw(st.sampled_from(Ledger))
    return Case(ledger=ledger, debtor=debtor, history=tuple(history), action=action)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.one_of(cases(permissive=True), cases(permissive=True, consumer_calls=True)), st.floats(0, 1))
def test_the_next_allowed_time_is_allowed_and_nothing_before_it_is(case: Case, share: float) -> None:
    decision = decide(case)
    assert decision.allowed == (not decision.blocked_by)
    if decision.allowed:
        assert decision.next_allowed_at == case.action.at
        return
    when = decision.next_allowed_at
    if when is None:  # every hour of the day is inconvenient in some zone
        return
    assert when > case.action.at
    assert decide(case.at(when)).allowed
    assert not decide(case.at(when - timedelta(seconds=1))).allowed
    between = case.action.at + (when - case.action.at) * share
    if between < when:
        assert not decide(case.at(between)).allowed


@PROPERTY
@given(cases())
def test_an_allowed_contact_other_than_a_letter_is_inside_every_zones_window(case: Case) -> None:
    decision = decide(case)
    if decision.allowed and case.action.channel is not Channel.LETTER:
        for zone in case.debtor.time_zones:
            assert time(8) <= case.action.at.astimezone(zone).time() < time(21)


@PROPERTY
@given(cases())
def test_what_no_waiting_cures_has_no_next_time_and_the_rest_is_allowed_then(case: Case) -> None:
    decision = decide(case)
    rules = {b.rule for b in decision.blocked_by}
    if rules & NEVER:
        assert decision.next_allowed_at is None
    elif decision.next_allowed_at is not None:
        assert decide(case.at(decision.next_allowed_at)).allowed
    assert decide(case) == decision  # pure: the same case, the same decision
