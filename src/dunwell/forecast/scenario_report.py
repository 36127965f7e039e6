"""What a scenario run reports (issue 19): the base forecast's figures and, per scenario, its own
figures, the deltas against the base, cost / value / net and its assumptions. Money is whole minor
units (``int``), DSO a ``Decimal`` of days to one decimal; ``to_dict`` gives ints and strings only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ForecastFigures:
    """One forecast over the horizon's whole weeks: weekly cash at P10/P50/P90 (over the draws),
    the same for the total, the expected (mean) cash and billing, and the receivable and DSO at the
    end of the last week (``run_scenarios`` says how)."""

    weekly_p10: tuple[int, ...]
    weekly_p50: tuple[int, ...]
    weekly_p90: tuple[int, ...]
    total_p10: int
    total_p50: int
    total_p90: int
    expected_cash_minor: int
    billed_minor: int
    ar_end_minor: int
    dso_end_days: Decimal | None  # None: nothing billed in the last 90 days

    def to_dict(self) -> dict[str, object]:
        return {
            "weekly": {
                "p10": list(self.weekly_p10),
                "p50": list(self.weekly_p50),
                "p90": list(self.weekly_p90),
            },
            "total": {"p10": self.total_p10, "p50": self.total_p50, "p90": self.total_p90},
            "expected_cash_minor": self.expected_cash_minor,
            "billed_minor": self.billed_minor,
            "ar_end_minor": self.ar_end_minor,
            "dso_end_days": _days(self.dso_end_days),
        }


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario against the base. ``delta_p50_weekly``: its weekly P50 less the base's;
    ``delta_total_p50``: the P50 of its horizon total less the base's; ``delta_expected_cash``: the
    mean over draws of the difference (common random numbers make it exact for a scenario that
    changes nothing). ``cost_minor``/``value_minor``/``net_minor``: ``None`` when not modelled."""

    name: str
    kind: str
    figures: ForecastFigures
    delta_p50_weekly: tuple[int, ...]
    delta_total_p50: int
    delta_expected_cash: int
    dso_delta_days: Decimal | None
    cost_minor: int | None
    value_minor: int | None
    net_minor: int | None
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            **self.figures.to_dict(),
            "delta_p50_weekly": list(self.delta_p50_weekly),
            "delta_total_p50": self.delta_total_p50,
            "delta_expected_cash": self.delta_expected_cash,
            "dso_delta_days": _days(self.dso_delta_days),
            "cost_minor": self.cost_minor,
            "value_minor": self.value_minor,
            "net_minor": self.net_minor,
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    currency: str
    weeks: int
    draws: int
    rho: float
    seed: int
    dso_origin_days: Decimal | None
    base: ForecastFigures
    base_assumptions: tuple[str, ...]
    scenarios: tuple[ScenarioResult, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "weeks": self.weeks,
            "draws": self.draws,
            "rho": repr(self.rho),
            "seed": self.seed,
            "dso_origin_days": _days(self.dso_origin_days),
            "base": {**self.base.to_dict(), "assumptions": list(self.base_assumptions)},
            "scenarios": [s.to_dict() for s in self.scenarios],
        }


def _days(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
