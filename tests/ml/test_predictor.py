"""The payment predictor on a simulated book: its contract, its guarantees, its reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

from dunwell.ml.features import Queries
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.predictor import PaymentPredictor

CUTOFF = date(2024, 10, 1)


@pytest.fixture(scope="module")
def history(history_of: Callable[..., InvoiceHistory]) -> InvoiceHistory:
    return history_of(customers=80, seed=4)


@pytest.fixture(scope="module")
def predictor(history: InvoiceHistory) -> PaymentPredictor:
    return PaymentPredictor(n_estimators=60, random_state=1, n_jobs=1).fit(
        history, known_until=day_number(CUTOFF)
    )


def open_book(history: InvoiceHistory, day: date) -> Queries:
    k = day_number(day)
    rows = np.flatnonzero(history.is_invoice & (history.issue <= k) & (history.paid > k))
    return Queries(rows=rows, as_of=np.full(len(rows), k), known=np.full(len(rows), k))


def test_quantiles_are_strictly_ordered_never_past_and_risks_monotone(
    history: InvoiceHistory, predictor: PaymentPredictor
) -> None:
    queries = open_book(history, CUTOFF)
    predictions = predictor.predict(history, queries)
    today = day_number(CUTOFF)

    assert len(predictions.rows) > 50
    dates = predictions.dates
    assert np.all(np.diff(dates, axis=1) >= 1)  # P10 < P50 < P90 in whole days, for every invoice
    assert np.all(dates[:, 0] >= today)  # never in the past
    assert np.all(np.diff(predictions.risk, axis=1) <= 1e-12)
    assert np.all((predictions.risk >= 0) & (predictions.risk <= 1))
    overdue = history.due[queries.rows] <= today
    assert overdue.any()
    assert np.all(dates[overdue, 0] > today)  # open today: paid after today
    long_overdue = (today - history.due[queries.rows]) > 30
    assert np.all(predictions.risk[long_overdue, 1] == 1.0)


def test_a_long_overdue_invoice_is_predicted_given_its_age(
    history: InvoiceHistory, predictor: PaymentPredictor
) -> None:
    """An invoice 87 days past due is not simply paid tomorrow: its interval is that of invoices
    still unpaid at 87 days, and it has width."""
    rows = np.flatnonzero(history.is_invoice)[:40]
    day = history.due[rows] + 87
    queries = Queries(rows=rows, as_of=day, known=np.minimum(day, day_number(CUTOFF)))
    delay = predictor.predict(history, queries, explain=False).delay

    assert np.all(delay[:, 0] >= 88)
    assert np.all((delay[:, 1] > delay[:, 0]) & (delay[:, 2] > delay[:, 1]))
    assert np.median(delay[:, 2] - delay[:, 0]) >= 5


def test_every_prediction_carries_readable_reasons_that_add_up_to_its_p50(
    history: InvoiceHistory, predictor: PaymentPredictor
) -> None:
    predictions = predictor.predict(history, open_book(history, CUTOFF))

    assert predictions.reasons is not None
    for reasons, delay in zip(predictions.reasons, predictions.delay, strict=True):
        *drivers, total = reasons
        assert len(drivers) <= 3
        assert all(phrase.endswith("days)") for phrase in drivers)
        # "P50 12 days late = these reasons +9 + the book's usual +2 + other factors +1 + not from
        # the model's drivers +0 (...)": the terms add up to the P50 shown.
        assert total.startswith("P50 ")
        terms = [int(t) for t in re.findall(r" ([+-]\d+)(?: |$)", total.split("=", 1)[1])]
        assert len(terms) == 4
        assert sum(terms) == int(delay[1])
        covered = sum(int(re.search(r"\(([+-]\d+) days\)$", p).group(1)) for p in drivers)  # type: ignore[union-attr]
        assert terms[0] == covered
    # Without drivers (a naive rule chosen, or the invoice's age deciding), the line says so.
    for reasons in predictions.reasons:
        if len(reasons) == 1:
            assert "naive rule at 100%" in reasons[0] or "still unpaid at its age" in reasons[0]


def test_risk_scores_carry_their_three_reasons(history: InvoiceHistory, predictor: PaymentPredictor) -> None:
    predictions = predictor.predict(history, open_book(history, CUTOFF))

    assert predictions.risk_reasons is not None
    assert all(1 <= len(r) <= 3 for r in predictions.risk_reasons)
    assert all(
        ("raises the risk" in p or "lowers the risk" in p) for r in predictions.risk_reasons for p in r
    )


def test_training_is_deterministic_for_a_random_state(history: InvoiceHistory) -> None:
    queries = open_book(history, CUTOFF)
    first, second = (
        PaymentPredictor(n_estimators=30, random_state=5, n_jobs=1).fit(
            history, known_until=day_number(CUTOFF)
        )
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
