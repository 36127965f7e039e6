"""What the guard can find wrong with a draft, and its verdict: plain values a collector reads on
the approval page and the outbox row records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemKind(StrEnum):
    UNKNOWN_AMOUNT = "unknown_amount"
    UNKNOWN_DATE = "unknown_date"
    UNKNOWN_INVOICE = "unknown_invoice"
    UNKNOWN_PERCENTAGE = "unknown_percentage"
    UNKNOWN_CONTACT = "unknown_contact"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_NAME = "unknown_name"
    MISSING_TOTAL = "missing_total"
    MISSING_ITEM = "missing_item"
    MISSING_PAYMENT_INSTRUCTIONS = "missing_payment_instructions"
    MISSING_OPT_OUT = "missing_opt_out"
    LEGAL_THREAT = "legal_threat"
    MARKETING = "marketing"
    DISCOUNT_NOT_OFFERED = "discount_not_offered"
    INSTRUCTION_LEAK = "instruction_leak"
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    detail: str
    #: Where in the draft (start, end); None for something missing.
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    passed: bool
    problems: tuple[Problem, ...]

    def reasons(self) -> tuple[str, ...]:
        return tuple(p.detail for p in self.problems)

    def kinds(self) -> frozenset[ProblemKind]:
        return frozenset(p.kind for p in self.problems)
