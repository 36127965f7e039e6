"""The engine on hand-made books: each way customers pay, and what it must and must not apply."""

from __future__ import annotations

from datetime import date, timedelta

from dunwell.matching.confidence import shipped_model
from dunwell.matching.engine import Matcher
from dunwell.matching.records import CustomerProfile, IncomingPayment, MatchStatus, OpenItem
from dunwell.simulate.remittance import creditor_reference

DAY = date(2025, 3, 14)


def item(
    item_id: str,
    customer: str,
    open_minor: int,
    *,
    po: str | None = None,
    days_ago: int = 30,
    discount: int = 0,
) -> OpenItem:
    issued = DAY - timedelta(days=days_ago)
    return OpenItem(
        item_id,
        customer,
        "USD",
        open_minor,
        open_minor,
        issued,
        issued + timedelta(days=30),
        po,
        discount_minor=discount,
        discount_until=issued + timedelta(days=10) if discount else None,
    )


CUSTOMERS = [
    CustomerProfile("C1", "Acme Industries Inc.", accounts=("US11BANK0000000001",)),
    CustomerProfile("C2", "Globex Corporation", accounts=("US22BANK0000000002",)),
    CustomerProfile("C3", "Initech LLC", aliases=("INITECH PAYABLES",)),
]
ITEMS = [
    item("90000101", "C1", 125_000, po="PO555111"),
    item("90000102", "C1", 80_050),
    item("90000103", "C1", 33_333),
    item("CM80000001", "C1", -5_050),
    item("90000201", "C2", 125_000),
    item("90000202", "C2", 71_000),
    item("90000301", "C3", 99_900),
    item("90000302", "C3", 45_000, discount=900, days_ago=5),
]


def pay(
    amount: int,
    remittance: str = "",
    *,
    name: str | None = "ACME INDUSTRIES",
    account: str | None = None,
    ref: str = "P1",
    structured: str | None = None,
) -> IncomingPayment:
    return IncomingPayment(ref, amount, "USD", DAY, name, account, remittance, structured)


def test_exact_reference_and_amount_is_applied_with_its_evidence() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(125_000, "INV 90000101", account="US11BANK0000000001"))
    assert result.status is MatchStatus.AUTO
    best = result.best
    assert best is not None
    assert best.customer_id == "C1"
    assert [(a.item_id, a.amount_minor) for a in best.allocations] == [("90000101", 125_000)]
    signals = {e.signal for e in best.evidence}
    assert {"payer_account", "payer_name_exact", "reference_exact", "amount_exact"} <= signals
    assert best.confidence >= shipped_model().auto_threshold


def test_a_structured_creditor_reference_names_the_invoice() -> None:
    reference = creditor_reference("90000202")
    result = Matcher(ITEMS, CUSTOMERS).match(pay(71_000, reference, name="GLOBEX CORP", structured=reference))
    assert result.best is not None
    assert [a.item_id for a in result.best.allocations] == ["90000202"]
    assert any(e.signal == "reference_structured" for e in result.best.evidence)


def test_the_same_amount_at_two_customers_is_told_apart_by_the_payer() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(
        pay(125_000, "PAYMENT", name="Globex Corp.", account="US22BANK0000000002")
    )
    assert result.best is not None
    assert result.best.customer_id == "C2"
    assert [a.item_id for a in result.best.allocations] == ["90000201"]


def test_a_combination_with_a_credit_memo_netted() -> None:
    amount = 125_000 + 80_050 - 5_050
    result = Matcher(ITEMS, CUSTOMERS).match(
        pay(amount, "90000101 90000102 less CM80000001", account="US11BANK0000000001")
    )
    assert result.best is not None
    assert {(a.item_id, a.amount_minor) for a in result.best.allocations} == {
        ("90000101", 125_000),
        ("90000102", 80_050),
        ("CM80000001", -5_050),
    }


def test_an_amount_only_combination_is_found() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(80_050 + 33_333, "", account="US11BANK0000000001"))
    assert result.best is not None
    assert {a.item_id for a in result.best.allocations} == {"90000102", "90000103"}


def test_a_short_payment_within_tolerance_suggests_a_bank_fee_write_off() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(125_000 - 1_500, "90000101", account="US11BANK0000000001"))
    best = result.best
    assert best is not None
    assert best.write_off_minor == 1_500
    assert "bank fee" in (best.write_off_reason or "")
    assert sum(a.amount_minor for a in best.allocations) == 123_500


def test_an_early_payment_discount_is_recognised() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(45_000 - 900, "90000302", name="Initech"))
    best = result.best
    assert best is not None
    assert best.write_off_reason == "early-payment discount"
    assert [(a.item_id, a.amount_minor) for a in best.allocations] == [("90000302", 44_100)]


def test_a_partial_payment_is_never_applied_automatically() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(60_000, "90000101", account="US11BANK0000000001"))
    assert result.status is MatchStatus.SUGGESTED
    assert result.best is not None
    assert result.best.allocations[0].amount_minor == 60_000


def test_an_overpayment_leaves_unapplied_cash() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(126_000, "90000101", account="US11BANK0000000001"))
    assert result.best is not None
    assert result.best.unapplied_minor == 1_000


def test_a_learned_alias_identifies_the_payer() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(99_900, "", name="INITECH PAYABLES"))
    assert result.best is not None
    assert result.best.customer_id == "C3"
    assert any(e.signal == "payer_alias" for e in result.best.evidence)


def test_a_mistyped_reference_resolves_within_the_customer() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(80_050, "90000120", account="US11BANK0000000001"))
    assert result.best is not None
    assert [a.item_id for a in result.best.allocations] == ["90000102"]
    assert any(e.signal == "reference_mistyped" for e in result.best.evidence)


def test_a_rejected_pair_is_never_suggested_again() -> None:
    payment = pay(125_000, "90000101", account="US11BANK0000000001", ref="P9")
    result = Matcher(ITEMS, CUSTOMERS, rejected=[("P9", "90000101")]).match(payment)
    assert all(a.item_id != "90000101" for c in result.candidates for a in c.allocations)


def test_nothing_known_is_unmatched_with_a_reason() -> None:
    result = Matcher(ITEMS, CUSTOMERS).match(pay(12_345, "THANK YOU", name="Unknown Party", ref="P7"))
    assert result.status is MatchStatus.UNMATCHED
    assert result.reason


def test_match_all_never_applies_the_same_open_amount_twice() -> None:
    payments = [pay(125_000, "90000101", account="US11BANK0000000001", ref=f"P{n}") for n in (1, 2)]
    first, second = Matcher(ITEMS, CUSTOMERS).match_all(payments)
    assert first.status is MatchStatus.AUTO
    assert second.status is not MatchStatus.AUTO or all(
        a.item_id != "90000101"
        for a in second.best.allocations  # type: ignore[union-attr]
    )
