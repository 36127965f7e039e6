"""Payment-term and policy warnings (RULES.md EU-5, EU-6, UK-3, DE-4, FR-1) from the shipped table."""

from __future__ import annotations

import pytest

from dunwell.dunning.interest_checks import RuleWarning, payment_term_warnings, policy_claim_warnings
from dunwell.dunning.jurisdictions import JurisdictionRule, shipped_jurisdictions


@pytest.fixture(scope="module")
def rules() -> dict[str, JurisdictionRule]:
    return dict(shipped_jurisdictions().rules)


def _ids(warnings: tuple[RuleWarning, ...]) -> list[str]:
    return [warning.rule_id for warning in warnings]


@pytest.mark.parametrize("code", ["EU", "UK", "DE", "FR", "ES"])
def test_terms_within_60_days_or_none_agreed_raise_nothing(
    rules: dict[str, JurisdictionRule], code: str
) -> None:
    assert payment_term_warnings(rules[code], 60, public_authority=False, expressly_agreed=False) == ()
    assert payment_term_warnings(rules[code], None, public_authority=True, expressly_agreed=False) == ()


@pytest.mark.parametrize(
    ("code", "rule_id"), [("EU", "EU-5"), ("UK", "UK-3"), ("DE", "DE-4"), ("ES", "EU-5")]
)
def test_terms_over_60_days_must_be_expressly_agreed_and_not_grossly_unfair(
    rules: dict[str, JurisdictionRule], code: str, rule_id: str
) -> None:
    (imposed,) = payment_term_warnings(rules[code], 120, public_authority=False, expressly_agreed=False)
    assert imposed.rule_id == rule_id
    assert "terms over 60 days must be expressly agreed and not grossly unfair" in imposed.message
    assert "not expressly agreed" in imposed.message
    (agreed,) = payment_term_warnings(rules[code], 90, public_authority=False, expressly_agreed=True)
    assert "check they are not grossly unfair" in agreed.message
    assert str(agreed).endswith(f"({rule_id})")


def test_france_caps_terms_whatever_the_agreement_and_end_of_month_at_45(
    rules: dict[str, JurisdictionRule],
) -> None:
    (over,) = payment_term_warnings(rules["FR"], 75, public_authority=False, expressly_agreed=True)
    assert over.rule_id == "FR-1"
    assert "which no agreement can extend" in over.message
    assert (
        payment_term_warnings(
            rules["FR"], 45, public_authority=False, expressly_agreed=True, end_of_month=True
        )
        == ()
    )
    (eom,) = payment_term_warnings(
        rules["FR"], 50, public_authority=False, expressly_agreed=True, end_of_month=True
    )
    assert "exceed the maximum of 45 days end of month" in eom.message


@pytest.mark.parametrize(
    ("code", "days", "expected"),
    [
        ("EU", 30, []),
        ("EU", 45, ["objective justification"]),
        ("EU", 61, ["60-day maximum for a public-authority debtor"]),
        ("DE", 45, ["objective justification"]),
        ("DE", 90, ["60-day maximum"]),
        ("UK", 31, ["30-day maximum for a public-authority debtor"]),
    ],
)
def test_public_authority_terms(
    rules: dict[str, JurisdictionRule], code: str, days: int, expected: list[str]
) -> None:
    warnings = payment_term_warnings(rules[code], days, public_authority=True, expressly_agreed=True)
    assert len(warnings) == len(expected)
    for warning, text in zip(warnings, expected, strict=True):
        assert text in warning.message
        assert warning.rule_id == rules[code].rule_ids.terms


def test_a_policy_that_claims_neither_interest_nor_compensation_is_warned(
    rules: dict[str, JurisdictionRule],
) -> None:
    warnings = policy_claim_warnings(rules["EU"], claims_interest=False, claims_compensation=False)
    assert _ids(warnings) == ["EU-6", "EU-6"]
    assert "claims no late-payment interest" in warnings[0].message
    assert "claims no fixed compensation" in warnings[1].message
    assert _ids(policy_claim_warnings(rules["UK"], claims_interest=False, claims_compensation=True)) == [
        "UK-4"
    ]
    assert policy_claim_warnings(rules["DE"], claims_interest=True, claims_compensation=True) == ()
