"""Streaming readers for CSV, XLSX and Parquet: a header of column names and rows of stripped text.

Every format yields the same thing, ``SourceRow(line, values)``, so the row parser never knows where
a value came from. Rows are streamed (CSV through the ``csv`` module, XLSX through openpyxl's
read-only mode, Parquet batch by batch), so a file of a million rows is never held in memory.
Typed cells (XLSX dates and numbers, Parquet columns) are rendered as canonical text: ISO dates
and plain decimal numbers, which the parser accepts whatever the mapping's formats.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from dunwell.ingest.errors import SourceError
from dunwell.ingest.records import fast_factory
from dunwell.ingest.specs import ImportMapping

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
_PARQUET_BATCH_ROWS = 8192


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: ``line`` is its 1-based physical line (CSV) or row (XLSX) in the file.

    ``values`` maps column names to stripped text, None for an empty cell; a column the row is too
    short to reach is absent. ``problem`` is set when the row itself is malformed (more values than
    the header has columns), in which case the parser rejects it.
    """

    line: int
    values: Mapping[str, str | None]
    problem: str | None = None


# Readers build one row object per source row; the fast factory skips the frozen-dataclass setattr path.
_new_row = fast_factory(SourceRow)


class SourceTable:
    """An open source file: ``columns`` from its header, then one pass over its rows.

    Use it as a context manager so the file is closed even when the import stops half way.
    """

    def __init__(
        self, path: Path, columns: list[str], rows: Iterator[SourceRow], close: Callable[[], None]
    ) -> None:
        self.path = path
        self.columns = columns
        self._rows = rows
        self._close = close

    def __iter__(self) -> Iterator[SourceRow]:
        return self._rows

    def close(self) -> None:
        """Release the file; iteration stops."""
        self._close()

    def __enter__(self) -> SourceTable:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_table(path: Path | str, *, mapping: ImportMapping | None = None) -> SourceTable:
    """Open ``path`` (format by extension) and read its header; raises ``SourceError`` (``file_unreadable``).

    ``mapping`` supplies the CSV delimiter, the text encoding and the XLSX sheet; None means the
    defaults (comma, or tab for ``.tsv``; UTF-8 with an optional BOM; the first sheet).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES | PARQUET_SUFFIXES:
        raise SourceError(
            f"{path}: unknown file type {suffix or '(none)'!r}; expected .csv, .tsv, .txt, .xlsx or .parquet"
        )
    if not path.is_file():
        raise SourceError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    separator = mapping.decimal_separator if mapping else "."
    if suffix in CSV_SUFFIXES:
        delimiter = (
            mapping.csv_delimiter
            if mapping and mapping.csv_delimiter
            else ("\t" if suffix == ".tsv" else ",")
        )
        return _open_csv(path, delimiter=delimiter, encoding=mapping.encoding if mapping else "utf-8-sig")
    if suffix in XLSX_SUFFIXES:
        return _open_xlsx(path, sheet=mapping.sheet if mapping else None, decimal_separator=separator)
    return _open_parquet(path, decimal_separator=separator)


def cell_text(value: Any, decimal_separator: str = ".") -> str | None:
    """A typed cell as the text the parser expects: ISO dates, plain decimals, true/false, stripped text.

    Numbers are written with the mapping's ``decimal_separator`` and no grouping, so a typed number
    cell parses under the same mapping as a number typed in as text ("1.234,50" in a German sheet).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        # A date cell is a datetime at midnight; keep a real time so nothing is silently dropped.
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Spreadsheets store ids and counts as floats: 1930659387.0 must read as 1930659387.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # repr is the shortest round-trip form; "f" avoids 1e-07.
        return format(Decimal(repr(value)), "f").replace(".", decimal_separator)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_separator)
    return str(value).strip() or None


def column_names(header: Iterable[Any], text: Callable[[Any], str | None] | None = None) -> list[str]:
    """Header names (``text`` of each cell, ``cell_text`` by default); a blank one becomes
    ``column_<n>``, a repeat ``<name>.<k>`` (as in pandas). Bank exports name columns the same way."""
    read = text or cell_text
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(header, start=1):
        name = read(cell) or f"column_{position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names


def _too_long(line: int, width: int, extra: Iterable[Any]) -> str | None:
    extras = [v for v in extra if cell_text(v) is not None]
    if not extras:
        return None
    return f"line {line} has {width + len(extras)} or more values but the header has {width} columns"


def _open_csv(path: Path, *, delimiter: str, encoding: str) -> SourceTable:
    try:
        handle = path.open(encoding=encoding, newline="")
    except LookupError:
        raise SourceError(f"{path}: unknown text encoding {encoding!r}") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc.strerror or exc}") from None
    reader = csv.reader(handle, delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        previous_end = 0
        try:
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if any(v.strip() for v in record):  # blank lines and all-empty rows carry nothing
                    yield start, record
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{path}: not valid {encoding} text after line {previous_end} ({exc.reason}); "
                "set 'encoding' in the mapping (e.g. cp1252)"
            ) from None
        except csv.Error as exc:
            raise SourceError(f"{path}: malformed CSV at line {reader.line_num}: {exc}") from None

    stream = records()
    try:
        _, header = next(stream)
    except StopIteration:
        handle.close()
        raise SourceError(f"{path}: the file is empty (no header row)") from None
    except SourceError:
        handle.close()
        raise
    columns = column_names(header)
    width = len(columns)

    def rows() -> Iterator[SourceRow]:
        for line, record in stream:
            values = {c: (v.strip() or None) for c, v in zip(columns, record, strict=False)}
            problem = _too_long(line, width, record[width:]) if len(record) > width else None
            yield _new_row(line, values, problem)

    return SourceTable(path, columns, rows(), handle.close)


def _open_xlsx(path: Path, *, sheet: str | None, decimal_separator: str) -> SourceTable:
    import openpyxl  # imported here: loading it costs every CLI command a noticeable start-up delay

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SourceError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SourceError(f"{path}: no sheet {sheet!r}; the sheets are: {', '.join(book.sheetnames)}")
        if not book.worksheets:
            raise SourceError(f"{path}: the workbook has no worksheet")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        # min_row=1 makes openpyxl yield empty tuples for missing rows, so enumerate gives row numbers.
        cells = enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1)
        header: tuple[Any, ...] = ()
        for _, header in cells:
            if any(cell_text(v) is not None for v in header):
                break
        else:
            raise SourceError(f"{path}: sheet {worksheet.title!r} is empty (no header row)")
    except BaseException:
        book.close()
        raise
    # Read-only sheets often report formatted-but-empty trailing cells: drop blank trailing headers.
    while header and cell_text(header[-1]) is None:
        header = header[:-1]
    columns = column_names(header)
    width = len(columns)

    def rows() -> Iterator[SourceRow]:
        for line, row in cells:
            values = {c: cell_text(v, decimal_separator) for c, v in zip(columns, row, strict=False)}
            problem = _too_long(line, width, row[width:]) if len(row) > width else None
            if problem is not None or any(v is not None for v in values.values()):
                yield _new_row(line, values, problem)

    return SourceTable(path, columns, rows(), book.close)


def _open_parquet(path: Path, *, decimal_separator: str) -> SourceTable:
    import pyarrow as pa  # imported here for start-up time, like openpyxl
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        columns = column_names(parquet.schema_arrow.names)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{path}: not a readable Parquet file ({exc})") from None
    if not columns:
        parquet.close()
        raise SourceError(f"{path}: the Parquet file has no columns")

    def rows() -> Iterator[SourceRow]:
        # Parquet has no lines: row k (0-based) is reported as line k + 2, as if the header were line 1.
        line = 1
        try:
            for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
                texts = [
                    [cell_text(v, decimal_separator) for v in column.to_pylist()] for column in batch.columns
                ]
                for row in zip(*texts, strict=True):
                    line += 1
                    yield _new_row(line, dict(zip(columns, row, strict=True)), None)
        except (pa.ArrowException, OSError) as exc:
            raise SourceError(f"{path}: cannot read Parquet data after line {line} ({exc})") from None

    return SourceTable(path, columns, rows(), parquet.close)
