"""The reply classifier's trained half, fitted on first use from the examples shipped with the
package (``dunwell/replies/training/*.jsonl``) and kept in memory for the process (ADR 0036: the
examples are the model, nothing is pickled). The engine reads no files, so loading the package
data is done here, for the inbox and for `dunwell replies classify` alike."""

from __future__ import annotations

import functools
from importlib import resources

from dunwell.replies import TextModel, TrainingExample, parse_training_jsonl, train_text_model


def shipped_training_examples() -> list[TrainingExample]:
    folder = resources.files("dunwell.replies") / "training"
    examples: list[TrainingExample] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            examples.extend(parse_training_jsonl(entry.read_text(encoding="utf-8")))
    return examples


@functools.lru_cache(maxsize=1)
def shipped_model() -> TextModel:
    """The text model trained on the shipped examples, once per process."""
    return train_text_model(shipped_training_examples())
