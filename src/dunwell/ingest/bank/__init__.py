"""Bank statement readers: one entry point, ``read_statement``, for every supported format.

Each format module offers ``sniff(head, path) -> bool`` (does this look like mine?) and
``read(path) -> StatementFile``. The first module that claims a file reads it; a file no module
claims, or that the claiming module cannot read, raises ``StatementUnreadable`` with the reason.
Balances and control totals are checked here for every format (``reconcile``), so each problem is
reported the same way whatever the file was.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    ControlTotals,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)
from dunwell.ingest.bank.reconcile import reconcile

__all__ = [
    "BankStatement",
    "BankTransaction",
    "ControlTotals",
    "Direction",
    "StatementFile",
    "StatementFormat",
    "StatementProblem",
    "StatementUnreadable",
    "read_statement",
]

HEAD_BYTES = 4096


class StatementUnreadable(DunwellError):
    """A file that is not a bank statement of any supported format, or is too broken to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="statement_unreadable", kind=ErrorKind.INVALID)


class StatementReader(Protocol):
    def sniff(self, head: bytes, path: Path) -> bool: ...

    def read(self, path: Path) -> StatementFile: ...


def _readers() -> list[StatementReader]:
    # Imported here so that one format's optional parser failing to import names that format.
    from dunwell.ingest.bank import formats

    return list(formats.READERS)


def read_statement(path: Path) -> StatementFile:
    """Read ``path`` as whichever supported format it is; balances and control totals checked."""
    try:
        head = path.open("rb").read(HEAD_BYTES)
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not head.strip():
        raise StatementUnreadable(f"{path}: the file is empty")
    for reader in _readers():
        if reader.sniff(head, path):
            parsed = reader.read(path)
            problems = list(parsed.problems)
            for statement in parsed.statements:
                problems.extend(reconcile(statement))
            return replace(parsed, problems=tuple(problems))
    raise StatementUnreadable(
        f"{path}: not a supported bank statement (camt.052/053/054, BAI2, MT940/942, OFX, CSV/XLSX)"
    )
