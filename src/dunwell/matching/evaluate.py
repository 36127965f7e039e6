"""Measuring cash application against the truth, the way DOMAIN.md §3 asks: never one "match rate".

The rows are those of MATCHES.csv (one per allocation of each ranked candidate; a payment with no
candidate has one row with an empty ``invoice_id``) and TRUTH.csv (``payment_ref, invoice_id,
amount``). A candidate is *right* when its set of (invoice, amount) equals the truth's exactly.

- envelope_rate: payments whose top candidate names the right customer (from ``customer_id``
  when both files have it, else: shares at least one invoice with the truth).
- line_item_rate: truth lines (invoice, amount) found in the payment's top candidate.
- auto_rate: payments applied with no person. auto_precision: of those, the share right.
- top1_accuracy / top3_accuracy: of the payments not auto-applied that have a truth, the share
  whose first / any of the first three candidates is right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dunwell.matching.records import MatchResult, MatchStatus

MATCH_COLUMNS = (
    "payment_ref",
    "invoice_id",
    "amount",
    "status",
    "confidence",
    "rank",
    "customer_id",
    "evidence",
)


@dataclass(frozen=True, slots=True)
class MatchRow:
    payment_ref: str
    invoice_id: str
    amount: Decimal
    status: str
    confidence: float
    rank: int
    customer_id: str = ""
    evidence: str = ""


def rows_of(
    result: MatchResult, minor_to_major: Mapping[str, int] | None = None, currency: str = ""
) -> list[MatchRow]:
    """MATCHES rows for one result; amounts in major units by the currency's exponent (default 2)."""
    exponent = (minor_to_major or {}).get(currency, 2)
    scale = Decimal(10) ** -exponent
    if not result.candidates:
        return [
            MatchRow(result.payment_ref, "", Decimal(0), result.status.value, 0.0, 0, "", result.reason or "")
        ]
    rows = []
    for rank, candidate in enumerate(result.candidates, start=1):
        evidence = "; ".join(f"{e.signal}({e.weight:+g}): {e.detail}" for e in candidate.evidence)
        allocations = candidate.allocations or ()
        if not allocations:
            rows.append(
                MatchRow(
                    result.payment_ref,
                    "",
                    Decimal(0),
                    result.status.value,
                    candidate.confidence,
                    rank,
                    candidate.customer_id,
                    evidence,
                )
            )
        for allocation in allocations:
            rows.append(
                MatchRow(
                    result.payment_ref,
                    allocation.item_id,
                    (allocation.amount_minor * scale).quantize(scale),
                    result.status.value,
                    candidate.confidence,
                    rank,
                    candidate.customer_id,
                    evidence,
                )
            )
    return rows


def evaluate(
    matches: Iterable[MatchRow],
    truth: Iterable[tuple[str, str, Decimal]],
    *,
    truth_customers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The figures for ``matches`` against ``truth`` (payment_ref, invoice_id, amount)."""
    expected: dict[str, set[tuple[str, Decimal]]] = defaultdict(set)
    for payment_ref, invoice_id, amount in truth:
        expected[payment_ref].add((invoice_id, Decimal(amount)))
    ranked: dict[str, dict[int, set[tuple[str, Decimal]]]] = defaultdict(lambda: defaultdict(set))
    status: dict[str, str] = {}
    customer: dict[str, str] = {}
    for row in matches:
        status[row.payment_ref] = row.status
        if row.rank == 1 and row.customer_id:
            customer[row.payment_ref] = row.customer_id
        if row.invoice_id and row.rank:
            ranked[row.payment_ref][row.rank].add((row.invoice_id, Decimal(row.amount)))
    payments = sorted(set(status) | set(expected))
    auto = [p for p in payments if status.get(p) == MatchStatus.AUTO.value]
    auto_right = [p for p in auto if ranked[p].get(1, set()) == expected.get(p)]
    rest = [p for p in payments if p not in auto and p in expected]
    top1 = [p for p in rest if ranked[p].get(1, set()) == expected[p]]
    top3 = [p for p in rest if any(ranked[p].get(r, set()) == expected[p] for r in (1, 2, 3))]
    lines = [(p, line) for p in expected for line in expected[p]]
    lines_hit = [1 for p, line in lines if line in ranked[p].get(1, set())]
    envelope = 0
    judged = [p for p in payments if p in expected]
    for p in judged:
        if truth_customers is not None and p in truth_customers:
            envelope += customer.get(p) == truth_customers[p]
        else:
            top = {i for i, _ in ranked[p].get(1, set())}
            envelope += bool(top & {i for i, _ in expected[p]})
    return {
        "payments": len(payments),
        "payments_with_truth": len(judged),
        "envelope_rate": _share(envelope, len(judged)),
        "line_item_rate": _share(len(lines_hit), len(lines)),
        "auto_rate": _share(len(auto), len(payments)),
        "auto_precision": _share(len(auto_right), len(auto)),
        "top1_accuracy": _share(len(top1), len(rest)),
        "top3_accuracy": _share(len(top3), len(rest)),
        "auto_payments": len(auto),
        "auto_wrong": len(auto) - len(auto_right),
        "review_payments": len(rest),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
