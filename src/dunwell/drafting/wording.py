"""Wording a reminder may not contain: legal threats (unless the step allows them), marketing,
discounts and waivers the policy does not offer, a model talking about its instructions or
repeating its prompt or a customer's words, unfilled template slots."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from dunwell.drafting.dates import fold
from dunwell.drafting.extract import FoundKind, extract
from dunwell.drafting.facts import DraftFacts
from dunwell.drafting.phrases import (
    DISCOUNT,
    INSTRUCTION_LEAKS,
    LEGAL_THREATS,
    MARKETING,
    PLACEHOLDERS,
    WAIVER,
    compiled,
)
from dunwell.drafting.problems import Problem, ProblemKind
from dunwell.drafting.prompt import MARKER_WORDS, SYSTEM_PROMPT

#: Words in a row shared with the system prompt or a customer's text that count as an echo.
ECHO_WORDS = 8


def wording_problems(text: str, facts: DraftFacts, customer_texts: Sequence[str]) -> Iterator[Problem]:
    if not facts.legal_allowed:
        for m in compiled(LEGAL_THREATS).finditer(text):
            yield Problem(
                ProblemKind.LEGAL_THREAT,
                f"The draft mentions legal action (“{m.group()}”), which this step does not allow.",
                m.span(),
            )
    for m in compiled(MARKETING).finditer(text):
        yield Problem(
            ProblemKind.MARKETING, f"The draft contains promotional wording (“{m.group()}”).", m.span()
        )
    yield from _discounts(text, facts)
    leak = compiled(INSTRUCTION_LEAKS)
    for m in leak.finditer(text):
        yield Problem(
            ProblemKind.INSTRUCTION_LEAK,
            f"The draft reads like a model talking about its instructions (“{m.group().strip()}”).",
            m.span(),
        )
    for marker in MARKER_WORDS:
        at = text.upper().find(marker)
        if at >= 0:
            yield Problem(
                ProblemKind.INSTRUCTION_LEAK,
                f"The draft contains the prompt's quoting marker “{marker}”.",
                (at, at + len(marker)),
            )
    for source, what in (
        (SYSTEM_PROMPT, "the drafting instructions"),
        *((t, "a customer's reply") for t in customer_texts),
    ):
        echo = _echo(text, source)
        if echo:
            yield Problem(ProblemKind.INSTRUCTION_LEAK, f"The draft repeats {what}: “{echo}”.")
    for m in compiled(PLACEHOLDERS).finditer(text):
        yield Problem(
            ProblemKind.PLACEHOLDER, f"The draft has an unfilled placeholder “{m.group()}”.", m.span()
        )


def _discounts(text: str, facts: DraftFacts) -> Iterator[Problem]:
    for m in compiled(WAIVER).finditer(text):
        yield Problem(
            ProblemKind.DISCOUNT_NOT_OFFERED,
            f"The draft promises to waive or cancel what is owed (“{m.group()}”); "
            "the policy offers no waiver.",
            m.span(),
        )
    offered = {d.percent for d in facts.discounts}
    for m in compiled(DISCOUNT).finditer(text):
        if not facts.discounts:
            yield Problem(
                ProblemKind.DISCOUNT_NOT_OFFERED,
                f"The draft mentions a discount (“{m.group()}”), but the policy offers none.",
                m.span(),
            )
            continue
        sentence = _sentence_around(text, m.start())
        stated = {
            f.numbers[0]
            for f in extract(sentence, facts.locale, facts.language)
            if f.kind is FoundKind.PERCENTAGE
        }
        if stated - offered:
            offers = ", ".join(f"{p} %" for p in sorted(offered))
            yield Problem(
                ProblemKind.DISCOUNT_NOT_OFFERED,
                f"The draft offers a discount of {', '.join(f'{p} %' for p in sorted(stated - offered))}; "
                f"the policy offers {offers}.",
                m.span(),
            )


def _sentence_around(text: str, at: int) -> str:
    start = max(text.rfind(mark, 0, at) for mark in (".", "!", "?", "\n")) + 1
    ends = [e for e in (text.find(mark, at) for mark in ("! ", "? ", ". ", "\n")) if e >= 0]
    return text[start : min(ends) if ends else len(text)]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _echo(text: str, source: str) -> str | None:
    """The first run of ``ECHO_WORDS`` words of ``source`` that ``text`` repeats, if any."""
    words = _words(source)
    if len(words) < ECHO_WORDS:
        return None
    runs = {tuple(words[i : i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)}
    drafted = _words(text)
    for i in range(len(drafted) - ECHO_WORDS + 1):
        run = tuple(drafted[i : i + ECHO_WORDS])
        if run in runs:
            return " ".join(run)
    return None
