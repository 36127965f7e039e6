"""The trained half of the classifier: character n-gram TF-IDF and a logistic regression, fitted
from labelled example replies the caller hands in (as JSON lines: ``{"text", "intent", "language"}``).

Character n-grams read all five languages, their inflections and typos with one vocabulary; the
model is small enough to train on first use (well under two seconds) so nothing is pickled: the
examples in the repository are the model."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline


@dataclass(frozen=True, slots=True)
class TrainingExample:
    text: str
    intent: str
    language: str


def parse_training_jsonl(text: str) -> list[TrainingExample]:
    """The examples in a JSON-lines text; blank lines and ``#`` comment lines are skipped."""
    examples = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
            examples.append(
                TrainingExample(str(row["text"]), str(row["intent"]), str(row.get("language", "")))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"training line {number}: {exc}") from exc
    return examples


class TextModel:
    """Intent probabilities for a text, from a fitted pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self.intents: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """One ``{intent: probability}`` per text."""
        if not texts:
            return []
        matrix = np.asarray(self._pipeline.predict_proba(texts))
        return [dict(zip(self.intents, (float(p) for p in row), strict=True)) for row in matrix]


def train_text_model(examples: Iterable[TrainingExample], *, random_state: int = 0) -> TextModel:
    """A model fitted on ``examples`` (at least two intents)."""
    rows = list(examples)
    if len({r.intent for r in rows}) < 2:
        raise ValueError("training needs examples of at least two intents")
    pipeline = make_pipeline(
        # (2, 4)-grams and a loose tolerance: a tenth of the (2, 5)/exact fit's time for the same answers.
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True, sublinear_tf=True),
        LogisticRegression(C=8.0, max_iter=300, tol=1e-3, random_state=random_state),
    )
    pipeline.fit([r.text for r in rows], [r.intent for r in rows])
    return TextModel(pipeline)
