"""Aging buckets: boundaries, credit memos, partial payments, reversals, currencies."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunwell.core.aging import BUCKET_NAMES, AgingBuckets, age_documents, bucket_for
from dunwell.core.documents import DocumentKind, ReceivableDocument, Settlement, SettlementKind
from dunwell.core.errors import CurrencyError

D = date(2024, 6, 30)


def pay(
    on: date, amount: str, *, kind: SettlementKind = SettlementKind.PAYMENT, reversed_on: date | None = None
) -> Settlement:
    return Settlement(on=on, amount=Decimal(amount), kind=kind, reversed_on=reversed_on)


def doc(
    *,
    key: str = "I1",
    kind: DocumentKind = DocumentKind.INVOICE,
    issue: date = date(2024, 5, 1),
    due: date | None = None,
    amount: str = "100.00",
    currency: str = "USD",
    settlements: tuple[Settlement, ...] = (),
) -> ReceivableDocument:
    return ReceivableDocument(
        key=key,
        kind=kind,
        issue_date=issue,
        due_date=due if due is not None else issue + timedelta(days=30),
        amount=Decimal(amount),
        currency=currency,
        settlements=settlements,
    )


def due_days_ago(days: int, amount: str, key: str = "I") -> ReceivableDocument:
    """An invoice issued a year before D that is ``days`` past due on D."""
    return doc(key=key, issue=D - timedelta(days=365), due=D - timedelta(days=days), amount=amount)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-10, "current"),
        (0, "current"),
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d91_plus"),
        (1000, "d91_plus"),
    ],
)
def test_bucket_for_boundaries(days: int, bucket: str) -> None:
    assert bucket_for(days) == bucket


def test_age_documents_at_every_boundary() -> None:
    # days past due -> amount; each bucket gets two documents at its two edges
    docs = [
        due_days_ago(-5, "1", "a"),  # due in 5 days: current
        due_days_ago(0, "2", "b"),  # due today: current
        due_days_ago(1, "10", "c"),
        due_days_ago(30, "20", "d"),
        due_days_ago(31, "100", "e"),
        due_days_ago(60, "200", "f"),
        due_days_ago(61, "1000", "g"),
        due_days_ago(90, "2000", "h"),
        due_days_ago(91, "10000", "i"),
        due_days_ago(400, "20000", "j"),
    ]
    aging = age_documents(docs, as_of=D)
    assert aging == AgingBuckets(
        current=Decimal(3),  # 1 + 2
        d1_30=Decimal(30),  # 10 + 20
        d31_60=Decimal(300),  # 100 + 200
        d61_90=Decimal(3000),  # 1000 + 2000
        d91_plus=Decimal(30000),  # 10000 + 20000
    )
    assert aging.total() == Decimal(33333)


def test_credit_memo_reduces_its_bucket() -> None:
    invoice = due_days_ago(10, "500.00", "inv")
    memo = doc(
        key="cm",
        kind=DocumentKind.CREDIT_MEMO,
        issue=D - timedelta(days=40),
        due=D - timedelta(days=15),
        amount="-120.00",
    )
    aging = age_documents([invoice, memo], as_of=D)
    # d1_30 = 500.00 − 120.00 = 380.00 (both are 10 and 15 days past due)
    assert aging.d1_30 == Decimal("380.00")
    assert aging.total() == Decimal("380.00")


def test_partial_payment_leaves_the_rest_open() -> None:
    invoice = doc(
        issue=date(2024, 4, 1),
        due=date(2024, 5, 1),  # 60 days past due on D
        amount="1000.00",
        settlements=(pay(date(2024, 5, 10), "250.00"), pay(date(2024, 6, 1), "150.00")),
    )
    # open = 1000 − 250 − 150 = 600
    assert age_documents([invoice], as_of=D).d31_60 == Decimal("600.00")
    # as of 2024-05-20 only the first payment counts: 1000 − 250 = 750, 19 days past due
    assert age_documents([invoice], as_of=date(2024, 5, 20)).d1_30 == Decimal("750.00")


def test_reversed_settlement_counts_only_before_its_reversal() -> None:
    invoice = doc(
        issue=date(2024, 5, 1),
        due=date(2024, 7, 31),
        amount="1000.00",
        settlements=(pay(date(2024, 6, 10), "1000.00", reversed_on=date(2024, 6, 20)),),
    )
    assert age_documents([invoice], as_of=date(2024, 6, 9)).current == Decimal("1000.00")  # not yet paid
    assert age_documents([invoice], as_of=date(2024, 6, 19)).current == Decimal("0.00")  # paid
    assert age_documents([invoice], as_of=date(2024, 6, 20)).current == Decimal("1000.00")  # reversed


def test_document_issued_after_as_of_is_ignored() -> None:
    later = doc(issue=D + timedelta(days=1), amount="999.00")
    assert age_documents([later], as_of=D) == AgingBuckets.zero()


def test_empty_input_is_all_zero() -> None:
    assert age_documents([], as_of=D).total() == 0


def test_mixed_currencies_raise() -> None:
    with pytest.raises(CurrencyError, match=r"USD.*EUR"):
        age_documents([doc(currency="USD"), doc(key="I2", currency="EUR")], as_of=D)


def test_as_dict_keeps_bucket_order() -> None:
    aging = AgingBuckets(Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5))
    assert list(aging.as_dict()) == list(BUCKET_NAMES)
    assert aging.as_dict()["d61_90"] == Decimal(4)


@st.composite
def documents(draw: st.DrawFn) -> ReceivableDocument:
    is_memo = draw(st.booleans())
    issue = D + timedelta(days=draw(st.integers(-500, 30)))
    cents = draw(st.integers(1, 10_000_000))
    sign = -1 if is_memo else 1
    settlements = []
    for _ in range(draw(st.integers(0, 3))):
        on = issue + timedelta(days=draw(st.integers(0, 200)))
        reversal_days = draw(st.none() | st.integers(1, 100))
        reversed_on = None if reversal_days is None else on + timedelta(days=reversal_days)
        part = Decimal(sign * draw(st.integers(1, cents))).scaleb(-2)
        settlements.append(Settlement(on=on, amount=part, reversed_on=reversed_on))
    return ReceivableDocument(
        key=str(draw(st.integers(0, 10**6))),
        kind=DocumentKind.CREDIT_MEMO if is_memo else DocumentKind.INVOICE,
        issue_date=issue,
        due_date=issue + timedelta(days=draw(st.integers(0, 120))),
        amount=Decimal(sign * cents).scaleb(-2),
        currency="USD",
        settlements=tuple(settlements),
    )


@given(st.lists(documents(), max_size=20))
def test_property_buckets_sum_to_amount_minus_settlements_in_effect(docs: list[ReceivableDocument]) -> None:
    aging = age_documents(iter(docs), as_of=D)
    # total = Σ amount − Σ settlements in effect on D, over documents issued by D (written out
    # independently of Settlement.in_effect: dated on or before D and not reversed on or before D)
    expected = Decimal(0)
    for d in docs:
        if d.issue_date > D:
            continue
        expected += d.amount
        for s in d.settlements:
            if s.on <= D and (s.reversed_on is None or s.reversed_on > D):
                expected -= s.amount
    assert aging.total() == expected
    assert sum(aging.as_dict().values(), Decimal(0)) == expected
