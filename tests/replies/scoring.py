"""The evaluation set read by the classifier, and the figures: per-intent precision, recall and F1,
macro-F1, the confusion matrix, promise-date exact match, unsubscribe recall, macro-F1 per language.
Shared by ``test_eval_set`` (which asserts the targets) and ``bench/replies_bench.py``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from dunwell.replies import INTENTS
from replies.eval_set import EvalCase

Predict = Callable[[EvalCase], tuple[str, Any, Any]]  # (intent, date, amount)


def figures(cases: list[EvalCase], predicted: list[tuple[str, Any, Any]]) -> dict[str, Any]:
    labels = [i.value for i in INTENTS]
    pairs = [(case.intent, p[0]) for case, p in zip(cases, predicted, strict=True)]
    confusion = {t: dict.fromkeys(labels, 0) for t in labels}
    for truth, guess in pairs:
        confusion[truth][guess] += 1
    per_intent = {label: _prf(pairs, label) for label in labels}
    macro = sum(v["f1"] for v in per_intent.values()) / len(labels)
    dated = [
        (c, p)
        for c, p in zip(cases, predicted, strict=True)
        if c.intent == "promise_to_pay" and c.expected_date
    ]
    date_hits = sum(p[1] == c.expected_date for c, p in dated)
    stops = [p for c, p in zip(cases, predicted, strict=True) if c.intent == "unsubscribe"]
    by_language = {}
    for language in sorted({c.language for c in cases}):
        chosen = [(c.intent, p[0]) for c, p in zip(cases, predicted, strict=True) if c.language == language]
        by_language[language] = round(sum(_prf(chosen, label)["f1"] for label in labels) / len(labels), 3)
    return {
        "messages": len(cases),
        "by_intent_count": dict(Counter(c.intent for c in cases)),
        "per_intent": per_intent,
        "macro_f1": round(macro, 3),
        "promise_date_exact": round(date_hits / len(dated), 3) if dated else None,
        "promise_dates_stated": len(dated),
        "unsubscribe_recall": round(sum(p[0] == "unsubscribe" for p in stops) / len(stops), 3),
        "macro_f1_by_language": by_language,
        "confusion": confusion,
    }


def _prf(pairs: list[tuple[str, str]], label: str) -> dict[str, float]:
    tp = sum(t == label and g == label for t, g in pairs)
    guessed = sum(g == label for _, g in pairs)
    actual = sum(t == label for t, _ in pairs)
    precision = tp / guessed if guessed else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
