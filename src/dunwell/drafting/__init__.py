"""The fact guard for drafted reminders (issue 20): the facts a draft may state (``facts``), what a
draft states (``extract``), the verdict on a draft (``guard``) and the prompt a drafting model is
given (``prompt``). A pure engine: plain values in, plain values out; no database, no settings."""

from dunwell.drafting.facts import Discount, DraftFacts, Item, MoneyFact, PaymentInstructions
from dunwell.drafting.guard import GuardedText, GuardVerdict, Problem, ProblemKind, check_draft, guarded_text
from dunwell.drafting.prompt import Prompt, build_prompt

__all__ = [
    "Discount",
    "DraftFacts",
    "GuardVerdict",
    "GuardedText",
    "Item",
    "MoneyFact",
    "PaymentInstructions",
    "Problem",
    "ProblemKind",
    "Prompt",
    "build_prompt",
    "check_draft",
    "guarded_text",
]
