"""Shared by the predictor's tests: a simulated company's book as an ``InvoiceHistory``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest

from dunwell.ml.history import InvoiceHistory
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS


def simulated_history(*, customers: int, seed: int, months: int = 12) -> InvoiceHistory:
    company = generate_company(
        preset=PRESETS["distributor"], customers=customers, months=months, seed=seed, start=date(2024, 1, 1)
    )
    rows = [
        {"invoice_id": i.invoice_id, "customer_id": i.customer.customer_id, "entity": i.customer.entity,
         "currency": i.customer.currency, "terms": i.customer.terms, "amount": float(i.amount),
         "issue_date": i.issue_date, "due_date": i.due_date, "paid_date": i.paid_date, "disputed": i.disputed,
         "document_type": i.document_type}
        for i in [*company.invoices, *company.credit_memos]
    ]  # fmt: skip
    return InvoiceHistory.from_frame(pd.DataFrame(rows))


@pytest.fixture(scope="session")
def history_of() -> Callable[..., InvoiceHistory]:
    """``history_of(customers=80, seed=4)``: a distributor's 12 months from 2024-01."""
    return simulated_history
