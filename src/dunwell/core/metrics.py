"""Accounts-receivable metrics as of a date (DOMAIN.md §2), computed in one pass over documents.

For an as-of date D and a period of P days ending on D inclusive ([D-P+1, D]): total AR is the sum
of open amounts as of D (credit memos negative), current AR its not-yet-due part, credit sales the
sum of amounts issued in the period. DSO = total AR × P ÷ credit sales, BPDSO = current AR × P ÷
credit sales, ADD = DSO − BPDSO; CEI uses beginning AR = total AR as of D-P; the bad-debt ratio is
write-offs in the period ÷ credit sales × 100; days to pay / late are amount-weighted over payments
on invoices dated in the period. A ratio with a zero denominator (credit sales <= 0 for DSO/BPDSO)
is None. Day figures and percentages are Decimals quantized to 0.01 (half-even).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from dunwell.core.aging import BUCKET_NAMES, AgingAccumulator, AgingBuckets, check_currency
from dunwell.core.documents import (
    DocumentKind,
    GroupDimension,
    ReceivableDocument,
    SettlementKind,
)
from dunwell.core.errors import DunwellError
from dunwell.core.money import quantum

#: Length of one countback block, in days.
BLOCK_DAYS = 30
#: Group key for documents without a value for the grouping dimension.
NO_GROUP = "(none)"

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ARMetrics:
    """The AR metrics of one set of documents as of ``as_of`` over a ``period_days`` period."""

    as_of: date
    period_days: int
    currency: str | None
    total_ar: Decimal
    current_ar: Decimal
    aging: AgingBuckets
    credit_sales: Decimal
    dso: Decimal | None
    dso_countback: Decimal | None
    bpdso: Decimal | None
    add: Decimal | None
    pct_current: Decimal | None
    cei: Decimal | None
    avg_days_to_pay: Decimal | None
    avg_days_late: Decimal | None
    bad_debt_ratio: Decimal | None
    document_count: int


def _q(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_EVEN)


def _ratio(numerator: Decimal, denominator: Decimal, scale: Decimal | int = 1) -> Decimal | None:
    """``numerator × scale ÷ denominator`` quantized to 0.01, or None for a zero denominator."""
    if denominator == 0:
        return None
    return _q(numerator * scale / denominator)


def _countback(
    total_ar: Decimal, block_sales: dict[int, Decimal], earliest: date | None, as_of: date
) -> Decimal | None:
    """DSO by the countback method.

    Block k (k = 0, 1, ...) covers [D-30k-29, D-30k]. Each block with positive sales consumes up to
    its sales from the remaining AR; a fully consumed block (or one with sales <= 0) adds 30 days,
    the block that exhausts the AR adds 30 × remaining ÷ its sales. None when the walk passes the
    earliest issue date without exhausting the AR; 0 when total AR <= 0; None when there is no
    document issued by D at all (an empty input has no countback).
    """
    if earliest is None:
        return None
    if total_ar <= 0:
        return _q(_ZERO)
    last_block = (as_of - earliest).days // BLOCK_DAYS
    remaining = total_ar
    days = _ZERO
    for block in range(last_block + 1):
        sales = block_sales.get(block, _ZERO)
        if sales > 0 and remaining <= sales:
            return _q(days + BLOCK_DAYS * remaining / sales)
        if sales > 0:
            remaining -= sales
        days += BLOCK_DAYS
    return None


class _MetricsAccumulator:
    """Running sums for one group; ``add`` each document once, then ``result``."""

    def __init__(self, as_of: date, period_days: int) -> None:
        self.as_of = as_of
        self.period_days = period_days
        self.period_start = as_of - timedelta(days=period_days - 1)
        self.before_period = as_of - timedelta(days=period_days)
        self.currency: str | None = None
        self.aging = AgingAccumulator(as_of)
        self.total_ar = _ZERO
        self.beginning_ar = _ZERO
        self.credit_sales = _ZERO
        self.write_offs = _ZERO
        self.block_sales: dict[int, Decimal] = {}
        self.earliest: date | None = None
        self.paid = _ZERO
        self.paid_x_days_to_pay = _ZERO
        self.paid_x_days_late = _ZERO
        self.document_count = 0

    def add(self, doc: ReceivableDocument) -> None:
        as_of = self.as_of
        if doc.issue_date > as_of:
            return
        is_invoice = doc.kind is DocumentKind.INVOICE
        settled_end = _ZERO
        settled_begin = _ZERO
        for s in doc.settlements:
            if s.in_effect(self.before_period):  # may be reversed by D: checked separately
                settled_begin += s.amount
            if not s.in_effect(as_of):
                continue
            settled_end += s.amount
            if s.on < self.period_start:
                continue
            if s.kind is SettlementKind.WRITE_OFF:
                self.write_offs += s.amount
            elif s.kind is SettlementKind.PAYMENT and is_invoice:
                self.paid += s.amount
                self.paid_x_days_to_pay += s.amount * (s.on - doc.issue_date).days
                self.paid_x_days_late += s.amount * (s.on - doc.due_date).days
        open_end = doc.amount - settled_end
        self.total_ar += open_end
        self.aging.add(open_end, doc.due_date)
        if open_end != 0:
            self.document_count += 1
        if doc.issue_date <= self.before_period:
            self.beginning_ar += doc.amount - settled_begin
        else:
            self.credit_sales += doc.amount
        block = (as_of - doc.issue_date).days // BLOCK_DAYS
        self.block_sales[block] = self.block_sales.get(block, _ZERO) + doc.amount
        if self.earliest is None or doc.issue_date < self.earliest:
            self.earliest = doc.issue_date

    def result(self) -> ARMetrics:
        return metrics_from_sums(
            MetricSums(
                as_of=self.as_of,
                period_days=self.period_days,
                currency=self.currency,
                total_ar=self.total_ar,
                aging=self.aging.result(),
                beginning_ar=self.beginning_ar,
                credit_sales=self.credit_sales,
                write_offs=self.write_offs,
                block_sales=self.block_sales,
                earliest=self.earliest,
                paid=self.paid,
                paid_x_days_to_pay=self.paid_x_days_to_pay,
                paid_x_days_late=self.paid_x_days_late,
                document_count=self.document_count,
            )
        )


@dataclass(frozen=True, slots=True)
class MetricSums:
    """The running sums every metric is derived from (the accumulator's, or another engine's that
    sums the same things, such as ``metrics_columnar``)."""

    as_of: date
    period_days: int
    currency: str | None
    total_ar: Decimal
    aging: AgingBuckets
    beginning_ar: Decimal
    credit_sales: Decimal
    write_offs: Decimal
    #: Sales per countback block (block k: issued 30k to 30k+29 days before ``as_of``).
    block_sales: dict[int, Decimal]
    earliest: date | None
    paid: Decimal
    paid_x_days_to_pay: Decimal
    paid_x_days_late: Decimal
    document_count: int


def metrics_from_sums(sums: MetricSums) -> ARMetrics:
    aging = sums.aging
    current_ar = aging.current
    sales = sums.credit_sales
    total_ar = sums.total_ar
    dso = _ratio(total_ar, sales, sums.period_days) if sales > 0 else None
    bpdso = _ratio(current_ar, sales, sums.period_days) if sales > 0 else None
    inflow = sums.beginning_ar + sales
    return ARMetrics(
        as_of=sums.as_of,
        period_days=sums.period_days,
        currency=sums.currency,
        total_ar=total_ar,
        current_ar=current_ar,
        aging=aging,
        credit_sales=sales,
        dso=dso,
        dso_countback=_countback(total_ar, sums.block_sales, sums.earliest, sums.as_of),
        bpdso=bpdso,
        add=None if dso is None or bpdso is None else dso - bpdso,
        pct_current=_ratio(current_ar, total_ar, _HUNDRED),
        cei=_ratio(inflow - total_ar, inflow - current_ar, _HUNDRED),
        avg_days_to_pay=_ratio(sums.paid_x_days_to_pay, sums.paid),
        avg_days_late=_ratio(sums.paid_x_days_late, sums.paid),
        bad_debt_ratio=_ratio(sums.write_offs, sales, _HUNDRED),
        document_count=sums.document_count,
    )


def _check_period(period_days: int) -> None:
    if period_days < 1:
        raise DunwellError(f"period_days must be at least 1, not {period_days}", code="invalid_period")


def compute_metrics(
    documents: Iterable[ReceivableDocument], *, as_of: date, period_days: int = 90
) -> ARMetrics:
    """Compute all AR metrics of ``documents`` as of ``as_of`` over the ``period_days`` ending then.

    The iterable is consumed once. All documents must share one currency (``CurrencyError``
    otherwise); ``period_days`` < 1 raises ``DunwellError`` with code ``invalid_period``. An empty
    input gives zero amounts, None ratios and a None currency.
    """
    _check_period(period_days)
    acc = _MetricsAccumulator(as_of, period_days)
    currency: str | None = None
    for doc in documents:
        currency = check_currency(currency, doc.currency)
        acc.add(doc)
    acc.currency = currency
    return acc.result()


def compute_grouped_metrics(
    documents: Iterable[ReceivableDocument], *, as_of: date, period_days: int, by: GroupDimension
) -> dict[str, ARMetrics]:
    """Compute ``compute_metrics`` per group of ``by`` in one pass, sorted by group key.

    The key is ``doc.groups.get(by)``, or ``"(none)"`` when missing or empty. All documents, across
    groups, must share one currency. Documents issued after ``as_of`` are ignored, so they create
    no group.
    """
    _check_period(period_days)
    groups: dict[str, _MetricsAccumulator] = {}
    currency: str | None = None
    for doc in documents:
        currency = check_currency(currency, doc.currency)
        if doc.issue_date > as_of:
            continue
        key = doc.groups.get(by) or NO_GROUP
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = _MetricsAccumulator(as_of, period_days)
        acc.add(doc)
    for acc in groups.values():
        acc.currency = currency
    return {key: groups[key].result() for key in sorted(groups)}


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def format_amount(value: Decimal, currency: str | None) -> str:
    """An amount as a plain decimal string with its currency's decimals ("0.00", not "0")."""
    if currency is None:
        return format(value, "f")
    return format(value.quantize(quantum(currency)), "f")


def metrics_to_dict(m: ARMetrics) -> dict[str, object]:
    """A JSON-ready dict: amounts as decimal strings, ratios and day figures as floats or None."""

    def amount(value: Decimal) -> str:
        return format_amount(value, m.currency)

    return {
        "as_of": m.as_of.isoformat(),
        "period_days": m.period_days,
        "currency": m.currency,
        "document_count": m.document_count,
        "total_ar": amount(m.total_ar),
        "current_ar": amount(m.current_ar),
        "aging": {name: amount(getattr(m.aging, name)) for name in BUCKET_NAMES},
        "credit_sales": amount(m.credit_sales),
        "dso": _num(m.dso),
        "dso_countback": _num(m.dso_countback),
        "bpdso": _num(m.bpdso),
        "add": _num(m.add),
        "pct_current": _num(m.pct_current),
        "cei": _num(m.cei),
        "avg_days_to_pay": _num(m.avg_days_to_pay),
        "avg_days_late": _num(m.avg_days_late),
        "bad_debt_ratio": _num(m.bad_debt_ratio),
    }
