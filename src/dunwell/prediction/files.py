"""A book read from a file through a mapping, for the file-only backtest (no database).

Rows are parsed exactly as ``dunwell import invoices`` parses them; a bad row is counted and
reported with its line, never silently dropped, and the good rows are used. A row paid before its
issue date (a prepayment) is loaded with a warning and predicted as paid on issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dunwell.core.money import to_minor_units
from dunwell.ingest import ImportMapping, InvoiceRow, Rejection, check_columns, open_table, parse_rows
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import InvoiceHistory


@dataclass(frozen=True)
class FileHistory:
    history: InvoiceHistory
    rows: int
    rejections: list[Rejection]
    #: Rows loaded with a warning: (line, what), e.g. paid before issued (taken as paid on issue).
    warnings: list[tuple[int, str]] = field(default_factory=list)
    #: Each document's amount in integer minor units of its currency (the history's positions),
    #: exact from the file's decimals: what the cash forecast adds up.
    amount_minor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def read_book(path: Path, mapping: ImportMapping) -> FileHistory:
    """Every invoice and credit memo in ``path``; rejected rows are returned, not raised."""
    records: list[dict[str, object]] = []
    minor: list[int] = []
    rejections: list[Rejection] = []
    warnings: list[tuple[int, str]] = []
    with open_table(path, mapping=mapping) as table:
        check_columns(mapping, table.columns)
        for parsed in parse_rows(table, mapping):
            if isinstance(parsed, Rejection):
                rejections.append(parsed)
                continue
            if not isinstance(parsed, InvoiceRow):
                raise TypeError(f"an invoice mapping gave a {type(parsed).__name__}")
            if parsed.paid_date is not None and parsed.paid_date < parsed.issue_date:
                warnings.append(
                    (
                        parsed.line,
                        f"paid {parsed.paid_date} before its issue date {parsed.issue_date} "
                        "(a prepayment): taken as paid on issue",
                    )
                )
            minor.append(to_minor_units(parsed.amount, parsed.currency))
            records.append(
                {
                    "invoice_id": parsed.invoice_id,
                    "customer_id": parsed.customer_id,
                    "entity": parsed.entity,
                    "currency": parsed.currency,
                    "terms": parsed.terms or "",
                    "delivery": parsed.delivery or "",
                    "amount": float(parsed.amount),  # a feature, never posted
                    "issue_date": parsed.issue_date,
                    "due_date": parsed.due_date,
                    "paid_date": parsed.paid_date,
                    "disputed": parsed.disputed,
                    "document_type": parsed.document_type.value,
                }
            )
    if not records:
        raise PredictionError(
            "history_empty", f"{path}: no invoice could be read ({len(rejections)} rejected)"
        )
    return FileHistory(
        InvoiceHistory.from_frame(pd.DataFrame(records)),
        len(records) + len(rejections),
        rejections,
        warnings,
        np.asarray(minor, dtype=np.int64),
    )
