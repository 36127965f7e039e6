"""Benchmark: cash application on the simulator's statements, with their truth.

Accuracy (issue 5 targets): ``distributor`` and ``ibm`` companies, seeds 1-3 (the confidence
calibration was fitted on seeds 11-13, see ``cashapp_calibrate.py``), 300 customers, the payments
of 2025-07..2025-12 against the open items of those months. Figures per DOMAIN.md §3: envelope,
line-item, auto-apply rate, precision of what was auto-applied, top-1/top-3 of the rest; beside
them a rules-only baseline (auto-apply when the remittance names open items exactly and the
amount equals their total; everything else unmatched).

Speed (``--speed``): 100,000 payments against 1,000,000 open items. The book is the seed-1
distributor month replicated with renumbered customers, accounts and documents (the simulator
cannot generate 200,000 customers in reasonable time); the baseline in the same process is the
rules-only matcher on the same book.

Prints ONE JSON object.   .venv/bin/python bench/cashapp_bench.py [--speed] [--skip-accuracy]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from dunwell.cashapp.simulated import MonthCase, month_case
from dunwell.matching.confidence import ConfidenceModel
from dunwell.matching.engine import Matcher
from dunwell.matching.evaluate import evaluate, rows_of
from dunwell.matching.records import (
    IncomingPayment,
    MatchResult,
    MatchStatus,
    OpenItem,
)
from dunwell.matching.rules import RulesMatcher
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS

START = date(2024, 1, 1)


def rules_only(items: Sequence[OpenItem], payments: Sequence[IncomingPayment]) -> list[MatchResult]:
    """The honest baseline: a careful rules engine (``dunwell.matching.rules``), payer known only
    by exact names and accounts. (``speed`` runs it without customers: references only.)"""
    return RulesMatcher(items, customers=[]).match_all(payments)


def _score(case: MonthCase, results: list[MatchResult]) -> dict[str, Any]:
    rows = [row for result in results for row in rows_of(result)]
    return evaluate(rows, case.truth, truth_customers=case.truth_customers)


def _structural(case: MonthCase, results: list[MatchResult]) -> dict[str, Any]:
    """The auto-applied matches that the calibration alone would not have applied, but the rules
    reached from independent identifiers: their count and precision, measured on their own."""
    chosen = [
        r
        for r in results
        if r.status is MatchStatus.AUTO
        and r.best is not None
        and any(e.signal == "structural_agreement" for e in r.best.evidence)
    ]
    refs = {r.payment_ref for r in chosen}
    figures = _score(
        MonthCase(case.items, case.customers, [], [t for t in case.truth if t[0] in refs], {}), chosen
    )
    return {"payments": len(chosen), "precision": figures["auto_precision"], "wrong": figures["auto_wrong"]}


def run_case(case: MonthCase, model: ConfidenceModel | None = None) -> dict[str, Any]:
    """The engine (with ``model``, else the shipped one) and the rules baseline on one month case."""
    results = Matcher(case.items, case.customers, model=model).match_all(case.payments)
    engine = _score(case, results)
    baseline = _score(case, RulesMatcher(case.items, case.customers).match_all(case.payments))
    return {
        "open_items": len(case.items),
        "engine": engine,
        "structural_rule": _structural(case, results),
        "rules_baseline": {
            k: baseline[k] for k in ("auto_rate", "auto_precision", "auto_wrong", "line_item_rate")
        },
    }


def pooled(runs: dict[str, Any]) -> dict[str, Any]:
    payments = sum(r["engine"]["payments"] for r in runs.values())
    auto = sum(r["engine"]["auto_payments"] for r in runs.values())
    wrong = sum(r["engine"]["auto_wrong"] for r in runs.values())
    review = sum(r["engine"]["review_payments"] for r in runs.values())
    top3 = sum(
        round((r["engine"]["top3_accuracy"] or 0) * r["engine"]["review_payments"]) for r in runs.values()
    )
    rules_auto = sum(
        round((r["rules_baseline"]["auto_rate"] or 0) * r["engine"]["payments"]) for r in runs.values()
    )
    rules_wrong = sum(r["rules_baseline"]["auto_wrong"] for r in runs.values())
    structural = sum(r["structural_rule"]["payments"] for r in runs.values())
    structural_wrong = sum(r["structural_rule"]["wrong"] for r in runs.values())
    return {
        "payments": payments,
        "auto_rate": round(auto / payments, 4),
        "auto_precision": round((auto - wrong) / auto, 4) if auto else None,
        "top3_accuracy_of_rest": round(top3 / review, 4) if review else None,
        "rules_baseline_auto_rate": round(rules_auto / payments, 4),
        "rules_baseline_precision": round((rules_auto - rules_wrong) / rules_auto, 4) if rules_auto else None,
        "structural_rule_payments": structural,
        "structural_rule_precision": round((structural - structural_wrong) / structural, 4)
        if structural
        else None,
    }


def accuracy(presets: Sequence[str], seeds: Sequence[int]) -> dict[str, Any]:
    runs: dict[str, Any] = {}
    for preset in presets:
        for seed in seeds:
            company = generate_company(
                preset=PRESETS[preset], customers=300, months=24, seed=seed, start=START
            )
            runs[f"sim_{preset}_seed{seed}"] = run_case(month_case(company, date(2025, 7, 1), months=6))
    return {
        "runs": runs,
        "pooled": pooled(runs),
        "targets": {"auto_rate": 0.90, "auto_precision": 0.995, "top3_accuracy_of_rest": 0.98},
    }


_NUMBER = re.compile(r"\b(9\d{7}|CM8\d{7}|PO\d{6})\b")


def replicated(
    case: MonthCase, *, items: int, payments: int
) -> tuple[list[OpenItem], list, list[IncomingPayment]]:
    """``case`` copied with renumbered customers, accounts and documents until the book holds
    ``items`` open items and ``payments`` payments."""
    book: list[OpenItem] = []
    customers = []
    paid: list[IncomingPayment] = []
    copy = 0
    while len(book) < items or len(paid) < payments:
        tag = f"{copy:04d}"
        if len(book) < items:
            book.extend(
                replace(
                    i,
                    item_id=tag + i.item_id,
                    customer_id=tag + i.customer_id,
                    po_number=tag + i.po_number if i.po_number else None,
                )
                for i in case.items
            )
            customers.extend(
                replace(
                    c,
                    customer_id=tag + c.customer_id,
                    name=f"K{tag} {c.name}",
                    accounts=tuple(tag + a for a in c.accounts),
                    aliases=tuple(f"K{tag} {a}" for a in c.aliases),
                )
                for c in case.customers
            )
        if len(paid) < payments:
            paid.extend(
                replace(
                    p,
                    payment_ref=tag + p.payment_ref,
                    payer_name=f"K{tag} {p.payer_name}",
                    payer_account=tag + (p.payer_account or ""),
                    remittance=_NUMBER.sub(lambda m, t=tag: t + m.group(), p.remittance),
                )
                for p in case.payments
            )
        copy += 1
    return book[:items], customers, paid[:payments]


def speed(items: int, payments: int) -> dict[str, Any]:
    company = generate_company(preset=PRESETS["distributor"], customers=300, months=24, seed=1, start=START)
    case = month_case(company, date(2025, 10, 1), months=3)
    book, customers, paid = replicated(case, items=items, payments=payments)
    started = time.perf_counter()
    rules_only(book, paid)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    matcher = Matcher(book, customers)
    indexed = time.perf_counter() - started
    results = matcher.match_all(paid)
    total = time.perf_counter() - started
    auto = sum(r.status is MatchStatus.AUTO for r in results)
    return {
        "open_items": len(book),
        "customers": len(customers),
        "payments": len(paid),
        "index_seconds": round(indexed, 1),
        "match_seconds_total": round(total, 1),
        "target_seconds": 60,
        "baseline_rules_only_seconds": round(baseline, 1),
        "ratio_to_rules_only": round(total / baseline, 1) if baseline else None,
        "auto_rate": round(auto / len(paid), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--presets", default="distributor,ibm")
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "cash_application", "cpu_count": os.cpu_count()}
    if not args.skip_accuracy:
        seeds = [int(s) for s in args.seeds.split(",")]
        result["accuracy"] = accuracy(args.presets.split(","), seeds)
    if args.speed:
        result["speed"] = speed(args.items, args.payments)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
