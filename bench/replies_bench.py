"""The reply reader's figures (issue 20) on the tests' labelled evaluation set (``tests/replies``):
per-intent precision/recall/F1, macro-F1, the confusion matrix, promise-date exact match where a
date is stated, unsubscribe recall, macro-F1 per language and messages per second, beside two naive
baselines measured in the same run (the majority class, and the first keyword found). Prints one
JSON object; nothing is written.

    .venv/bin/python bench/replies_bench.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

# The set lives with the tests (one definition, measured here and asserted there).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dunwell.cli.replies import shipped_model, shipped_training_examples
from dunwell.drafting.dates import fold
from dunwell.replies import classify_message, parse_message, train_text_model
from replies.eval_set import EvalCase, build_cases
from replies.scoring import figures

#: The naive reader: the first of these words in the whole message (quotes and all) decides.
KEYWORDS = (
    ("unsubscribe", ("unsubscribe", "abmelden", "désabonner", "baja", "afmelden", "stop")),
    ("out_of_office", ("out of office", "urlaub", "absent", "vacaciones", "vakantie")),
    ("already_paid", ("paid", "bezahlt", "payé", "pagad", "betaald")),
    ("promise_to_pay", ("will pay", "zahlen", "réglerons", "pagaremos", "betalen")),
    ("dispute", ("wrong", "falsch", "contest", "incorrect", "klopt niet")),
    ("invoice_copy_request", ("copy", "kopie", "copie", "copia")),
    ("wrong_contact", ("no longer", "nicht mehr", "ne travaille plus", "ya no", "niet meer")),
    ("question", ("?",)),
)


def _keyword_intent(case: EvalCase) -> str:
    text = fold(parse_message(case.raw).body)
    for intent, words in KEYWORDS:
        if any(fold(word) in text for word in words):
            return intent
    return "other"


def main() -> None:
    cases = build_cases()
    started = time.perf_counter()
    model = train_text_model(shipped_training_examples())
    train_seconds = time.perf_counter() - started
    shipped_model.cache_clear()
    started = time.perf_counter()
    predicted = []
    for case in cases:
        reading = classify_message(parse_message(case.raw), model)
        predicted.append((reading.intent.value, reading.promise_date, reading.promise_amount))
    seconds = time.perf_counter() - started
    majority = Counter(c.intent for c in cases).most_common(1)[0][0]
    result = {
        "reader": figures(cases, predicted),
        "messages_per_second": round(len(cases) / seconds, 1),
        "train_seconds": round(train_seconds, 3),
        "training_examples": len(shipped_training_examples()),
        "baseline_keywords": _summary(figures(cases, [(_keyword_intent(c), None, None) for c in cases])),
        "baseline_majority": _summary(figures(cases, [(majority, None, None) for _ in cases])),
    }
    print(json.dumps(result, indent=2, default=str))


def _summary(measured: dict[str, object]) -> dict[str, object]:
    keys = ("macro_f1", "unsubscribe_recall", "macro_f1_by_language")
    return {key: measured[key] for key in keys}


if __name__ == "__main__":
    main()
