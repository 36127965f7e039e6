"""The payment predictor on a simulated book: its contract, its guarantees, its reasons."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dunwell.ml.features import Queries
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.predictor import PaymentPredictor
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS

CUTOFF = date(2024, 10, 1)


@pytest.fixture(scope="module")
def history() -> InvoiceHistory:
    company = generate_company(
        preset=PRESETS["distributor"], customers=80, months=12, seed=4, start=date(2024, 1, 1)
    )
    rows = [
        {"invoice_id": i.invoice_id, "customer_id": i.customer.customer_id, "entity": i.customer.entity,
         "currency": i.customer.currency, "terms": i.customer.terms, "amount": float(i.amount),
         "issue_date": i.issue_date, "due_date": i.due_date, "paid_date": i.paid_date, "disputed": i.disputed,
         "document_type": i.document_type}
        for i in [*company.invoices, *company.credit_memos]
    ]  # fmt: skip
    return InvoiceHistory.from_frame(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def predictor(history: InvoiceHistory) -> PaymentPredictor:
    return PaymentPredictor(n_estimators=60, random_state=1).fit(history, known_until=day_number(CUTOFF))


def open_book(history: InvoiceHistory, day: date) -> Queries:
    k = day_number(day)
    rows = np.flatnonzero(history.is_invoice & (history.issue <= k) & (history.paid > k))
    return Queries(rows=rows, as_of=np.full(len(rows), k), known=np.full(len(rows), k))


def test_quantiles_are_ordered_risks_monotone_and_overdue_items_paid_after_today(
    history: InvoiceHistory, predictor: PaymentPredictor
) -> None:
    queries = open_book(history, CUTOFF)
    predictions = predictor.predict(history, queries)
    today = day_number(CUTOFF)

    assert len(predictions.rows) > 50
    assert np.all(np.diff(predictions.delay, axis=1) >= 0)
    assert np.all(np.diff(predictions.risk, axis=1) <= 1e-12)
    assert np.all((predictions.risk >= 0) & (predictions.risk <= 1))
    overdue = history.due[queries.rows] <= today
    assert overdue.any()
    assert np.all(predictions.dates[overdue, 0] > today)  # open today: paid after today
    long_overdue = (today - history.due[queries.rows]) > 30
    assert np.all(predictions.risk[long_overdue, 1] == 1.0)


def test_every_prediction_carries_readable_reasons(
    history: InvoiceHistory, predictor: PaymentPredictor
) -> None:
    predictions = predictor.predict(history, open_book(history, CUTOFF))

    assert predictions.reasons is not None
    assert all(1 <= len(r) <= 3 for r in predictions.reasons)
    every = [phrase for r in predictions.reasons for phrase in r]
    assert all(phrase.endswith("days)") for phrase in every)
    assert any("days past due" in phrase or "pays" in phrase for phrase in every)


def test_training_is_deterministic_for_a_random_state(history: InvoiceHistory) -> None:
    queries = open_book(history, CUTOFF)
    first, second = (
        PaymentPredictor(n_estimators=30, random_state=5).fit(history, known_until=day_number(CUTOFF))
        for _ in range(2)
    )
    np.testing.assert_array_equal(
        first.predict(history, queries, explain=False).delay,
        second.predict(history, queries, explain=False).delay,
    )


def test_a_book_too_small_to_learn_from_is_refused_clearly(history: InvoiceHistory) -> None:
    from dunwell.ml.errors import PredictionError

    with pytest.raises(PredictionError, match="training rows"):
        PaymentPredictor().fit(history, known_until=day_number(date(2024, 1, 5)))


def test_every_numeric_feature_can_be_put_into_words() -> None:
    from dunwell.ml.explain import _PHRASES, _SILENT
    from dunwell.ml.features import CATEGORICAL, FEATURES

    unexplained = [f for f in FEATURES if f not in _PHRASES and f not in _SILENT and f not in CATEGORICAL]
    assert unexplained == []
