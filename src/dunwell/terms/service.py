"""Setting and reading the terms catalogue.

An invoice's terms text (or its customer's) is looked up in the catalogue first: ERP codes mean
nothing on their own. Failing that, a text already in the notation ("2/10 net 30") is read as it
stands. Every change to the catalogue is audited: it changes which payments are applied
automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.terms import PaymentTerms, TermsError, parse_terms, read_terms
from dunwell.kit import audit
from dunwell.orm.terms import TermsCode
from dunwell.terms.repository import TermsRepository

MAX_CODE = 40
MAX_DEFINITION = 120


class TermsRefused(DunwellError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="terms_invalid", kind=ErrorKind.INVALID)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    definition: str
    terms: PaymentTerms

    def to_dict(self) -> dict[str, Any]:
        t = self.terms
        return {
            "code": self.code,
            "definition": self.definition,
            "net_days": t.net_days,
            "discount_percent": str(t.discount_percent) if t.discount_percent is not None else None,
            "discount_days": t.discount_days,
            "end_of_month": t.end_of_month,
        }


def set_terms(session: Session, code: str, definition: str, *, actor: str) -> CatalogueEntry:
    """Say what ``code`` means; refuses a definition not in the notation, changing nothing."""
    code, definition = code.strip(), " ".join(definition.split())
    if not code or len(code) > MAX_CODE:
        raise TermsRefused(f"a terms code has 1 to {MAX_CODE} characters, not {len(code)}")
    if len(definition) > MAX_DEFINITION:
        raise TermsRefused(f"a terms definition has at most {MAX_DEFINITION} characters")
    try:
        terms = parse_terms(definition)
    except TermsError as exc:
        raise TermsRefused(str(exc)) from exc
    repo = TermsRepository(session)
    entry = repo.by_code(code)
    before = entry.definition if entry else None
    if entry is None:
        entry = TermsCode(code=code, definition=definition)
        repo.add(entry)
    else:
        entry.definition = definition
        session.flush()
    if before != definition:
        audit.record(
            session,
            actor=actor,
            action="terms.set",
            subject_type="payment_terms",
            subject_id=entry.id,
            details={"code": code, "before": before, "after": definition},
        )
    return CatalogueEntry(code, definition, terms)


def catalogue(session: Session) -> list[CatalogueEntry]:
    """Every code with what it means (an entry that no longer parses is left out)."""
    entries = []
    for row in TermsRepository(session).all():
        terms = read_terms(row.definition)
        if terms is not None:
            entries.append(CatalogueEntry(row.code, row.definition, terms))
    return entries


def terms_reader(session: Session) -> TermsReader:
    return TermsReader({e.code: e.terms for e in catalogue(session)})


class TermsReader:
    """What a terms text means: its catalogue entry, else the text read as the notation."""

    def __init__(self, codes: Mapping[str, PaymentTerms]) -> None:
        self._codes = dict(codes)
        self._read: dict[str, PaymentTerms | None] = {}

    def __call__(self, text: str | None) -> PaymentTerms | None:
        if not text:
            return None
        key = text.strip()
        if key in self._codes:
            return self._codes[key]
        if key not in self._read:
            self._read[key] = read_terms(key)
        return self._read[key]
