"""Bank exports as tables: CSV, TSV and XLSX, read through a bank statement mapping.

The dispatcher asks this reader last, so it claims only what looks like a table: a ``.csv``,
``.tsv``, ``.txt``, ``.xlsx`` or ``.xls`` file whose start is not XML, OFX, BAI2, MT940 or QIF, or
a file of another name whose start has a header naming a date and an amount. ``read`` works out the
layout itself (a shipped preset whose columns the header has, else header synonyms; see
``bank_detect``); ``read_with_mapping`` takes the layout from the user, and is what the CLI's
``--mapping`` option calls.

Files are read whole: a statement's transactions are all held in the result anyway, and detecting
the header, the delimiter and the formats needs to look at the rows before converting them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.formats.archives import DAMAGED_ZIP
from dunwell.ingest.bank.formats.bank_detect import mapping_from_header
from dunwell.ingest.bank.formats.bank_mappings import BankMapping, bank_presets, load_bank_mapping, normalize
from dunwell.ingest.bank.formats.bank_rows import Cell, Row, build_statements, column_names
from dunwell.ingest.bank.model import StatementFile, StatementFormat
from dunwell.ingest.bank.reconcile import reconcile
from dunwell.ingest.errors import MAPPING_MISSING_COLUMN, MappingError

__all__ = ["read", "read_with_mapping", "sniff"]

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
#: How far down a header may sit below a bank's preamble (account, period, balances).
HEADER_SCAN_ROWS = 50
_DELIMITERS = (",", ";", "\t", "|")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office container (.xls)
#: Read-only workbooks parse a sheet as its rows are asked for, so a damaged sheet surfaces while
#: iterating: as a damaged archive, broken XML (``ParseError``), a cell value that is not of its
#: type (``ValueError``) or a shared-string index past the table (``IndexError``).
_DAMAGED_SHEET: tuple[type[Exception], ...] = (
    *DAMAGED_ZIP,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
)
# Other statement formats, which this reader must leave alone even in a .txt file.
_FOREIGN = re.compile(
    r"\s*(?:<|OFXHEADER|\{1:|:20:|!(?:Type|Account|Option|Clear)|01,[^,\n]*,[^,\n]*,\d{6},)", re.IGNORECASE
)


def sniff(head: bytes, path: Path) -> bool:
    """Tables by extension (unless the content is another statement format), or by a bank header."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or suffix == ".xls":
        return True  # nothing else reads spreadsheets: claim them, if only to say why one is unreadable
    if head.startswith(_ZIP_MAGIC):
        return b"xl/" in head  # a workbook under another name
    if head.startswith(_OLE2_MAGIC):
        return False
    text = _decode(head, None, path, partial=True)
    if text is None or _FOREIGN.match(text) or "\x00" in text:
        return False
    if suffix in TEXT_SUFFIXES:
        return True
    # Any other name: only a table whose header names a date and an amount is ours.
    lines = text.splitlines()[:-1] or text.splitlines()  # the head may end mid-line
    try:
        rows = _csv_rows("\n".join(lines), _sniff_delimiter(lines))
    except csv.Error:
        return False
    return _find_header(rows, None) is not None


def read(path: Path) -> StatementFile:
    """Read an export whose layout is a shipped preset or recognisable from its header.

    Raises ``StatementUnreadable`` when neither finds a date and an amount column. Balances and
    control totals are not checked here: ``read_statement`` does that for every format.
    """
    table_format, rows = _load(path, None)
    found = _find_header(rows, None)
    if found is None:
        raise StatementUnreadable(
            f"{path}: no date/amount columns found in the first {HEADER_SCAN_ROWS} rows; "
            "pass a mapping (--mapping FILE) that names them"
        )
    index, mapping = found
    return _build(path, table_format, rows, index, mapping)


def read_with_mapping(path: Path, mapping: BankMapping | Path | str) -> StatementFile:
    """Read ``path`` with an explicit mapping (or a YAML file of one); balances checked.

    Raises ``MappingError`` for an invalid mapping or one naming columns the file lacks, and
    ``StatementUnreadable`` for a file that cannot be read as a table.
    """
    if not isinstance(mapping, BankMapping):
        mapping = load_bank_mapping(mapping)
    table_format, rows = _load(path, mapping)
    if mapping.header_row == 0:
        index = -1
    else:
        found = _find_header(rows, mapping)
        if found is None:
            raise _missing_columns(path, rows, mapping)
        index = found[0]
    parsed = _build(path, table_format, rows, index, mapping)
    problems = [*parsed.problems, *(p for s in parsed.statements for p in reconcile(s))]
    return replace(parsed, problems=tuple(problems))


def _build(
    path: Path, table_format: StatementFormat, rows: list[Row], index: int, mapping: BankMapping
) -> StatementFile:
    if index < 0:
        width = max((len(cells) for _, cells in rows), default=0)
        header = [str(i) for i in range(1, width + 1)]
    else:
        header = column_names(rows[index][1])
    data = rows[index + 1 :]
    if mapping.skip_footer:
        data = data[: max(len(data) - mapping.skip_footer, 0)]
    statements, problems = build_statements(path.stem, header, data, mapping)
    return StatementFile(format=table_format, statements=statements, problems=problems)


def _find_header(rows: list[Row], mapping: BankMapping | None) -> tuple[int, BankMapping] | None:
    """The header's index and the mapping to read with: the given one, a preset, or synonyms."""
    candidates = rows[:HEADER_SCAN_ROWS]
    if mapping is not None and mapping.header_row is not None:
        at = [i for i, (line, _) in enumerate(rows) if line >= mapping.header_row]
        return (at[0], mapping) if at else None
    for i, (_, cells) in enumerate(candidates):
        names = column_names(cells)
        keys = {normalize(n) for n in names}
        if mapping is not None:
            if {normalize(c) for c in mapping.required_columns()} <= keys:
                return i, mapping
            continue
        for preset in bank_presets().values():
            if preset.match and {normalize(c) for c in preset.match} <= keys:
                return i, preset
        detected = mapping_from_header(names)
        if detected is not None:
            return i, detected
    return None


def _missing_columns(path: Path, rows: list[Row], mapping: BankMapping) -> MappingError:
    first = column_names(rows[0][1]) if rows else []
    wanted = ", ".join(repr(c) for c in mapping.required_columns())
    shown = ", ".join(repr(c) for c in first[:40]) or "none (the file is empty)"
    where = f"row {mapping.header_row}" if mapping.header_row else f"any of the first {HEADER_SCAN_ROWS} rows"
    return MappingError(
        f"{mapping.source}: {path.name} has no header with the columns {wanted} in {where}; "
        f"its first row has: {shown}",
        code=MAPPING_MISSING_COLUMN,
    )


def _load(path: Path, mapping: BankMapping | None) -> tuple[StatementFormat, list[Row]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    if raw.startswith(_ZIP_MAGIC):
        return StatementFormat.XLSX, _xlsx_rows(path, raw, mapping.sheet if mapping else None)
    if suffix in XLSX_SUFFIXES:
        raise StatementUnreadable(f"{path}: not an XLSX workbook (not a ZIP archive)")
    if raw.startswith(_OLE2_MAGIC):
        raise StatementUnreadable(
            f"{path}: an old binary Excel (.xls) workbook, which cannot be read (xlrd is not installed); "
            "save it as .xlsx or CSV"
        )
    text = _decode(raw, mapping.encoding if mapping else None, path, partial=False)
    if text is None:
        raise StatementUnreadable(f"{path}: binary content, not a CSV/TSV text table")
    if suffix == ".xls" and text.lstrip().startswith("<"):
        raise StatementUnreadable(f"{path}: an HTML or XML page named .xls; save it as .xlsx or CSV")
    if mapping is not None and mapping.delimiter:
        delimiter = mapping.delimiter
    elif suffix == ".tsv":
        delimiter = "\t"
    else:
        delimiter = _sniff_delimiter(text.splitlines()[: HEADER_SCAN_ROWS * 2])
    try:
        return StatementFormat.CSV, _csv_rows(text, delimiter)
    except csv.Error as exc:
        raise StatementUnreadable(f"{path}: malformed CSV ({exc})") from None


def _decode(raw: bytes, encoding: str | None, path: Path, *, partial: bool) -> str | None:
    """The text of ``raw``: the mapping's encoding, else UTF-16 by BOM, UTF-8, or cp1252 (Windows
    exports); None for binary content. ``partial``: ``raw`` is a head that may end mid-character."""
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if partial:
                return raw.decode(encoding, errors="replace")
            raise StatementUnreadable(
                f"{path}: not valid {encoding} text ({exc.reason} at byte {exc.start})"
            ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16", errors="replace" if partial else "strict")
        except UnicodeDecodeError as exc:  # an odd byte count, a lone surrogate: damaged, not guessed at
            where = f"at byte {exc.start}; {_line_at(raw, exc.start)}"
            raise StatementUnreadable(f"{path}: not valid UTF-16 text ({exc.reason} {where})") from None
    if b"\x00" in raw[:4096]:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(raw) - 3:
            return raw[: exc.start].decode("utf-8-sig")
    return raw.decode("cp1252", errors="replace")


def _line_at(raw: bytes, offset: int) -> str:
    """Where byte ``offset`` of a UTF-16 file is, as a line number."""
    return f"line {raw[:offset].decode('utf-16', errors='replace').count(chr(10)) + 1}"


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields, then the most."""
    sample = [line for line in lines if line.strip()]
    best: tuple[int, int, int] = (0, 0, 0)
    chosen = ","
    for rank, delimiter in enumerate(_DELIMITERS):
        try:
            widths = Counter(len(r) for r in csv.reader(sample, delimiter=delimiter) if len(r) > 1)
        except csv.Error:
            continue
        if widths:
            width, count = widths.most_common(1)[0]
            if (count, width, -rank) > best:
                best, chosen = (count, width, -rank), delimiter
    return chosen


def _csv_rows(text: str, delimiter: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    previous_end = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        cells: list[Cell] = [v.strip() or None for v in record]
        if any(c is not None for c in cells):  # blank lines and all-empty rows carry nothing
            rows.append((start, cells))
    return rows


def _xlsx_rows(path: Path, raw: bytes, sheet: str | None) -> list[Row]:
    import openpyxl  # imported here: it costs every CLI command start-up time

    # openpyxl raises whatever its XML and ZIP layers raise on a damaged workbook; any of them
    # means the same thing to the user, so they are caught together and reported with the reason.
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise StatementUnreadable(
            f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise StatementUnreadable(
                f"{path}: no sheet {sheet!r}; the sheets are: {', '.join(book.sheetnames)}"
            )
        if not book.worksheets:
            raise StatementUnreadable(f"{path}: the workbook has no worksheet")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[Row] = []
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows.append((number, cells))
        return rows
    except StatementUnreadable:
        raise
    except _DAMAGED_SHEET as exc:
        raise StatementUnreadable(
            f"{path}: cannot read the workbook's cells ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        book.close()


def _cell(value: Any) -> Cell:
    """A typed spreadsheet cell as text, a ``Decimal`` or a date, never a float.

    A float cell becomes the Decimal of its shortest repr (``0.1`` stays 0.1); the row converter
    then rounds binary noise such as ``2309.7899999999995`` to the currency's minor unit.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel stores no infinity or NaN; a damaged sheet's "1e999" reads as one: keep it as the
        # text it is, which the amount parser refuses (a Decimal infinity breaks every sum after it).
        return Decimal(repr(value)) if math.isfinite(value) else repr(value)
    if isinstance(value, Decimal):
        return value
    return str(value).strip() or None
