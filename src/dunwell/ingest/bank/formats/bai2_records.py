"""BAI2 records as the file has them: splitting lines into records and records into fields.

Banks bend the BAI2 layout in ways a strict reader refuses: several records on one physical line
(``.../   02,...``), a record wrapped onto a new line without an ``88`` prefix, an extra empty field
before the ``/`` terminator, summaries split mid-way across ``88`` continuations. This module
absorbs those so that ``bai2.py`` deals only with the meaning of the fields (ADR 0011).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.errors import CurrencyError
from dunwell.ingest.bank import StatementUnreadable

_CODES = "01|02|03|16|49|88|98|99"
_RECORD_START = re.compile(rf"\s*({_CODES}),")
# A record ends with "/"; what follows on the same line, after blanks, may be the next record.
_RECORD_BREAK = re.compile(rf"(?<=/)\s+(?=(?:{_CODES}),)")
#: ASCII digits, at most as many as a Decimal holds exactly (28): longer is no amount a bank sent,
#: and past 4,300 digits int() refuses the text altogether.
_SIGNED = re.compile(r"[+-]?[0-9]{1,28}")


@dataclass(slots=True)
class Record:
    """One logical record: its code, its text after ``NN,``, and the text of its ``88`` records."""

    code: str
    text: str
    line: int
    more: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Physical records, as the trailers count them (the record and its continuations)."""
        return 1 + len(self.more)

    def chunks(self) -> list[str]:
        """The record's pieces, each without its ``/`` terminator."""
        return [_unterminated(chunk) for chunk in (self.text, *self.more)]

    def fields(self) -> list[str]:
        """All fields of a record without free text (every record but ``16``), continuations joined."""
        return [value.strip() for chunk in self.chunks() for value in chunk.split(",")]


def records(text: str, path: Path) -> list[Record]:
    """The file's records in order, ``88`` continuations attached to the record they continue."""
    found: list[Record] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        for piece in _RECORD_BREAK.split(line):
            match = _RECORD_START.match(piece)
            if match is None:
                # A record wrapped onto the next line without an 88 prefix: part of the last one.
                if not found:
                    raise StatementUnreadable(f"{path}: line {number} is not a BAI2 record")
                _append(found[-1], piece.strip())
            elif match.group(1) == "88" and found:
                found[-1].more.append(piece[match.end() :])
            else:
                found.append(Record(match.group(1), piece[match.end() :], number))
    return found


def _append(record: Record, piece: str) -> None:
    if record.more:
        record.more[-1] = f"{record.more[-1].rstrip()} {piece}"
    else:
        record.text = f"{record.text.rstrip()} {piece}"


def _unterminated(chunk: str) -> str:
    chunk = chunk.rstrip()
    return chunk[:-1] if chunk.endswith("/") else chunk


class FieldCursor:
    """Reads a ``16`` record field by field across its continuations, then the text as the rest.

    The text field is last and runs to the end of the record, commas included; when the fixed fields
    end exactly at a record's end, the text starts in the next ``88``.
    """

    def __init__(self, record: Record | None = None) -> None:
        self._chunks = [chunk.split(",") for chunk in record.chunks()] if record else []
        self._chunk = 0
        self._piece = 0

    @classmethod
    def over(cls, values: list[str]) -> FieldCursor:
        """A cursor over fields already split (a summary's list)."""
        cursor = cls()
        cursor._chunks = [values]
        return cursor

    @property
    def done(self) -> bool:
        """No field left: ``next`` would only give "" from here on."""
        last = len(self._chunks) - 1
        return self._chunk > last or (self._chunk == last and self._piece >= len(self._chunks[last]))

    def next(self) -> str:
        while self._chunk < len(self._chunks):
            pieces = self._chunks[self._chunk]
            if self._piece < len(pieces):
                self._piece += 1
                return pieces[self._piece - 1].strip()
            self._chunk, self._piece = self._chunk + 1, 0
        return ""

    def rest(self) -> str:
        parts: list[str] = []
        if self._chunk < len(self._chunks):
            parts.append(",".join(self._chunks[self._chunk][self._piece :]))
            parts.extend(",".join(pieces) for pieces in self._chunks[self._chunk + 1 :])
        return " ".join(" ".join(parts).split())


def signed_int(value: str) -> int | None:
    """A BAI2 amount or count (``+``/``-`` allowed), None when blank or not a number."""
    value = value.strip()
    return int(value) if _SIGNED.fullmatch(value) else None


def exponent(currency: str) -> int | None:
    """Decimals of ``currency``'s minor unit, None for a code that is not ISO 4217."""
    try:
        return minor_unit_exponent(currency)
    except CurrencyError:
        return None


def to_decimal(minor: int, decimals: int) -> Decimal:
    """BAI2 amounts are whole minor units without a decimal point (cents for USD, yen for JPY)."""
    return Decimal(minor).scaleb(-decimals)


def bai_date(value: str) -> date | None:
    """YYMMDD; years 80-99 are read as 19xx (BAI2 dates from 1987), the rest as 20xx."""
    value = value.strip()
    if len(value) != 6 or not (value.isascii() and value.isdigit()):
        return None
    year = int(value[:2])
    try:
        return date(year + (1900 if year >= 80 else 2000), int(value[2:4]), int(value[4:]))
    except ValueError:
        return None
