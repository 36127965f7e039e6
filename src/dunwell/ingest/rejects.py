"""The reject file: every row that was not imported, as it was read, with the reason.

It lies beside the input as ``<stem>.rejects.csv`` and has the columns ``line, field, reason``
followed by the source's own columns, so a user can fix the rows in a spreadsheet and import the
file again with the same mapping (the three extra columns are ignored by any mapping).
"""

from __future__ import annotations

import contextlib
import csv
import heapq
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.ingest.readers import open_table
from dunwell.ingest.records import Rejection
from dunwell.ingest.specs import ImportMapping

REJECT_COLUMNS = ("line", "field", "reason")


class RejectFileError(DunwellError):
    """The reject file cannot be written (code ``reject_file_unwritable``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="reject_file_unwritable", kind=ErrorKind.INVALID)


def reject_path_for(input_path: Path | str) -> Path:
    """``/data/ar.xlsx`` -> ``/data/ar.rejects.csv``."""
    path = Path(input_path)
    return path.with_name(f"{path.stem}.rejects.csv")


class RejectWriter:
    """Writes rejections to the reject file, creating it only when the first rejection arrives.

    ``columns`` are the source's columns (``SourceTable.columns``), in file order. ``path``
    overrides the location (for an input in a read-only folder). When the import ends with no
    rejection, a reject file left by an earlier import of the same input is removed, so the file
    beside the input always describes the latest import.

    Rejections arrive in line order through ``write``. A row refused later (by the database) comes
    through ``defer`` without its text: on ``close`` its original values are read again from the
    input (through ``mapping``, for the delimiter and encoding) and merged in, so the file stays in
    line order.
    """

    def __init__(
        self,
        input_path: Path | str,
        columns: Sequence[str],
        *,
        path: Path | None = None,
        mapping: ImportMapping | None = None,
    ) -> None:
        self._input = Path(input_path)
        self._mapping = mapping
        self._target = path if path is not None else reject_path_for(input_path)
        self._columns = tuple(columns)
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self._count = 0
        self._deferred: list[Rejection] = []

    @property
    def path(self) -> Path | None:
        """The reject file, or None while nothing has been rejected."""
        return self._target if self._count else None

    @property
    def count(self) -> int:
        """Rejections written so far."""
        return self._count

    def write(self, rejection: Rejection) -> None:
        """Append ``rejection`` (its line, field, reason and original values)."""
        if self._writer is None:
            self._open()
        raw = rejection.raw
        self._writer.writerow(
            (
                rejection.line,
                rejection.field or "",
                rejection.reason,
                *(raw.get(c) or "" for c in self._columns),
            )
        )
        self._count += 1

    def defer(self, line: int, field: str | None, reason: str) -> None:
        """Record a rejection of ``line`` whose original values are fetched from the input on close."""
        self._deferred.append(Rejection(line, field, reason, {}))
        self._count += 1

    def close(self) -> None:
        """Flush and close the file; remove a stale reject file when nothing was rejected."""
        if self._deferred:
            self._merge_deferred()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self._count == 0 and self._target.is_file():
            try:
                self._target.unlink()
            except OSError as exc:
                raise RejectFileError(f"cannot remove the stale reject file {self._target}: {exc}") from None

    def __enter__(self) -> RejectWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _merge_deferred(self) -> None:
        deferred = sorted(self._deferred, key=lambda r: r.line)
        self._deferred = []
        wanted = {r.line for r in deferred}
        raw: dict[int, Any] = {}
        with open_table(self._input, mapping=self._mapping) as table:
            for row in table:
                if row.line in wanted:
                    raw[row.line] = row.values
        deferred_rows: list[Sequence[str]] = [
            [str(r.line), r.field or "", r.reason, *(raw.get(r.line, {}).get(c) or "" for c in self._columns)]
            for r in deferred
        ]
        had_file = self._handle is not None
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        partial = self._target.with_name(f"{self._target.name}.{os.getpid()}.tmp")
        try:
            with contextlib.ExitStack() as stack:
                written: Iterator[Sequence[str]] = iter(())
                if had_file:  # streamed, not loaded: it may hold a million rejected rows
                    existing = stack.enter_context(self._target.open(encoding="utf-8-sig", newline=""))
                    written = csv.reader(existing)
                    next(written)  # the header
                handle = stack.enter_context(partial.open("w", encoding="utf-8-sig", newline=""))
                writer = csv.writer(handle)
                writer.writerow((*REJECT_COLUMNS, *self._columns))
                writer.writerows(heapq.merge(written, deferred_rows, key=_line_of))
            partial.replace(self._target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            reason = exc.strerror or exc
            raise RejectFileError(f"cannot write the reject file {self._target}: {reason}") from None

    def _open(self) -> None:
        try:
            # utf-8-sig: Excel then shows accents correctly, and our CSV reader drops the BOM again.
            self._handle = self._target.open("w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise RejectFileError(
                f"cannot write the reject file {self._target}: {exc.strerror or exc}"
            ) from None
        self._writer = csv.writer(self._handle)
        self._writer.writerow((*REJECT_COLUMNS, *self._columns))


def _line_of(row: Any) -> int:  # a reject-file row: line first
    return int(row[0])
