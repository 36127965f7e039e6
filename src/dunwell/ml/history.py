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
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from dunwell.ml.errors import PredictionError

EPOCH = date(1970, 1, 1)
NEVER = 10_000_000  # an outcome not (yet) known: later than every real day
#: The columns a history is built from; ``paid_date``, ``disputed``, ``terms``, ``entity``,
#: ``delivery``, ``dispute_opened``, ``dispute_closed`` and ``document_type`` are optional.
REQUIRED_COLUMNS = ("invoice_id", "customer_id", "currency", "amount", "issue_date", "due_date")


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(number))


@dataclass(frozen=True)
class CustomerActivity:
    """Collection activity per customer, with customer codes as in the history's ``customer_names``.

    Touches are contact attempts; a promise to pay is made on one day for another, and is known
    to be broken from the day after its promised date (its status is only settled then).
    """

    touch_customer: np.ndarray
    touch_day: np.ndarray
    promise_customer: np.ndarray
    promise_made: np.ndarray
    promise_due: np.ndarray
    promise_broken: np.ndarray  # bool

    @classmethod
    def empty(cls) -> CustomerActivity:
        none = np.zeros(0, np.int64)
        return cls(none, none, none, none, none, np.zeros(0, bool))

    @classmethod
    def from_frames(
        cls,
        customer_names: tuple[str, ...],
        touches: pd.DataFrame | None = None,
        promises: pd.DataFrame | None = None,
    ) -> CustomerActivity:
        """``touches``: customer_id, day; ``promises``: customer_id, made_on, promised_date, broken.
        Activity of customers the history does not know is dropped (it has nothing to inform)."""
        codes = {name: code for code, name in enumerate(customer_names)}
        empty = cls.empty()

        def customers(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
            code = frame["customer_id"].astype(str).map(codes)
            known = code.notna().to_numpy()
            return code[known].to_numpy(dtype=np.int64), known

        touch_customer, touch_day = empty.touch_customer, empty.touch_day
        if touches is not None and len(touches):
            touch_customer, known = customers(touches)
            touch_day = _days(touches["day"])[known]
        promise = {"customer": empty.promise_customer, "made": empty.promise_made,
                   "due": empty.promise_due, "broken": empty.promise_broken}  # fmt: skip
        if promises is not None and len(promises):
            promise["customer"], known = customers(promises)
            promise["made"] = _days(promises["made_on"])[known]
            promise["due"] = _days(promises["promised_date"])[known]
            promise["broken"] = promises["broken"].astype(bool).to_numpy()[known]
        return cls(touch_customer, touch_day, promise["customer"], promise["made"], promise["due"],
                   promise["broken"])  # fmt: skip

    def known_on(self, day: int) -> CustomerActivity:
        touches = self.touch_day <= day
        promises = self.promise_made <= day
        return CustomerActivity(
            self.touch_customer[touches],
            self.touch_day[touches],
            self.promise_customer[promises],
            self.promise_made[promises],
            self.promise_due[promises],
            (self.promise_broken & (self.promise_due < day))[promises],
        )


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
    #: int64 day the dispute was closed (resolved), NEVER while open, when none or unknown.
    dispute_closed: np.ndarray
    is_invoice: np.ndarray  # bool: False for credit memos
    activity: CustomerActivity = field(default_factory=CustomerActivity.empty)

    def __len__(self) -> int:
        return len(self.invoice_id)

    @property
    def delay(self) -> np.ndarray:
        """Days paid after the due date (negative: early); meaningless where ``paid == NEVER``."""
        return np.asarray(self.paid - self.due)

    def disputed_known(self, day: np.ndarray | int) -> np.ndarray:
        """Whether each document was known to be disputed at the end of ``day``.

        With a dispute's dates, from the day it was opened; with only a flag (a file), from the
        day the invoice was paid, the first day its final state is a fact of the past (and never
        while it is open: the flag of an open invoice may have been set after any day asked).
        """
        dated = self.dispute_opened < NEVER
        return np.where(dated, self.dispute_opened <= day, self.disputed & (self.paid <= day))

    def take(self, index: np.ndarray) -> InvoiceHistory:
        """The documents at ``index`` (a position array or a boolean mask), codes unchanged."""
        values = {name: getattr(self, name) for name in _ARRAYS}
        names = {name: getattr(self, name) for name in _NAMES}
        return InvoiceHistory(**{k: v[index] for k, v in values.items()}, **names, activity=self.activity)

    def as_known_on(self, day: int) -> InvoiceHistory:
        """The book as it stood at the end of ``day``: later outcomes, disputes and activity
        unknown, documents issued after it absent. What a model trained "as of" a day may see."""
        issued = self.take(self.issue <= day)
        return replace(
            issued,
            paid=np.where(issued.paid <= day, issued.paid, NEVER),
            dispute_opened=np.where(issued.dispute_opened <= day, issued.dispute_opened, NEVER),
            dispute_closed=np.where(issued.dispute_closed <= day, issued.dispute_closed, NEVER),
            disputed=issued.disputed_known(day),
            activity=self.activity.known_on(day),
        )

    def with_activity(
        self, touches: pd.DataFrame | None = None, promises: pd.DataFrame | None = None
    ) -> InvoiceHistory:
        return replace(self, activity=CustomerActivity.from_frames(self.customer_names, touches, promises))

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
            # Paid before it was issued (a prepayment): paid on its issue day, for the predictor.
            paid=np.maximum(_optional_days(frame, "paid_date"), _days(frame["issue_date"])),
            disputed=_column(frame, "disputed", False).astype(bool).to_numpy(),
            dispute_opened=_optional_days(frame, "dispute_opened"),
            dispute_closed=_optional_days(frame, "dispute_closed"),
            is_invoice=~kind.str.lower().isin(("credit_memo", "creditmemo", "credit")).to_numpy(),
        )

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]]) -> InvoiceHistory:
        return cls.from_frame(pd.DataFrame(list(rows)))


_ARRAYS = (
    "invoice_id", "customer", "entity", "currency", "terms", "delivery", "amount", "issue", "due", "paid",
    "disputed", "dispute_opened", "dispute_closed", "is_invoice",
)  # fmt: skip
_NAMES = ("customer_names", "entity_names", "currency_names", "terms_names", "delivery_names")


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name not in frame:
        return pd.Series([default] * len(frame), index=frame.index)
    return frame[name].where(frame[name].notna(), default)


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.int64), tuple(str(u) for u in uniques)


def _optional_days(frame: pd.DataFrame, name: str) -> np.ndarray:
    return _days(frame[name]) if name in frame else np.full(len(frame), NEVER, dtype=np.int64)


def _days(values: pd.Series) -> np.ndarray:
    """Day numbers; empty cells become ``NEVER``."""
    stamps = pd.to_datetime(values, errors="raise")
    numbers = (stamps - pd.Timestamp(EPOCH)).dt.days
    return np.asarray(numbers.fillna(NEVER).to_numpy(dtype=np.int64))
