"""A collection policy's effect on cash, measured by the strategy lab for the what-if scenarios
(issue 19): cash received within 30/60/90 days under the policy, as a ratio of that under the
``none`` policy (no collection work beyond the company's own routine), on a small simulated
stand-in company: the same customers, days and collector capacity for both, several response
seeds pooled.

The stand-in is not the user's book: the ratio carries the policy's relative effect over, not its
amounts (``forecast.scenario_collection`` applies it to the book's overdue invoices).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from dunwell.forecast.scenario_kinds import LAB_WINDOWS, PolicyEffect
from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import HISTORY_DAYS, load_policy, run_lab
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_folder import SimulationRefused
from dunwell.simulation.policy_replay import policy_named

#: The stand-in: small enough to run in well under a second a seed, with a year of history before
#: the replayed days so that learning policies have their ten months to learn from.
STAND_IN_CUSTOMERS = 150
STAND_IN_SEED = 7
STAND_IN_START = date(2024, 1, 1)
#: Collector hours a day on the stand-in: few enough that a policy must choose whom to work.
STAND_IN_CAPACITY_HOURS = 2.0


def measure_policy_effect(
    policy_name: str,
    *,
    preset: str = "distributor",
    seeds: Sequence[int] = (1, 2),
    days: int = 90,
    customers: int = STAND_IN_CUSTOMERS,
    capacity_hours: float = STAND_IN_CAPACITY_HOURS,
) -> PolicyEffect:
    """Replay the stand-in's last ``days`` days under ``policy_name`` and under ``none`` for each
    seed; per window, Σ cash under the policy over Σ cash under ``none`` (in the currency with the
    most cash: currencies are never added). Unknown presets or policies raise ``SimulationRefused``."""
    if preset not in PRESETS:
        raise SimulationRefused(f"unknown preset {preset!r}; the presets are: {', '.join(PRESETS)}")
    if not seeds:
        raise SimulationRefused("measuring a policy needs at least one seed")
    months = -(-(days + HISTORY_DAYS) // 30) + 1
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=months, seed=STAND_IN_SEED, start=STAND_IN_START
    )
    start = company.end - timedelta(days=days - 1)
    windows = [w for w in LAB_WINDOWS if w <= days]
    with_policy = dict.fromkeys(windows, Decimal(0))
    without = dict.fromkeys(windows, Decimal(0))
    currency = ""
    for seed in seeds:
        try:
            policy = policy_named(policy_name)  # afresh per seed: nothing learned under one carries over
        except (ValueError, ImportError, AttributeError) as exc:
            raise SimulationRefused(str(exc)) from exc
        busy = run_lab(company, policy, start=start, days=days, capacity_hours=capacity_hours, seed=seed)
        idle = run_lab(
            company, load_policy("none"), start=start, days=days, capacity_hours=capacity_hours, seed=seed
        )
        if not currency:
            last = idle.cash[max(windows)]
            currency = max(last, key=lambda c: last[c]) if last else ""
        for window in windows:
            with_policy[window] += busy.cash[window].get(currency, Decimal(0))
            without[window] += idle.cash[window].get(currency, Decimal(0))
    ratios = {w: float(with_policy[w] / without[w]) if without[w] else 1.0 for w in windows}
    source = (
        f"strategy lab: {preset} stand-in, {customers} customers, {capacity_hours:g} collector hours a day, "
        f"{days} days, seeds {', '.join(map(str, seeds))}, {currency or 'no'} cash"
    )
    return PolicyEffect(policy=policy_name, cash_ratio=ratios, source=source)
