"""What-if scenarios against the base cash forecast (issue 19): terms changes, early-payment
discounts, credit tightening and collection policies, each run alone against the same base.

**Common random numbers.** The base and every scenario are simulated with the same seeds and the
same layout of draws: the open book with ``forecast.joint.simulate_daily`` on ``base.seed`` (same
invoices, same customers, only a collection policy moves their quantiles), the new billing with
``scenario_billing.simulate_plan`` on ``base.seed + 1`` (the same weekly billing multipliers). A
difference between a scenario and the base is therefore its change, not noise; a scenario that
changes nothing gives exactly zero deltas.

**New billing** is each customer's trailing 13-week run-rate (``base.billing_per_day``), with the
book's weekly spread, collected along the book's issue-to-payment pattern
(``base.billing_pattern.pmf``); the base forecast here is therefore the sum of per-customer rates
(the same as ``new_billing`` when those rates add up to the book's rate).

**DSO at the end of the horizon's whole weeks** (13 weeks = 91 days): with expected values (means
over the draws, rounded to whole minor units), ``AR_end = open_minor + billed - cleared``, where
``billed`` is the new billing of those days and ``cleared`` what the open book and the new billing
settle in them (cash, plus discounts given: a discount clears the invoice without cash; never-paid
invoices stay in the receivable); ``DSO = AR_end / billing of the last 90 days x 90``, the billing
of the last 90 days being the simulated billing of the horizon's last 90 days (and, for a horizon
shorter than 90 days, the rest pro rata from ``sales_last_90_minor``). DSO at the origin is
``open_minor / sales_last_90_minor x 90``. Days are ``Decimal`` to one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.joint import OpenBook, quantiles, simulate_daily, weekly
from dunwell.forecast.scenario_billing import BilledCash, BillingPlan, simulate_plan
from dunwell.forecast.scenario_effects import apply_scenario
from dunwell.forecast.scenario_kinds import (
    DEFAULT_UPTAKE,
    CollectionPolicy,
    CreditTightening,
    EarlyPaymentDiscount,
    PolicyEffect,
    Scenario,
    ScenarioBase,
    ScenarioError,
    TermsChange,
    check_scenario,
    money_text,
)
from dunwell.forecast.scenario_report import ForecastFigures, ScenarioReport, ScenarioResult

__all__ = [
    "DEFAULT_UPTAKE",
    "CollectionPolicy",
    "CreditTightening",
    "EarlyPaymentDiscount",
    "ForecastFigures",
    "PolicyEffect",
    "Scenario",
    "ScenarioBase",
    "ScenarioError",
    "ScenarioReport",
    "ScenarioResult",
    "TermsChange",
    "run_scenarios",
    "with_lab_effects",
]

DSO_PERIOD_DAYS = 90


@dataclass(frozen=True, slots=True)
class _Simulated:
    book_cash: NDArray[np.int64]  # [draws, horizon]
    new: BilledCash

    @property
    def cash(self) -> NDArray[np.int64]:
        return np.asarray(self.book_cash + self.new.cash, dtype=np.int64)


def with_lab_effects(
    scenarios: Sequence[Scenario], measure: Callable[[str], PolicyEffect]
) -> tuple[Scenario, ...]:
    """The scenarios with every collection policy lacking an effect given ``measure(policy)``'s
    (``dunwell.simulation.strategy_effect.measure_policy_effect``); each policy is measured once."""
    measured: dict[str, PolicyEffect] = {}
    filled: list[Scenario] = []
    for scenario in scenarios:
        if isinstance(scenario, CollectionPolicy) and scenario.lab_effect is None:
            if scenario.policy not in measured:
                measured[scenario.policy] = measure(scenario.policy)
            scenario = replace(scenario, lab_effect=measured[scenario.policy])
        filled.append(scenario)
    return tuple(filled)


def run_scenarios(base: ScenarioBase, scenarios: Sequence[Scenario]) -> ScenarioReport:
    """The base forecast and each scenario against it (see the module's docstring for how)."""
    for scenario in scenarios:
        try:
            check_scenario(scenario)
        except ScenarioError as exc:
            raise ScenarioError(f"scenario {scenario.name!r}: {exc.message}") from exc
    book = _open_book(base)
    book_cash = simulate_daily(
        book, horizon_days=base.horizon_days, draws=base.draws, rho=base.rho, seed=base.seed
    )
    reference = _Simulated(book_cash, _new_billing(base, BillingPlan.unchanged(base.customers)))
    base_figures = _figures(base, reference)
    base_cumulative = np.cumsum(reference.cash.mean(axis=0))
    results = []
    for scenario in scenarios:
        try:
            applied = apply_scenario(base, scenario, base_cumulative)
        except ScenarioError as exc:
            raise ScenarioError(f"scenario {scenario.name!r}: {exc.message}") from exc
        cash_book = book_cash
        if applied.quantiles is not None:
            p10, p50, p90 = applied.quantiles
            moved = OpenBook(book.amount_minor, p10, p50, p90, book.p_never, book.customer)
            cash_book = simulate_daily(
                moved, horizon_days=base.horizon_days, draws=base.draws, rho=base.rho, seed=base.seed
            )
        simulated = _Simulated(cash_book, _new_billing(base, applied.plan))
        notes = list(applied.assumptions)
        if isinstance(scenario, CollectionPolicy) and scenario.lab_effect is not None:
            notes.append(_reached(scenario.lab_effect, simulated, reference))
        results.append(_result(base, scenario, simulated, reference, base_figures, applied.cost_minor,
                               applied.value_minor, tuple(notes)))  # fmt: skip
    return ScenarioReport(
        currency=base.currency,
        weeks=base.horizon_days // 7,
        draws=base.draws,
        rho=base.rho,
        seed=base.seed,
        dso_origin_days=_dso(base.open_minor, base.sales_last_90_minor),
        base=base_figures,
        base_assumptions=_base_assumptions(base),
        scenarios=tuple(results),
    )


def _open_book(base: ScenarioBase) -> OpenBook:
    return OpenBook(base.amount_minor, base.p10, base.p50, base.p90, base.p_never, base.customer)


def _new_billing(base: ScenarioBase, plan: BillingPlan) -> BilledCash:
    return simulate_plan(base.billing_pattern, base.billing_per_day, plan, horizon_days=base.horizon_days,
                         draws=base.draws, seed=base.seed + 1)  # fmt: skip


def _figures(base: ScenarioBase, simulated: _Simulated) -> ForecastFigures:
    weeks = base.horizon_days // 7
    days = weeks * 7
    by_week = weekly(simulated.cash, weeks)
    ranges = quantiles(by_week)
    totals = quantiles(by_week.sum(axis=1, keepdims=True))
    billed = round(float(simulated.new.billed[:, :days].sum(axis=1).mean()))
    cleared = round(
        float((simulated.book_cash[:, :days] + simulated.new.cleared[:, :days]).sum(axis=1).mean())
    )
    recent = round(float(simulated.new.billed[:, max(0, days - DSO_PERIOD_DAYS) : days].sum(axis=1).mean()))
    if days < DSO_PERIOD_DAYS:  # the rest of the 90 days is the billing before the origin, pro rata
        recent += base.sales_last_90_minor * (DSO_PERIOD_DAYS - days) // DSO_PERIOD_DAYS
    ar_end = base.open_minor + billed - cleared
    return ForecastFigures(
        weekly_p10=tuple(int(v) for v in ranges[0]),
        weekly_p50=tuple(int(v) for v in ranges[1]),
        weekly_p90=tuple(int(v) for v in ranges[2]),
        total_p10=int(totals[0, 0]),
        total_p50=int(totals[1, 0]),
        total_p90=int(totals[2, 0]),
        expected_cash_minor=round(float(simulated.cash[:, :days].sum(axis=1).mean())),
        billed_minor=billed,
        ar_end_minor=ar_end,
        dso_end_days=_dso(ar_end, recent),
    )


def _result(
    base: ScenarioBase,
    scenario: Scenario,
    simulated: _Simulated,
    reference: _Simulated,
    base_figures: ForecastFigures,
    cost: int | None,
    value: int | None,
    assumptions: tuple[str, ...],
) -> ScenarioResult:
    figures = _figures(base, simulated)
    days = (base.horizon_days // 7) * 7
    # The mean of per-draw differences: with common random numbers, exactly the change.
    difference = (simulated.cash[:, :days] - reference.cash[:, :days]).sum(axis=1)
    dso_delta = (
        figures.dso_end_days - base_figures.dso_end_days
        if figures.dso_end_days is not None and base_figures.dso_end_days is not None
        else None
    )
    return ScenarioResult(
        name=scenario.name,
        kind=scenario.kind,
        figures=figures,
        delta_p50_weekly=tuple(
            s - b for s, b in zip(figures.weekly_p50, base_figures.weekly_p50, strict=True)
        ),
        delta_total_p50=figures.total_p50 - base_figures.total_p50,
        delta_expected_cash=round(float(difference.mean())),
        dso_delta_days=dso_delta,
        cost_minor=cost,
        value_minor=value,
        net_minor=value - cost if value is not None and cost is not None else None,
        assumptions=assumptions,
    )


def _reached(effect: PolicyEffect, simulated: _Simulated, reference: _Simulated) -> str:
    """The lift the simulation reached at each window, beside the measured one."""
    scenario_cumulative = np.cumsum(simulated.cash.mean(axis=0))
    base_cumulative = np.cumsum(reference.cash.mean(axis=0))
    reached = [
        f"{w} days x{scenario_cumulative[w - 1] / base_cumulative[w - 1]:.3f}"
        for w in sorted(effect.cash_ratio)
        if w <= len(base_cumulative) and base_cumulative[w - 1] > 0
    ]
    return f"lift reached in the forecast: {', '.join(reached) or 'none'}"


def _dso(receivable: int, billed_90: int) -> Decimal | None:
    if billed_90 <= 0:
        return None
    days = Decimal(receivable) / Decimal(billed_90) * DSO_PERIOD_DAYS
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def _base_assumptions(base: ScenarioBase) -> tuple[str, ...]:
    pmf = base.billing_pattern.pmf
    shown = money_text(base, float(base.billing_per_day.sum()))
    book_rate = base.billing_pattern.rate_per_day
    differs = abs(float(base.billing_per_day.sum()) - book_rate) > 0.01 * max(book_rate, 1.0)
    rates = (
        f" (the book's own trailing rate is {money_text(base, book_rate)} a day: the customers' differ)"
        if differs
        else ""
    )
    return (
        f"open book: {len(base.amount_minor)} invoices of {len(np.unique(base.customer))} customers, "
        f"simulated jointly ({base.draws} draws, customer correlation rho {base.rho:.3f}, seed {base.seed}); "
        f"invoices at least 90 days past due may never be paid (their p_never)",
        f"new billing: each customer's trailing 13-week run-rate (monthly billers are not scheduled on "
        f"their billing days here, as the Forecast does), {shown} a day in all, weekly spread "
        f"cv {base.billing_pattern.weekly_cv:.2f}, collected along the book's issue-to-payment pattern "
        f"({float(pmf.sum()):.0%} of billing paid within {len(pmf)} days){rates}",
        "every scenario runs alone against this base with the same random numbers (seeds and draws)",
        f"DSO at the end of week {base.horizon_days // 7}: (open at the origin + billed - cleared) / "
        "billing of the last 90 days x 90, with expected values",
    )
