"""What a remittance states per item, between the bank reader (Decimal, major units), the
database (JSON, minor units) and the matcher (``RemittedItem``): one conversion for the file and
the database runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from dunwell.core.currencies import minor_unit_exponent
from dunwell.ingest.bank import BankTransaction
from dunwell.matching.records import RemittedItem


def remitted_items(transaction: BankTransaction) -> tuple[RemittedItem, ...]:
    scale = Decimal(10) ** -minor_unit_exponent(transaction.currency)

    def minor(amount: Decimal | None) -> int | None:
        return None if amount is None else int((amount / scale).to_integral_value())

    return tuple(
        RemittedItem(
            i.reference,
            minor(i.paid),
            minor(i.invoiced),
            minor(i.discount),
            minor(i.adjustment),
            i.adjustment_reason,
        )
        for i in transaction.remittance_items
    )


def stated_items(transaction: BankTransaction) -> list[dict[str, Any]]:
    """The items as stored on the statement entry (JSON)."""
    return [
        {
            "reference": i.reference,
            "paid_minor": i.paid_minor,
            "invoiced_minor": i.invoiced_minor,
            "discount_minor": i.discount_minor,
            "adjustment_minor": i.adjustment_minor,
            "adjustment_reason": i.adjustment_reason,
        }
        for i in remitted_items(transaction)
    ]


def from_stored(rows: Iterable[Mapping[str, Any]] | None) -> tuple[RemittedItem, ...]:
    return tuple(
        RemittedItem(
            str(r["reference"]),
            r.get("paid_minor"),
            r.get("invoiced_minor"),
            r.get("discount_minor"),
            r.get("adjustment_minor"),
            r.get("adjustment_reason"),
        )
        for r in rows or ()
    )
