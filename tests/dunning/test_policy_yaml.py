"""Policy files are checked as a whole: every mistake at once, each with its line and field path."""

from __future__ import annotations

from textwrap import dedent

import pytest

from dunwell.dunning.policy import Anchor, Tone
from dunwell.dunning.policy_parse import PolicyFileError, check_policy_text, parse_policy_text

GOOD = """\
policies:
  standard:
    steps:
      - {id: reminder, from: due, days: 3, tone: friendly, channels: [email]}
      - {id: final, from: due, days: 30, tone: final_demand, channels: [letter]}
"""

MANY_MISTAKES = """\
version: 1
policies:
  standard:
    min_days_between_messages: -1
    recent_cash_days: lots
    steps:
      - id: reminder
        from: due
        days: 3
        tone: friendly
        channels: [email]
      - id: second
        from: due
        days: 10
        tone: angry
        channels: [email, fax]
        colour: red
      - id: third
        from: yesterday
        days: 20
        tone: firm
        channels: [email]
        approval: {amount_over: {USD: 10.001, XYZ: 5}}
assignments:
  default: missing
  segments: {grumpy: standard}
"""


def problems_of(text: str) -> list[str]:
    return [str(p) for p in check_policy_text(dedent(text)).problems]


def test_several_mistakes_are_all_listed_with_line_and_field() -> None:
    found = problems_of(MANY_MISTAKES)
    assert found == [
        "line 4, policies.standard.min_days_between_messages: -1 must be between 0 and 365",
        "line 5, policies.standard.recent_cash_days: expected a whole number, found the text 'lots'",
        "line 15, policies.standard.steps[1].tone: 'angry' is not one of friendly, firm, urgent, "
        "final_demand",
        "line 16, policies.standard.steps[1].channels[1]: 'fax' is not one of email, sms, letter, call",
        "line 17, policies.standard.steps[1].colour: unknown field (expected one of id, from, days, tone, "
        "channels, legal_language, approval, claim_interest, claim_compensation, offer_payment_plan, "
        "ai_draft)",
        "line 19, policies.standard.steps[2].from: 'yesterday' is not one of due, month_end, previous_step",
        "line 23, policies.standard.steps[2].approval.amount_over.USD: 10.001 has more decimals than USD "
        "allows",
        "line 23, policies.standard.steps[2].approval.amount_over.XYZ: 'XYZ' is not an ISO 4217 currency "
        "code "
        "(USD, EUR...)",
        "line 25, assignments.default: no policy named 'missing' (defined: standard)",
        "line 26, assignments.segments.grumpy: 'grumpy' is not a segment (chronic_late, deteriorating, "
        "early_payer, new_or_thin, on_time, payment_run, seasonal, steady_late)",
    ]
    assert check_policy_text(MANY_MISTAKES).book is None


def test_a_valid_file_gives_a_book_with_defaults() -> None:
    checked = check_policy_text(GOOD)
    assert checked.valid
    assert checked.book is not None
    policy = checked.book.policies["standard"]
    assert checked.book.assignments.default == "standard"  # one policy: it is the default
    assert [s.id for s in policy.steps] == ["reminder", "final"]
    assert policy.steps[0].anchor is Anchor.DUE
    assert policy.steps[1].tone is Tone.FINAL_DEMAND
    assert policy.steps[1].legal_language  # a final demand is legal language unless said otherwise
    assert not policy.steps[0].legal_language
    assert policy.min_days_between_messages == 5


def test_yaml_syntax_error_is_one_problem_with_its_line() -> None:
    found = problems_of("policies:\n  standard:\n    steps: [a, b\n  other: 1\n")
    assert len(found) == 1
    assert found[0].startswith("line 4: not valid YAML")


def test_empty_file_and_wrong_shapes() -> None:
    assert problems_of("") == ["line 1: the file is empty"]
    assert problems_of("- a\n- b\n") == ["line 1: expected a mapping, found a list"]
    assert problems_of("policies: {}\n") == ["line 1, policies: must name at least one policy"]
    assert problems_of("policies:\n  standard:\n    steps: []\n") == [
        "line 3, policies.standard.steps: must not be empty"
    ]


def test_missing_fields_and_repeated_keys() -> None:
    found = problems_of(
        """\
        policies:
          standard:
            steps:
              - {id: a, from: due, tone: firm, channels: [email], tone: firm}
        """
    )
    assert "line 4, policies.standard.steps[0]: missing field 'days'" in found
    assert "line 4, policies.standard.steps[0].tone: repeated (first on line 4)" in found


def test_amounts_are_exact_minor_units_never_floats() -> None:
    book = parse_policy_text(
        dedent(
            """\
            policies:
              standard:
                steps:
                  - id: final
                    from: due
                    days: 30
                    tone: final_demand
                    channels: [letter]
                    approval: {amount_over: {USD: 25000.10, JPY: 3000000, KWD: "1.125"}, legal_language: true}
            """
        ),
        source="test",
    )
    rule = book.policies["standard"].steps[0].approval
    assert dict(rule.amount_over_minor) == {"USD": 2_500_010, "JPY": 3_000_000, "KWD": 1125}
    assert problems_of(
        GOOD.replace("channels: [letter]}", "channels: [letter], approval: {amount_over: {JPY: 1.5}}}")
    ) == [
        "line 5, policies.standard.steps[1].approval.amount_over.JPY: 1.5 has more decimals than JPY allows"
    ]


def test_anchors_aliases_and_merges_work() -> None:
    book = parse_policy_text(
        dedent(
            """\
            policies:
              standard:
                steps:
                  - &email_step {id: reminder, from: due, days: 3, tone: friendly, channels: [email]}
                  - {<<: *email_step, id: firm, days: 14, tone: firm}
            """
        ),
        source="test",
    )
    firm = book.policies["standard"].steps[1]
    assert (firm.id, firm.days, firm.tone, firm.channels[0].value) == ("firm", 14, Tone.FIRM, "email")


def test_ladder_rules() -> None:
    found = problems_of(
        """\
        policies:
          standard:
            steps:
              - {id: later, from: previous_step, days: 3, tone: friendly, channels: [email]}
              - {id: reminder, from: due, days: 10, tone: friendly, channels: [email], claim_interest: false}
              - {id: reminder, from: due, days: 5, tone: firm, channels: [email]}
              - {id: nudge, from: previous_step, days: 0, tone: firm, channels: [email]}
              - {id: early, from: due, days: -3, tone: friendly, channels: [email], claim_compensation: true}
        """
    )
    assert found == [
        "line 4, policies.standard.steps[0].from: the first step has no previous step to count from",
        "line 6, policies.standard.steps[2].days: due + 5 days is not after step 'reminder' (due + 10 days): "
        "a ladder runs forward in time",
        "line 6, policies.standard.steps[2].id: 'reminder' is already the id of steps[1]",
        "line 7, policies.standard.steps[3].days: a step counted from the previous step comes at least 1 day "
        "after it",
        "line 8, policies.standard.steps[4].claim_compensation: nothing is late before the due date",
        "line 8, policies.standard.steps[4].days: 3 days before due is not after step 'reminder' "
        "(due + 5 days): "
        "a ladder runs forward in time",
    ]


def test_step_and_plan_consistency() -> None:
    found = problems_of(
        """\
        policies:
          standard:
            payment_plan: {default_instalments: 8, max_instalments: 6}
            steps:
              - id: reminder
                from: due
                days: 3
                tone: friendly
                channels: [email]
                approval: {legal_language: true}
        """
    )
    assert found == [
        "line 3, policies.standard.payment_plan.default_instalments: 8 is more than max_instalments (6)",
        "line 3, policies.standard.payment_plan.max_duration_days: the default plan's last instalment "
        "falls 217 days after the offer, beyond max_duration_days (180)",
        "line 10, policies.standard.steps[0].approval.legal_language: asks for approval of legal "
        "language, but the step has none (legal_language: false)",
    ]
    no_plan = problems_of(GOOD.replace("channels: [email]}", "channels: [email], offer_payment_plan: true}"))
    assert no_plan == [
        "line 4, policies.standard.steps[0].offer_payment_plan: offers a payment plan, but the policy has no "
        "payment_plan section"
    ]


def test_assignments_with_several_policies() -> None:
    two = GOOD + GOOD.removeprefix("policies:\n").replace("standard:", "strict:")
    assert problems_of(two) == [
        "line 1, assignments: missing: with several policies, say which is the default"
    ]
    book = parse_policy_text(
        two
        + "assignments:\n  default: standard\n"
        + "  customers: {1001: strict}\n  segments: {chronic_late: strict}\n",
        source="test",
    )
    assert dict(book.assignments.customers) == {"1001": "strict"}
    assert dict(book.assignments.segments) == {"chronic_late": "strict"}


def test_send_time_settings() -> None:
    found = problems_of(
        GOOD.replace("    steps:", "    send_time: {default_hour: 7, holdout_share: 2}\n    steps:")
    )
    assert found == [
        "line 3, policies.standard.send_time: default_hour (7) must lie between earliest_hour (8) and "
        "latest_hour (17)",
        "line 3, policies.standard.send_time.holdout_share: 2 must be between 0 and 1 (or 0% and 100%)",
    ]
    book = parse_policy_text(
        GOOD.replace("    steps:", "    send_time: {holdout_share: 25%}\n    steps:"), source="t"
    )
    assert book.policies["standard"].send_time.holdout_share == pytest.approx(0.25)


def test_version_and_parse_error() -> None:
    assert problems_of("version: 2\n" + GOOD) == [
        "line 1, version: this Dunwell reads policy files of version 1"
    ]
    with pytest.raises(PolicyFileError) as raised:
        parse_policy_text("version: 2\n" + GOOD, source="mine.yaml")
    assert raised.value.code == "dunning_policy_invalid"
    assert str(raised.value).startswith("mine.yaml: 1 problem(s): line 1, version:")


def test_a_step_is_drafted_by_a_model_only_when_it_says_ai_draft() -> None:
    book = parse_policy_text(
        GOOD.replace("channels: [email]}", "channels: [email], ai_draft: true}"), source="t"
    )
    reminder, final = book.policies["standard"].steps
    assert reminder.ai_draft is True
    assert final.ai_draft is False
    assert problems_of(GOOD.replace("channels: [email]}", "channels: [email], ai_draft: yes please}")) == [
        "line 4, policies.standard.steps[0].ai_draft: expected true or false, found the text 'yes please'"
    ]
