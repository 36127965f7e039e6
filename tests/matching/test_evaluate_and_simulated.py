"""The evaluation contract's arithmetic, and the engine against a simulated company's truth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunwell.cashapp.simulated import month_case
from dunwell.matching.engine import Matcher
from dunwell.matching.evaluate import MatchRow, evaluate, rows_of
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS


def row(ref: str, invoice: str, amount: str, status: str, rank: int = 1, customer: str = "") -> MatchRow:
    return MatchRow(ref, invoice, Decimal(amount), status, 0.9, rank, customer)


def test_the_figures_follow_their_definitions() -> None:
    truth = [
        ("A", "1", Decimal("10")),
        ("B", "2", Decimal("5")),
        ("B", "3", Decimal("6")),
        ("C", "4", Decimal("7")),
        ("D", "5", Decimal("8")),
    ]
    matches = [
        row("A", "1", "10", "auto", customer="X"),  # applied, right
        row("B", "2", "5", "auto", customer="Y"),  # applied, one line missing: wrong
        row("C", "9", "7", "suggested", customer="Z"),  # wrong first, right second
        row("C", "4", "7", "suggested", rank=2, customer="Z"),
        row("D", "", "0", "unmatched"),
    ]
    figures = evaluate(matches, truth, truth_customers={"A": "X", "B": "Y", "C": "W", "D": "V"})
    assert figures["payments"] == 4
    assert figures["auto_rate"] == 0.5
    assert figures["auto_precision"] == 0.5
    assert figures["top1_accuracy"] == 0.0
    assert figures["top3_accuracy"] == 0.5
    assert figures["line_item_rate"] == round(2 / 5, 4)
    assert figures["envelope_rate"] == 0.5


def test_on_a_simulated_company_auto_apply_is_precise_and_beats_rules() -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=120, months=12, seed=5, start=date(2024, 1, 1)
    )
    case = month_case(company, date(2024, 9, 1), months=3)
    results = Matcher(case.items, case.customers).match_all(case.payments)
    figures = evaluate(
        [r for x in results for r in rows_of(x)], case.truth, truth_customers=case.truth_customers
    )
    assert figures["payments"] > 300
    assert figures["auto_precision"] >= 0.99
    assert figures["auto_rate"] >= 0.85  # the rules-only baseline reaches about 0.6
    assert figures["envelope_rate"] >= 0.97
