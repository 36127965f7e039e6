"""Payments a person must find among the first three suggestions, as large customers make them:
a payment run of many invoices falling due together with one held back and no remittance, a run
a bank fee short among items many chance sets come near, an instalment rounded up by whole units,
and an instalment beside a bank fee when a reading a few odd cents away is closer. None of these
readings is applied without a person."""

from __future__ import annotations

from dunwell.matching.engine import Matcher
from dunwell.matching.records import MatchStatus, OpenItem
from dunwell.matching.runs import due_runs
from matching.test_engine import CUSTOMERS, item, pay
from matching.test_engine_readings import ACME_ACCOUNT, _lines, _ranked, _signals


def _due_in(item_id: str, amount: int, days: int) -> OpenItem:
    """An Acme (C1) invoice falling due ``days`` after the payment (before it when negative)."""
    return item(item_id, "C1", amount, days_ago=30 - days)


def test_a_payment_run_of_seventeen_invoices_with_one_held_back_is_suggested() -> None:
    # 24 invoices falling due two days apart; the run pays the 18 oldest but the 10th (held
    # back), no remittance: 17 items, beyond the bounded set search.
    amounts = [300_000 + (7_919 * n * n + 104_729 * n) % 2_000_000 for n in range(24)]
    items = [_due_in(f"9300{n:03d}", a, 2 * n - 40) for n, a in enumerate(amounts)]
    paid = [i for n, i in enumerate(items[:18]) if n != 9]
    amount = sum(i.open_minor for i in paid)
    result = Matcher(items, CUSTOMERS).match(pay(amount, "INVOICE PAYMENT", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    expected = {(i.item_id, i.open_minor) for i in paid}
    assert expected in _ranked(result)
    run = next(c for c in result.candidates if _lines(c) == expected)
    assert "amount_due_run" in _signals(run)


def test_a_run_of_invoices_falling_due_together_a_bank_fee_short_is_suggested() -> None:
    # A customer's 14 open invoices; it pays the six falling due around the payment less a
    # 10.00 fee, with no remittance. Among 14 items many sets of four or five come within a fee
    # of the amount by chance; the run of items falling due together is the one to offer.
    book = [
        ("90005108", 3_726_387, -96),
        ("90005112", 676_940, -72),
        ("90005104", 1_649_343, -69),
        ("90005106", 1_468_455, -69),
        ("90005140", 1_087_587, -2),
        ("90005132", 691_247, 0),
        ("90005133", 952_761, 0),
        ("90005134", 1_985_615, 1),
        ("90005131", 611_132, 2),
        ("90005137", 4_022_718, 2),
        ("90005138", 1_703_865, 2),
        ("90005135", 2_535_417, 4),
        ("90005139", 1_345_822, 4),
        ("90005130", 1_035_020, 11),
    ]
    items = [_due_in(number, amount, days) for number, amount, days in book]
    run = items[4:10]
    amount = sum(i.open_minor for i in run) - 1_000
    result = Matcher(items, CUSTOMERS).match(pay(amount, "", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    expected = {(i.item_id, i.open_minor) for i in run if i.item_id != "90005140"} | {("90005140", 1_086_587)}
    assert expected in _ranked(result)


def test_an_instalment_rounded_up_by_whole_units_is_read_as_the_share_and_the_excess() -> None:
    # 70 % of the invoice named (2,106.12 as the payer rounds it) and 100.00 more, kept unapplied.
    items = [
        item("90002005", "C1", 300_875, days_ago=20),
        item("90002004", "C1", 285_214, days_ago=10),
    ]
    result = Matcher(items, CUSTOMERS).match(pay(220_612, "90002005", account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    assert {("90002005", 210_612)} in _ranked(result)
    reading = next(c for c in result.candidates if _lines(c) == {("90002005", 210_612)})
    assert reading.unapplied_minor == 10_000
    assert "overpayment_slip" in _signals(reading)


def test_an_instalment_beside_a_whole_bank_fee_is_offered_beside_a_closer_odd_reading() -> None:
    # Six named invoices: half of the first, a 35.00 fee on the last in full. Half of the last
    # with 3.25 short on another is closer to the amount, by chance; both are offered.
    items = [
        item("90002296", "C1", 1_433_080, days_ago=60),
        item("90002305", "C1", 7_884_248, days_ago=30),
        item("90002309", "C1", 924_628, days_ago=25),
        item("90002311", "C1", 1_439_431, days_ago=24),
        item("90002308", "C1", 15_078_756, days_ago=22),
        item("90002307", "C1", 8_648_319, days_ago=20),
    ]
    remittance = "90002296, 90002305, 90002307, 90002308, 90002309, 90002311"
    result = Matcher(items, CUSTOMERS).match(pay(34_688_422, remittance, account=ACME_ACCOUNT))
    assert result.status is MatchStatus.SUGGESTED
    expected = {
        ("90002296", 716_540),
        ("90002305", 7_884_248),
        ("90002307", 8_648_319),
        ("90002308", 15_078_756),
        ("90002309", 924_628),
        ("90002311", 1_435_931),
    }
    assert expected in _ranked(result)


def test_due_runs_read_windows_exact_with_one_held_back_or_a_whole_fee_short() -> None:
    values = [500, 1_000, 2_000, 4_000, 8_000, 16_000]
    exact = due_runs(values, 7_000, fee=0, unit=100)
    assert [(r.indices, r.held, r.short) for r in exact] == [((1, 2, 3), (), 0)]
    held = due_runs(values, 13_500, fee=0, unit=100)  # 500 + 1,000 + 4,000 + 8,000
    assert [(r.indices, r.held) for r in held] == [((0, 1, 3, 4), (2,))]
    short = due_runs(values, 6_900, fee=500, unit=100)  # 7,000 less a fee of 1.00
    assert [(r.indices, r.short) for r in short] == [((1, 2, 3), 100)]
    assert due_runs(values, 6_901, fee=500, unit=100) == []  # 0.99 is no bank's tariff
    assert due_runs(values[:2], 1_500, fee=0, unit=100) == []  # two items: the set search's


def test_an_amount_that_is_a_round_share_already_is_not_also_read_as_a_share_and_a_slip() -> None:
    # 30.04 is 60 % of the 50.07 named; it is also 50 % (25.04) and 5.00 more, which would only
    # put a guess beside the reading that adds up.
    items = [item("90000681", "C1", 5_007, days_ago=20)]
    result = Matcher(items, CUSTOMERS).match(pay(3_004, "90000681", account=ACME_ACCOUNT))
    assert result.best is not None
    assert _lines(result.best) == {("90000681", 3_004)}
    assert all("overpayment_slip" not in _signals(c) for c in result.candidates)
