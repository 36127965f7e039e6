"""Aging: open amounts as of a date, split into buckets by days past due.

An item is current while ``due_date >= as_of``; otherwise it is ``as_of - due_date`` days past
due. Credit memos carry negative open amounts and simply add in (they reduce the bucket they age
into). All documents aged together must share one currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dunwell.core.documents import ReceivableDocument
from dunwell.core.errors import CurrencyError

#: Bucket names in order, from not yet due to most overdue.
BUCKET_NAMES: tuple[str, ...] = ("current", "d1_30", "d31_60", "d61_90", "d91_plus")


@dataclass(frozen=True, slots=True)
class AgingBuckets:
    """Open amounts per aging bucket (Decimal, in the currency of the documents aged)."""

    current: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d91_plus: Decimal

    def total(self) -> Decimal:
        """The sum of all buckets: the total open amount."""
        return self.current + self.d1_30 + self.d31_60 + self.d61_90 + self.d91_plus

    def as_dict(self) -> dict[str, Decimal]:
        """Bucket name to amount, in ``BUCKET_NAMES`` order."""
        return {name: getattr(self, name) for name in BUCKET_NAMES}

    @classmethod
    def zero(cls) -> AgingBuckets:
        """All buckets zero."""
        return cls(Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0))


def bucket_for(days_past_due: int) -> str:
    """The bucket name for ``days_past_due``: ``current`` for zero or less, then 1-30, 31-60, 61-90, 91+."""
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "d1_30"
    if days_past_due <= 60:
        return "d31_60"
    if days_past_due <= 90:
        return "d61_90"
    return "d91_plus"


def check_currency(seen: str | None, currency: str) -> str:
    """Return ``currency`` if it agrees with ``seen`` (the currency met so far, or None).

    Raises ``CurrencyError`` naming both currencies when they differ.
    """
    if seen is not None and seen != currency:
        raise CurrencyError(f"cannot mix currencies in one computation: {seen} and {currency}")
    return currency


class AgingAccumulator:
    """Adds open amounts into buckets one document at a time (for single-pass callers)."""

    __slots__ = ("_as_of", "_sums")

    def __init__(self, as_of: date) -> None:
        self._as_of = as_of
        self._sums: dict[str, Decimal] = dict.fromkeys(BUCKET_NAMES, Decimal(0))

    def add(self, open_amount: Decimal, due_date: date) -> None:
        """Age ``open_amount`` of an item due on ``due_date``."""
        name = bucket_for((self._as_of - due_date).days)
        self._sums[name] += open_amount

    def result(self) -> AgingBuckets:
        """The buckets accumulated so far."""
        return AgingBuckets(**self._sums)


def age_documents(documents: Iterable[ReceivableDocument], *, as_of: date) -> AgingBuckets:
    """Age the open amounts of ``documents`` as of ``as_of`` (end of day).

    Documents issued after ``as_of`` are ignored; settlements count only while in effect on
    ``as_of`` (see ``Settlement.in_effect``). Mixing currencies raises ``CurrencyError``.
    """
    acc = AgingAccumulator(as_of)
    currency: str | None = None
    for doc in documents:
        currency = check_currency(currency, doc.currency)
        if doc.issue_date > as_of:
            continue
        acc.add(doc.open_as_of(as_of), doc.due_date)
    return acc.result()
