"""AR metrics: each formula against a small hand-computed example.

As-of date D = 2024-06-30 and P = 90 unless a test says otherwise, so the period is
[2024-04-02, 2024-06-30], beginning AR is taken as of D-P = 2024-04-01, and the countback blocks are
block 0 = [06-01, 06-30], block 1 = [05-02, 05-31], block 2 = [04-02, 05-01], block 3 = [03-03, 04-01].
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunwell.core.aging import age_documents
from dunwell.core.documents import (
    DocumentKind,
    GroupDimension,
    ReceivableDocument,
    Settlement,
    SettlementKind,
)
from dunwell.core.errors import CurrencyError, DunwellError
from dunwell.core.metrics import ARMetrics, compute_grouped_metrics, compute_metrics, metrics_to_dict

D = date(2024, 6, 30)
PAYMENT = SettlementKind.PAYMENT
WRITE_OFF = SettlementKind.WRITE_OFF


def stl(
    on: date, amount: str, *, kind: SettlementKind = PAYMENT, reversed_on: date | None = None
) -> Settlement:
    return Settlement(on=on, amount=Decimal(amount), kind=kind, reversed_on=reversed_on)


def inv(
    *,
    key: str = "I",
    issue: date = date(2024, 5, 1),
    due: date | None = None,
    amount: str = "1000",
    currency: str = "USD",
    settlements: tuple[Settlement, ...] = (),
    customer: str | None = None,
    kind: DocumentKind = DocumentKind.INVOICE,
) -> ReceivableDocument:
    return ReceivableDocument(
        key=key,
        kind=kind,
        issue_date=issue,
        due_date=due if due is not None else issue + timedelta(days=30),
        amount=Decimal(amount),
        currency=currency,
        settlements=settlements,
        groups={GroupDimension.CUSTOMER: customer} if customer is not None else {},
    )


def memo(
    *,
    key: str = "C",
    issue: date = date(2024, 5, 1),
    amount: str = "-100",
    settlements: tuple[Settlement, ...] = (),
) -> ReceivableDocument:
    return inv(key=key, issue=issue, amount=amount, settlements=settlements, kind=DocumentKind.CREDIT_MEMO)


def metrics(*docs: ReceivableDocument, as_of: date = D, period_days: int = 90) -> ARMetrics:
    return compute_metrics(docs, as_of=as_of, period_days=period_days)


def test_dso_bpdso_add_and_pct_current() -> None:
    a = inv(
        key="A",
        issue=date(2024, 5, 1),
        due=date(2024, 5, 31),  # 30 days past due on D
        amount="2000",
        settlements=(stl(date(2024, 6, 10), "1000"),),
    )  # open 1000
    b = inv(
        key="B", issue=date(2024, 6, 15), due=date(2024, 7, 15), settlements=(stl(date(2024, 6, 20), "500"),)
    )  # open 500, current
    m = metrics(a, b)
    assert m.total_ar == Decimal(1500)  # 1000 + 500
    assert m.current_ar == Decimal(500)
    assert m.aging.d1_30 == Decimal(1000)
    assert m.credit_sales == Decimal(3000)  # 2000 + 1000
    assert m.dso == Decimal("45.00")  # 1500 × 90 / 3000
    assert m.bpdso == Decimal("15.00")  # 500 × 90 / 3000
    assert m.add == Decimal("30.00")  # 45 − 15
    assert m.pct_current == Decimal("33.33")  # 500 / 1500 × 100 = 33.333…
    assert m.document_count == 2
    assert m.currency == "USD"


def test_credit_memo_reduces_ar_and_sales() -> None:
    m = metrics(inv(amount="1000"), memo(amount="-200", issue=date(2024, 6, 1)))
    assert m.total_ar == Decimal(800)  # 1000 − 200
    assert m.credit_sales == Decimal(800)  # 1000 − 200
    assert m.dso == Decimal("90.00")  # 800 × 90 / 800
    assert m.document_count == 2  # the memo's open −200 is non-zero


def test_half_even_rounding_of_day_metrics() -> None:
    # P = 1: AR 1, sales 8 -> DSO = 1 × 1 / 8 = 0.125 -> 0.12 (half-even, not 0.13)
    d = inv(issue=D, due=D, amount="8", settlements=(stl(D, "7"),))
    assert metrics(d, period_days=1).dso == Decimal("0.12")


def test_document_issued_after_as_of_is_ignored() -> None:
    m = metrics(inv(key="A", amount="300"), inv(key="later", issue=D + timedelta(days=1), amount="5000"))
    assert m.total_ar == Decimal(300)
    assert m.credit_sales == Decimal(300)
    assert m.document_count == 1


def test_reversed_payment_counts_before_its_reversal_only() -> None:
    d = inv(
        issue=date(2024, 5, 1),
        due=date(2024, 7, 31),
        settlements=(stl(date(2024, 6, 10), "1000", reversed_on=date(2024, 6, 20)),),
    )
    assert metrics(d, as_of=date(2024, 6, 19)).total_ar == 0  # paid on 06-10
    assert metrics(d, as_of=date(2024, 6, 19)).avg_days_to_pay == Decimal("40.00")  # 06-10 − 05-01
    assert metrics(d, as_of=date(2024, 6, 20)).total_ar == Decimal(1000)  # reversed on 06-20
    assert metrics(d, as_of=date(2024, 6, 20)).avg_days_to_pay is None  # no payment in effect


def test_countback_over_three_blocks_with_partial_last_block() -> None:
    i0 = inv(key="0", issue=date(2024, 6, 10), amount="1000")  # block 0, open 1000
    i1 = inv(key="1", issue=date(2024, 5, 15), amount="1000")  # block 1, open 1000
    i2 = inv(key="2", issue=date(2024, 4, 15), amount="2000", settlements=(stl(date(2024, 5, 20), "1500"),))
    m = metrics(i0, i1, i2)  # block 2, open 500
    assert m.total_ar == Decimal(2500)
    # block 0: 2500 − 1000 = 1500 left, 30 days; block 1: 1500 − 1000 = 500 left, 60 days;
    # block 2: 30 × 500 / 2000 = 7.5 -> 67.50
    assert m.dso_countback == Decimal("67.50")
    assert m.dso == Decimal("56.25")  # 2500 × 90 / 4000


def test_countback_block_without_positive_sales_adds_30_days() -> None:
    i0 = inv(key="0", issue=date(2024, 6, 10), amount="1000")  # block 0, open 1000
    cm = memo(issue=date(2024, 5, 15), amount="-100")  # block 1: sales −100, open −100
    i2 = inv(key="2", issue=date(2024, 4, 15), amount="2000", settlements=(stl(date(2024, 5, 20), "1400"),))
    m = metrics(i0, cm, i2)  # block 2, open 600
    assert m.total_ar == Decimal(1500)  # 1000 − 100 + 600
    # block 0: 1500 − 1000 = 500, 30; block 1 (sales −100 <= 0): 60; block 2: 30 × 500 / 2000 = 7.5
    assert m.dso_countback == Decimal("67.50")


def test_countback_within_first_block() -> None:
    d = inv(issue=date(2024, 6, 10), amount="1000", settlements=(stl(date(2024, 6, 20), "500"),))
    assert metrics(d).dso_countback == Decimal("15.00")  # 30 × 500 / 1000


def test_countback_exhausted_exactly_at_block_end() -> None:
    m = metrics(inv(key="0", issue=date(2024, 6, 10), amount="1000"), inv(key="1", issue=date(2024, 5, 20)))
    assert m.dso_countback == Decimal("60.00")  # 2000: block 0 -> 1000 left; block 1: 30 × 1000 / 1000


def test_countback_is_none_when_history_runs_out() -> None:
    i0 = inv(key="0", issue=date(2024, 6, 10), amount="1000")  # open 1000
    refunded = memo(issue=date(2024, 6, 5), amount="-300", settlements=(stl(date(2024, 6, 6), "-300"),))
    m = metrics(i0, refunded)  # the memo is settled (open 0) but its −300 still nets block 0's sales
    assert m.total_ar == Decimal(1000)
    # block 0 sales 1000 − 300 = 700 -> 300 left; block 1 would start before the earliest issue date
    assert m.dso_countback is None


def test_countback_zero_when_ar_not_positive() -> None:
    assert metrics(memo(issue=date(2024, 6, 1), amount="-100")).dso_countback == Decimal("0.00")


def test_cei() -> None:
    old = inv(
        key="old",
        issue=date(2024, 3, 1),
        due=date(2024, 3, 31),  # 91 days past due on D
        amount="1000",
        settlements=(stl(date(2024, 5, 10), "600"),),
    )  # beginning AR (as of 04-01) 1000, open on D 400
    new = inv(
        key="new",
        issue=date(2024, 5, 1),
        due=date(2024, 7, 31),
        amount="2000",
        settlements=(stl(date(2024, 6, 15), "500"),),
    )  # sales 2000, open on D 1500 (current)
    m = metrics(old, new)
    assert (m.total_ar, m.current_ar, m.credit_sales) == (Decimal(1900), Decimal(1500), Decimal(2000))
    assert m.aging.d91_plus == Decimal(400)
    # CEI = (1000 + 2000 − 1900) / (1000 + 2000 − 1500) × 100 = 1100 / 1500 × 100 = 73.33
    assert m.cei == Decimal("73.33")


def test_cei_beginning_ar_sees_a_payment_reversed_during_the_period() -> None:
    old = inv(
        key="old",
        issue=date(2024, 3, 1),
        due=date(2024, 3, 31),
        amount="1000",
        settlements=(stl(date(2024, 3, 20), "1000", reversed_on=date(2024, 5, 1)),),
    )  # paid as of 04-01 (beginning AR 0), reopened on 05-01 (open 1000 on D, past due)
    new = inv(key="new", issue=date(2024, 5, 1), due=date(2024, 7, 31), amount="500")  # current 500
    # CEI = (0 + 500 − 1500) / (0 + 500 − 500) -> zero denominator -> None
    assert metrics(old, new).cei is None
    # with P = 120 the period starts on 03-03, beginning AR (03-02) = 0, sales = 1500:
    # CEI = (0 + 1500 − 1500) / (0 + 1500 − 500) × 100 = 0.00
    assert metrics(old, new, period_days=120).cei == Decimal("0.00")


def test_bad_debt_ratio() -> None:
    a = inv(key="A", issue=date(2024, 5, 1), settlements=(stl(date(2024, 6, 1), "100", kind=WRITE_OFF),))
    b = inv(
        key="B",
        issue=date(2024, 5, 10),
        settlements=(
            stl(date(2024, 6, 5), "50", kind=WRITE_OFF, reversed_on=date(2024, 6, 20)),  # undone by D
            stl(date(2024, 6, 25), "30", kind=WRITE_OFF, reversed_on=date(2024, 7, 5)),  # in effect on D
        ),
    )
    old = inv(
        key="old",
        issue=date(2024, 1, 1),
        amount="500",
        settlements=(stl(date(2024, 3, 15), "500", kind=WRITE_OFF),),
    )  # written off before the period: neither write-off nor sale of this period
    m = metrics(a, b, old)
    assert m.credit_sales == Decimal(2000)  # 1000 + 1000
    assert m.bad_debt_ratio == Decimal("6.50")  # (100 + 30) / 2000 × 100


def test_average_days_to_pay_and_late_are_amount_weighted() -> None:
    a = inv(
        key="A",
        issue=date(2024, 5, 1),
        due=date(2024, 5, 31),
        settlements=(stl(date(2024, 6, 10), "600"),),  # 40 days to pay, 10 late
    )
    b = inv(
        key="B",
        issue=date(2024, 6, 1),
        due=date(2024, 7, 1),
        amount="400",
        settlements=(stl(date(2024, 6, 21), "400"),),  # 20 days to pay, 10 early (−10)
    )
    ignored = [
        memo(issue=date(2024, 5, 1), settlements=(stl(date(2024, 6, 15), "-50"),)),  # a refund on a memo
        inv(key="pre", issue=date(2024, 3, 1), settlements=(stl(date(2024, 3, 20), "300"),)),  # before period
        inv(
            key="ded",
            issue=date(2024, 5, 1),
            settlements=(stl(date(2024, 6, 1), "5", kind=SettlementKind.DEDUCTION),),
        ),
        inv(
            key="rev",
            issue=date(2024, 6, 1),
            settlements=(stl(date(2024, 6, 5), "900", reversed_on=date(2024, 6, 25)),),
        ),
    ]
    m = metrics(a, b, *ignored)
    assert m.avg_days_to_pay == Decimal("32.00")  # (600 × 40 + 400 × 20) / 1000 = 32000 / 1000
    assert m.avg_days_late == Decimal("2.00")  # (600 × 10 + 400 × (−10)) / 1000 = 2000 / 1000
    early = metrics(b)
    assert early.avg_days_late == Decimal("-10.00")  # 400 × (−10) / 400


def test_zero_denominators_give_none() -> None:
    # no sales in the period: DSO, BPDSO, ADD, bad-debt ratio undefined; % current still defined
    old = inv(issue=date(2024, 1, 1), due=date(2024, 1, 31))
    m = metrics(old)
    assert (m.credit_sales, m.dso, m.bpdso, m.add, m.bad_debt_ratio) == (Decimal(0), None, None, None, None)
    assert m.pct_current == Decimal("0.00")  # 0 / 1000 × 100
    assert m.avg_days_to_pay is None
    assert m.avg_days_late is None
    # no AR: % current undefined; CEI = (0 + 1000 − 0) / (0 + 1000 − 0) × 100 = 100.00
    paid = metrics(inv(settlements=(stl(date(2024, 5, 15), "1000"),)))
    assert paid.total_ar == 0
    assert paid.pct_current is None
    assert paid.document_count == 0
    assert paid.cei == Decimal("100.00")
    assert paid.dso == Decimal("0.00")  # 0 × 90 / 1000


def test_negative_credit_sales_leave_dso_undefined() -> None:
    m = metrics(memo(issue=date(2024, 6, 1), amount="-100"))
    assert m.credit_sales == Decimal(-100)
    assert (m.dso, m.bpdso, m.add) == (None, None, None)


def test_empty_input() -> None:
    m = compute_metrics(iter([]), as_of=D)
    assert m.currency is None
    assert m.document_count == 0
    assert m.period_days == 90
    assert (m.total_ar, m.current_ar, m.credit_sales, m.aging.total()) == (Decimal(0),) * 4
    ratios = (m.dso, m.dso_countback, m.bpdso, m.add, m.pct_current, m.cei)
    assert (*ratios, m.avg_days_to_pay, m.avg_days_late, m.bad_debt_ratio) == (None,) * 9


def test_mixed_currencies_raise() -> None:
    docs = [inv(key="A"), inv(key="B", currency="EUR")]
    with pytest.raises(CurrencyError, match=r"USD.*EUR"):
        compute_metrics(docs, as_of=D)
    with pytest.raises(CurrencyError, match=r"USD.*EUR"):
        compute_grouped_metrics(docs, as_of=D, period_days=90, by=GroupDimension.CUSTOMER)


@pytest.mark.parametrize("period_days", [0, -5])
def test_invalid_period(period_days: int) -> None:
    with pytest.raises(DunwellError) as info:
        compute_metrics([], as_of=D, period_days=period_days)
    assert info.value.code == "invalid_period"
    with pytest.raises(DunwellError):
        compute_grouped_metrics([], as_of=D, period_days=period_days, by=GroupDimension.CUSTOMER)


def test_grouped_by_customer() -> None:
    docs = [
        inv(key="z1", customer="zeta", amount="300"),
        inv(key="a1", customer="acme", amount="1000", settlements=(stl(date(2024, 6, 1), "400"),)),
        inv(key="a2", customer="acme", amount="200"),
        inv(key="n1", amount="50"),
        inv(key="later", customer="future", issue=D + timedelta(days=3)),  # issued after D: no group
    ]
    groups = compute_grouped_metrics(iter(docs), as_of=D, period_days=90, by=GroupDimension.CUSTOMER)
    assert list(groups) == ["(none)", "acme", "zeta"]
    assert groups["acme"].total_ar == Decimal(800)  # 1000 − 400 + 200
    assert groups["acme"].dso == Decimal("60.00")  # 800 × 90 / 1200
    assert groups["zeta"].total_ar == Decimal(300)
    assert groups["(none)"].total_ar == Decimal(50)
    assert groups["acme"] == metrics(docs[1], docs[2])


def test_metrics_to_dict_is_json_ready() -> None:
    m = metrics(inv(amount="1000.50", due=date(2024, 7, 31)))
    out = metrics_to_dict(m)
    assert json.loads(json.dumps(out)) == out
    assert out["as_of"] == "2024-06-30"
    assert (out["period_days"], out["currency"], out["document_count"]) == (90, "USD", 1)
    assert out["total_ar"] == "1000.50"
    assert out["credit_sales"] == "1000.50"
    # Every amount carries its currency's decimals, empty buckets too.
    assert out["aging"] == {
        "current": "1000.50",
        "d1_30": "0.00",
        "d31_60": "0.00",
        "d61_90": "0.00",
        "d91_plus": "0.00",
    }
    assert out["dso"] == 90.0
    assert out["pct_current"] == 100.0
    assert out["avg_days_to_pay"] is None
    assert out["add"] == 0.0
    expected_keys = {
        "as_of",
        "period_days",
        "currency",
        "document_count",
        "total_ar",
        "current_ar",
        "aging",
        "credit_sales",
        "dso",
        "dso_countback",
        "bpdso",
        "add",
        "pct_current",
        "cei",
        "avg_days_to_pay",
        "avg_days_late",
        "bad_debt_ratio",
    }
    assert set(out) == expected_keys


def test_sci_notation_never_leaks_into_amount_strings() -> None:
    out = metrics_to_dict(metrics(inv(amount="1E+3")))
    assert out["total_ar"] == "1000.00"


@st.composite
def documents(draw: st.DrawFn) -> ReceivableDocument:
    is_memo = draw(st.booleans())
    sign = -1 if is_memo else 1
    issue = D + timedelta(days=draw(st.integers(-400, 20)))
    cents = draw(st.integers(1, 1_000_000))
    settlements = tuple(
        Settlement(
            on=issue + timedelta(days=draw(st.integers(0, 150))),
            amount=Decimal(sign * draw(st.integers(1, cents))).scaleb(-2),
            kind=draw(st.sampled_from(list(SettlementKind))),
            reversed_on=draw(st.none() | st.just(issue + timedelta(days=draw(st.integers(1, 200))))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return inv(
        key=str(draw(st.integers(0, 10**6))),
        kind=DocumentKind.CREDIT_MEMO if is_memo else DocumentKind.INVOICE,
        issue=issue,
        due=issue + timedelta(days=draw(st.integers(0, 90))),
        amount=str(Decimal(sign * cents).scaleb(-2)),
        settlements=settlements,
        customer=draw(st.sampled_from([None, "a", "b"])),
    )


@given(st.lists(documents(), max_size=25), st.integers(1, 200))
def test_property_totals_are_consistent(docs: list[ReceivableDocument], period_days: int) -> None:
    def once() -> Iterator[ReceivableDocument]:
        yield from docs

    m = compute_metrics(once(), as_of=D, period_days=period_days)
    issued = [d for d in docs if d.issue_date <= D]
    assert m.aging.total() == m.total_ar
    assert m.total_ar == sum((d.amount - d.settled_as_of(D) for d in issued), Decimal(0))
    assert m.aging == age_documents(docs, as_of=D)
    assert m.document_count == sum(1 for d in issued if d.open_as_of(D) != 0)
    start = D - timedelta(days=period_days - 1)
    assert m.credit_sales == sum((d.amount for d in issued if d.issue_date >= start), Decimal(0))
    if m.dso is not None and m.bpdso is not None:
        assert m.add == m.dso - m.bpdso
    if m.dso_countback is not None:
        assert m.dso_countback >= 0
    groups = compute_grouped_metrics(docs, as_of=D, period_days=period_days, by=GroupDimension.CUSTOMER)
    assert sum((g.total_ar for g in groups.values()), Decimal(0)) == m.total_ar
    assert sum((g.credit_sales for g in groups.values()), Decimal(0)) == m.credit_sales
