"""The adversarial suite (issue 20): drafts that lie, made by changing one thing in a passing draft
in English, German, French and Spanish. The guard must catch every one, with the problem kind the
change makes, and the counts by kind are reported by ``bench/drafting_guard_bench.py``."""

from __future__ import annotations

from collections import Counter

import pytest

from drafting.drafting_cases import LANGUAGES, Base
from drafting.drafting_mutations import Adversarial, adversarial_cases, mutations
from dunwell.drafting import check_draft

CASES = list(adversarial_cases())


def test_the_suite_is_large_and_covers_every_kind_the_issue_names() -> None:
    assert len(CASES) >= 40
    by_kind = Counter(case.expected for case in CASES)
    for kind in (
        "unknown_amount",
        "unknown_date",
        "unknown_invoice",
        "missing_opt_out",
        "missing_item",
        "missing_payment_instructions",
        "missing_total",
        "legal_threat",
        "discount_not_offered",
        "marketing",
        "instruction_leak",
        "unknown_contact",
        "unknown_account",
        "unknown_percentage",
        "unknown_name",
        "placeholder",
    ):
        assert by_kind[kind] >= len(LANGUAGES), kind


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_base_draft_passes_before_it_is_changed(language: str) -> None:
    base = Base.make(language)
    assert check_draft(base.text, base.facts).passed, check_draft(base.text, base.facts).reasons()


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_the_guard_catches_it_with_the_right_kind(case: Adversarial) -> None:
    verdict = check_draft(case.text, case.facts, customer_texts=case.customer_texts)
    assert not verdict.passed
    assert case.expected in {p.kind.value for p in verdict.problems}, verdict.reasons()


def test_every_mutation_runs_in_every_language() -> None:
    assert len(CASES) == len(mutations()) * len(LANGUAGES)
