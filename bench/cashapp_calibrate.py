"""Fit the matcher's confidence calibration and auto-apply threshold on simulated companies.

Runs the engine with raw scores on the simulator's ``distributor`` and ``ibm`` companies, seeds
11-13 (the benchmark, ``cashapp_bench.py``, uses seeds 1-3: the threshold is never judged on the
data it was fitted on), over their last six months; fits an isotonic map from the top
candidate's score to the share of such candidates that were right; and sets the auto-apply
threshold at the lowest confidence that is itself at least 99.5 % and from which the auto-applied
matches as a whole reach 99.5 % precision with 95 % confidence (Wilson lower bound). Writes
``src/dunwell/matching/calibration.json``.

    .venv/bin/python bench/cashapp_calibrate.py [--write]
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression

from dunwell.cashapp.simulated import month_case
from dunwell.matching.engine import Matcher
from dunwell.matching.evidence import CALIBRATION_FILE, Calibration
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS

TARGET_PRECISION = 0.995
SEEDS = (11, 12, 13)
RAW = Calibration((0.0,), (0.5,), auto_threshold=2.0)  # never auto: every payment is ranked


def scored_outcomes(preset: str, seed: int) -> tuple[list[float], list[bool]]:
    company = generate_company(
        preset=PRESETS[preset], customers=300, months=24, seed=seed, start=date(2024, 1, 1)
    )
    case = month_case(company, date(2025, 7, 1), months=6)
    results = Matcher(case.items, case.customers, calibration=RAW).match_all(case.payments)
    truth: dict[str, set[tuple[str, int]]] = {}
    for payment_ref, invoice_id, amount in case.truth:
        truth.setdefault(payment_ref, set()).add((invoice_id, int(amount * 100)))
    scores, right = [], []
    for result in results:
        best = result.best
        if best is None or not best.allocations:
            continue
        scores.append(best.score)
        right.append({(a.item_id, a.amount_minor) for a in best.allocations} == truth.get(result.payment_ref))
    return scores, right


def wilson_lower(successes: int, n: int, z: float = 1.645) -> float:
    if n == 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the calibration file")
    args = parser.parse_args()
    scores: list[float] = []
    right: list[bool] = []
    for preset in ("distributor", "ibm"):
        for seed in SEEDS:
            s, r = scored_outcomes(preset, seed)
            scores += s
            right += r
    x, y = np.asarray(scores), np.asarray(right, dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(x, y)
    grid = np.unique(x)
    fitted = iso.predict(grid)
    # Keep one breakpoint per change of the fitted value (a step function).
    keep = np.r_[True, np.diff(fitted) > 1e-9]
    breaks, confidences = grid[keep], fitted[keep]
    # Two conditions: what is auto-applied as a whole keeps the target precision (Wilson lower
    # bound), and so does each step of it on its own: a band of 95 %-right matches must not ride
    # on the near-certain ones above it.
    threshold = 1.01
    for score, confidence in zip(breaks, confidences, strict=True):
        chosen = x >= score
        if (
            confidence >= TARGET_PRECISION
            and wilson_lower(int(y[chosen].sum()), int(chosen.sum())) >= TARGET_PRECISION
        ):
            threshold = float(confidence)
            break
    result = {
        "fitted_on": {"presets": ["distributor", "ibm"], "seeds": list(SEEDS), "months": "2025-07..2025-12"},
        "candidates": len(x),
        "right": int(y.sum()),
        "target_precision": TARGET_PRECISION,
        "auto_threshold": round(threshold, 4),
        "scores": [round(float(s), 3) for s in breaks],
        "confidences": [round(float(c), 4) for c in confidences],
    }
    print(json.dumps({k: v for k, v in result.items() if k not in ("scores", "confidences")}, indent=2))
    print(json.dumps(dict(zip(result["scores"], result["confidences"], strict=True))))
    if args.write:
        target = Path(__file__).resolve().parents[1] / "src" / "dunwell" / "matching" / CALIBRATION_FILE
        target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
