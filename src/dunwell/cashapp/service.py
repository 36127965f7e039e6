"""Cash application's operations in one place, for the edges (CLI, API, dunning).

The work lives in one module per step: ``importing`` (statements to payments), ``matching_run``
(the engine over the unapplied cash), ``review`` (confirm, reject, the queue) and ``unapplied``
(what dunning asks). Every function flushes; the caller commits.
"""

from __future__ import annotations

from dunwell.cashapp.importing import ImportResult, StatementOutcome, import_statement
from dunwell.cashapp.matching_run import RunSummary, run_matching
from dunwell.cashapp.repository import AUTO_ACTOR
from dunwell.cashapp.review import Decision, ReviewItem, confirm, reject, review_queue
from dunwell.cashapp.unapplied import customers_with_recent_unapplied_cash, has_recent_unapplied_cash

__all__ = [
    "AUTO_ACTOR",
    "Decision",
    "ImportResult",
    "ReviewItem",
    "RunSummary",
    "StatementOutcome",
    "confirm",
    "customers_with_recent_unapplied_cash",
    "has_recent_unapplied_cash",
    "import_statement",
    "reject",
    "review_queue",
    "run_matching",
]
