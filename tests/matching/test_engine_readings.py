"""The engine's harder readings: instalments, payments a little over, discounts without a
remittance, numbers that fit several items, group companies and strangers paying, large accounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dunwell.matching.engine import Matcher
from dunwell.matching.records import Candidate, CustomerProfile, MatchResult, MatchStatus, RemittedItem
from matching.test_engine import CUSTOMERS, DAY, ITEMS, item, pay

ACME_ACCOUNT = "US11BANK0000000001"


def _lines(candidate: Candidate) -> set[tuple[str, int]]:
    return {(a.item_id, a.amount_minor) for a in candidate.allocations}


def _ranked(result: MatchResult) -> list[set[tuple[str, int]]]:
    return [_lines(c) for c in result.candidates]


def _signals(candidate: Candidate) -> set[str]:
    return {e.signal for e in candidate.evidence}


def test_half_of_an_invoice_with_no_remittance_is_read_as_an_instalment_and_left_to_a_person() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(62_500, "", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    assert {("90000101", 62_500)} in _ranked(result)
    reading = next(c for c in result.candidates if _lines(c) == {("90000101", 62_500)})
    assert "amount_partial_share" in _signals(reading)


def test_named_items_with_one_paid_in_part_offer_the_round_share_reading() -> None:
    # 90000102 in full and 40 % of 90000101: the plain reading would pay 90000101 first.
    amount = 80_050 + 50_000
    result = Matcher(ITEMS, CUSTOMERS).match(pay(amount, "90000101 90000102", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    assert _ranked(result)[0] == {("90000101", 50_000), ("90000102", 80_050)}
    assert "partial_round_share" in _signals(result.candidates[0])


def test_a_named_item_in_part_beside_one_the_remittance_left_out() -> None:
    # The PO names 90000101 only; the payer also paid 90000103 in full and half of 90000101.
    result = Matcher(ITEMS, CUSTOMERS).match(pay(62_500 + 33_333, "PO555111", account=ACME_ACCOUNT))
    assert {("90000101", 62_500), ("90000103", 33_333)} in _ranked(result)
    assert result.status is MatchStatus.SUGGESTED


def test_a_payment_a_little_over_one_invoice_keeps_the_rest_unapplied() -> None:
    # 10.00 over 710.00, with no remittance: within the 5 % read as that invoice.
    result = Matcher(ITEMS, CUSTOMERS).match(pay(71_000 + 1_000, "", name="Globex Corp"))
    over = next(c for c in result.candidates if _lines(c) == {("90000202", 71_000)})
    assert over.unapplied_minor == 1_000
    assert _signals(over) & {"overpayment", "overpayment_small"}


def test_a_discount_taken_with_no_remittance_is_recognised() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(45_000 - 900, "", name="Initech"))
    best = result.best
    assert best is not None
    assert _lines(best) == {("90000302", 44_100)}
    assert (best.write_off_minor, best.write_off_reason) == (900, "early-payment discount")


def test_a_bank_fee_on_a_small_invoice_is_capped_by_its_share_of_the_invoice() -> None:
    # 10 % of the invoice (not of the payment) may go to a fee: 45.00 short of 450.00.
    items = [item("90000501", "C2", 45_000)]
    result = Matcher(items, CUSTOMERS).match(pay(40_500, "", name="Globex Corp"))
    assert result.best is not None
    assert _lines(result.best) == {("90000501", 40_500)}
    assert result.best.write_off_minor == 4_500


def test_a_cut_number_that_fits_several_items_lets_the_amount_decide() -> None:
    # "9000010" is the start of 90000101, 90000102 and 90000103: only 90000103 is 333.33.
    result = Matcher(ITEMS, CUSTOMERS).match(pay(33_333, "9000010", account=ACME_ACCOUNT))
    assert result.best is not None
    assert _lines(result.best) == {("90000103", 33_333)}
    assert "reference_ambiguous" in _signals(result.best)


def test_a_group_company_pays_for_its_subsidiary() -> None:
    customers = [*CUSTOMERS, CustomerProfile("C4", "Acme Retail Ltd", parent_id="C1")]
    items = [*ITEMS, item("90000401", "C4", 51_234)]
    result = Matcher(items, customers).match(pay(51_234, "90000401", account=ACME_ACCOUNT))
    assert result.best is not None
    assert result.best.customer_id == "C4"
    assert "parent_pays" in _signals(result.best)


def test_a_strangers_slipped_number_is_looked_up_in_the_whole_book() -> None:
    # Nobody knows the payer; "90000220" is 90000202 with two digits swapped.
    result = Matcher(ITEMS, CUSTOMERS).match(pay(71_000, "90000220", name="Factoring Partners AG"))
    assert result.best is not None
    assert (result.best.customer_id, _lines(result.best)) == ("C2", {("90000202", 71_000)})
    assert "customer_from_fuzzy_reference" in _signals(result.best)
    assert result.status is MatchStatus.SUGGESTED
    assert result.reason == "payer not known; found only by searching the whole book"


def test_a_strangers_payment_of_a_unique_amount_is_suggested_never_applied() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(99_900, "", name="Factoring Partners AG"))
    assert result.status is MatchStatus.SUGGESTED
    assert result.best is not None
    assert (result.best.customer_id, _lines(result.best)) == ("C3", {("90000301", 99_900)})
    assert "customer_from_amount" in _signals(result.best)


def test_a_strangers_amount_that_many_items_share_says_nothing() -> None:
    items = [item(f"9000090{n}", f"C{n}", 10_000) for n in range(1, 6)]
    customers = [CustomerProfile(f"C{n}", f"Firm {n}") for n in range(1, 6)]
    result = Matcher(items, customers).match(pay(10_000, "", name="Somebody Else"))
    assert result.status is MatchStatus.UNMATCHED


def test_a_large_accounts_recent_invoices_are_found_behind_its_backlog() -> None:
    # 20 old disputed invoices, then two recent ones paid together with no remittance.
    backlog = [item(f"9100{n:04d}", "C2", 1_000_000 + 7_919 * n, days_ago=400 - n) for n in range(20)]
    recent = [item("91000100", "C2", 123_456, days_ago=35), item("91000101", "C2", 654_321, days_ago=33)]
    result = Matcher([*backlog, *recent], CUSTOMERS).match(pay(123_456 + 654_321, "", name="Globex Corp"))
    assert result.best is not None
    assert _lines(result.best) == {("91000100", 123_456), ("91000101", 654_321)}


def test_an_invoice_issued_after_the_payment_is_not_what_it_pays() -> None:
    late = item("90000901", "C2", 55_555, days_ago=-10)
    assert late.issue_date > DAY + timedelta(days=3)
    result = Matcher([*ITEMS, late], CUSTOMERS).match(pay(55_555, "", name="Globex Corp"))
    assert all(a.item_id != "90000901" for c in result.candidates for a in c.allocations)


def test_a_suggestion_says_why_it_was_not_applied() -> None:
    certain = pay(125_000, "INV 90000101", account=ACME_ACCOUNT)
    strict = Matcher(ITEMS, CUSTOMERS, auto_threshold=1.0, structural=False).match(certain)
    assert strict.status is MatchStatus.SUGGESTED
    assert strict.best is not None
    assert strict.reason == (
        f"confidence {strict.best.confidence:.2%} below the auto-apply threshold 100.00%"
    )


def test_two_open_items_of_the_same_amount_are_a_persons_choice() -> None:
    items = [item("90000501", "C1", 47_65, days_ago=40), item("90000502", "C1", 47_65, days_ago=20)]
    result = Matcher(items, CUSTOMERS).match(pay(47_65, "THANK YOU", account="US11BANK0000000001"))
    assert result.status is MatchStatus.SUGGESTED
    assert "items of the same amount" in (result.reason or "")
    assert {a.item_id for c in result.candidates for a in c.allocations} >= {"90000501"}


def test_a_part_payment_of_a_named_item_is_doubtful_when_another_item_is_exactly_the_amount() -> None:
    # The payer quotes INV0004346 (51.71 open) and pays 40.59: INV0004344 is open for exactly 40.59,
    # so a slip in the number is as likely as a part payment.
    items = [item("INV0004344", "C1", 40_59, days_ago=30), item("INV0004346", "C1", 51_71, days_ago=28)]
    payment = replace(
        pay(40_59, "VENDOR PMT INV0004346", account="US11BANK0000000001"),
        remittance_items=(RemittedItem("INV0004346", 40_59, None, None, None, None),),
    )
    result = Matcher(items, CUSTOMERS).match(payment)
    assert result.status is MatchStatus.SUGGESTED
