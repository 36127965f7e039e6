"""Instalments and stated allocations a person must find among the first three suggestions: the
remainder of an older invoice on a large account, two invoices each at its own round share, an
instalment the bank took its fee from, a processor paying an instalment, national structured
references, a stated number one slip from the item of the amount, a credit memo stated as an
adjustment. None of these readings is applied without a person."""

from __future__ import annotations

from dataclasses import replace

from dunwell.matching.amounts import SubsetSums
from dunwell.matching.engine import Matcher
from dunwell.matching.payers import MAX_PAYERS
from dunwell.matching.records import CustomerProfile, MatchStatus, OpenItem, RemittedItem
from dunwell.matching.references import extract, national_payload
from matching.test_engine import CUSTOMERS, item, pay
from matching.test_engine_readings import ACME_ACCOUNT, _lines, _ranked, _signals


def _backlog(count: int, small: dict[int, int]) -> list[OpenItem]:
    """``count`` open items of Acme (C1) falling due four days apart, the oldest 150 days ago:
    large invoices (no set of them comes near a small payment) but for the ``small`` ones."""
    return [
        item(f"9100{n:03d}", "C1", small.get(n, 5_000_000 + 100_003 * n), days_ago=150 - 4 * n)
        for n in range(count)
    ]


def test_an_old_invoices_remainder_beside_a_new_one_is_found_behind_a_large_accounts_backlog() -> None:
    # Half of the 4th oldest (in the oldest 16, far from the payment) and the whole of the 29th
    # (falling due next to the payment, outside the oldest 16): no remittance.
    items = _backlog(30, {3: 123_457, 28: 234_567})
    older, newer = items[3], items[28]
    result = Matcher(items, CUSTOMERS).match(pay(61_729 + 234_567, "", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    assert {(older.item_id, 61_729), (newer.item_id, 234_567)} in _ranked(result)


def test_named_items_with_their_left_out_instalment_are_found_among_the_items_falling_due() -> None:
    # The remittance names one invoice; the payer also pays 40 % of another and one more in full,
    # both falling due beside the payment (outside the oldest 16).
    items = _backlog(30, {26: 345_675, 27: 456_789, 29: 567_891})
    named, part, full = items[27], items[26], items[29]
    paid = 138_270
    amount = named.open_minor + paid + full.open_minor
    result = Matcher(items, CUSTOMERS).match(pay(amount, f"INV {named.item_id}", account=ACME_ACCOUNT))
    expected = {(named.item_id, named.open_minor), (part.item_id, paid), (full.item_id, full.open_minor)}
    assert expected in _ranked(result)


def test_two_named_invoices_each_paid_at_its_own_round_share() -> None:
    # 60 % of the first (an earlier instalment's remainder), 30 % of the second, the third in full.
    items = [
        item("90002001", "C1", 546_251, days_ago=60),
        item("90002002", "C1", 2_313_392, days_ago=40),
        item("90002003", "C1", 1_818_761, days_ago=20),
    ]
    amount = 327_751 + 694_018 + 1_818_761
    result = Matcher(items, CUSTOMERS).match(pay(amount, "90002001 90002002 90002003", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    reading = {("90002001", 327_751), ("90002002", 694_018), ("90002003", 1_818_761)}
    assert reading in _ranked(result)


def test_an_instalment_the_bank_took_its_fee_from_is_suggested_on_its_invoice() -> None:
    # Half of 10,879.73 is 5,439.87; 15.00 taken by the bank: 5,424.87 arrives, no remittance.
    items = [
        item("90003001", "C1", 1_441_236, days_ago=40),
        item("90003002", "C1", 1_087_973, days_ago=35),
        item("90003003", "C1", 688_040, days_ago=20),
    ]
    result = Matcher(items, CUSTOMERS).match(pay(542_487, "THANK YOU", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    reading = next(c for c in result.candidates if _lines(c) == {("90003002", 542_487)})
    assert "amount_partial_share" in _signals(reading)
    # What a collector would try first stays on the table.
    assert {("90003001", 542_487)} in _ranked(result)


def test_a_processors_payment_of_an_instalment_names_the_customer_with_that_invoice() -> None:
    count = MAX_PAYERS + 4
    customers = [
        CustomerProfile(f"K{n}", f"Firm {n} Holdings", accounts=("US00STRP0000000001",)) for n in range(count)
    ]
    items = [
        item(f"9400{n:02d}{k}", f"K{n}", 300_007 + 10_007 * n + 1_309 * k)
        for n in range(count)
        for k in range(2)
    ]
    whole = 300_007 + 10_007 * 7 + 1_309
    assert not SubsetSums([whole]).near(whole // 2)
    result = Matcher(items, customers).match(pay(whole // 2, "", name="STRIPE", account="US00STRP0000000001"))
    assert result.status is MatchStatus.SUGGESTED
    assert any(c.customer_id == "K7" and _lines(c) == {("9400071", whole // 2)} for c in result.candidates)


def test_national_creditor_references_carry_the_document_number() -> None:
    assert national_payload("900020957") == "90002095"  # Finnish: 7-3-1 check digit
    assert national_payload("900020958") is None
    assert national_payload("009000209563") == "90002095"  # Belgian OGM/VCS: mod 97
    assert national_payload("RF18539007547034") is None
    assert extract("", "900020957").tokens == ("90002095",)
    assert "90002095" in extract("Betaling +++009/0002/09563+++").tokens


def test_a_finnish_reference_names_the_invoice_an_instalment_pays() -> None:
    # 40.00 of 73.17 (no round share): only the reference says which invoice it pays in part.
    items = [item("90002095", "C1", 7_317, days_ago=40), item("90007777", "C1", 9_000, days_ago=400)]
    result = Matcher(items, CUSTOMERS).match(pay(4_000, "", structured="900020957", account=ACME_ACCOUNT))
    assert result.best is not None
    assert _lines(result.best) == {("90002095", 4_000)}


def test_a_stated_number_one_slip_from_the_item_of_the_amount_offers_that_item() -> None:
    items = [item("INV0004344", "C1", 40_59, days_ago=30), item("INV0004346", "C1", 51_71, days_ago=28)]
    payment = replace(
        pay(40_59, "VENDOR PMT INV0004346", account=ACME_ACCOUNT),
        remittance_items=(RemittedItem("INV0004346", 40_59, None, None, None, None),),
    )
    result = Matcher(items, CUSTOMERS).match(payment)
    assert result.status is MatchStatus.SUGGESTED
    slip = next(c for c in result.candidates if _lines(c) == {("INV0004344", 40_59)})
    assert "stated_elsewhere" in _signals(slip)
    assert {("INV0004346", 40_59)} in _ranked(result)


def test_a_credit_memo_stated_as_an_adjustment_is_netted() -> None:
    # RMR: 5,844.41 paid on the invoice, an adjustment of -1,252.37; the bank credits 4,592.04.
    items = [item("INV0011985", "C1", 1_043_644, days_ago=20), item("CM0000213", "C1", -125_237, days_ago=5)]
    payment = replace(
        pay(459_204, "EDI PAYMNT 011985", account=ACME_ACCOUNT),
        remittance_items=(RemittedItem("011985", 584_441, 1_043_644, None, -125_237, None),),
    )
    result = Matcher(items, CUSTOMERS).match(payment)
    assert result.best is not None
    assert _lines(result.best) == {("INV0011985", 584_441), ("CM0000213", -125_237)}
    assert result.best.write_off_minor == 0  # the rest of the invoice stays open
