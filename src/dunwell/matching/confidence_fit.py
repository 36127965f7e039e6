"""Fitting the confidence model and its auto-apply threshold on outcomes.

An outcome is a top candidate's evidence and whether it was right (the simulator's truth, or a
person's confirmation or rejection). The fit is penalised logistic regression with each
coefficient bounded by its signal's prior sign (``confidence``); families (or any groups) are
weighted equally so a style the data has much of does not decide alone. The threshold is the
lowest confidence from which what would be applied keeps ``target`` precision with 95 %
confidence (Wilson lower bound), and from which each band of 1 % of the outcomes above it does
too, so a band of 95 %-right matches cannot ride on the near-certain ones above it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from dunwell.matching.confidence import PRIOR_SCALE, ConfidenceModel, strengths
from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.records import Evidence

TARGET_PRECISION = 0.995
#: What each band of 1 % of the outcomes must keep on its own as the threshold goes down: the
#: matches applied at the margin may be a little less sure than the whole (which keeps
#: ``TARGET_PRECISION`` by its Wilson bound), never much less.
BAND_PRECISION = 0.99
#: L2 penalty pulling each coefficient towards its hand-set weight times ``PRIOR_SCALE`` (a
#: Gaussian prior of variance 1/(2 PENALTY) in log-odds): a signal the data says little about
#: (a payer's known account, when every simulated payer has one) keeps the weight people gave
#: it, a common one follows the data.
PENALTY = 0.5
#: Never auto-apply below this, whatever the data (a model is not sure of what it has not seen).
MIN_THRESHOLD = 0.95
NEVER = 1.01


@dataclass(frozen=True, slots=True)
class Outcome:
    evidence: tuple[Evidence, ...]
    right: bool
    group: str = ""  # a remittance family, a company: groups are weighted equally


def fit(
    outcomes: Sequence[Outcome],
    *,
    target: float = TARGET_PRECISION,
    fitted_on: Mapping[str, Any] | None = None,
    anchor: ConfidenceModel | None = None,
    band_target: float = BAND_PRECISION,
) -> ConfidenceModel:
    """The model over ``outcomes``; each coefficient pulled towards ``anchor``'s (a deployment
    refitting the shipped model on its own decisions) or, without one, towards the hand-set
    weights at ``PRIOR_SCALE``."""
    signals = sorted(
        {s for o in outcomes for s in strengths(o.evidence)} | set(anchor.coefficients if anchor else ())
    )
    x = np.array([[strengths(o.evidence).get(s, 0.0) for s in signals] for o in outcomes], dtype=float)
    y = np.array([o.right for o in outcomes], dtype=float)
    sizes = Counter(o.group for o in outcomes)
    w = np.array([len(outcomes) / (len(sizes) * sizes[o.group]) for o in outcomes], dtype=float)
    bounds = [(None, None)] + [_bound(s) for s in signals]
    if anchor is None:
        prior = np.array([WEIGHTS[s] * PRIOR_SCALE for s in signals], dtype=float)
    else:
        prior = np.array([anchor.coefficients.get(s, WEIGHTS[s] * PRIOR_SCALE) for s in signals], dtype=float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] + x @ theta[1:]
        # log(1 + e^z) - y z, stably
        log1p = np.logaddexp(0.0, z)
        value = float(np.sum(w * (log1p - y * z)) + PENALTY * np.sum((theta[1:] - prior) ** 2))
        residual = w * (1.0 / (1.0 + np.exp(-z)) - y)
        grad = np.concatenate(([residual.sum()], x.T @ residual + 2 * PENALTY * (theta[1:] - prior)))
        return value, grad

    start = np.concatenate(([anchor.intercept if anchor else 0.0], prior))
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    theta = result.x
    model = ConfidenceModel(
        float(theta[0]),
        {s: float(c) for s, c in zip(signals, theta[1:], strict=True)},
        NEVER,
        dict(fitted_on or {}),
    )
    confidences = [model.confidence(o.evidence) for o in outcomes]
    threshold = choose_threshold(
        confidences, [o.right for o in outcomes], target=target, band_target=band_target
    )
    info = {
        **(fitted_on or {}),
        "outcomes": len(outcomes),
        "right": int(y.sum()),
        "groups": dict(sorted(sizes.items())),
        "target_precision": target,
        "band_precision": band_target,
    }
    return ConfidenceModel(model.intercept, model.coefficients, threshold, info)


def _bound(signal: str) -> tuple[float | None, float | None]:
    prior = WEIGHTS[signal]
    if prior > 0:
        return (0.0, None)
    if prior < 0:
        return (None, 0.0)
    return (None, None)


def choose_threshold(
    confidences: Sequence[float], right: Sequence[bool], *, target: float, band_target: float = BAND_PRECISION
) -> float:
    """The lowest confidence at which applying everything at or above it keeps ``target``
    precision (Wilson lower bound), going down only while each band of 1 % of the outcomes (at
    least 20; a confidence level shared by more counts whole) keeps ``band_target`` on its own
    (point estimate); ``NEVER`` if none does."""
    levels: dict[float, list[int]] = {}
    for confidence, was_right in zip(confidences, right, strict=True):
        counts = levels.setdefault(confidence, [0, 0])
        counts[0] += 1
        counts[1] += int(was_right)
    band = max(20, len(confidences) // 100)
    best = NEVER
    taken = hits = 0
    window: list[tuple[int, int]] = []  # (outcomes, right) per level, the lowest last
    for level in sorted(levels, reverse=True):
        count, ok = levels[level]
        taken += count
        hits += ok
        window.append((count, ok))
        while sum(c for c, _ in window[1:]) >= band:
            window.pop(0)
        in_window = sum(c for c, _ in window)
        if in_window >= band and sum(o for _, o in window) / in_window < band_target:
            break  # this band is not right often enough on its own
        if wilson_lower(hits, taken) >= target:
            best = level
    return round(max(best, MIN_THRESHOLD), 6) if best != NEVER else NEVER


def wilson_lower(successes: int, n: int, z: float = 1.645) -> float:
    if n == 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)
