"""What-if scenarios against the base cash forecast: each change moves cash the way it must, costs
are exact integers, and common random numbers make a change-nothing scenario exactly zero."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from dunwell.forecast.new_billing import BillingPattern, simulate_new_billing
from dunwell.forecast.scenario_billing import BillingPlan, simulate_plan
from dunwell.forecast.scenarios import (
    CollectionPolicy,
    CreditTightening,
    EarlyPaymentDiscount,
    PolicyEffect,
    ScenarioBase,
    ScenarioError,
    ScenarioReport,
    ScenarioResult,
    TermsChange,
    run_scenarios,
    with_lab_effects,
)

HORIZON = 91
CUSTOMERS = 12
RATE = 40_000.0  # minor units billed a day by each customer but the last
IDLE = "C12"  # no open invoices and no billing


def _pattern() -> BillingPattern:
    """95 % of billing paid 5..54 days after issue, evenly; the rest later or never."""
    pmf = np.zeros(HORIZON)
    pmf[5:55] = 0.95 / 50
    return BillingPattern(rate_per_day=RATE * (CUSTOMERS - 1), weekly_cv=0.25, pmf=pmf)


@pytest.fixture(scope="module")
def base() -> ScenarioBase:
    rng = np.random.default_rng(11)
    invoices = 240
    customer = rng.integers(0, CUSTOMERS - 1, invoices)  # the last customer has nothing open
    due = rng.integers(-150, 45, invoices)
    p50 = np.maximum(due + rng.gamma(2.0, 8.0, invoices), 1.0)
    amount = rng.integers(20_000, 900_000, invoices).astype(np.int64)
    billing = np.full(CUSTOMERS, RATE)
    billing[-1] = 0.0
    return ScenarioBase(
        currency="USD",
        amount_minor=amount,
        p10=np.maximum(p50 - 6.0, 0.0),
        p50=p50,
        p90=p50 + 25.0,
        p_never=np.where(due < -90, 0.25, 0.0),
        customer=customer.astype(np.int64),
        due_in_days=due.astype(np.int64),
        customer_keys=tuple(f"C{i + 1:02d}" for i in range(CUSTOMERS)),
        customer_names=tuple(f"Customer {i + 1}" for i in range(CUSTOMERS)),
        segment=(*tuple("retail" if i % 2 else "wholesale" for i in range(CUSTOMERS - 1)), ""),
        risk_band=tuple(("low", "medium", "high")[i % 3] for i in range(CUSTOMERS)),
        billing_per_day=billing,
        billing_pattern=_pattern(),
        terms_days=np.full(CUSTOMERS, 30, dtype=np.int64),
        discount_history={"retail": 0.2},
        sales_last_90_minor=int(RATE * (CUSTOMERS - 1) * 90),
        open_minor=int(amount.sum()),
        horizon_days=HORIZON,
        draws=400,
        rho=0.3,
        seed=5,
    )


def _one(base: ScenarioBase, scenario: object) -> tuple[ScenarioReport, ScenarioResult]:
    report = run_scenarios(base, [scenario])  # type: ignore[list-item]
    return report, report.scenarios[0]


def _assert_no_change(result: ScenarioResult) -> None:
    assert result.delta_p50_weekly == (0,) * 13
    assert result.delta_total_p50 == 0
    assert result.delta_expected_cash == 0
    assert result.dso_delta_days == Decimal("0.0")


def test_a_scenario_that_changes_nothing_gives_exactly_zero_deltas(base: ScenarioBase) -> None:
    report = run_scenarios(
        base,
        [
            TermsChange(to_days=30, everyone=True, name="net 30 stays net 30"),
            CreditTightening(risk_band="high", billing_cut=0.0, name="no cut"),
            EarlyPaymentDiscount(
                percent=Decimal(2),
                discount_days=10,
                everyone=True,
                uptake={"retail": 0.0, "wholesale": 0.0, "": 0.0},
                name="nobody takes it",
            ),
            CollectionPolicy("none", PolicyEffect("none", {30: 1.0, 60: 1.0, 90: 1.0}, "stated")),
        ],
    )
    for result in report.scenarios:
        _assert_no_change(result)
        assert result.figures == report.base
    assert report.scenarios[2].cost_minor == 0


def test_net_30_to_net_60_moves_cash_out_of_the_first_weeks_and_raises_dso(base: ScenarioBase) -> None:
    report, result = _one(
        base, TermsChange(to_days=60, everyone=True, cost_of_capital_annual=Decimal("0.08"))
    )
    delta = np.array(result.delta_p50_weekly)
    assert delta[:4].sum() < 0
    assert (delta[:8] <= 0).all()
    # Within 13 weeks the later cash never catches up: the new steady state only repeats the old flow.
    assert result.delta_total_p50 < 0
    assert result.delta_expected_cash < 0
    assert abs(delta[-1]) < 0.1 * report.base.weekly_p50[-1]
    assert result.figures.billed_minor == report.base.billed_minor
    assert result.dso_delta_days is not None
    assert result.dso_delta_days > 15
    # Financing: the billing of 91 days waits 30 days longer at 8 % a year.
    billed = round(RATE * HORIZON) * (CUSTOMERS - 1)
    assert result.cost_minor == round(Decimal(billed * 30) * Decimal("0.08") / 365)
    assert any("+30 days" in a for a in result.assumptions)


def test_terms_change_from_days_only_moves_customers_on_those_terms(base: ScenarioBase) -> None:
    _, result = _one(base, TermsChange(to_days=60, everyone=True, from_days=45))
    _assert_no_change(result)  # nobody is on net 45


def test_a_discount_taken_by_everyone_brings_cash_earlier_at_an_exact_cost(base: ScenarioBase) -> None:
    everyone = {"retail": 1.0, "wholesale": 1.0, "": 1.0}
    scenario = EarlyPaymentDiscount(
        percent=Decimal(2), discount_days=10, net_days=30, everyone=True, uptake=everyone,
        cost_of_capital_annual=Decimal("0.12"),
    )  # fmt: skip
    report, result = _one(base, scenario)
    assert sum(result.delta_p50_weekly[:4]) > 0
    assert result.delta_p50_weekly[1] > 0  # week 2: the first discounted payments (day 10 on)
    affected = round(float(base.billing_per_day.sum()) * HORIZON)
    assert result.cost_minor == (affected * 2) // 100  # 2 % of the billing of the 91 days, exactly
    assert isinstance(result.cost_minor, int)
    assert isinstance(result.value_minor, int)
    assert result.value_minor is not None
    assert result.value_minor > 0
    assert result.net_minor == result.value_minor - result.cost_minor
    # Discounted invoices clear in full: the receivable falls, the billing does not.
    assert result.figures.billed_minor == report.base.billed_minor
    assert result.dso_delta_days is not None
    assert result.dso_delta_days < 0


def test_discount_uptake_comes_from_the_scenario_then_history_then_the_stated_default(
    base: ScenarioBase,
) -> None:
    _, result = _one(
        base, EarlyPaymentDiscount(percent=Decimal(2), discount_days=10, everyone=True, uptake={"": 0.5})
    )
    text = "\n".join(result.assumptions)
    assert "'retail': 20% (the segment's history" in text
    assert "'wholesale': 30% (assumed: no discount history" in text
    assert "'(none)': 50% (stated in the scenario)" in text
    # Only retail and wholesale bill: 20 % and 30 % of half the billing each, at 2 %.
    taken = round(RATE * HORIZON * (5 * 0.2 + 6 * 0.3))
    assert result.cost_minor == round(Decimal(taken) * Decimal("0.02"))


def test_credit_tightening_bills_and_collects_less(base: ScenarioBase) -> None:
    report, result = _one(base, CreditTightening(risk_band="high", billing_cut=0.5, margin=0.2))
    high = [i for i, band in enumerate(base.risk_band) if band == "high"]
    cut = round(float(base.billing_per_day[high].sum()) * 0.5 * HORIZON)
    assert report.base.billed_minor - result.figures.billed_minor == pytest.approx(cut, rel=0.05)
    assert result.delta_expected_cash < 0
    assert all(d <= 0 for d in result.delta_p50_weekly)
    assert result.cost_minor == round(Decimal(cut) * Decimal("0.2"))
    # Bad debt avoided: the cut x the amount-weighted p_never of the band's open invoices.
    theirs = np.isin(base.customer, high)
    share = (base.amount_minor[theirs] * base.p_never[theirs]).sum() / base.amount_minor[theirs].sum()
    assert result.value_minor == pytest.approx(cut * share, abs=1)
    assert result.value_minor is not None
    assert result.cost_minor is not None
    assert result.net_minor == result.value_minor - result.cost_minor
    without_margin = _one(base, CreditTightening(risk_band="high", billing_cut=0.5))[1]
    assert without_margin.cost_minor is None
    assert without_margin.net_minor is None
    assert any("lost margin not modelled" in a for a in without_margin.assumptions)


def test_a_customer_with_nothing_open_and_no_billing_changes_nothing(base: ScenarioBase) -> None:
    for scenario in (
        TermsChange(to_days=90, customers=(IDLE,)),
        EarlyPaymentDiscount(
            percent=Decimal(3), discount_days=10, customers=("Customer 12",), uptake={"": 1.0}
        ),
    ):
        _, result = _one(base, scenario)
        _assert_no_change(result)
        assert result.cost_minor in (None, 0)


def test_a_collection_policy_lifts_cash_by_the_measured_ratio(base: ScenarioBase) -> None:
    effect = PolicyEffect("oldest-first", {30: 1.03, 60: 1.01, 90: 1.0}, "stated")
    report, result = _one(base, CollectionPolicy("oldest-first", effect))
    scenario_30 = sum(result.figures.weekly_p50[:4])
    base_30 = sum(report.base.weekly_p50[:4])
    assert scenario_30 > base_30
    reached = next(a for a in result.assumptions if a.startswith("lift reached"))
    lift_30 = float(reached.split("30 days x")[1].split(",")[0])
    assert lift_30 == pytest.approx(1.03, abs=0.005)
    assert result.figures.billed_minor == report.base.billed_minor
    assert result.cost_minor is None


def test_a_collection_policy_needs_its_effect_and_each_policy_is_measured_once(base: ScenarioBase) -> None:
    with pytest.raises(ScenarioError, match="no measured effect"):
        run_scenarios(base, [CollectionPolicy("oldest-first")])
    asked: list[str] = []

    def measure(policy: str) -> PolicyEffect:
        asked.append(policy)
        return PolicyEffect(policy, {30: 1.02}, "test")

    filled = with_lab_effects(
        [CollectionPolicy("a", name="1"), CollectionPolicy("a", name="2"), TermsChange(60, everyone=True)],
        measure,
    )
    assert asked == ["a"]
    assert [getattr(s, "lab_effect", None) for s in filled][:2] == [PolicyEffect("a", {30: 1.02}, "test")] * 2


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (TermsChange(to_days=60, segments=("retial",)), "unknown segment 'retial'"),
        (TermsChange(to_days=60, customers=("C99",)), "unknown customer 'C99'"),
        (
            EarlyPaymentDiscount(percent=Decimal(2), discount_days=10, customers=("Nobody",)),
            "unknown customer",
        ),
        (CreditTightening(risk_band="extreme", billing_cut=0.5), "unknown risk band"),
        (TermsChange(to_days=60), "names no customers"),
        (CreditTightening(risk_band="high", billing_cut=1.5), "share between 0 and 1"),
    ],
)
def test_unknown_names_and_bad_numbers_raise(base: ScenarioBase, scenario: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        run_scenarios(base, [scenario])  # type: ignore[list-item]


def test_the_report_is_json_with_money_in_whole_minor_units(base: ScenarioBase) -> None:
    report = run_scenarios(
        base,
        [
            EarlyPaymentDiscount(percent=Decimal("1.5"), discount_days=10, segments=("retail",)),
            CreditTightening(risk_band="medium", billing_cut=0.25, margin=0.3),
        ],
    )
    data = json.loads(json.dumps(report.to_dict()))
    assert data["dso_origin_days"] == str(report.dso_origin_days)
    for entry in (data["base"], *data["scenarios"]):
        for key in ("expected_cash_minor", "billed_minor", "ar_end_minor"):
            assert isinstance(entry[key], int)
        assert all(isinstance(v, int) for q in entry["weekly"].values() for v in q)
        assert len(entry["weekly"]["p50"]) == 13
        assert entry["assumptions"]
        assert all(isinstance(a, str) for a in entry["assumptions"])
    for entry in data["scenarios"]:
        assert all(isinstance(entry[k], int) for k in ("cost_minor", "value_minor", "net_minor"))
        assert isinstance(entry["dso_delta_days"], str)
    for result in report.scenarios:
        for money in (result.cost_minor, result.value_minor, result.net_minor, result.delta_total_p50):
            assert type(money) is int


def test_the_dso_is_the_receivable_left_over_the_last_90_days_billing(base: ScenarioBase) -> None:
    report = run_scenarios(base, [])
    figures = report.base
    cleared = base.open_minor + figures.billed_minor - figures.ar_end_minor
    assert cleared == pytest.approx(figures.expected_cash_minor, abs=2)  # no discounts: cash clears
    assert report.dso_origin_days == (Decimal(base.open_minor) / base.sales_last_90_minor * 90).quantize(
        Decimal("0.1")
    )
    assert figures.dso_end_days is not None
    assert float(figures.dso_end_days) == pytest.approx(
        figures.ar_end_minor / (RATE * 11 * 90) * 90, rel=0.05
    )


def test_per_customer_billing_unchanged_is_the_book_engine(base: ScenarioBase) -> None:
    pattern = replace(base.billing_pattern, rate_per_day=float(base.billing_per_day.sum()))
    ours = simulate_plan(
        pattern,
        base.billing_per_day,
        BillingPlan.unchanged(CUSTOMERS),
        horizon_days=HORIZON,
        draws=50,
        seed=9,
    )
    book = simulate_new_billing(pattern, horizon_days=HORIZON, draws=50, seed=9)
    assert np.abs(ours.cash - book).max() <= 1
    assert (ours.cleared == ours.cash).all()


def test_a_lift_the_overdue_book_cannot_bring_is_capped_and_never_delays_cash(base: ScenarioBase) -> None:
    effect = PolicyEffect("miracle", {30: 3.0, 60: 1.0, 90: 1.0}, "stated")
    report, result = _one(base, CollectionPolicy("miracle", effect))
    assert any("capped there" in a for a in result.assumptions)
    # Every overdue invoice pays on its day or earlier: nothing leaves the horizon.
    assert result.delta_expected_cash >= 0
    assert result.figures.total_p50 >= report.base.total_p50
    assert sum(result.delta_p50_weekly[:4]) > 0
