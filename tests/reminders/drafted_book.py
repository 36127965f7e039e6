"""The dunning book of ``dunning_book.py`` planned with a drafting model, for the drafting tests:
PLAIN0 (USD, English), STRATEGIC (waits for approval anyway) and BERLIN (EUR, German) each get one
friendly email at a step with ``ai_draft``; HELD is on hold. The model is a real chat-completions
server on loopback (``chat_server``), answering what the test scripts per customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Principal
from dunwell.core.reminders import ReminderStatus
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy_parse import parse_policy_text
from dunwell.orm import Customer
from dunwell.orm.reminders import Reminder
from dunwell.reminders.model_drafting import ModelDrafting
from dunwell.reminders.planning import plan_reminders
from dunwell.reminders.providers import OpenAICompatibleProvider
from reminders.chat_server import Received
from reminders.dunning_book import build_dunning_book

DAY = date(2027, 3, 1)
NAMES = {"PLAIN0": "Plain0 Ltd", "STRATEGIC": "Strategic Ltd", "BERLIN": "Berlin Ltd"}
MODEL = "test-model-7b"
API_KEY = "sk-test-not-a-real-key"

POLICY = """
version: 1
policies:
  drafted:
    steps:
      - {{id: reminder, from: due, days: 3, tone: friendly, channels: [email]{extra}}}
"""
#: What each language's friendly template says first, and a model's rewording of it.
REWORDED = {
    "Plain0 Ltd": (
        "Our records show that the following invoice is still open.",
        "We noticed that the following invoice is still open on your account.",
    ),
    "Strategic Ltd": (
        "Our records show that the following invoice is still open.",
        "According to our books the following invoice has not been settled yet.",
    ),
    "Berlin Ltd": (
        "nach unseren Unterlagen ist die folgende Rechnung noch offen.",
        "laut unserer Buchhaltung ist die folgende Rechnung noch nicht beglichen.",
    ),
}


def policy(*, ai_draft: bool = True) -> PolicyBook:
    return parse_policy_text(POLICY.format(extra=", ai_draft: true" if ai_draft else ""), source="test")


def policy_file_text(*, ai_draft: bool = True) -> str:
    return POLICY.format(extra=", ai_draft: true" if ai_draft else "")


@dataclass(frozen=True)
class Planned:
    id: int
    status: ReminderStatus
    subject: str
    body: str
    document: dict[str, Any]
    reasons: list[dict[str, str]]

    @property
    def drafting(self) -> dict[str, Any]:
        return dict(self.document["drafting"])

    @property
    def text(self) -> str:
        return f"Subject: {self.subject}\n{self.body}"


def build(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        return dict(build_dunning_book(session, day=DAY, customers=1).ids)


def drafting(url: str, *, timeout: float = 5.0) -> ModelDrafting:
    return ModelDrafting(OpenAICompatibleProvider(url, MODEL, API_KEY), timeout)


def plan(
    sessions: sessionmaker[Session],
    *,
    with_drafting: ModelDrafting | None,
    book: PolicyBook | None = None,
    keep: bool = True,
) -> dict[str, Planned]:
    """The reminders planned for DAY, by customer name; ``keep=False`` rolls the plan back."""
    with sessions() as session:
        plan_reminders(
            session,
            Principal.operator("test-planner"),
            as_of=DAY,
            book=book or policy(),
            rules=None,
            drafting=with_drafting,
        )
        found = _planned(session)
        if keep:
            session.commit()
        else:
            session.rollback()
        return found


def _planned(session: Session) -> dict[str, Planned]:
    rows = session.execute(
        select(Reminder, Customer.name).join(Customer, Customer.id == Reminder.customer_id)
    ).all()
    return {
        name: Planned(r.id, r.status, r.subject, r.body, dict(r.document), list(r.reasons))
        for r, name in rows
    }


def templates(sessions: sessionmaker[Session]) -> dict[str, str]:
    """What each customer's template says (subject line and body), from a plan rolled back."""
    return {name: p.text for name, p in plan(sessions, with_drafting=None, keep=False).items()}


def customer_of(request: Received) -> str:
    return next(n for n in NAMES.values() if f"Customer: {n}\n" in request.user)


def reworded(template: str, customer: str) -> str:
    old, new = REWORDED[customer]
    assert old in template, template
    return template.replace(old, new)
