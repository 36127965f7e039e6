"""A reminder worded by a drafting model (issue 20, ADR 0035), for policy steps with ``ai_draft``.

The model gets a prompt built from the reminder's document and nothing else (``drafting.
build_prompt``): the customer, contact, items, amounts and dates, the step's tone and language, the
customer's payment habits in words, and what the customer wrote to us, quoted as data. Its answer
goes through the fact guard against the same facts; the guard's verdict decides whether the
model's words or the template's are stored. Any failure (the server, the answer's shape, the guard)
stores the template's words with the reason.

What happened is kept on the document as ``drafting`` (provider, model, whether the template was
used and why, the guard's verdict with each problem, the facts it was checked against, a refused
draft's text) for the approval page. A model's words that pass are still never sent unread: the
message waits for a person's approval, and the compliance guard decides at send time as for any
reminder."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dunwell.config import Settings
from dunwell.drafting import DraftFacts, GuardVerdict, build_prompt, guarded_text
from dunwell.drafting.prompt import MAX_REPLIES
from dunwell.dunning.planner_inputs import PaymentEvent
from dunwell.dunning.planner_values import PlannedMessage
from dunwell.dunning.policy import PolicyBook
from dunwell.reminders.book_repository import CustomerRecord, DunningBookRepository
from dunwell.reminders.drafting import Draft
from dunwell.reminders.providers import DraftingFailed, DraftingProvider, provider_from_settings

#: The approval reason a reminder worded by a model carries: a person reads it before it goes.
MODEL_DRAFT = "model_draft"
#: Why a drafted step's message kept the template's words (a planning reason, not an approval one).
TEMPLATE_KEPT = "template_kept"
DISPUTE_YEARS = 3
#: A refused draft is kept for the approver to read, up to this many characters.
MAX_KEPT_DRAFT = 8000
#: The outbox's subject column; a longer subject is refused, not cut (a cut could split a figure).
MAX_SUBJECT = 300


@dataclass(frozen=True, slots=True)
class CustomerStory:
    """What the prompt says about the customer beyond the document: Dunwell's own summary, and the
    customer's own words (quoted as data)."""

    history: str
    replies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reworded:
    words: Draft
    record: dict[str, Any]
    #: Reasons for the reminder's list: why it waits for approval, or why the template was kept.
    reasons: tuple[dict[str, str], ...]

    @property
    def needs_approval(self) -> bool:
        return any(r["code"] == MODEL_DRAFT for r in self.reasons)


@dataclass(frozen=True)
class ModelDrafting:
    provider: DraftingProvider
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelDrafting | None:
        provider = provider_from_settings(settings)
        return None if provider is None else cls(provider, settings.drafting_timeout_seconds)

    def reword(
        self,
        document: dict[str, Any],
        channel: str,
        template: Draft,
        *,
        legal_allowed: bool,
        story: CustomerStory,
    ) -> Reworded:
        """The words to store for ``document`` on ``channel``: the model's if the guard passes
        them, else ``template``'s; the record says which and why."""
        record: dict[str, Any] = {"provider": self.provider.name, "model": self.provider.model}
        if channel != "email":
            # A letter's PDF and a text message are rendered from templates by the sender too.
            why = f"the model drafts emails only: this {channel} keeps the template's words"
            return _kept(template, record, why, verdict=None)
        facts = DraftFacts.from_document(document, channel=channel, legal_allowed=legal_allowed)
        record["facts"] = facts_summary(facts, story)
        prompt = build_prompt(facts, history_words=story.history, earlier_replies=story.replies)
        try:
            answer = self.provider.draft(prompt, timeout=self.timeout)
        except DraftingFailed as failure:
            return _kept(template, record, failure.reason, verdict=None)
        subject, body = _split(answer)
        if subject is None or len(subject) > MAX_SUBJECT:
            record["refused_draft"] = answer[:MAX_KEPT_DRAFT]
            why = f"the draft does not start with a “Subject:” line of at most {MAX_SUBJECT} characters"
            return _kept(template, record, why, verdict=None)
        template_text = f"Subject: {template.subject}\n{template.body}"
        guarded = guarded_text(
            f"Subject: {subject}\n{body}", template_text, facts, customer_texts=story.replies
        )
        if guarded.used_template:
            record["refused_draft"] = f"Subject: {subject}\n{body}"[:MAX_KEPT_DRAFT]
            why = "the fact guard refused the draft: " + " ".join(guarded.verdict.reasons())
            return _kept(template, record, why, verdict=guarded.verdict)
        record.update(used_template=False, reason=None, verdict=_verdict(guarded.verdict))
        approval = {
            "code": MODEL_DRAFT,
            "text": f"worded by a drafting model ({self.provider.name}, {self.provider.model}) and "
            "passed by the fact guard: a person reads it before it goes",
        }
        return Reworded(Draft(subject=subject, body=body), record, (approval,))


def story_of(
    session: Session,
    customer: CustomerRecord,
    *,
    as_of: date,
    payments: Sequence[PaymentEvent],
    broken_promises: int,
) -> CustomerStory:
    repository = DunningBookRepository(session)
    since = as_of - timedelta(days=365 * DISPUTE_YEARS + 1)
    disputes, still_open = repository.disputes_opened(customer.id, since)
    history = history_words(
        payments,
        disputes=disputes,
        open_disputes=still_open,
        broken_promises=broken_promises,
        strategic=customer.strategic,
    )
    return CustomerStory(history, tuple(repository.written_replies(customer.id, MAX_REPLIES)))


def history_words(
    payments: Sequence[PaymentEvent],
    *,
    disputes: int,
    open_disputes: int,
    broken_promises: int,
    strategic: bool,
) -> str:
    """Dunwell's summary of the customer, in the issue's words: "usually pays about 6 days late,
    no disputes in 3 years". Only what the book shows; nothing guessed."""
    parts = []
    if payments:
        late = round(statistics.median(p.days_late for p in payments))
        habit = (
            "usually pays on time"
            if abs(late) <= 1
            else f"usually pays about {abs(late)} days {'late' if late > 0 else 'early'}"
        )
        partial = sum(1 for p in payments if p.partial)
        counted = f"{len(payments)} payment{'s' if len(payments) != 1 else ''} in the last 12 months"
        parts.append(f"{habit} ({counted}{f', {partial} of them part payments' if partial else ''})")
    else:
        parts.append("no payments recorded in the last 12 months")
    if disputes:
        still = f", {open_disputes} still open" if open_disputes else ""
        parts.append(f"{disputes} dispute{'s' if disputes != 1 else ''} in {DISPUTE_YEARS} years{still}")
    else:
        parts.append(f"no disputes in {DISPUTE_YEARS} years")
    if broken_promises:
        parts.append(f"{broken_promises} broken promise{'s' if broken_promises != 1 else ''} to pay")
    if strategic:
        parts.append("a strategic account: keep the relationship in mind")
    return "; ".join(parts)


def facts_summary(facts: DraftFacts, story: CustomerStory) -> dict[str, Any]:
    """The facts the guard checked against, as the approval page lists them (minor units, ISO dates)."""
    return {
        "language": facts.language,
        "locale": facts.locale,
        "tone": facts.tone,
        "customer": facts.customer_name,
        "contact": facts.contact_name,
        "sender": facts.sender_name,
        "currency": facts.currency,
        "items": [
            {"number": i.number, "open_minor": i.open.minor, "due_date": i.due_date.isoformat()}
            for i in facts.items
        ],
        "total_minor": facts.total.minor,
        "other_amounts": [{"minor": m.minor, "currency": m.currency} for m in facts.other_amounts],
        "dates": sorted(d.isoformat() for d in facts.allowed_dates()),
        "references": list(facts.references),
        "legal_allowed": facts.legal_allowed,
        "opt_out_text": facts.opt_out_text if facts.opt_out_required else "",
        "history": story.history,
        "replies_quoted": len([r for r in story.replies if r.strip()][-MAX_REPLIES:]),
    }


def _split(answer: str) -> tuple[str | None, str]:
    """(subject, body) of a model's answer; no subject when the first line is not ``Subject: …``."""
    text = answer.strip().replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("subject:"):
        return None, text
    subject = first[len("subject:") :].strip()
    return (subject or None), rest.strip("\n") + "\n"


def _verdict(verdict: GuardVerdict) -> dict[str, Any]:
    return {
        "passed": verdict.passed,
        "problems": [{"kind": p.kind.value, "detail": p.detail} for p in verdict.problems],
    }


def _kept(template: Draft, record: dict[str, Any], why: str, *, verdict: GuardVerdict | None) -> Reworded:
    record.update(used_template=True, reason=why, verdict=None if verdict is None else _verdict(verdict))
    reason = {"code": TEMPLATE_KEPT, "text": f"the template's words are used: {why}"[:2000]}
    return Reworded(template, record, (reason,))


@dataclass(frozen=True)
class StepWording:
    """Model drafting for one customer's message at one step: what ``planning`` hands each row."""

    drafting: ModelDrafting
    story: CustomerStory
    legal_allowed: bool

    def reword(self, document: dict[str, Any], channel: str, template: Draft) -> Reworded:
        return self.drafting.reword(
            document, channel, template, legal_allowed=self.legal_allowed, story=self.story
        )


@dataclass
class Wordings:
    """Model drafting per message: a customer's story is read once, and only for a step that
    drafts (``ai_draft``) while a provider is configured."""

    session: Session
    drafting: ModelDrafting | None
    payments: dict[int, list[PaymentEvent]]
    broken_promises: dict[int, int]
    stories: dict[int, CustomerStory] = field(default_factory=dict)

    def for_message(
        self, book: PolicyBook, message: PlannedMessage, customer: CustomerRecord, as_of: date
    ) -> StepWording | None:
        step = next(s for s in book.policies[message.policy].steps if s.id == message.step_id)
        if self.drafting is None or not step.ai_draft:
            return None
        if customer.id not in self.stories:
            self.stories[customer.id] = story_of(
                self.session,
                customer,
                as_of=as_of,
                payments=self.payments.get(customer.id, []),
                broken_promises=self.broken_promises.get(customer.id, 0),
            )
        return StepWording(self.drafting, self.stories[customer.id], step.legal_language)
