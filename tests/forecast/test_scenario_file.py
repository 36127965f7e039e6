"""Scenario files: the four kinds read into values, and every problem reported with the file, the
scenario and the reason; naming a segment, customer or risk band the book lacks is an error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.forecast.scenario_file import KnownNames, ScenarioFileError, parse_scenarios
from dunwell.forecast.scenarios import (
    CollectionPolicy,
    CreditTightening,
    EarlyPaymentDiscount,
    PolicyEffect,
    TermsChange,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenarios.yaml"
KNOWN = KnownNames(
    segments=frozenset({"retail", "wholesale", ""}),
    customer_keys=("C-1001", "C-1002", "C-1003"),
    customer_names=("Acme Foods", "Bolt Ltd", "Bolt Ltd"),
    risk_bands=frozenset({"low", "medium", "high"}),
)


def test_the_shipped_example_reads_into_all_four_kinds() -> None:
    scenarios = parse_scenarios(EXAMPLE.read_text(encoding="utf-8"), KNOWN, source=str(EXAMPLE))
    assert scenarios == (
        TermsChange(
            to_days=60, segments=("retail",), from_days=30, cost_of_capital_annual=Decimal("0.08"),
            name="Retail on net 60",
        ),
        EarlyPaymentDiscount(
            percent=Decimal(2), discount_days=10, net_days=30, everyone=True, uptake={"retail": 0.4},
            default_uptake=0.3, cost_of_capital_annual=Decimal("0.10"), name="2/10 net 30 for everyone",
        ),
        CreditTightening(
            risk_band="high", billing_cut=0.5, bad_debt_avoided=True, margin=0.25,
            name="Halve billing to high-risk customers",
        ),
        CollectionPolicy(
            policy="oldest-first",
            lab_effect=PolicyEffect("oldest-first", {30: 1.04, 60: 1.02, 90: 1.0},
                                    "stated in the scenario file"),
            name="Oldest first",
        ),
    )  # fmt: skip


def test_terms_may_be_written_in_numbers_and_customers_by_id_or_name() -> None:
    scenarios = parse_scenarios(
        """
scenarios:
  - kind: terms_change
    customers: [C-1002, Acme Foods]
    terms: net 45
  - kind: early_payment_discount
    customers: C-1003
    percent: "1.5"
    discount_days: 15
  - kind: collection_policy
    policy: largest-first
""",
        KNOWN,
    )
    terms, discount, policy = scenarios
    assert isinstance(terms, TermsChange)
    assert terms.to_days == 45
    assert terms.customers == ("C-1002", "Acme Foods")
    assert terms.name == "terms change 1"
    assert isinstance(discount, EarlyPaymentDiscount)
    assert discount.percent == Decimal("1.5")
    assert discount.net_days is None
    assert discount.uptake is None
    assert discount.cost_of_capital_annual == Decimal("0.10")
    assert policy == CollectionPolicy("largest-first", None, name="collection policy 3")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("  - {kind: terms_change, segments: [retial], to_days: 60}", "unknown segment 'retial'"),
        ("  - {kind: terms_change, customers: [C-9999], to_days: 60}", "unknown customer 'C-9999'"),
        ("  - {kind: terms_change, customers: [Bolt Ltd], to_days: 60}", "2 customers are named 'Bolt Ltd'"),
        (
            "  - {kind: early_payment_discount, all: true, terms: 2/10 net 30, uptake: {retial: 0.5}}",
            "unknown segment 'retial'",
        ),
        (
            "  - {kind: credit_tightening, risk_band: extreme, billing_cut: 0.5}",
            "unknown risk band 'extreme'",
        ),
        ("  - {kind: terms_swap, all: true}", "unknown kind 'terms_swap'"),
        (
            "  - {kind: terms_change, all: true, to_days: 60, to_dayz: 90}",
            "unknown key(s) for terms_change: to_dayz",
        ),
        ("  - {kind: terms_change, all: true, to_days: sixty}", "to_days must be a whole number of days"),
        ("  - {kind: terms_change, all: true, to_days: 60, terms: net 60}", "one of them"),
        ("  - {kind: terms_change, to_days: 60}", "names no customers and no segments"),
        ("  - {kind: terms_change, all: true, segments: [retail], to_days: 60}", "not both"),
        ("  - {kind: early_payment_discount, all: true, terms: net 30}", "no early-payment discount"),
        ("  - {kind: early_payment_discount, all: true, percent: 120, discount_days: 10}", "percent must be"),
        (
            "  - {kind: early_payment_discount, all: true, percent: 2, discount_days: 10, uptake: 0.5}",
            "uptake is",
        ),
        (
            "  - {kind: early_payment_discount, all: true, percent: two, discount_days: 10}",
            "percent must be a number",
        ),
        ("  - {kind: credit_tightening, risk_band: high, billing_cut: 1.5}", "billing_cut must be a share"),
        (
            "  - {kind: credit_tightening, risk_band: high, billing_cut: 0.5, bad_debt_avoided: 1}",
            "true or false",
        ),
        ("  - {kind: collection_policy, policy: x, cash_ratio: {45: 1.1}}", "cash ratio at 45 days"),
        ("  - {kind: collection_policy, policy: x, cash_ratio: {30: fast}}", "not a number"),
    ],
)
def test_every_problem_names_the_file_the_scenario_and_the_reason(body: str, reason: str) -> None:
    first = "  - {kind: collection_policy, policy: none, name: fine}"
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenarios(f"scenarios:\n{first}\n{body}\n", KNOWN, source="plans.yaml")
    error = caught.value
    assert error.path == "plans.yaml"
    assert error.index == 2
    assert reason in error.reason
    assert str(error).startswith("plans.yaml: scenario 2: ")


def test_the_scenario_is_named_in_the_error_and_names_are_unique() -> None:
    text = "scenarios:\n  - {kind: terms_change, name: Longer, segments: [nope], to_days: 60}\n"
    with pytest.raises(ScenarioFileError, match=r"scenario 1 \('Longer'\): unknown segment 'nope'"):
        parse_scenarios(text, KNOWN)
    twice = "scenarios:\n" + "  - {kind: collection_policy, policy: none, name: Same}\n" * 2
    with pytest.raises(ScenarioFileError, match="another scenario has this name") as caught:
        parse_scenarios(twice, KNOWN)
    assert caught.value.index == 2
    assert caught.value.name == "Same"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("scenarios: [", "not valid YAML"),
        ("- {kind: terms_change}", "one key, scenarios"),
        ("scenarios: []", "lists no scenarios"),
        ("scenarios:\n  - just text", "a scenario is a mapping"),
        ("scenarios: {a: 1}", "one key, scenarios"),
        ("scenarios: []\nextra: 1", "one key, scenarios"),
    ],
)
def test_a_file_that_is_not_a_list_of_scenarios_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ScenarioFileError, match=reason):
        parse_scenarios(text, KNOWN, source="f.yaml")


def test_only_safe_yaml_is_read() -> None:
    evil = "scenarios: !!python/object/apply:os.system ['echo hi']\n"
    with pytest.raises(ScenarioFileError, match=r"evil\.yaml: not valid YAML"):
        parse_scenarios(evil, KNOWN, source="evil.yaml")
