"""Reading an import file in chunks: parsed, and prepared for the database, ahead of the writes.

Parsing and preparing rows (dates, decimals, minor units, fingerprints) is pure Python: in a thread
it would hold the GIL the writer needs, so a large file is read in a **separate process** that uses
the second core, one chunk ahead of the database writes. Chunks cross over as lists of plain
tuples (the importer's ``prepare`` makes them), which pickle in about a microsecond a row; a
bounded queue keeps memory flat. A small file is read inline: starting a process (a fresh
interpreter) costs more than it saves.

The raw text of good rows is not kept: the rare row the database refuses is looked up again in the
file when the reject file is finished (``RejectWriter.defer``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from dunwell.core.errors import DunwellError, present
from dunwell.ingest import CanonicalRow, ImportMapping, Rejection, open_table, parse_rows

#: Files at least this large are parsed in a separate process (about 30,000 invoice rows as CSV).
PROCESS_MIN_BYTES = 4 * 1024 * 1024

#: Turns a chunk of canonical rows into what the importer writes (must be picklable: a module-level
#: function or a ``functools.partial`` of one). None passes the canonical rows through.
Prepare = Callable[[list[CanonicalRow]], list[Any]]


@dataclass(slots=True)
class ParsedChunk:
    """Up to ``batch_size`` good rows (prepared) and the rows rejected among them."""

    rows: list[Any] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    read: int = 0


def parsed_chunks(
    path: Path, mapping: ImportMapping, *, batch_size: int, prepare: Prepare | None = None
) -> Iterator[ParsedChunk]:
    """Parse ``path`` through ``mapping`` and yield ``ParsedChunk``s of up to ``batch_size`` good rows."""
    with open_table(path, mapping=mapping) as table:
        chunk, good = ParsedChunk(), []
        for parsed in parse_rows(table, mapping):
            chunk.read += 1
            if isinstance(parsed, Rejection):
                chunk.rejections.append(parsed)
                continue
            good.append(parsed)
            if len(good) >= batch_size:
                chunk.rows = prepare(good) if prepare is not None else good
                yield chunk
                chunk, good = ParsedChunk(), []
        if chunk.read:
            chunk.rows = prepare(good) if prepare is not None else good
            yield chunk


class ChunkReader:
    """Iterate the ``ParsedChunk``s of ``path``; use it as a context manager.

    ``in_process`` None decides by file size (``PROCESS_MIN_BYTES``); True or False forces it. The
    mapping is compiled on construction, in the caller's process, so a mapping mistake raises
    before anything else happens. An error in the reading process is raised again in the caller.

    The reading process is a fresh interpreter (``python -m dunwell.imports.reader_process``)
    talking over pipes, not ``multiprocessing``: that would re-run the caller's main script in the
    child, or fork a parent that may run threads.
    """

    def __init__(
        self,
        path: Path,
        mapping: ImportMapping,
        *,
        batch_size: int,
        prepare: Prepare | None = None,
        in_process: bool | None = None,
        depth: int = 2,
    ) -> None:
        parse_rows((), mapping)  # compiles the mapping: a constant that does not parse raises here
        self._args = (path, mapping, batch_size, prepare)
        if in_process is None:
            in_process = path.stat().st_size >= PROCESS_MIN_BYTES
        self.in_process = in_process
        self._frames: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._process: subprocess.Popen[bytes] | None = None
        self._pump: threading.Thread | None = None

    def __enter__(self) -> ChunkReader:
        if self.in_process:
            env = dict(os.environ)
            # The child must import this very package, wherever it was imported from here.
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
            self._process = subprocess.Popen(
                [sys.executable, "-m", "dunwell.imports.reader_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            with present(self._process.stdin, "the reader process's input pipe") as arguments:
                pickle.dump(self._args, arguments, protocol=pickle.HIGHEST_PROTOCOL)
            # A thread moves frames from the pipe to a bounded queue: the child reads ahead while
            # the caller writes to the database (reading a pipe releases the GIL).
            self._pump = threading.Thread(target=self._read_frames, name="dunwell-import-pipe", daemon=True)
            self._pump.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            if self._process.poll() is None:  # stopped early: the child may be blocked on a full pipe
                self._process.kill()
            self._process.wait()
            while self._pump is not None and self._pump.is_alive():  # unblock a pump on a full queue
                with contextlib.suppress(queue.Empty):
                    self._frames.get(timeout=0.05)
            present(self._process.stdout, "the reader process's output pipe").close()
            self._process = None

    def __iter__(self) -> Iterator[ParsedChunk]:
        if not self.in_process:
            path, mapping, batch_size, prepare = self._args
            yield from parsed_chunks(path, mapping, batch_size=batch_size, prepare=prepare)
            return
        if self._process is None:
            raise RuntimeError("use ChunkReader as a context manager")
        while True:
            frame = self._frames.get()
            if frame is None:
                code = self._process.wait()
                raise DunwellError(
                    f"the import's reader process stopped unexpectedly (exit code {code})",
                    code="import_reader_died",
                )
            item = pickle.loads(frame)
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _read_frames(self) -> None:
        process = present(self._process, "the reader process")
        pipe = present(process.stdout, "the reader process's output pipe")
        while True:
            header = pipe.read(_HEADER.size)
            if len(header) < _HEADER.size:
                self._frames.put(None)  # the child ended without its last frame
                return
            (size,) = _HEADER.unpack(header)
            frame = pipe.read(size)
            if len(frame) < size:
                self._frames.put(None)
                return
            self._frames.put(frame)
            if frame == _END:
                return


#: Each frame on the pipe: its length, then a pickle of a ParsedChunk, an exception, or None (done).
_HEADER = struct.Struct("<Q")
_END = pickle.dumps(None, protocol=pickle.HIGHEST_PROTOCOL)


def serve(arguments: BinaryIO, out: BinaryIO) -> None:
    """The reading process: read the arguments, then write every chunk, then None; or the error."""

    def send(item: object) -> None:
        frame = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(frame)))
        out.write(frame)
        out.flush()

    try:
        path, mapping, batch_size, prepare = pickle.load(arguments)
        for chunk in parsed_chunks(path, mapping, batch_size=batch_size, prepare=prepare):
            send(chunk)
        send(None)
    except Exception as exc:  # handed to the parent, which raises it
        send(_picklable(exc))


def _picklable(exc: BaseException) -> BaseException:
    with contextlib.suppress(Exception):
        pickle.loads(pickle.dumps(exc))
        return exc
    return DunwellError(f"{type(exc).__name__}: {exc}", code="import_reader_failed")
