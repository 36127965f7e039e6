"""Data quality per customer: a score out of 100 with the reasons that lower it, so a collector
fixes the record before the dunning run trips over it."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.customers.quality_repository import QualityRepository
from dunwell.customers.service import require_customer
from dunwell.kit.versioned_cache import VersionedCache

#: What each problem costs the score (100 = nothing found).
PENALTIES = {
    "no_contact": 30,
    "no_consent": 15,
    "no_terms": 15,
    "dates_out_of_order": 15,
    "duplicate_name": 15,
    "shared_bank_account": 10,
}
#: Legal forms dropped before names are compared: "ACME Inc." and "Acme" are the same company.
LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "co",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "plc",
        "oy",
        "ab",
        "as",
        "spa",
        "srl",
        "kg",
        "pty",
        "the",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Quality:
    customer_id: int
    name: str
    score: int
    problems: list[Problem]

    def to_dict(self) -> dict[str, object]:
        return {
            "customer_id": self.customer_id,
            "name": self.name,
            "score": self.score,
            "reasons": [{"code": p.code, "message": p.message} for p in self.problems],
        }


_WORD_BREAKS = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=200_000)
def normalised_name(name: str) -> str:
    # Cached: a customer's page compares its name with every name of the portfolio (tens of
    # thousands), and the names rarely change between two pages.
    folded = name
    if not name.isascii():
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in _WORD_BREAKS.split(folded.lower()) if w and w not in LEGAL_FORMS]
    return " ".join(words)


def book_quality(session: Session, principal: Principal, *, only_problems: bool = False) -> list[Quality]:
    """Every customer of the portfolio, worst first."""
    found = _assess(session, principal.portfolio, None)
    if only_problems:
        found = [q for q in found if q.problems]
    return sorted(found, key=lambda q: (q.score, q.name))


@dataclass(frozen=True, slots=True)
class QualitySummary:
    """The portfolio's data quality at a glance (the dashboard's card)."""

    customers: int
    with_problems: int
    #: Problem code -> how many customers have it, most frequent first.
    by_reason: dict[str, int]
    worst: list[Quality]

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "with_problems": self.with_problems,
            "by_reason": self.by_reason,
            "worst": [q.to_dict() for q in self.worst],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualitySummary:
        return cls(
            customers=int(data["customers"]),
            with_problems=int(data["with_problems"]),
            by_reason={str(k): int(v) for k, v in data["by_reason"].items()},
            worst=[
                Quality(
                    customer_id=int(q["customer_id"]),
                    name=str(q["name"]),
                    score=int(q["score"]),
                    problems=[Problem(str(r["code"]), str(r["message"])) for r in q["reasons"]],
                )
                for q in data["worst"]
            ],
        )


def quality_summary(session: Session, principal: Principal, *, worst: int = 5) -> QualitySummary:
    """How many of the portfolio's customers have a data problem, which problems, and the worst."""
    found = book_quality(session, principal)
    reasons = Counter(p.code for q in found for p in q.problems)
    return QualitySummary(
        customers=len(found),
        with_problems=sum(1 for q in found if q.problems),
        by_reason=dict(reasons.most_common()),
        worst=[q for q in found if q.problems][:worst],
    )


def customer_quality(session: Session, principal: Principal, customer_id: int) -> Quality:
    require_customer(session, principal, customer_id)
    return _assess(session, principal.portfolio, customer_id)[0]


_NAME_INDEXES: VersionedCache[dict[str, list[int]]] = VersionedCache(size=32)


def _names_index(repo: QualityRepository, scope: frozenset[int] | None) -> dict[str, list[int]]:
    """The portfolio's customers by normalised name. Each customer page checks its name against all
    of them (20,000 in a large book), so the index is kept per portfolio until the book's version
    moves (every change to customers is audited, which moves it)."""

    def build() -> dict[str, list[int]]:
        by_name: dict[str, list[int]] = defaultdict(list)
        for id_, name in repo.names(scope):
            key = normalised_name(name)
            if key:
                by_name[key].append(id_)
        return by_name

    return _NAME_INDEXES.get(repo.session, ("names", scope), build)


def _assess(session: Session, scope: frozenset[int] | None, customer_id: int | None) -> list[Quality]:
    repo = QualityRepository(session)
    facts = repo.facts(scope, customer_id)
    # Duplicates are looked for within the portfolio only: another collector's customer is not theirs to see.
    by_name = _names_index(repo, scope)
    shared: dict[int, list[str]] = defaultdict(list)
    for account, owners in facts.accounts.items():
        for owner in owners:
            shared[owner].append(account)
    result = []
    for id_, name, terms in facts.customers:
        problems = []
        if id_ not in facts.usable_contact:
            problems.append(Problem("no_contact", "no contact with an email address or a phone number"))
        elif id_ not in facts.consented:
            problems.append(
                Problem("no_consent", "no contact has consented to any channel (or all opted out)")
            )
        if not terms:
            problems.append(Problem("no_terms", "no payment terms"))
        if facts.out_of_order[id_]:
            problems.append(
                Problem(
                    "dates_out_of_order",
                    f"{facts.out_of_order[id_]} document(s) cleared or paid before they were issued",
                )
            )
        twins = [other for other in by_name.get(normalised_name(name), []) if other != id_]
        if twins:
            problems.append(
                Problem(
                    "duplicate_name", f"likely the same company as customer(s) {', '.join(map(str, twins))}"
                )
            )
        if shared.get(id_):
            problems.append(
                Problem(
                    "shared_bank_account",
                    f"pays from bank account(s) other customers pay from too: "
                    f"{', '.join(sorted(shared[id_]))}",
                )
            )
        score = max(0, 100 - sum(PENALTIES[p.code] for p in problems))
        result.append(Quality(customer_id=id_, name=name, score=score, problems=problems))
    return result
