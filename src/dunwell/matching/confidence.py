"""How sure a candidate is: a learned, monotone logistic model over its evidence.

Each signal that fired has a *strength* (1 for most; a fuzzy name's similarity above the
cut-off, a reference's share when several are named, how close an alternative is). The model's
log-odds is ``intercept + sum(coefficient[signal] * strength)``, so every candidate's evidence
still reads as additive points (``contributions``), now in log-odds learned from outcomes rather
than set by hand. Coefficients are bounded by the sign of the hand-set prior weight of their
signal (``WEIGHTS``): agreeing evidence can never lower confidence, doubts never raise it.

Fitted by ``fit`` (penalised maximum likelihood, L-BFGS-B with those bounds) on simulated
companies of several remittance families (``bench/cashapp_calibrate.py``), and refitted per
deployment on its own confirmations and rejections. Stored as JSON: nothing is executed on load.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.records import Evidence

MODEL_FILE = "confidence.json"
FORMAT = "dunwell.matching.confidence/1"
#: Shown beside the candidate, decided outside the model.
NOT_MODELLED = frozenset({"structural_agreement"})
#: A signal the model was never fitted on counts at its hand-set weight times this (in log-odds);
#: fitting pulls every coefficient towards the same value.
PRIOR_SCALE = 0.5


def strengths(evidence: Iterable[Evidence]) -> dict[str, float]:
    """Signal -> summed strength: the weight found over the prior weight (a count where the prior
    is 0)."""
    found: dict[str, float] = {}
    for e in evidence:
        if e.signal in NOT_MODELLED or e.signal not in WEIGHTS:
            continue
        prior = WEIGHTS[e.signal]
        found[e.signal] = found.get(e.signal, 0.0) + (e.weight / prior if prior else 1.0)
    return found


@dataclass(frozen=True)
class ConfidenceModel:
    intercept: float
    coefficients: Mapping[str, float]
    auto_threshold: float
    fitted_on: Mapping[str, Any] = field(default_factory=dict)

    def log_odds(self, evidence: Iterable[Evidence]) -> float:
        return self.intercept + sum(
            self.coefficient(signal) * strength for signal, strength in strengths(evidence).items()
        )

    def coefficient(self, signal: str) -> float:
        found = self.coefficients.get(signal)
        return WEIGHTS.get(signal, 0.0) * PRIOR_SCALE if found is None else found

    def confidence(self, evidence: Iterable[Evidence]) -> float:
        z = self.log_odds(evidence)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def contributions(self, evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
        """The evidence with each item's learned points (log-odds) as its weight."""
        shown = []
        for e in evidence:
            prior = WEIGHTS.get(e.signal, 0.0)
            strength = e.weight / prior if prior else 1.0
            weight = 0.0 if e.signal in NOT_MODELLED else self.coefficient(e.signal) * strength
            shown.append(Evidence(e.signal, e.detail, round(weight, 3)))
        return tuple(shown)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "intercept": round(self.intercept, 6),
            "coefficients": {k: round(v, 6) for k, v in sorted(self.coefficients.items())},
            "auto_threshold": self.auto_threshold,
            "fitted_on": dict(self.fitted_on),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConfidenceModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a confidence model of format {FORMAT}: {data.get('format')!r}")
        coefficients = {str(k): float(v) for k, v in data["coefficients"].items()}
        unknown = set(coefficients) - set(WEIGHTS)
        if unknown:
            raise ValueError(
                f"the confidence model names signals this version does not know: {sorted(unknown)}"
            )
        return cls(
            float(data["intercept"]),
            coefficients,
            float(data["auto_threshold"]),
            dict(data.get("fitted_on", {})),
        )


@cache
def shipped_model() -> ConfidenceModel:
    """The model fitted on the simulator's families and shipped with the package."""
    source = resources.files("dunwell.matching").joinpath(MODEL_FILE)
    return ConfidenceModel.from_json(json.loads(source.read_text(encoding="utf-8")))
