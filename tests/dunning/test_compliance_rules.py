"""Every rule ID of the compliance guard, each with a case it allows and one it blocks (ADR 0026).

The builders here (``case``, ``debtor``, ``contact``) are shared by the other compliance tests: the
default case is a manual call on a Monday at noon in New York that every rule allows, so each test
changes only what its rule reads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

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
    Policy,
    ProposedAction,
    decide,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
DENVER = ZoneInfo("America/Denver")
ALL_CONSENT = Consent(sms=True, prerecorded_call=True, autodialed_call=True)


def utc(text: str) -> datetime:
    """``"2026-04-06T16:00"`` (UTC) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def debtor(**fields: Any) -> Debtor:
    defaults: dict[str, Any] = {
        "time_zones": (NEW_YORK,),
        "consent": ALL_CONSENT,
        "employer_prohibits_contact_at_work": False,
    }
    return Debtor(**{**defaults, **fields})


def contact(
    at: str,
    kind: ContactKind = ContactKind.ATTEMPT,
    *,
    channel: Channel = Channel.CALL,
    debt: str | None = "D1",
) -> PastContact:
    return PastContact(at=utc(at), channel=channel, kind=kind, debt_id=debt)


def case(
    at: str = "2026-04-06T16:00",
    channel: Channel = Channel.CALL,
    *,
    history: tuple[PastContact, ...] = (),
    ledger: Ledger = Ledger.CONSUMER,
    person: Debtor | None = None,
    **action: Any,
) -> Case:
    defaults: dict[str, Any] = {
        "debt_id": "D1",
        "automation": Automation.MANUAL,
        "to_work_address": False,
        "includes_opt_out_notice": True,
    }
    return Case(
        ledger=ledger,
        debtor=person or debtor(),
        history=history,
        action=ProposedAction(at=utc(at), channel=channel, **{**defaults, **action}),
    )


def inconvenient(start: str, end: str) -> InconvenientTime:
    return InconvenientTime(start=time.fromisoformat(start), end=time.fromisoformat(end))


def rules_of(subject: Case) -> list[str]:
    return [b.rule for b in decide(subject).blocked_by]


SEVEN_DAYS_OF_CALLS = tuple(contact(f"2026-04-0{d}T14:00") for d in range(1, 8))
THREE_EMAILS = tuple(
    contact(f"2026-04-0{d}T14:00", ContactKind.SENT, channel=Channel.EMAIL) for d in (1, 2, 3)
)

#: rule ID -> (a case it allows, a case it blocks). Each allowed case passes every rule.
RULE_CASES: dict[str, tuple[Case, Case]] = {
    "RF-CEASE-1": (case(), case(person=debtor(cease_requested=True))),
    "RF-ATTY-1": (case(), case(person=debtor(represented_by_attorney=True))),
    "RF-MEDIA-1": (
        case(person=debtor(opted_out_channels=frozenset({Channel.EMAIL}))),
        case(channel=Channel.EMAIL, person=debtor(opted_out_channels=frozenset({Channel.EMAIL}))),
    ),
    "RF-WORK-1": (
        case(person=debtor(employer_prohibits_contact_at_work=True)),
        case(to_work_address=True, person=debtor(employer_prohibits_contact_at_work=True)),
    ),
    "RF-ELEC-1": (case(channel=Channel.SMS), case(channel=Channel.SMS, includes_opt_out_notice=False)),
    "RF-ELEC-2": (case(channel=Channel.EMAIL), case(channel=Channel.EMAIL, to_work_address=True)),
    "TCPA-1": (
        case(channel=Channel.SMS),
        case(channel=Channel.SMS, person=debtor(consent=Consent(sms=False))),
    ),
    "TCPA-6": (
        case(automation=Automation.PRERECORDED, person=debtor(consent=Consent(prerecorded_call=True))),
        case(automation=Automation.PRERECORDED, person=debtor(consent=Consent())),
    ),
    "RF-TIME-1": (case("2026-04-07T00:59:59"), case("2026-04-07T01:00")),  # 20:59:59 / 21:00 EDT
    "RF-TIME-2": (
        case("2026-04-06T15:00", person=debtor(time_zones=(NEW_YORK, LOS_ANGELES))),
        case("2026-04-06T14:59", person=debtor(time_zones=(NEW_YORK, LOS_ANGELES))),
    ),
    "RF-TIME-3": (
        case("2026-04-06T17:00", person=debtor(inconvenient_times=(inconvenient("12:00", "13:00"),))),
        case("2026-04-06T16:30", person=debtor(inconvenient_times=(inconvenient("12:00", "13:00"),))),
    ),
    "RF-CALL-1": (
        case("2026-04-08T14:00", history=SEVEN_DAYS_OF_CALLS),
        case("2026-04-07T18:00", history=SEVEN_DAYS_OF_CALLS),
    ),
    "B2B-CEASE-1": (
        case(ledger=Ledger.COMMERCIAL),
        case(ledger=Ledger.COMMERCIAL, person=debtor(cease_requested=True)),
    ),
    "B2B-ATTY-1": (
        case(ledger=Ledger.COMMERCIAL),
        case(ledger=Ledger.COMMERCIAL, person=debtor(represented_by_attorney=True)),
    ),
    "B2B-OPTOUT-1": (
        case(ledger=Ledger.COMMERCIAL, person=debtor(opted_out_channels=frozenset({Channel.LETTER}))),
        case(
            ledger=Ledger.COMMERCIAL,
            channel=Channel.LETTER,
            person=debtor(opted_out_channels=frozenset({Channel.LETTER})),
        ),
    ),
    "B2B-TIME-1": (
        case("2026-04-06T12:00", ledger=Ledger.COMMERCIAL),  # 08:00 EDT
        case("2026-04-06T11:59:59", ledger=Ledger.COMMERCIAL),
    ),
    "B2B-TIME-2": (
        case(
            "2026-04-06T17:00",
            ledger=Ledger.COMMERCIAL,
            person=debtor(inconvenient_times=(inconvenient("12:00", "13:00"),)),
        ),
        case(
            "2026-04-06T16:00",
            ledger=Ledger.COMMERCIAL,
            person=debtor(inconvenient_times=(inconvenient("12:00", "13:00"),)),
        ),
    ),
    "B2B-CAP-1": (
        case("2026-04-08T14:00", ledger=Ledger.COMMERCIAL, history=THREE_EMAILS),  # Apr 1 has left the week
        case("2026-04-07T14:00", ledger=Ledger.COMMERCIAL, history=THREE_EMAILS),
    ),
}
#: Rules whose block no waiting cures: the decision has no next allowed time.
NEVER = {"RF-CEASE-1", "RF-ATTY-1", "RF-MEDIA-1", "RF-WORK-1", "RF-ELEC-1", "RF-ELEC-2", "TCPA-1", "TCPA-6",
         "B2B-CEASE-1", "B2B-ATTY-1", "B2B-OPTOUT-1"}  # fmt: skip


def test_every_blocking_rule_id_has_an_allowing_and_a_blocking_case() -> None:
    consumer = {"RF-CEASE-1", "RF-ATTY-1", "RF-MEDIA-1", "RF-WORK-1", "RF-ELEC-1", "RF-ELEC-2", "RF-TIME-1",
                "RF-TIME-2", "RF-TIME-3", "RF-CALL-1", "TCPA-1", "TCPA-6"}  # fmt: skip
    commercial = {"B2B-CEASE-1", "B2B-ATTY-1", "B2B-OPTOUT-1", "B2B-TIME-1", "B2B-TIME-2", "B2B-CAP-1"}
    assert set(RULE_CASES) == consumer | commercial


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_the_rule_allows_its_allowed_case(rule: str) -> None:
    allowed, _ = RULE_CASES[rule]
    decision = decide(allowed)
    assert decision.allowed, decision.blocked_by
    assert decision.next_allowed_at == allowed.action.at


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_the_rule_blocks_its_blocked_case_with_a_reason(rule: str) -> None:
    _, blocked = RULE_CASES[rule]
    decision = decide(blocked)
    assert not decision.allowed
    assert [b.rule for b in decision.blocked_by] == [rule]
    assert decision.blocked_by[0].reason
    if rule in NEVER:
        assert decision.next_allowed_at is None
    else:
        assert decision.next_allowed_at is not None
        assert decision.next_allowed_at > blocked.action.at
        assert decide(blocked.at(decision.next_allowed_at)).allowed


# -- details of single rules ----------------------------------------------------------------


def test_every_reason_is_recorded_not_just_the_first() -> None:
    person = debtor(cease_requested=True, represented_by_attorney=True, consent=Consent())
    subject = case("2026-04-06T03:00", Channel.SMS, includes_opt_out_notice=None, person=person)
    assert rules_of(subject) == ["RF-CEASE-1", "RF-ATTY-1", "RF-ELEC-1", "TCPA-6", "RF-TIME-1"]
    assert decide(subject).next_allowed_at is None


@pytest.mark.parametrize(
    ("to_work", "prohibits", "blocked"),
    [(False, None, False), (None, False, False), (None, None, True), (True, None, True), (True, True, True)],
)
def test_contact_at_work_reads_unknown_as_yes(
    to_work: bool | None, prohibits: bool | None, blocked: bool
) -> None:
    subject = case(to_work_address=to_work, person=debtor(employer_prohibits_contact_at_work=prohibits))
    assert ("RF-WORK-1" in rules_of(subject)) is blocked


def test_an_email_needs_a_stated_private_address_and_an_opt_out_notice() -> None:
    unstated = case(channel=Channel.EMAIL, to_work_address=None, includes_opt_out_notice=None)
    reasons = {b.rule: b.reason for b in decide(unstated).blocked_by}
    assert set(reasons) == {"RF-ELEC-2", "RF-ELEC-1"}  # the employer does not mind: RF-WORK-1 passes
    assert "assumed" in reasons["RF-ELEC-2"]
    assert "assumed" in reasons["RF-ELEC-1"]


@pytest.mark.parametrize(
    ("automation", "consent", "rule"),
    [
        (Automation.MANUAL, Consent(), None),
        (Automation.AUTODIALED, Consent(autodialed_call=True), None),
        (Automation.AUTODIALED, Consent(prerecorded_call=True), "TCPA-6"),
        (Automation.PRERECORDED, Consent(prerecorded_call=False), "TCPA-1"),
        (Automation.UNSPECIFIED, Consent(prerecorded_call=True), "TCPA-6"),
        (Automation.UNSPECIFIED, Consent(prerecorded_call=True, autodialed_call=True), None),
    ],
)
def test_an_automated_call_needs_the_consent_for_its_technology(
    automation: Automation, consent: Consent, rule: str | None
) -> None:
    blocks = rules_of(case(automation=automation, person=debtor(consent=consent)))
    assert blocks == ([rule] if rule else [])


def test_a_text_needs_sms_consent_on_either_ledger_and_email_or_letters_need_none() -> None:
    no_record = debtor(consent=Consent())
    assert rules_of(case(channel=Channel.SMS, ledger=Ledger.COMMERCIAL, person=no_record)) == ["TCPA-6"]
    assert rules_of(case(channel=Channel.EMAIL, person=no_record)) == []
    assert rules_of(case(channel=Channel.LETTER, person=no_record)) == []


def test_the_window_edge_is_outside_and_the_next_time_is_the_next_morning() -> None:
    at_nine_pm = decide(case("2026-04-07T01:00"))  # 21:00:00 EDT on Mon Apr 6
    assert at_nine_pm.next_allowed_at == utc("2026-04-07T12:00")  # 08:00 EDT on Tue
    early = decide(case("2026-04-06T11:59:59"))
    assert [b.rule for b in early.blocked_by] == ["RF-TIME-1"]
    assert early.next_allowed_at == utc("2026-04-06T12:00")


def test_emails_and_texts_keep_the_window_but_letters_are_mailed_at_any_hour() -> None:
    at_night = "2026-04-06T05:00"
    assert rules_of(case(at_night, Channel.EMAIL)) == ["RF-TIME-1"]
    assert rules_of(case(at_night, Channel.SMS)) == ["RF-TIME-1"]
    assert rules_of(case(at_night, Channel.LETTER)) == []
    assert rules_of(case(at_night, Channel.LETTER, ledger=Ledger.COMMERCIAL)) == []


def test_an_inconvenient_stretch_over_midnight_and_in_every_zone() -> None:
    evenings = debtor(
        time_zones=(NEW_YORK, LOS_ANGELES), inconvenient_times=(inconvenient("19:00", "00:00"),)
    )
    # 20:00 in Los Angeles is 23:00 in New York: inside the evening stretch in both.
    decision = decide(case("2026-04-07T03:00", person=evenings))
    assert "RF-TIME-3" in [b.rule for b in decision.blocked_by]
    assert decision.next_allowed_at == utc("2026-04-07T15:00")  # 11:00 EDT, 08:00 PDT
    # 15:00 in New York is 12:00 in Los Angeles: neither is evening.
    assert decide(case("2026-04-06T19:00", person=evenings)).allowed
    mornings = debtor(inconvenient_times=(inconvenient("20:00", "10:00"),))
    later = decide(case("2026-04-06T12:30", person=mornings))  # 08:30 EDT
    assert later.next_allowed_at == utc("2026-04-06T14:00")


def test_a_stretch_covering_the_whole_window_means_never() -> None:
    whole_day = debtor(inconvenient_times=(inconvenient("07:00", "22:00"),))
    assert decide(case(person=whole_day)).next_allowed_at is None
    assert decide(case(channel=Channel.LETTER, person=whole_day)).allowed


def test_the_commercial_pack_does_not_apply_regulation_f() -> None:
    person = debtor(employer_prohibits_contact_at_work=True)
    work_email = case(
        channel=Channel.EMAIL, to_work_address=True, includes_opt_out_notice=False,
        ledger=Ledger.COMMERCIAL, person=person,
    )  # fmt: skip
    assert decide(work_email).allowed
    # Seven calls in a week are within Reg F but over the B2B weekly cap.
    calls = case("2026-04-07T18:00", ledger=Ledger.COMMERCIAL, history=SEVEN_DAYS_OF_CALLS[:6])
    assert rules_of(calls) == ["B2B-CAP-1"]


def test_the_b2b_cap_counts_every_channel_but_not_unconnected_calls_and_is_configurable() -> None:
    history = (
        contact("2026-04-06T13:00", ContactKind.NOT_CONNECTED),
        contact("2026-04-06T13:30", ContactKind.SENT, channel=Channel.LETTER),
        contact("2026-04-06T14:00", ContactKind.CONVERSATION, debt="D2"),
    )
    subject = case("2026-04-06T18:00", Channel.EMAIL, ledger=Ledger.COMMERCIAL, history=history)
    assert decide(subject).allowed
    tight = decide(subject, policy=Policy(b2b_messages_per_seven_days=2))
    assert [b.rule for b in tight.blocked_by] == ["B2B-CAP-1"]
    assert tight.next_allowed_at == utc("2026-04-13T12:00")  # Apr 6 leaves the week; 08:00 EDT


def test_b2b_window_intersects_zones_too() -> None:
    both = debtor(time_zones=(NEW_YORK, LOS_ANGELES))
    decision = decide(case("2026-04-06T13:00", ledger=Ledger.COMMERCIAL, person=both))
    assert [b.rule for b in decision.blocked_by] == ["B2B-TIME-1"]
    assert decision.next_allowed_at == utc("2026-04-06T15:00")


def test_moving_a_case_keeps_everything_but_the_time() -> None:
    subject = case()
    moved = subject.at(utc("2026-05-01T12:00"))
    assert moved == replace(subject, action=replace(subject.action, at=utc("2026-05-01T12:00")))
