"""Remittance that states what is paid on each item (X12 820 RMR lines, lockbox stubs)."""

from __future__ import annotations

from dataclasses import replace

from tests.matching.test_engine import CUSTOMERS, ITEMS, item, pay

from dunwell.core.settlement import SettleReason
from dunwell.matching.deductions import deduction_reason
from dunwell.matching.engine import Matcher
from dunwell.matching.records import MatchStatus, RemittedItem, WriteOffLine
from dunwell.matching.rules import RulesMatcher
from dunwell.matching.stated import names


def _line(
    reference: str, paid: int, *, adjustment: int | None = None, reason: str | None = None
) -> RemittedItem:
    return RemittedItem(reference, paid, None, None, adjustment, reason)


def test_a_stated_reference_names_its_document_with_or_without_the_prefix() -> None:
    assert names("104233", "INV0104233")
    assert names("INV-0104233", "INV0104233")
    assert not names("104234", "INV0104233")
    assert names("INV0104234", "INV0104233", loosely=True)  # a slip, when nothing names it outright
    assert not names("", "INV0104233")


def test_the_payers_own_allocation_is_taken_with_its_deduction_and_reason() -> None:
    # 1,250.00 and 800.50 open; the payer pays 1,200.00 on the first (ADX 50.00, reason 01:
    # pricing) and 800.50 on the second: 2,000.50 in all.
    payment = replace(
        pay(200_050, "90000101 90000102", name="ACME INDUSTRIES"),
        remittance_items=(
            _line("90000101", 120_000, adjustment=-5_000, reason="01"),
            _line("90000102", 80_050),
        ),
    )
    result = Matcher(ITEMS, CUSTOMERS).match(payment)
    assert result.status is MatchStatus.AUTO
    best = result.candidates[0]
    assert {(a.item_id, a.amount_minor) for a in best.allocations} == {
        ("90000101", 120_000),
        ("90000102", 80_050),
    }
    assert best.write_off_minor == 5_000
    assert "01" in (best.write_off_reason or "")
    # What the settlement service posts: the deduction on the item it was taken on, as pricing.
    assert best.write_offs == (WriteOffLine("90000101", 5_000, SettleReason.PRICING),)
    assert {"remittance_amounts", "deduction_stated"} <= {e.signal for e in best.evidence}


def test_a_stated_part_payment_leaves_the_rest_open_and_the_rules_agree() -> None:
    items = [item("INV-0104233", "C1", 150_000), item("INV-0104240", "C1", 25_000)]
    payment = replace(
        pay(100_000, "104233 104240", name=None, account=None),
        remittance_items=(_line("104233", 75_000), _line("104240", 25_000)),
    )
    result = Matcher(items, CUSTOMERS).match(payment)
    best = result.candidates[0]
    assert {(a.item_id, a.amount_minor) for a in best.allocations} == {
        ("INV-0104233", 75_000),
        ("INV-0104240", 25_000),
    }
    assert (best.write_off_minor, best.write_offs) == (0, ())  # a part payment is not a write-off
    rules = RulesMatcher(items, CUSTOMERS).match(payment)
    assert (rules.status, rules.reason) == (MatchStatus.AUTO, "remittance_amounts")
    assert result.status is MatchStatus.AUTO


def test_stated_lines_that_do_not_add_up_are_not_taken_as_stated() -> None:
    payment = replace(
        pay(200_050, "90000101 90000102", name="ACME INDUSTRIES"),
        remittance_items=(_line("90000101", 100_000), _line("90000102", 80_050)),  # 1,800.50 stated
    )
    result = Matcher(ITEMS, CUSTOMERS).match(payment)
    assert all("remittance_amounts" not in {e.signal for e in c.evidence} for c in result.candidates)


def test_a_discount_the_remittance_says_was_taken_reconciles_without_terms() -> None:
    # 1,250.00 and 800.50 open, no discount terms on file; "abzgl. 2% Skonto": 1,225.00 + 784.49
    # (the payer rounds each invoice's discount its own way: within a cent per invoice).
    payment = pay(122_500 + 78_449, "Rechnung 90000101, 90000102 abzgl. 2% Skonto", name="ACME INDUSTRIES")
    best = Matcher(ITEMS, CUSTOMERS).match(payment).candidates[0]
    assert {(a.item_id, a.amount_minor) for a in best.allocations} == {
        ("90000101", 122_500),
        ("90000102", 78_449),
    }
    assert "discount_taken" in {e.signal for e in best.evidence}
    assert (best.write_off_minor, best.write_off_reason) == (
        205_050 - 200_949,
        "early-payment discount (2%, stated)",
    )
    # No discount terms on file: a discount the payer took, not one it earned.
    assert best.write_offs == (
        WriteOffLine("90000101", 2_500, SettleReason.UNEARNED_DISCOUNT),
        WriteOffLine("90000102", 1_601, SettleReason.UNEARNED_DISCOUNT),
    )


def test_a_short_payment_leaves_the_fee_on_the_item_the_cash_does_not_cover() -> None:
    best = Matcher(ITEMS, CUSTOMERS).match(pay(125_000 + 80_050 - 1_500, "90000101 90000102")).candidates[0]
    assert best.write_off_reason == "bank fee (short payment within tolerance)"
    assert sum(w.amount_minor for w in best.write_offs) == 1_500
    assert {w.reason for w in best.write_offs} == {SettleReason.BANK_FEE}


def test_stated_adjustment_codes_and_words_become_reason_codes() -> None:
    assert deduction_reason("54") is SettleReason.FREIGHT
    assert deduction_reason("04") is SettleReason.DAMAGED_GOODS
    assert deduction_reason("99,01") is SettleReason.PRICING  # the first code we know decides
    assert deduction_reason("FREIGHT DEDUCTED") is SettleReason.FREIGHT
    assert deduction_reason("abzgl. Skonto") is SettleReason.UNEARNED_DISCOUNT
    assert deduction_reason("ZZ") is SettleReason.OTHER
    assert deduction_reason(None) is SettleReason.OTHER
