"""What the engine suggests when it cannot apply: the readings a person needs among the first
three (late discounts, discounts on some invoices, a fee beside an instalment, a payment plan, an
amount keyed with a digit wrong, a processor paying, a name glued into one word), and that none of
them is ever applied without a person."""

from __future__ import annotations

from dunwell.core.settlement import SettleReason
from dunwell.matching.engine import Matcher
from dunwell.matching.payers import MAX_PAYERS, PayerIndex
from dunwell.matching.records import CustomerProfile, MatchStatus
from matching.test_engine import CUSTOMERS, ITEMS, item, pay
from matching.test_engine_readings import ACME_ACCOUNT, _lines, _ranked, _signals

GLOBEX = "Globex Corp"


def test_the_terms_discount_taken_after_its_window_is_suggested_as_unearned() -> None:
    # Issued 30 days ago with a 10-day window: the 2 % the payer took is late.
    items = [item("90000601", "C2", 100_000, discount=2_000, days_ago=30), item("90000602", "C2", 55_555)]
    result = Matcher(items, CUSTOMERS).match(pay(98_000, "INV 90000601", name=GLOBEX))
    assert result.status is MatchStatus.SUGGESTED
    best = result.best
    assert best is not None
    assert _lines(best) == {("90000601", 98_000)}
    assert "discount_late" in _signals(best)
    assert [(w.item_id, w.amount_minor, w.reason) for w in best.write_offs] == [
        ("90000601", 2_000, SettleReason.UNEARNED_DISCOUNT)
    ]
    assert (
        result.reason == "a reading of the amount (a late discount, a digit keyed wrong) is a person's call"
    )


def test_the_discount_taken_on_some_of_the_named_invoices() -> None:
    items = [
        item("90000611", "C2", 100_000, discount=2_000, days_ago=5),
        item("90000612", "C2", 50_000, discount=1_000, days_ago=5),
    ]
    result = Matcher(items, CUSTOMERS).match(pay(149_000, "90000611 90000612", name=GLOBEX))
    assert result.best is not None
    assert _lines(result.best) == {("90000611", 100_000), ("90000612", 49_000)}
    assert "discount_taken" in _signals(result.best)


def test_a_late_discount_with_no_remittance_is_suggested() -> None:
    # 200.00 off 10,000.00: far more than a bank fee, exactly the terms' discount, taken late.
    items = [item("90000621", "C2", 1_000_000, discount=20_000, days_ago=30), item("90000622", "C2", 55_555)]
    result = Matcher(items, CUSTOMERS).match(pay(980_000, "", name=GLOBEX))
    assert result.status is MatchStatus.SUGGESTED
    late = next(c for c in result.candidates if _lines(c) == {("90000621", 980_000)})
    assert "discount_late" in _signals(late)
    assert late.write_off_minor == 20_000


def test_one_invoice_a_fee_short_ranks_above_sets_of_several_a_few_cents_away() -> None:
    # Many small items: some sets of three or four fall within cents of 1,000.00 by chance.
    small = [
        item(f"9000070{n}", "C2", value)
        for n, value in enumerate((30_000, 40_000, 30_010, 29_995, 40_006, 30_004))
    ]
    items = [*small, item("90000790", "C2", 102_500, days_ago=10)]
    result = Matcher(items, CUSTOMERS).match(pay(100_000, "", name=GLOBEX))
    assert _ranked(result)[0] == {("90000790", 100_000)}


def test_an_amount_keyed_with_a_digit_too_many_is_read_as_the_invoice_and_unapplied_cash() -> None:
    # 154.87 for an invoice of 54.87: 100.00 over, far beyond a rounding.
    items = [item("90000801", "C2", 5_487), item("90000802", "C2", 5_994)]
    result = Matcher(items, CUSTOMERS).match(pay(15_487, "", name=GLOBEX))
    assert result.status is MatchStatus.SUGGESTED
    slip = next(c for c in result.candidates if _lines(c) == {("90000801", 5_487)})
    assert slip.unapplied_minor == 10_000
    assert "overpayment_slip" in _signals(slip)


def test_an_instalment_beside_an_invoice_paid_less_a_bank_fee() -> None:
    # 40 % of 90000101 and 90000102 in full, less a 15.00 fee borne by 90000102.
    amount = 50_000 + 80_050 - 1_500
    result = Matcher(ITEMS, CUSTOMERS).match(pay(amount, "90000101 90000102", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    assert {("90000101", 50_000), ("90000102", 78_550)} in _ranked(result)[:3]


def test_half_of_each_of_several_named_invoices() -> None:
    items = [
        item("90000901", "C2", 100_000),
        item("90000902", "C2", 300_000),
        item("90000903", "C2", 77_777),
    ]
    result = Matcher(items, CUSTOMERS).match(
        pay(50_000 + 150_000 + 77_777, "90000901 90000902 90000903", name=GLOBEX)
    )
    assert {("90000901", 50_000), ("90000902", 150_000), ("90000903", 77_777)} in _ranked(result)[:3]


def test_a_number_read_as_a_slip_for_another_named_item_never_pays_it_twice() -> None:
    items = [item("90001237", "C2", 366_075), item("90001238", "C2", 146_272)]
    result = Matcher(items, CUSTOMERS).match(pay(263_527, "90001237 90001238", name=GLOBEX))
    for candidate in result.candidates:
        ids = [a.item_id for a in candidate.allocations]
        assert len(ids) == len(set(ids))


def test_an_item_the_remittance_left_out_is_found_beyond_a_large_accounts_backlog() -> None:
    backlog = [item(f"9200{n:04d}", "C2", 1_000_000 + 7_919 * n, days_ago=400 - n) for n in range(20)]
    named = item("92000100", "C2", 123_456, days_ago=35)
    left_out = item("92000101", "C2", 654_321, days_ago=33)
    result = Matcher([*backlog, named, left_out], CUSTOMERS).match(
        pay(123_456 + 654_321, "92000100", name=GLOBEX)
    )
    assert result.best is not None
    assert _lines(result.best) == {("92000100", 123_456), ("92000101", 654_321)}
    assert "reference_exact" in _signals(result.best)  # the named item and the one left out


def _processor_book(count: int) -> tuple[list[CustomerProfile], list]:
    customers = [
        CustomerProfile(f"K{n}", f"Firm {n} Holdings", accounts=("US00BILL0000000003",)) for n in range(count)
    ]
    items = [
        item(f"9300{n:02d}{k}", f"K{n}", 100_000 + 1_013 * n + 37 * k) for n in range(count) for k in range(3)
    ]
    return customers, items


def test_a_processors_payment_is_read_among_the_customers_known_to_pay_through_it() -> None:
    customers, items = _processor_book(MAX_PAYERS + 4)
    amount = (100_000 + 1_013 * 5) + (100_000 + 1_013 * 5 + 37 * 2)  # two items of K5
    result = Matcher(items, customers).match(
        pay(amount, "THANK YOU", name="BILL.COM", account="US00BILL0000000003")
    )
    assert result.status is MatchStatus.SUGGESTED
    assert result.best is not None
    assert result.best.customer_id == "K5"
    assert _lines(result.best) == {("9300050", 105_065), ("9300052", 105_139)}
    assert "customer_from_processor" in _signals(result.best)


def test_an_account_few_customers_share_is_no_processor() -> None:
    customers, _ = _processor_book(MAX_PAYERS)
    assert PayerIndex(customers).through_account("US00BILL0000000003") == set()
    customers, _ = _processor_book(MAX_PAYERS + 1)
    assert len(PayerIndex(customers).through_account("US00BILL0000000003")) == MAX_PAYERS + 1


def test_a_name_glued_into_one_word_and_cut_identifies_the_customer() -> None:
    index = PayerIndex(CUSTOMERS)
    for shown in ("PAYPAL *ACMEINDUSTR", "ACMEINDUSTRIES"):
        guesses = index.identify(shown, None)
        assert [g.customer_id for g in guesses] == ["C1"]
        assert guesses[0].evidence[0].signal == "payer_name_prefix"
    assert index.identify("PAYPAL *ACME", None) == []  # too short to say who


def test_what_an_applied_payment_settles_without_cash_is_no_longer_open() -> None:
    # 15.00 short of 90000202: applied, the fee proposed for write-off; nothing is left for the
    # next payment to find (a low threshold: what is applied is not the point here).
    matcher = Matcher(ITEMS, CUSTOMERS, auto_threshold=0.5)
    (result,) = matcher.match_all(
        [pay(71_000 - 1_500, "INV 90000202", name=GLOBEX, account="US22BANK0000000002")]
    )
    assert result.status is MatchStatus.AUTO
    assert result.best is not None
    assert result.best.write_off_minor == 1_500
    assert matcher.open["90000202"] == 0
