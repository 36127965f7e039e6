"""An AR book as columns: what the estimators read, with dates as day numbers.

``InvoiceHistory`` holds every document of a book (invoices and credit memos), each with its
eventual outcome where one is recorded (``paid``). Nothing here decides what was *known* when:
that is the job of ``features``, which only ever compares a paid day with a knowledge day
(``paid <= known``), so a history may safely carry outcomes from after any cutoff.

Days are integers (days since 1970-01-01); an open or unknown outcome is ``NEVER``, a day later
than any real one, so "paid by day k" is simply ``paid <= k``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from dunwell.ml.errors import PredictionError

EPOCH = date(1970, 1, 1)
NEVER = 10_000_000  # an outcome not (yet) known: later than every real day
#: The columns a history is built from; ``paid_date``, ``disputed``, ``terms``, ``entity``,
#: ``delivery``, ``dispute_opened`` and ``document_type`` are optional.
REQUIRED_COLUMNS = ("invoice_id", "customer_id", "currency", "amount", "issue_date", "due_date")


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(number))


@dataclass(frozen=True)
class InvoiceHistory:
    """Documents as parallel arrays (one position per document).

    ``customer``, ``entity``, ``currency`` and ``terms`` are integer codes into the matching
    ``*_names`` tuples. ``amount`` is in major units as a float: features are statistics, not
    money (no amount computed here is ever posted).
    """

    invoice_id: np.ndarray  # object (str)
    customer: np.ndarray  # int64 codes
    customer_names: tuple[str, ...]
    entity: np.ndarray
    entity_names: tuple[str, ...]
    currency: np.ndarray
    currency_names: tuple[str, ...]
    terms: np.ndarray
    terms_names: tuple[str, ...]
    delivery: np.ndarray  # how the invoice was sent (paper, electronic, ...): "" when unknown
    delivery_names: tuple[str, ...]
    amount: np.ndarray  # float64, major units; credit memos negative
    issue: np.ndarray  # int64 day numbers
    due: np.ndarray
    paid: np.ndarray  # int64 day numbers, NEVER when open or unknown
    disputed: np.ndarray  # bool: flagged disputed (as the source has it now)
    dispute_opened: np.ndarray  # int64 day a dispute was opened, NEVER when none or unknown
    is_invoice: np.ndarray  # bool: False for credit memos

    def __len__(self) -> int:
        return len(self.invoice_id)

    @property
    def delay(self) -> np.ndarray:
        """Days paid after the due date (negative: early); meaningless where ``paid == NEVER``."""
        return np.asarray(self.paid - self.due)

    def take(self, index: np.ndarray) -> InvoiceHistory:
        """The documents at ``index`` (a position array or a boolean mask), codes unchanged."""
        values = {name: getattr(self, name) for name in _ARRAYS}
        names = {name: getattr(self, name) for name in _NAMES}
        return InvoiceHistory(**{k: v[index] for k, v in values.items()}, **names)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> InvoiceHistory:
        """Build from a frame with the canonical invoice columns (dates as ``date`` or ISO text)."""
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise PredictionError("history_columns", f"the history lacks column(s): {', '.join(missing)}")
        if frame.empty:
            raise PredictionError("history_empty", "the history has no invoices")
        customer, customer_names = _codes(frame["customer_id"].astype(str))
        entity, entity_names = _codes(_column(frame, "entity", "MAIN"))
        currency, currency_names = _codes(frame["currency"].astype(str))
        terms, terms_names = _codes(_column(frame, "terms", ""))
        delivery, delivery_names = _codes(_column(frame, "delivery", "").astype(str).str.lower())
        kind = _column(frame, "document_type", "invoice")
        return cls(
            invoice_id=frame["invoice_id"].astype(str).to_numpy(dtype=object),
            customer=customer,
            customer_names=customer_names,
            entity=entity,
            entity_names=entity_names,
            currency=currency,
            currency_names=currency_names,
            terms=terms,
            terms_names=terms_names,
            delivery=delivery,
            delivery_names=delivery_names,
            amount=pd.to_numeric(frame["amount"]).to_numpy(dtype=np.float64),
            issue=_days(frame["issue_date"]),
            due=_days(frame["due_date"]),
            paid=_days(frame["paid_date"]) if "paid_date" in frame else np.full(len(frame), NEVER),
            disputed=_column(frame, "disputed", False).astype(bool).to_numpy(),
            dispute_opened=(
                _days(frame["dispute_opened"]) if "dispute_opened" in frame else np.full(len(frame), NEVER)
            ),
            is_invoice=~kind.str.lower().isin(("credit_memo", "creditmemo", "credit")).to_numpy(),
        )

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]]) -> InvoiceHistory:
        return cls.from_frame(pd.DataFrame(list(rows)))


_ARRAYS = (
    "invoice_id", "customer", "entity", "currency", "terms", "delivery", "amount", "issue", "due", "paid",
    "disputed", "dispute_opened", "is_invoice",
)  # fmt: skip
_NAMES = ("customer_names", "entity_names", "currency_names", "terms_names", "delivery_names")


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name not in frame:
        return pd.Series([default] * len(frame), index=frame.index)
    return frame[name].where(frame[name].notna(), default)


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.int64), tuple(str(u) for u in uniques)


def _days(values: pd.Series) -> np.ndarray:
    """Day numbers; empty cells become ``NEVER``."""
    stamps = pd.to_datetime(values, errors="raise")
    numbers = (stamps - pd.Timestamp(EPOCH)).dt.days
    return np.asarray(numbers.fillna(NEVER).to_numpy(dtype=np.int64))
