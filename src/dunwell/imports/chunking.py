"""Parsing runs in a reader thread, one chunk ahead of the database writes.

The database drivers release the GIL while SQLite executes or PostgreSQL answers, so on a machine
with two cores the next chunk is parsed while the current one is written. A bounded queue keeps
memory flat: the reader is never more than ``depth`` chunks ahead.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType

from dunwell.ingest import CanonicalRow, ImportMapping, Rejection, SourceRow, parse_rows

RawRow = Mapping[str, str | None]


@dataclass(slots=True)
class ParsedChunk:
    """Up to ``batch_size`` good rows, the rows rejected among them, and the raw text of the good
    ones (a database-level rejection must still write the original row to the reject file)."""

    rows: list[CanonicalRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    raw_by_line: dict[int, RawRow] = field(default_factory=dict)
    read: int = 0


_DONE = object()


class ChunkReader:
    """Iterate ``ParsedChunk``s of ``source`` parsed through ``mapping``; use as a context manager.

    The mapping is compiled on construction, in the caller's thread, so a mapping mistake raises
    before anything else happens. A parse failure in the reader thread re-raises in the caller.
    """

    def __init__(self, source: Iterable[SourceRow], mapping: ImportMapping, *, batch_size: int,
                 depth: int = 2) -> None:  # fmt: skip
        self._raw: dict[int, RawRow] = {}
        self._parsed = parse_rows(self._remembering(source), mapping)
        self._batch_size = batch_size
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="dunwell-import-reader", daemon=True)

    def __enter__(self) -> ChunkReader:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a reader waiting on a full queue
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)

    def __iter__(self) -> Iterator[ParsedChunk]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, ParsedChunk)
            yield item

    def _remembering(self, rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
        for row in rows:
            self._raw[row.line] = row.values
            yield row

    def _produce(self) -> None:
        try:
            chunk = ParsedChunk()
            for parsed in self._parsed:
                chunk.read += 1
                if isinstance(parsed, Rejection):
                    chunk.rejections.append(parsed)
                    self._raw.pop(parsed.line, None)
                    continue
                chunk.rows.append(parsed)
                if len(chunk.rows) >= self._batch_size:
                    chunk.raw_by_line, self._raw = self._raw, {}
                    if not self._put(chunk):
                        return
                    chunk = ParsedChunk()
            chunk.raw_by_line, self._raw = self._raw, {}
            if (chunk.read and not self._put(chunk)) or not self._put(_DONE):
                return
        except BaseException as exc:  # handed to the consuming thread, which re-raises it
            self._put(exc)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False
