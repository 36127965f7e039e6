"""A trained predictor stored as data (JSON, LightGBM text, raw numbers) and read back: the same
predictions; a document that names anything else, or comes from incompatible libraries, is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

from dunwell.ml.errors import PredictionError
from dunwell.ml.features import Queries
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.persist import from_document, to_document
from dunwell.ml.predictor import PaymentPredictor

CUTOFF = date(2024, 10, 1)


@pytest.fixture(scope="module")
def history(history_of: Callable[..., InvoiceHistory]) -> InvoiceHistory:
    return history_of(customers=60, seed=8)


@pytest.fixture(scope="module")
def document(history: InvoiceHistory) -> dict:  # type: ignore[type-arg]
    predictor = PaymentPredictor(n_estimators=40, random_state=2, n_jobs=1).fit(
        history, known_until=day_number(CUTOFF)
    )
    return {"predictor": predictor, "text": json.dumps(to_document(predictor))}


def _queries(history: InvoiceHistory) -> Queries:
    k = day_number(CUTOFF)
    rows = np.flatnonzero(history.is_invoice & (history.issue <= k) & (history.paid > k))
    return Queries(rows=rows, as_of=np.full(len(rows), k), known=np.full(len(rows), k))


def test_a_stored_predictor_predicts_exactly_as_the_trained_one(
    history: InvoiceHistory, document: dict
) -> None:  # type: ignore[type-arg]
    loaded = from_document(json.loads(document["text"]))
    queries = _queries(history)

    before, after = document["predictor"].predict(history, queries), loaded.predict(history, queries)

    np.testing.assert_array_equal(before.dates, after.dates)
    np.testing.assert_allclose(before.risk, after.risk, rtol=0, atol=1e-12)
    assert before.reasons == after.reasons
    assert loaded.get_params() == document["predictor"].get_params()


def test_the_document_is_plain_json_with_lightgbm_text_models(document: dict) -> None:  # type: ignore[type-arg]
    parsed = json.loads(document["text"])
    assert parsed["format"] == "dunwell-model"
    assert set(parsed["libraries"]) == {"lightgbm", "scikit-learn", "numpy"}
    assert "tree\nversion=" in document["text"].replace("\\n", "\n")  # LightGBM's own text format


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "os.system", "state": {"dict": []}},
        {"object": "subprocess.Popen", "state": {"dict": [["args", "rm -rf /"]]}},
        {"object": "builtins.eval", "state": {"dict": []}},
    ],
)
def test_a_document_naming_any_other_class_is_refused(document: dict, payload: dict) -> None:  # type: ignore[type-arg]
    tampered = json.loads(document["text"])
    tampered["model"]["state"]["dict"].append([{"tuple": ["x"]}, payload])
    with pytest.raises(PredictionError, match="may not build a"):
        from_document(tampered)


def test_a_model_from_incompatible_libraries_is_refused_with_what_to_do(document: dict) -> None:  # type: ignore[type-arg]
    old = json.loads(document["text"])
    old["libraries"]["scikit-learn"] = "0.24.2"
    with pytest.raises(PredictionError, match=r"scikit-learn 0\.24\.2 .*retrain it here"):
        from_document(old)
    with pytest.raises(PredictionError, match="not a Dunwell model document"):
        from_document({"format": "pickle"})
