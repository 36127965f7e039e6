"""Reading a case from the file contract's JSON: strict (unknown fields are errors at any level),
every error names its field, and optional fields take their fail-closed defaults (ADR 0026)."""

from __future__ import annotations

import copy
from datetime import time
from typing import Any

import pytest
from tests.dunning.test_compliance_rules import LOS_ANGELES, NEW_YORK, utc

from dunwell.core.errors import ErrorKind
from dunwell.dunning.compliance import (
    Automation,
    CaseError,
    Channel,
    Consent,
    ContactKind,
    InconvenientTime,
    Ledger,
    read_case,
)

#: The example in issue 18's file contract, verbatim.
CONTRACT_EXAMPLE: dict[str, Any] = {
    "ledger": "consumer",
    "debtor": {
        "time_zones": ["America/New_York", "America/Los_Angeles"],
        "cease_requested": False,
        "opted_out_channels": ["email"],
        "consent": {"sms": True, "prerecorded_call": False, "autodialed_call": False},
        "inconvenient_times": [{"from": "12:00", "to": "13:00"}],
        "represented_by_attorney": False,
        "employer_prohibits_contact_at_work": False,
    },
    "history": [
        {"at": "2026-04-01T14:00:00Z", "channel": "call", "kind": "attempt", "debt_id": "D1"},
        {"at": "2026-04-03T15:00:00Z", "channel": "call", "kind": "conversation", "debt_id": "D1"},
    ],
    "action": {
        "at": "2026-04-06T16:00:00Z",
        "channel": "call",
        "debt_id": "D1",
        "automated": False,
        "to_work_address": False,
        "includes_opt_out_notice": True,
    },
}


def example(**changes: Any) -> dict[str, Any]:
    """The contract example with ``changes`` at dotted paths (``"debtor.consent.fax"=1``);
    ``...`` as a value removes the field."""
    document = copy.deepcopy(CONTRACT_EXAMPLE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is ...:
            del node[last]
        else:
            node[last] = value
    return document


def test_the_contract_example_reads_as_written() -> None:
    case = read_case(CONTRACT_EXAMPLE)
    assert case.ledger is Ledger.CONSUMER
    assert case.debtor.time_zones == (NEW_YORK, LOS_ANGELES)
    assert case.debtor.opted_out_channels == {Channel.EMAIL}
    assert case.debtor.consent == Consent(sms=True, prerecorded_call=False, autodialed_call=False)
    assert case.debtor.inconvenient_times == (InconvenientTime(time(12), time(13)),)
    assert [(c.at, c.kind, c.debt_id) for c in case.history] == [
        (utc("2026-04-01T14:00"), ContactKind.ATTEMPT, "D1"),
        (utc("2026-04-03T15:00"), ContactKind.CONVERSATION, "D1"),
    ]
    assert case.action.at == utc("2026-04-06T16:00")
    assert case.action.automation is Automation.MANUAL
    assert (case.action.to_work_address, case.action.includes_opt_out_notice) == (False, True)


def test_optional_fields_take_their_fail_closed_defaults() -> None:
    document = example(
        debtor__consent=..., debtor__inconvenient_times=..., debtor__employer_prohibits_contact_at_work=...,
        action__automated=..., action__to_work_address=..., action__includes_opt_out_notice=...,
        action__debt_id=..., history=[{"at": "2026-04-01T14:00:00Z", "channel": "call", "kind": "attempt"}],
    )  # fmt: skip
    case = read_case(document)
    assert case.debtor.consent == Consent(sms=None, prerecorded_call=None, autodialed_call=None)
    assert case.debtor.inconvenient_times == ()
    assert case.debtor.employer_prohibits_contact_at_work is None
    assert case.action.automation is Automation.UNSPECIFIED
    assert (case.action.to_work_address, case.action.includes_opt_out_notice) == (None, None)
    assert (case.action.debt_id, case.history[0].debt_id) == (None, None)
    assert read_case(example(debtor__consent={"sms": None})).debtor.consent.sms is None


@pytest.mark.parametrize(
    ("automated", "automation"),
    [
        (True, Automation.UNSPECIFIED),
        ("prerecorded", Automation.PRERECORDED),
        ("autodialed", Automation.AUTODIALED),
    ],
)
def test_automated_names_the_technology_or_leaves_it_unspecified(
    automated: object, automation: Automation
) -> None:
    assert read_case(example(action__automated=automated)).action.automation is automation


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (example(extra=1), "extra"),
        (example(debtor__consent__fax=True), "debtor.consent.fax"),
        (example(debtor__nickname="Bo"), "debtor.nickname"),
        (example(history__1__note="x"), "history[1].note"),
        (example(action__priority="high"), "action.priority"),
        (example(debtor__inconvenient_times=[{"from": "12:00", "to": "13:00", "zone": "UTC"}]),
         "debtor.inconvenient_times[0].zone"),
    ],
)  # fmt: skip
def test_an_unknown_field_at_any_level_is_an_error_naming_it(document: dict[str, Any], field: str) -> None:
    with pytest.raises(CaseError) as raised:
        read_case(document)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: unknown field")
    assert raised.value.kind is ErrorKind.INVALID


@pytest.mark.parametrize(
    ("document", "field", "says"),
    [
        (example(ledger=...), "ledger", "is required"),
        (example(ledger="retail"), "ledger", "one of consumer, commercial"),
        (example(debtor__cease_requested=...), "debtor.cease_requested", "is required"),
        (example(debtor__represented_by_attorney=None), "debtor.represented_by_attorney", "must not be null"),
        (example(debtor__opted_out_channels=...), "debtor.opted_out_channels", "is required"),
        (example(debtor__opted_out_channels=["fax"]), "debtor.opted_out_channels[0]", "'fax'"),
        (example(debtor__cease_requested="no"), "debtor.cease_requested", "true or false"),
        (example(debtor__cease_requested=0), "debtor.cease_requested", "the number 0"),
        (example(debtor__time_zones=[]), "debtor.time_zones", "at least one"),
        (example(debtor__time_zones="America/New_York"), "debtor.time_zones", "must be a list"),
        (example(debtor__time_zones=["Mars/Olympus"]), "debtor.time_zones[0]", "unknown time zone"),
        (example(debtor__time_zones=["../etc/passwd"]), "debtor.time_zones[0]", "unknown time zone"),
        (example(debtor__consent__sms="yes"), "debtor.consent.sms", "true or false"),
        (example(debtor__consent=True), "debtor.consent", "must be an object"),
        (example(debtor__inconvenient_times=[{"from": "25:00", "to": "13:00"}]),
         "debtor.inconvenient_times[0].from", "HH:MM"),
        (example(debtor__inconvenient_times=[{"from": "9:00", "to": "13:00"}]),
         "debtor.inconvenient_times[0].from", "HH:MM"),
        (example(debtor__inconvenient_times=[{"from": "12:00"}]),
         "debtor.inconvenient_times[0].to", "is required"),
        (example(debtor__inconvenient_times=[{"from": "12:00", "to": "12:00"}]),
         "debtor.inconvenient_times[0]", "all day"),
        (example(history=...), "history", "is required"),
        (example(history={}), "history", "must be a list"),
        (example(history__0__kind="voicemail"), "history[0].kind",
         "attempt, not_connected, conversation, sent"),
        (example(history__0__at="2026-04-01 14:00"), "history[0].at", "UTC"),
        (example(history__0__at="2026-04-01"), "history[0].at", "UTC"),
        (example(history__0__at="2026-04-01T14:00:00"), "history[0].at", "with its 'Z'"),
        (example(history__0__at="2026-04-01T14:00:00+02:00"), "history[0].at", "with its 'Z'"),
        (example(history__0__at="2026-02-30T14:00:00Z"), "history[0].at", "UTC"),
        (example(history__1__debt_id=7), "history[1].debt_id", "non-empty string"),
        (example(action=...), "action", "is required"),
        (example(action__at=1775491200), "action.at", "the number"),
        (example(action__channel="fax"), "action.channel", "call, email, sms, letter"),
        (example(action__automated="robot"), "action.automated", '"prerecorded" or "autodialed"'),
        (example(action__automated=1), "action.automated", "true, false"),
        (example(action__to_work_address="no"), "action.to_work_address", "true or false"),
        ([], "case", "must be an object"),
    ],
)  # fmt: skip
def test_a_missing_wrong_or_out_of_range_field_is_named(document: object, field: str, says: str) -> None:
    with pytest.raises(CaseError) as raised:
        read_case(document)
    assert raised.value.field == field
    assert says in str(raised.value)


def test_utc_times_may_use_an_explicit_zero_offset_and_fractions() -> None:
    case = read_case(example(action__at="2026-04-06T16:00:00.250+00:00"))
    assert case.action.at == utc("2026-04-06T16:00:00.250")
    assert case.action.at.utcoffset() is not None


def test_the_same_zone_twice_is_one_location() -> None:
    document = example(debtor__time_zones=["America/New_York", "America/New_York"])
    assert read_case(document).debtor.time_zones == (NEW_YORK,)
