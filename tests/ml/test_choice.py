"""Model or baseline: the choice is made on the training window's own latest invoices."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dunwell.ml.choice import Choice, choose, history_group
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.naive import NAIVE, NaiveGuesses
from dunwell.ml.predictor import PaymentPredictor


def naive(n: int, *, count: np.ndarray, **guesses: np.ndarray) -> NaiveGuesses:
    filled = {name: guesses.get(name, np.zeros(n)) for name in NAIVE}
    return NaiveGuesses(filled, count, 0.0)


def test_a_naive_rule_that_predicts_better_is_chosen_over_the_model() -> None:
    rng = np.random.default_rng(0)
    actual = rng.integers(-5, 40, 300).astype(float)
    count = np.full(300, 10.0)
    guesses = naive(300, count=count, customer_median_delay=actual + rng.normal(0, 1, 300))
    model = actual + rng.normal(0, 8, 300)

    choice = choose(actual, model, guesses, validation={})

    picked = choice.groups["established"]
    assert picked.predictor == "customer_median_delay"
    assert picked.model_weight == 0.0
    assert picked.validation_mae["customer_median_delay"] < picked.validation_mae["model"]
    p50, weight = choice.apply(model, guesses)
    np.testing.assert_allclose(p50, guesses.guesses["customer_median_delay"])
    assert np.all(weight == 0)


def test_a_better_model_is_kept_and_a_close_call_goes_to_a_blend_or_the_rule() -> None:
    rng = np.random.default_rng(1)
    actual = rng.integers(-5, 40, 400).astype(float)
    count = np.where(np.arange(400) < 200, 2.0, 10.0)  # half thin, half established
    model = actual + rng.normal(0, 1, 400)
    rule = np.where(count < 5, actual + rng.normal(0, 8, 400), actual + rng.normal(0, 1, 400) + 6)
    guesses = naive(400, count=count, shrunk_median=rule)

    choice = choose(actual, model, guesses, validation={})

    assert choice.groups["thin"].predictor == "model"
    assert choice.groups["established"].predictor in {"model", "blend"}
    assert choice.groups["new"].n_validation == 0  # no invoice there: the overall choice
    assert choice.groups["new"].predictor == "model"


def test_history_groups_by_payments_known() -> None:
    assert history_group(np.array([0, 1, 4, 5, 40])).tolist() == [0, 1, 1, 2, 2]


def test_the_choice_is_plain_json_and_made_inside_the_training_window() -> None:
    rng = np.random.default_rng(2)
    rows = []
    for n in range(1500):
        customer = int(rng.integers(0, 60))
        issue = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 400)))
        due = issue + timedelta(days=30)
        paid = due + timedelta(days=int(customer % 20 + rng.standard_t(2) * 3))
        rows.append({"invoice_id": f"I{n}", "customer_id": f"C{customer}", "currency": "EUR",
                     "amount": 100.0, "issue_date": issue, "due_date": due,
                     "paid_date": paid if paid <= date(2025, 2, 1) else None})  # fmt: skip
    history = InvoiceHistory.from_frame(pd.DataFrame(rows))
    known = day_number(date(2025, 1, 31))

    predictor = PaymentPredictor(n_estimators=40, n_jobs=1).fit(history, known_until=known)

    assert predictor.choice_ is not None
    data = json.loads(json.dumps(predictor.choice_.to_json()))
    assert Choice.from_json(data) == predictor.choice_
    window = data["validation"]
    # Held out: issued in the 90 days that end 30 days before the last known day, judged by a
    # model that knew only the day before that window.
    assert window["issued_from"] == "2024-10-04"
    assert window["issued_to"] == "2025-01-01"
    assert window["known_until"] == "2024-10-03"
    assert window["n_invoices"] > 100
    for group in data["groups"].values():
        assert group["predictor"] in {"model", "blend", *NAIVE}
    assert (
        PaymentPredictor(n_estimators=40, n_jobs=1, choose=False).fit(history, known_until=known).choice_
        is None
    )
