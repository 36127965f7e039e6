"""The measured targets of issue 20 on the labelled evaluation set (≥ 400 replies, five languages),
and the separation of that set from the training examples."""

from __future__ import annotations

import re

import pytest

from dunwell.cli.replies import shipped_model, shipped_training_examples
from dunwell.replies import classify_message, parse_message
from replies.eval_phrases import MIXED, PHRASES
from replies.eval_set import build_cases
from replies.scoring import figures


@pytest.fixture(scope="module")
def measured() -> dict[str, object]:
    cases = build_cases()
    model = shipped_model()
    predicted = []
    for case in cases:
        reading = classify_message(parse_message(case.raw), model)
        predicted.append((reading.intent.value, reading.promise_date, reading.promise_amount))
    return figures(cases, predicted)


def test_the_set_is_large_and_covers_every_intent_and_language(measured) -> None:
    assert measured["messages"] >= 400
    assert len(measured["by_intent_count"]) == 9
    assert set(measured["macro_f1_by_language"]) == {"en", "de", "fr", "es", "nl"}


def test_macro_f1_meets_the_target(measured) -> None:
    assert measured["macro_f1"] >= 0.85


def test_promise_dates_match_where_a_date_is_stated(measured) -> None:
    assert measured["promise_dates_stated"] >= 50
    assert measured["promise_date_exact"] >= 0.90


def test_every_stop_is_caught(measured) -> None:
    assert measured["unsubscribe_recall"] == 1.0


def _sentences(text: str) -> set[str]:
    normalised = re.sub(r"\{\w+\}", " ", text.lower())
    pieces = re.split(r"[.!?;:\n]+", normalised)
    return {" ".join(re.findall(r"\w+", p)) for p in pieces if len(re.findall(r"\w+", p)) >= 3}


def test_no_evaluation_sentence_appears_in_the_training_set() -> None:
    training = set().union(*(_sentences(e.text) for e in shipped_training_examples()))
    phrases = [p for by_language in PHRASES.values() for group in by_language.values() for p in group]
    phrases += [p for _, _, p in MIXED]
    shared = {s for p in phrases for s in _sentences(p)} & training
    assert not shared
