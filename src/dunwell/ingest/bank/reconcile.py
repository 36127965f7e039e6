"""Check a statement against itself: balances and the file's own control totals."""

from __future__ import annotations

from decimal import Decimal

from dunwell.ingest.bank.model import BankStatement, Direction, StatementProblem


def reconcile(statement: BankStatement) -> list[StatementProblem]:
    """The ways ``statement`` does not add up (empty when it does or states nothing to check)."""
    problems: list[StatementProblem] = []
    label = statement.statement_id or statement.account or "statement"
    net = statement.credits - statement.debits
    if statement.opening is not None and statement.closing is not None and not statement.interim:
        expected = statement.opening + net
        if expected != statement.closing:
            problems.append(
                StatementProblem(
                    "balance_mismatch",
                    f"{label}: opening {statement.opening} + entries {net} = {expected}, "
                    f"but the closing balance is {statement.closing}",
                )
            )
    control = statement.control
    credits = [t for t in statement.transactions if t.direction is Direction.CREDIT]
    debits = [t for t in statement.transactions if t.direction is Direction.DEBIT]
    checks: list[tuple[str, object, object]] = [
        ("entries", control.entries, len(statement.transactions)),
        ("credit entries", control.credit_entries, len(credits)),
        ("debit entries", control.debit_entries, len(debits)),
        ("credits", control.credits, statement.credits),
        ("debits", control.debits, statement.debits),
    ]
    for name, stated, found in checks:
        if stated is not None and _differs(stated, found):
            problems.append(
                StatementProblem(
                    "control_total_mismatch",
                    f"{label}: the file states {stated} {name}, the entries give {found}",
                )
            )
    return problems


def _differs(stated: object, found: object) -> bool:
    if isinstance(stated, Decimal) or isinstance(found, Decimal):
        return Decimal(str(stated)) != Decimal(str(found))
    return stated != found
