"""The drafting fact guard's figures (issue 20): on the adversarial suite (drafts that lie, made by
changing one thing in a passing draft in four languages), the share caught with the right problem
kind, by kind and by mutation; on clean drafts (the product's templates in four languages, several
documents, email and text message), the false-alarm rate.

The suite is the tests' own (``tests/drafting/drafting_cases.py`` and ``drafting_mutations.py``),
so what is measured is what is asserted. Prints one JSON object; nothing is read or written.

    .venv/bin/python bench/drafting_guard_bench.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

# The suite lives with the tests (one definition, measured here and asserted there).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from drafting.drafting_cases import clean_cases
from drafting.drafting_mutations import adversarial_cases
from dunwell.drafting import check_draft


def main() -> None:
    started = time.perf_counter()
    by_kind, caught_kind, by_mutation, caught_mutation, reported = (Counter[str]() for _ in range(5))
    missed: list[str] = []
    for case in adversarial_cases():
        verdict = check_draft(case.text, case.facts, customer_texts=case.customer_texts)
        mutation = case.label.split(":", 1)[1]
        by_kind[case.expected] += 1
        by_mutation[mutation] += 1
        reported.update({p.kind.value for p in verdict.problems})
        if case.expected in {p.kind.value for p in verdict.problems}:
            caught_kind[case.expected] += 1
            caught_mutation[mutation] += 1
        else:
            missed.append(case.label)
    clean = [(label, check_draft(text, facts)) for label, text, facts in clean_cases()]
    alarms = {label: list(verdict.reasons()) for label, verdict in clean if not verdict.passed}
    cases = sum(by_kind.values())
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "adversarial": {
                    "cases": cases,
                    "caught_with_expected_kind": cases - len(missed),
                    "catch_rate": round((cases - len(missed)) / cases, 4),
                    "catch_rate_by_kind": {
                        k: round(caught_kind[k] / n, 4) for k, n in sorted(by_kind.items())
                    },
                    "cases_by_kind": dict(sorted(by_kind.items())),
                    "catch_rate_by_mutation": {
                        m: round(caught_mutation[m] / n, 4) for m, n in sorted(by_mutation.items())
                    },
                    "problems_reported_by_kind": dict(sorted(reported.items())),
                    "missed": missed,
                },
                "clean": {
                    "drafts": len(clean),
                    "false_alarms": len(alarms),
                    "false_alarm_rate": round(len(alarms) / len(clean), 4),
                    "false_alarm_reasons": alarms,
                },
                "seconds": round(elapsed, 3),
                "ms_per_check": round(1000 * elapsed / (cases + len(clean)), 3),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
