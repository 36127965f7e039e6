"""Each scenario kind as a change to the base: a billing plan for invoices not issued yet, the open
book's quantiles (collection policy only), its cost and value in whole minor units, and every
assumption in words with its number (issue 19).

Money is computed in ``Decimal`` from integer minor units and rounded once (half to even) to whole
minor units; shares and days are statistics (floats) and enter the money as ``Decimal`` of their
shortest decimal form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.scenario_billing import BillingPlan
from dunwell.forecast.scenario_collection import pull_overdue
from dunwell.forecast.scenario_kinds import (
    CollectionPolicy,
    CreditTightening,
    EarlyPaymentDiscount,
    Scenario,
    ScenarioBase,
    ScenarioError,
    TermsChange,
    money_text,
    select_customers,
)

DAYS_A_YEAR = Decimal(365)


@dataclass(frozen=True, slots=True)
class Applied:
    """A scenario turned into changes to the base."""

    plan: BillingPlan
    quantiles: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None  # None: unchanged
    cost_minor: int | None  # None: not modelled (the assumptions say so)
    value_minor: int | None
    assumptions: tuple[str, ...]


def apply_scenario(base: ScenarioBase, scenario: Scenario, base_cumulative: NDArray[np.float64]) -> Applied:
    """``base_cumulative[t - 1]``: the base's expected cash by the end of day t (collection policy)."""
    if isinstance(scenario, TermsChange):
        return _terms_change(base, scenario)
    if isinstance(scenario, EarlyPaymentDiscount):
        return _discount(base, scenario)
    if isinstance(scenario, CreditTightening):
        return _credit_tightening(base, scenario)
    return _collection_policy(base, scenario, base_cumulative)


def _terms_change(base: ScenarioBase, scenario: TermsChange) -> Applied:
    chosen = select_customers(base, scenario.customers, scenario.segments, scenario.everyone)
    if scenario.from_days is not None:
        chosen &= base.terms_days == scenario.from_days
    shift = np.where(chosen, scenario.to_days - base.terms_days, 0).astype(np.int64)
    plan = BillingPlan.unchanged(base.customers)
    plan = BillingPlan(plan.scale, shift, plan.fixed_share, plan.fixed_day, plan.fixed_cash)
    billed = _billed_minor(base, chosen)
    now_on = Counter(int(t) for t in base.terms_days[chosen])
    notes = [
        f"{_who(base, chosen)} issue new invoices on net {scenario.to_days} "
        f"(now: {', '.join(f'net {t}: {n}' for t, n in sorted(now_on.items())) or 'none'}); "
        f"invoices open at the origin keep their terms",
        "customers keep their delay relative to the due date: each one's issue-to-payment pattern "
        "(the book's) moves by its change of terms, "
        f"{', '.join(f'{d:+d} days' for d in sorted({int(s) for s in shift[chosen]})) or 'none'}",
        f"billing affected: {money_text(base, billed)} over the {base.horizon_days} days (their run-rate)",
    ]
    if (shift < 0).any():
        notes.append("shorter terms cannot bring in what the book's pattern shows beyond the horizon")
    cost: int | None = None
    if scenario.cost_of_capital_annual is not None:
        # The billing of the horizon waits (to - from) days longer: its financing at the cost of capital.
        waited = sum(
            Decimal(round(float(base.billing_per_day[c]) * base.horizon_days)) * int(shift[c])
            for c in np.flatnonzero(chosen)
        )
        cost = _whole(Decimal(waited) * scenario.cost_of_capital_annual / DAYS_A_YEAR)
        notes.append(
            f"cost: financing the later cash at {scenario.cost_of_capital_annual} a year "
            f"(billing x days later / 365) = {money_text(base, cost)}"
        )
    else:
        notes.append("cost: not modelled (give cost_of_capital to price the later cash)")
    return Applied(plan, None, cost, 0 if cost is not None else None, tuple(notes))


def _discount(base: ScenarioBase, scenario: EarlyPaymentDiscount) -> Applied:
    chosen = select_customers(base, scenario.customers, scenario.segments, scenario.everyone)
    uptake = np.zeros(base.customers)
    notes = []
    for segment in sorted({base.segment[c] for c in np.flatnonzero(chosen)}):
        share, source = _uptake(base, scenario, segment)
        members = chosen & np.asarray([s == segment for s in base.segment], dtype=bool)
        uptake[members] = share
        notes.append(f"uptake in segment {segment or '(none)'!r}: {share:.0%} ({source})")
    fraction = scenario.percent / Decimal(100)
    shift = np.zeros(base.customers, dtype=np.int64)
    if scenario.net_days is not None:
        shift = np.where(chosen, scenario.net_days - base.terms_days, 0).astype(np.int64)
    plan = BillingPlan(
        scale=np.ones(base.customers),
        shift_days=shift,
        fixed_share=uptake,
        fixed_day=np.full(base.customers, scenario.discount_days, dtype=np.int64),
        fixed_cash=np.full(base.customers, float(1 - fraction)),
    )
    taken = round(float((base.billing_per_day * uptake).sum()) * base.horizon_days)
    cost = _whole(Decimal(taken) * fraction)
    pmf = base.billing_pattern.pmf
    paid_share = float(pmf.sum())
    usual_days = float((np.arange(len(pmf)) * pmf).sum() / paid_share) if paid_share > 0 else 0.0
    earlier = max(Decimal(f"{usual_days:.1f}") - scenario.discount_days, Decimal(0))
    value = _whole(Decimal(taken - cost) * scenario.cost_of_capital_annual * earlier / DAYS_A_YEAR)
    terms = f"{scenario.percent}/{scenario.discount_days}" + (
        f" net {scenario.net_days}" if scenario.net_days is not None else ""
    )
    notes[:0] = [
        f"{terms} offered on new invoices of {_who(base, chosen)}; "
        "invoices open at the origin are not offered it",
        f"a customer that takes it pays on day {scenario.discount_days} after issue, "
        f"{100 - scenario.percent}% of the amount, including invoices it would have paid late or "
        f"never; the others pay as now"
        + (
            f", on net {scenario.net_days} (their pattern moved by the change of terms)"
            if scenario.net_days is not None
            else ""
        ),
    ]
    notes += [
        f"billing taken at the discount: {money_text(base, taken)} over the {base.horizon_days} days "
        f"(run-rate x uptake); cost: the discount given up, {scenario.percent}% = {money_text(base, cost)}",
        f"value of earlier cash: cash received x {scenario.cost_of_capital_annual} a year x {earlier} "
        f"days earlier / 365 = {money_text(base, value)}; days earlier: the book's mean issue-to-payment "
        f"{usual_days:.1f} days (of what is paid within the horizon, {paid_share:.0%} of billing) "
        f"less {scenario.discount_days}; bad debt the discount removes is not counted in the value",
    ]
    return Applied(plan, None, cost, value, tuple(notes))


def _uptake(base: ScenarioBase, scenario: EarlyPaymentDiscount, segment: str) -> tuple[float, str]:
    if scenario.uptake is not None and segment in scenario.uptake:
        history = base.discount_history.get(segment)
        seen = f"; history shows {history:.0%}" if history is not None else ""
        return float(scenario.uptake[segment]), f"stated in the scenario{seen}"
    if segment in base.discount_history:
        return float(base.discount_history[segment]), "the segment's history of discounts taken"
    return float(scenario.default_uptake), "assumed: no discount history in the segment"


def _credit_tightening(base: ScenarioBase, scenario: CreditTightening) -> Applied:
    bands = set(base.risk_band)
    if scenario.risk_band not in bands:
        raise ScenarioError(f"unknown risk band {scenario.risk_band!r}; the book has: {sorted(bands)}")
    chosen = np.asarray([b == scenario.risk_band for b in base.risk_band], dtype=bool)
    plan = BillingPlan.unchanged(base.customers)
    scale = np.where(chosen, 1.0 - scenario.billing_cut, 1.0)
    plan = BillingPlan(scale, plan.shift_days, plan.fixed_share, plan.fixed_day, plan.fixed_cash)
    lost = round(float(base.billing_per_day[chosen].sum()) * scenario.billing_cut * base.horizon_days)
    theirs = chosen[base.customer]
    open_amount = int(base.amount_minor[theirs].sum())
    never_share = (
        float((base.amount_minor[theirs] * base.p_never[theirs]).sum()) / open_amount if open_amount else 0.0
    )
    notes = [
        f"new billing of {_who(base, chosen)} in risk band {scenario.risk_band!r} cut by "
        f"{scenario.billing_cut:.0%}: {money_text(base, lost)} less over the {base.horizon_days} days; "
        f"what is still billed is collected as before",
    ]
    value: int | None = None
    if scenario.bad_debt_avoided:
        value = _whole(Decimal(lost) * _share(never_share))
        notes.append(
            f"bad debt avoided: the billing not made x the share of the band's open book expected never "
            f"to be paid ({never_share:.1%}, amount-weighted p_never of {int(theirs.sum())} open invoices) "
            f"= {money_text(base, value)}"
        )
    else:
        notes.append("bad debt avoided: not counted")
    cost: int | None = None
    if scenario.margin is not None:
        cost = _whole(Decimal(lost) * _share(scenario.margin))
        notes.append(
            f"cost: margin lost, billing not made x margin {scenario.margin:.0%} = {money_text(base, cost)}"
        )
    else:
        notes.append("cost: lost margin not modelled (give margin to count it)")
    return Applied(plan, None, cost, value, tuple(notes))


def _collection_policy(
    base: ScenarioBase, scenario: CollectionPolicy, base_cumulative: NDArray[np.float64]
) -> Applied:
    effect = scenario.lab_effect
    if effect is None:
        raise ScenarioError(
            f"the collection policy {scenario.policy!r} has no measured effect: measure it with the "
            "strategy lab (with_lab_effects) or state cash_ratio in the scenario"
        )
    pulled = pull_overdue(base, effect, base_cumulative)
    ratios = ", ".join(f"{w} days x{r:.3f}" for w, r in sorted(effect.cash_ratio.items()))
    notes = [
        f"policy {scenario.policy!r}: cash within {ratios} of that with no extra collection work "
        f"({effect.source})",
        "the lift is taken from invoices overdue at the origin only; invoices not yet due and new "
        "billing are collected as in the base",
        *pulled.notes,
        "cost: collector time not costed (the lab compares policies at equal collector capacity)",
    ]
    return Applied(BillingPlan.unchanged(base.customers), (pulled.p10, pulled.p50, pulled.p90), None, None,
                   tuple(notes))  # fmt: skip


def _billed_minor(base: ScenarioBase, chosen: NDArray[np.bool_]) -> int:
    return round(float(base.billing_per_day[chosen].sum()) * base.horizon_days)


def _who(base: ScenarioBase, chosen: NDArray[np.bool_]) -> str:
    count = int(chosen.sum())
    if count == base.customers:
        return f"all {count} customers"
    names = [base.customer_names[c] or base.customer_keys[c] for c in np.flatnonzero(chosen)[:5]]
    more = f" and {count - 5} more" if count > 5 else ""
    return (
        f"{count} customer{'s' if count != 1 else ''} ({', '.join(names)}{more})" if count else "no customer"
    )


def _share(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
