"""Benchmark: cash application across remittance families, each held out in turn.

Every simulated company (``distributor`` and ``ibm``, 300 customers) is rendered in each
remittance family of ``dunwell.cashapp.families`` (ERP numbering, European free text, bank-style
names and processors, US ACH/Fedwire/lockbox in BAI2, SEPA structured references, and the
simulator's own style), through real statement files and the project's own readers.

- ``leave_one_family_out``: for each family, the confidence model is fitted on the *other*
  families' calibration companies (seeds 11-13) and the engine is run with it on the held-out
  family's benchmark companies (seeds 1-3): auto rate, precision, top-3 of the rest, beside the
  rules matcher on the same payments, and the structural rule's own precision.
- ``all_families``: the model fitted on every family (what ships) on every family's benchmark
  companies, pooled and per family.

Prints ONE JSON object.   .venv/bin/python bench/cashapp_families.py [--families a,b] [--seeds 1,2,3]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from typing import Any

from cashapp_bench import pooled, run_case
from cashapp_calibrate import PRESET_NAMES, SEEDS, cases, outcomes
from dunwell.cashapp.families import FAMILY_NAMES
from dunwell.cashapp.simulated import MonthCase
from dunwell.matching.confidence import shipped_model
from dunwell.matching.confidence_fit import Outcome, fit

TARGETS = {
    "all_families": {"auto_rate": 0.90, "auto_precision": 0.995},
    "held_out_family": {"auto_rate": 0.85, "auto_precision": 0.995, "ahead_of_rules": True},
    "top3_accuracy_of_rest": 0.98,
}


def _family(name: str) -> str:
    return name.split("/")[0]


def leave_one_out(
    families: Sequence[str], calibration: dict[str, MonthCase], bench: dict[str, MonthCase]
) -> dict[str, Any]:
    samples: dict[str, list[Outcome]] = {}
    for name, case in calibration.items():
        samples.setdefault(_family(name), []).extend(outcomes(case, _family(name)))
    report: dict[str, Any] = {}
    for held_out in families:
        training = [o for f, found in samples.items() if f != held_out for o in found]
        model = fit(training, fitted_on={"families": [f for f in families if f != held_out]})
        runs = {name: run_case(case, model) for name, case in bench.items() if _family(name) == held_out}
        figures = pooled(runs)
        report[held_out] = {
            "fitted_on": model.fitted_on["families"],
            "auto_threshold": model.auto_threshold,
            **figures,
            "ahead_of_rules": figures["auto_rate"] > figures["rules_baseline_auto_rate"]
            and (figures["auto_precision"] or 0) >= (figures["rules_baseline_precision"] or 0),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", default=",".join(FAMILY_NAMES))
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()
    families = args.families.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    started = time.perf_counter()
    calibration = cases(families, PRESET_NAMES, SEEDS)
    bench = cases(families, PRESET_NAMES, seeds)
    rendered = time.perf_counter() - started
    all_runs = {name: run_case(case) for name, case in bench.items()}
    per_family = {f: pooled({n: r for n, r in all_runs.items() if _family(n) == f}) for f in families}
    result = {
        "benchmark": "cash_application_families",
        "cpu_count": os.cpu_count(),
        "calibration_seeds": list(SEEDS),
        "benchmark_seeds": seeds,
        "shipped_model": {
            "fitted_on": shipped_model().fitted_on,
            "auto_threshold": shipped_model().auto_threshold,
        },
        "all_families": {"pooled": pooled(all_runs), "per_family": per_family},
        "leave_one_family_out": leave_one_out(families, calibration, bench),
        "targets": TARGETS,
        "seconds": {"rendering": round(rendered, 1), "total": round(time.perf_counter() - started, 1)},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
