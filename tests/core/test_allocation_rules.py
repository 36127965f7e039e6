"""The pure allocation rules: every reason a payment cannot go onto a document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dunwell.core.allocation import (
    CashBalance,
    OpenBalance,
    check_allocation,
    check_reversal,
    document_status,
)
from dunwell.core.documents import DocumentStatus

ISSUED = date(2024, 1, 1)


def invoice(amount: str = "100.00", allocated: str = "0", currency: str = "USD") -> OpenBalance:
    return OpenBalance(
        amount=Decimal(amount), allocated=Decimal(allocated), currency=currency, issue_date=ISSUED
    )


def cash(amount: str = "100.00", applied: str = "0", currency: str = "USD") -> CashBalance:
    return CashBalance(amount=Decimal(amount), applied=Decimal(applied), currency=currency)


def codes(document: OpenBalance, payment: CashBalance, amount: str, on: date = date(2024, 2, 1)) -> list[str]:
    return [p.code for p in check_allocation(document, payment, Decimal(amount), applied_on=on)]


def test_a_fitting_allocation_has_no_problems() -> None:
    # open 100.00 - 30.00 = 70.00; unapplied 100.00 - 20.00 = 80.00; 70.00 fits both.
    assert codes(invoice(allocated="30.00"), cash(applied="20.00"), "70.00") == []


def test_every_problem_is_reported_at_once() -> None:
    problems = codes(invoice("50.00", currency="EUR"), cash("40.00"), "60.00", on=date(2023, 12, 31))
    assert problems == ["currency_mismatch", "exceeds_payment", "exceeds_open", "before_issue"]


def test_zero_negative_and_credit_memo_targets_are_refused() -> None:
    assert codes(invoice(), cash(), "0") == ["not_positive"]
    assert "not_an_invoice" in codes(invoice("-20.00"), cash(), "10.00")


def test_reversal_rules() -> None:
    assert (
        check_reversal(already_reversed=False, reversed_on=date(2024, 2, 2), applied_on=date(2024, 2, 1))
        == []
    )
    problems = check_reversal(
        already_reversed=True, reversed_on=date(2024, 1, 1), applied_on=date(2024, 2, 1)
    )
    assert [p.code for p in problems] == ["already_reversed", "before_applied"]


def test_document_status() -> None:
    assert document_status(100, 100) is DocumentStatus.OPEN
    assert document_status(100, 40) is DocumentStatus.PARTIAL
    assert document_status(100, 0) is DocumentStatus.CLEARED


@given(
    amount=st.integers(1, 10**9),
    allocated=st.integers(0, 10**9),
    paid=st.integers(1, 10**9),
    applied=st.integers(0, 10**9),
    take=st.integers(-(10**9), 10**9),
)
def test_an_accepted_allocation_never_overdraws_either_side(
    amount: int, allocated: int, paid: int, applied: int, take: int
) -> None:
    document = OpenBalance(Decimal(amount), Decimal(min(allocated, amount)), "USD", ISSUED)
    payment = CashBalance(Decimal(paid), Decimal(min(applied, paid)), "USD")
    if not check_allocation(document, payment, Decimal(take), applied_on=ISSUED):
        assert 0 < take <= document.open
        assert take <= payment.unapplied
        assert document.open - take >= 0
        assert payment.unapplied - take >= 0
