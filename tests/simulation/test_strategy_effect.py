"""A collection policy's effect as the strategy lab measures it on a small stand-in company."""

from __future__ import annotations

import pytest

from dunwell.simulation.company_folder import SimulationRefused
from dunwell.simulation.strategy_effect import measure_policy_effect


def test_no_extra_work_has_no_effect_and_working_the_book_brings_cash_sooner() -> None:
    idle = measure_policy_effect("none", seeds=(1,), customers=80)
    assert idle.cash_ratio == {30: 1.0, 60: 1.0, 90: 1.0}
    busy = measure_policy_effect("oldest-first", seeds=(1, 2), customers=80)
    assert busy.policy == "oldest-first"
    assert busy.cash_ratio[30] > 1.0
    # Collection work moves cash earlier; within 90 days little is left to move.
    assert busy.cash_ratio[30] >= busy.cash_ratio[90] >= 0.99
    assert "strategy lab" in busy.source
    assert "80 customers" in busy.source
    assert "seeds 1, 2" in busy.source


def test_windows_beyond_the_days_replayed_are_not_measured() -> None:
    effect = measure_policy_effect("largest-first", seeds=(1,), customers=60, days=45)
    assert set(effect.cash_ratio) == {30}


@pytest.mark.parametrize(("policy", "preset"), [("nobody-first", "distributor"), ("none", "bakery")])
def test_unknown_policies_and_presets_are_refused(policy: str, preset: str) -> None:
    with pytest.raises(SimulationRefused):
        measure_policy_effect(policy, preset=preset, seeds=(1,), customers=20)
