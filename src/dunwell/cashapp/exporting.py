"""The database's matches as MATCHES.csv rows, the format of the file-only contract.

So a run on the real books can be held to a truth file (``dunwell cashapp evaluate``) or handed to
another tool. A payment gives one row per allocation of each candidate, ranked as the engine ranked
them, with the engine's status: what people decided afterwards is not the engine's answer, and
evaluating the engine is what this is for. ``payment_ref`` is the statement's entry reference, else
``file:line``; ``customer_id`` is the customer's external id.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.repository import CashAppRepository, StoredMatch
from dunwell.core.money import minor_to_decimal
from dunwell.matching.evaluate import MatchRow


def stored_match_rows(
    session: Session, *, since: date | None = None, until: date | None = None
) -> list[MatchRow]:
    """The MATCHES rows of the bank cash received in ``[since, until]`` that a run has matched."""
    rows: list[MatchRow] = []
    for match in CashAppRepository(session).stored_matches(since=since, until=until):
        rows.extend(_rows(match))
    return rows


def _rows(match: StoredMatch) -> list[MatchRow]:
    ref = match.bank_reference or f"{Path(match.source_file or 'payment').name}:{match.source_line or 0}"
    status = match.status.value
    if not match.candidates:
        nothing = minor_to_decimal(0, match.currency)
        return [MatchRow(ref, "", nothing, status, 0.0, 0, "", match.reason or "")]
    rows = []
    for rank, candidate in enumerate(match.candidates, start=1):
        confidence = float(candidate.get("confidence") or 0.0)
        customer = candidate.get("customer") or ""
        evidence = _evidence(candidate)
        allocations = candidate.get("allocations") or []
        if not allocations:
            rows.append(MatchRow(ref, "", minor_to_decimal(0, match.currency), status, confidence, rank,
                                 customer, evidence))  # fmt: skip
        for allocation in allocations:
            amount = minor_to_decimal(int(allocation["amount_minor"]), match.currency)
            rows.append(MatchRow(ref, str(allocation["number"]), amount, status, confidence, rank, customer,
                                 evidence))  # fmt: skip
    return rows


def _evidence(candidate: dict[str, Any]) -> str:
    return "; ".join(
        f"{e['signal']}({float(e['weight']):+g}): {e['detail']}" for e in candidate.get("evidence") or []
    )
