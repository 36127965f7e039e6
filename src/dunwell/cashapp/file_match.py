"""Cash application on files alone: open items and a statement in, MATCHES.csv out, no database.

This is the contract other tools use (`dunwell cashapp match --open-items --statement --out`);
the database run is ``matching_run.run_matching``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dunwell.cashapp.files import payments_of, read_open_items, write_matches
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.ingest.bank import read_statement
from dunwell.matching.engine import Matcher
from dunwell.matching.evaluate import rows_of
from dunwell.matching.records import MatchResult
from dunwell.matching.tolerances import Tolerances

STATUSES = ("auto", "suggested", "unmatched")


@dataclass(frozen=True, slots=True)
class FileMatchResult:
    payments: int
    counts: dict[str, int]  # by status: auto, suggested, unmatched
    open_items: int
    open_item_problems: list[str]  # "line N: reason"
    statement_problems: list[str]
    out: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "payments": self.payments,
            **self.counts,
            "open_items": self.open_items,
            "open_item_problems": self.open_item_problems,
            "statement_problems": self.statement_problems,
            "out": str(self.out),
        }


def match_files(
    *,
    open_items: Path,
    statement: Path,
    out: Path,
    tolerances: Tolerances | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FileMatchResult:
    """Match the statement's credits against OPEN.csv and write every candidate to ``out``.

    Payments are matched in statement order, and what an automatic match applies is no longer open
    for the next payment (as in a database run). ``progress(done, total)`` is told per payment.
    """
    opened = read_open_items(open_items)
    parsed = read_statement(statement)
    payments = payments_of(parsed, statement)
    matcher = Matcher(opened.items, opened.customers, tolerances=tolerances or Tolerances())
    results: list[MatchResult] = []
    for done, payment in enumerate(payments, start=1):
        results.extend(matcher.match_all([payment]))
        if progress is not None:
            progress(done, len(payments))
    currency = {p.payment_ref: p.currency for p in payments}
    rows = [row for r in results for row in rows_of(r, currency=currency[r.payment_ref])]
    try:
        write_matches(out, rows)
    except OSError as exc:
        raise DunwellError(
            f"cannot write {out}: {exc.strerror or exc}", code="cannot_write", kind=ErrorKind.INVALID
        ) from exc
    return FileMatchResult(
        payments=len(results),
        counts={status: sum(r.status.value == status for r in results) for status in STATUSES},
        open_items=len(opened.items),
        open_item_problems=opened.problems,
        statement_problems=[p.message for p in parsed.problems],
        out=out,
    )
