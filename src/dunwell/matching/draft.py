"""A candidate allocation while the engine builds it (``Draft``): the items and amounts, the
evidence, and what is left unapplied or to settle; with the two rules every reading shares (the
discount an item still offers, and how an amount spreads over items in numbering order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dunwell.core.settlement import SettleReason
from dunwell.matching.amounts import MAX_ITEMS
from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.records import Evidence, OpenItem

#: Signals that say the amount was reconciled, not guessed.
RECONCILED = frozenset(
    {
        "amount_exact",
        "amount_combination",
        "discount_taken",
        "discount_late",
        "short_paid",
        "remittance_amounts",
    }
)
#: References that name a document outright.
OUTRIGHT = frozenset({"reference_exact", "reference_structured", "reference_prefixed", "reference_number"})
#: Signals that leave room for another reading.
DOUBTS = frozenset(
    {"reference_ambiguous", "reference_slip", "reference_unresolved", "reference_elsewhere", "partial_item"}
)


@dataclass(slots=True)
class Draft:
    customer_id: str
    items: list[tuple[OpenItem, int]]  # (item, amount applied)
    evidence: list[Evidence]
    unapplied: int = 0
    write_off: int = 0
    write_off_reason: str | None = None
    write_off_code: SettleReason | None = None
    #: Per item, when the remainder is not simply what the cash leaves open on each (a payer's
    #: stated allocation may pay one item in part and deduct on another).
    write_off_lines: dict[str, tuple[int, SettleReason]] | None = None

    @property
    def score(self) -> float:
        return sum(e.weight for e in self.evidence)

    @property
    def key(self) -> tuple[str, frozenset[tuple[str, int]]]:
        return self.customer_id, frozenset((i.item_id, a) for i, a in self.items)

    @property
    def conclusive(self) -> bool:
        """Named outright and paid to the unit (or with the discount offered): nothing found by
        amount alone could outrank it."""
        signals = {e.signal for e in self.evidence}
        return (
            bool(signals & {"amount_exact", "discount_taken", "remittance_amounts"})
            and bool(signals & OUTRIGHT)
            and not (signals & DOUBTS)
        )

    @property
    def reconciled(self) -> bool:
        """The amount adds up, and nothing the remittance quoted is left unexplained."""
        signals = {e.signal for e in self.evidence}
        return bool(signals & RECONCILED) and "reference_unresolved" not in signals

    def settle(self, amount: int, reason: str, code: SettleReason) -> None:
        """Leave ``amount`` (what the cash does not cover on the items) to settle for ``reason``."""
        self.write_off, self.write_off_reason, self.write_off_code = amount, reason, code

    def add(self, signal: str, detail: str, weight: float | None = None) -> None:
        self.evidence.append(Evidence(signal, detail, WEIGHTS[signal] if weight is None else weight))


def discount_on(item: OpenItem, open_amount: int, paid_on: date) -> int:
    """The early-payment discount ``item`` still offers on ``paid_on`` (only while untouched)."""
    if item.discount_minor and item.discount_until and paid_on <= item.discount_until:
        return item.discount_minor if open_amount == item.amount_minor else 0
    return 0


def in_order(items: list[OpenItem], open_amounts: dict[str, int], amount: int) -> list[tuple[OpenItem, int]]:
    """``amount`` spread over ``items`` in numbering order; credit memos (negative) are netted first."""
    # Document numbers are issued in sequence, so their order is the order of issue.
    ordered = sorted(items, key=lambda i: (open_amounts[i.item_id] > 0, len(i.item_id), i.item_id))
    left = amount
    applied: list[tuple[OpenItem, int]] = []
    for item in ordered:
        open_amount = open_amounts[item.item_id]
        share = open_amount if open_amount < 0 else min(open_amount, left)
        if share == 0 and open_amount > 0:
            continue
        applied.append((item, share))
        left -= share
    return applied


def pools(open_items: list[OpenItem], day: date, size: int = MAX_ITEMS) -> list[list[OpenItem]]:
    """The items searched for sets (``size`` at most each): the oldest, and for a large account
    also those falling due nearest ``day`` (the backlog of a slow payer hides what it pays today)."""
    if len(open_items) <= size:
        return [open_items]
    nearest = sorted(open_items, key=lambda i: abs((i.due_date - day).days))[:size]
    chosen = {i.item_id for i in nearest}
    return [open_items[:size], [i for i in open_items if i.item_id in chosen]]
