"""Fit the matcher's confidence model and auto-apply threshold on simulated companies.

Runs the engine without applying anything (every payment ranked) on the simulator's
``distributor`` and ``ibm`` companies, seeds 11-13 (the benchmark, ``cashapp_bench.py``, uses
seeds 1-3: nothing is judged on the data it was fitted on), over their last six months, in every
remittance family (``dunwell.cashapp.families``); keeps each payment's top candidate and whether
it was right; fits the monotone logistic model over the evidence with the families weighted
equally, and its threshold (``dunwell.matching.confidence_fit``). Writes the shipped model,
``src/dunwell/matching/shipped_confidence.py`` (its JSON as one Python literal), with ``--write``.

    .venv/bin/python bench/cashapp_calibrate.py [--write] [--families sim,us_ach] [--seeds 11,12,13]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dunwell.cashapp.families import FAMILY_NAMES, family_case
from dunwell.cashapp.simulated import MonthCase
from dunwell.matching.confidence import ConfidenceModel, module_source
from dunwell.matching.confidence_fit import Outcome, fit
from dunwell.matching.engine import Matcher
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS

PRESET_NAMES = ("distributor", "ibm")
SEEDS = (11, 12, 13)
START = date(2024, 1, 1)
MONTH = date(2025, 7, 1)
#: Any model: the outcomes are the top candidates' evidence, not its confidence.
RANKING = ConfidenceModel(0.0, {}, auto_threshold=2.0)
SHIPPED_MODULE = "shipped_confidence.py"


def cases(families: Sequence[str], presets: Sequence[str], seeds: Sequence[int]) -> dict[str, MonthCase]:
    """Every (family, preset, seed) month case: name -> case."""
    found = {}
    for preset in presets:
        for seed in seeds:
            company = generate_company(
                preset=PRESETS[preset], customers=300, months=24, seed=seed, start=START
            )
            for family in families:
                found[f"{family}/{preset}/{seed}"] = family_case(company, MONTH, family, months=6, seed=seed)
    return found


def outcomes(case: MonthCase, group: str) -> list[Outcome]:
    """Each payment's top candidate with allocations, and whether it was right (a credit with no
    truth is right only when nothing is proposed)."""
    results = Matcher(case.items, case.customers, model=RANKING, structural=False).match_all(case.payments)
    truth: dict[str, set[tuple[str, int]]] = {}
    for payment_ref, invoice_id, amount in case.truth:
        truth.setdefault(payment_ref, set()).add((invoice_id, int(amount * 100)))
    found = []
    for result in results:
        best = result.best
        if best is None or not best.allocations:
            continue
        right = {(a.item_id, a.amount_minor) for a in best.allocations} == truth.get(result.payment_ref)
        found.append(Outcome(best.evidence, right, group))
    return found


def fit_on(named: dict[str, MonthCase], families: Sequence[str], seeds: Sequence[int]) -> ConfidenceModel:
    samples = [o for name, case in named.items() for o in outcomes(case, name.split("/")[0])]
    fitted_on = {
        "families": list(families),
        "presets": list(PRESET_NAMES),
        "seeds": list(seeds),
        "months": "2025-07..2025-12",
    }
    return fit(samples, fitted_on=fitted_on)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the shipped model module")
    parser.add_argument("--families", default=",".join(FAMILY_NAMES))
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    args = parser.parse_args()
    families = args.families.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    model = fit_on(cases(families, PRESET_NAMES, seeds), families, seeds)
    data = model.to_json()
    print(json.dumps(data, indent=2))
    if args.write:
        target = Path(__file__).resolve().parents[1] / "src" / "dunwell" / "matching" / SHIPPED_MODULE
        target.write_text(module_source(model), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
