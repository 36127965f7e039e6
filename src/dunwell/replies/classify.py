"""One reply's intent, confidence, the words that decided, and the fields it states.

Two views are combined. The rules (``rules``) are phrases per intent and language with weights,
summed as independent evidence (noisy-or); the trained model (``text_model``) gives probabilities
from character n-grams. The final score of an intent is ``RULE_SHARE`` of the first plus the rest of
the second, so a clear phrase decides and the model settles what no phrase covers. Stop/unsubscribe
wording is the exception: any match anywhere in the fresh text or the subject decides, whatever the
other scores say (a stop that is missed is a breach of RULES.md; a false one costs a review)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from dunwell.core.collections import DisputeCategory
from dunwell.drafting.dates import fold
from dunwell.replies.fields import amounts, contact_emails, dispute_category, found_in, invoice_refs, nearest
from dunwell.replies.language import detect_language, locale_of
from dunwell.replies.message import ParsedMessage
from dunwell.replies.rules import RuleHit, rule_hits
from dunwell.replies.strip import strip_reply
from dunwell.replies.text_model import TextModel
from dunwell.replies.when import ResolvedDate, resolve_dates


class Intent(StrEnum):
    PROMISE_TO_PAY = "promise_to_pay"
    DISPUTE = "dispute"
    ALREADY_PAID = "already_paid"
    INVOICE_COPY_REQUEST = "invoice_copy_request"
    OUT_OF_OFFICE = "out_of_office"
    WRONG_CONTACT = "wrong_contact"
    UNSUBSCRIBE = "unsubscribe"
    QUESTION = "question"
    OTHER = "other"


INTENTS = tuple(Intent)
RULE_SHARE = 0.6
#: Below this combined score nothing is sure enough to act on: the reply is ``other``.
MIN_SCORE = 0.2
_SUBJECT_INTENTS = frozenset({"out_of_office", "unsubscribe"})  # a subject line says only these reliably
#: A sentence ends at . ! ? followed by a space or the line's end ("1.250,50" and "20.03.2027" go on).
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?]+(?=\s|$)|$)", re.MULTILINE)
_RETURN_WORDS = re.compile(r"back|return|wieder|zuruck|retour|regres|vuelta|volver|reincorpor|terug|aanwezig")


@dataclass(frozen=True, slots=True)
class ReplyReading:
    intent: Intent
    confidence: float
    #: The customer's own words that decided (a sentence of the fresh text or the subject).
    evidence: str
    language: str
    promise_date: date | None = None
    promise_amount: Decimal | None = None
    currency: str | None = None
    dispute_category: DisputeCategory | None = None
    invoice_refs: tuple[str, ...] = ()
    return_date: date | None = None
    new_contact: str | None = None
    #: The text read: the reply without quoted history and signature.
    fresh_text: str = ""
    scores: dict[str, float] = field(default_factory=dict)


def classify_message(message: ParsedMessage, model: TextModel | None) -> ReplyReading:
    """``message`` read: its fresh text classified, its dates resolved against its Date header."""
    sent = message.sent.date() if message.sent is not None else None
    return classify_text(message.body, sent=sent, subject=message.subject, sender=message.sender, model=model)


def classify_text(
    text: str, *, sent: date | None, subject: str = "", sender: str | None = None, model: TextModel | None
) -> ReplyReading:
    """The reading of a reply's body ``text`` (quoted history and signature are stripped here)."""
    fresh = strip_reply(text)
    folded = _folded(fresh)
    language = detect_language(fresh or subject)
    hits = rule_hits(folded)
    subject_hits = [h for h in rule_hits(_folded(subject)) if h.intent in _SUBJECT_INTENTS]
    stop = [h for h in hits if h.intent == "unsubscribe"]
    if stop or any(h.intent == "unsubscribe" for h in subject_hits):
        evidence = _sentence(fresh, stop[0].span) if stop else subject
        return _with_fields(Intent.UNSUBSCRIBE, 0.99, evidence, fresh, folded, language, sent, sender, None)
    scores = _combined(hits, subject_hits, model, fresh)
    intent_name = max(scores, key=lambda name: scores[name])
    if scores[intent_name] < MIN_SCORE:
        intent_name = "other"
    intent = Intent(intent_name)
    decisive = [h for h in hits if h.intent == intent_name]
    if decisive:
        best = max(decisive, key=lambda h: (h.weight, -h.span[0]))
        evidence, anchor = _sentence(fresh, best.span), best.span
    elif any(h.intent == intent_name for h in subject_hits):
        evidence, anchor = subject, None
    else:
        evidence, anchor = _model_evidence(fresh, intent_name, model), None
    confidence = round(min(0.99, scores.get(intent_name, 0.0) / max(sum(scores.values()), 1e-9) ** 0.5), 2)
    reading = _with_fields(intent, confidence, evidence, fresh, folded, language, sent, sender, anchor)
    return _replace_scores(reading, scores)


def _combined(
    hits: list[RuleHit], subject_hits: list[RuleHit], model: TextModel | None, fresh: str
) -> dict[str, float]:
    remaining = {intent.value: 1.0 for intent in INTENTS if intent is not Intent.UNSUBSCRIBE}
    for hit in [*hits, *subject_hits]:
        if hit.intent in remaining:
            remaining[hit.intent] *= 1.0 - hit.weight
    rule_scores = {name: 1.0 - left for name, left in remaining.items()}
    if model is None:
        return rule_scores
    learned = model.probabilities([fresh])[0]
    return {
        name: RULE_SHARE * rule_scores[name] + (1 - RULE_SHARE) * learned.get(name, 0.0)
        for name in rule_scores
    }


def _replace_scores(reading: ReplyReading, scores: dict[str, float]) -> ReplyReading:
    reading.scores.update({name: round(value, 3) for name, value in scores.items()})
    return reading


def _with_fields(
    intent: Intent,
    confidence: float,
    evidence: str,
    fresh: str,
    folded: str,
    language: str,
    sent: date | None,
    sender: str | None,
    anchor: tuple[int, int] | None,
) -> ReplyReading:
    found = found_in(fresh, locale=locale_of(language), language=language)
    refs = tuple(invoice_refs(found))
    where = anchor or (0, 0)
    base = ReplyReading(intent, confidence, evidence.strip(), language, invoice_refs=refs, fresh_text=fresh)
    if intent in (Intent.PROMISE_TO_PAY, Intent.ALREADY_PAID):
        dates = _dates(fresh, sent, language)
        wanted = [d for d in dates if sent is None or (d.day >= sent) == (intent is Intent.PROMISE_TO_PAY)]
        chosen = nearest([d.span for d in wanted], where)
        money = amounts(found)
        pick = nearest([m.span for m in money], where)
        return replace(
            base,
            promise_date=wanted[chosen].day if chosen is not None else None,
            promise_amount=money[pick].amount if pick is not None else None,
            currency=money[pick].currency if pick is not None else None,
        )
    if intent is Intent.DISPUTE:
        return replace(base, dispute_category=dispute_category(folded))
    if intent is Intent.OUT_OF_OFFICE:
        ahead = [d for d in _dates(fresh, sent, language) if sent is None or d.day > sent]
        near_words = [m.span() for m in _RETURN_WORDS.finditer(folded)]
        chosen_date = None
        if ahead:
            index = nearest([d.span for d in ahead], near_words[0]) if near_words else len(ahead) - 1
            chosen_date = ahead[index if index is not None else -1].day
        return replace(base, return_date=chosen_date)
    if intent is Intent.WRONG_CONTACT:
        emails = contact_emails(found, sender=sender)
        return replace(base, new_contact=emails[0] if emails else None)
    return base


def _dates(fresh: str, sent: date | None, language: str) -> list[ResolvedDate]:
    if sent is None:
        # No Date header: only dates written out in full can be read; relative words cannot.
        return [d for d in resolve_dates(fresh, date.min, language=language) if d.day.year > 1]
    return resolve_dates(fresh, sent, language=language)


def _folded(text: str) -> str:
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()  # spans must point into ``text``


def _sentence(text: str, span: tuple[int, int]) -> str:
    for m in _SENTENCE.finditer(text):
        if m.start() <= span[0] < m.end():
            return m.group().strip()
    return text[span[0] : span[1]]


def _model_evidence(fresh: str, intent: str, model: TextModel | None) -> str:
    sentences = [m.group().strip() for m in _SENTENCE.finditer(fresh) if m.group().strip()]
    if not sentences:
        return fresh[:200]
    if model is None or len(sentences) == 1:
        return sentences[0][:200]
    probabilities = model.probabilities(sentences)
    best = max(range(len(sentences)), key=lambda i: probabilities[i].get(intent, 0.0))
    return sentences[best][:200]
