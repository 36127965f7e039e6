"""SWIFT MT940/MT942 text: messages, fields, statement lines and balances.

The ``mt-940`` package parses a whole file into one flat list (later messages overwrite the
earlier ones' balances), raises on the first field its patterns do not match and keeps no line
numbers. A statement per message, a problem per bad entry and the line of every entry need the
file split here; ``mt940.py`` turns the fields into statements (ADR 0011).
"""

from __future__ import annotations

import calendar
import codecs
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

#: The tags a message is made of. Anything else that looks like a tag (":26:37 Fo" in a wrapped
#: timestamp, for one) is text that continues the field before it.
KNOWN_TAGS = frozenset(
    {"13", "13D", "20", "21", "25", "25P", "28", "28C", "34F", "60", "60F", "60M", "61", "62", "62F", "62M"}
    | {"64", "65", "86", "90C", "90D", "NS"}
)
_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_BROKEN_TAG = re.compile(r"(\d{2}[A-Z]?|NS):")  # ":" alone on a line, the tag on the next
_BLOCK_TYPE = re.compile(r"\{2:[IO](\d{3})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # SOH/ETX framing and stray bytes
# Some banks leave the currency out of intermediate balances (":62M:C020315105000,00").
_BALANCE = re.compile(r"(?P<mark>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})?(?P<amount>[\d,]+)")
_SUM = re.compile(r"(?P<count>\d{0,5})(?P<currency>[A-Z]{3})(?P<amount>[\d,]+)")  # SWIFT: 5n count
_FLOOR = re.compile(r"(?P<currency>[A-Z]{3})[DC]?(?P<amount>[\d,]+)")
_STATEMENT_LINE = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4}|\s{4})?(?P<mark>R?[DC])(?P<funds>[A-Z])?\n?\s?"
    r"(?P<amount>\d[\d,]*|,\d+)(?P<code>[A-Z][A-Z0-9 ]{3})?(?P<rest>[^\n]*)(?:\n(?P<more>.*))?",
    re.DOTALL,
)
#: An entry date (MMDD) further than this from its value date belongs to the neighbouring year.
_YEAR_TURN = timedelta(days=180)


@dataclass(slots=True)
class Field:
    tag: str
    value: str  # continuation lines joined with "\n", each without trailing blanks
    line: int


@dataclass(slots=True)
class Message:
    line: int
    fields: list[Field] = field(default_factory=list)
    block_type: str | None = None  # "940"/"942" from a {2:...} application header

    def first(self, *tags: str) -> Field | None:
        return next((f for f in self.fields if f.tag in tags), None)

    def has(self, *tags: str) -> bool:
        return self.first(*tags) is not None


def decode(raw: bytes) -> str:
    """UTF-8 when the bytes are UTF-8, else Windows-1252 (most bank exports), else Latin-1."""
    raw = raw.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # maps every byte: never fails


def messages(text: str) -> list[Message]:
    """Split a file into messages: SWIFT blocks ({4: ... -}), "-" lines, or a new :20: each."""
    lines = [_CONTROL.sub("", line).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    found: list[Message] = []
    current: Message | None = None
    block_type: str | None = None
    number = 0
    while number < len(lines):
        line, number = lines[number], number + 1
        if line.strip() == ":" and number < len(lines) and _BROKEN_TAG.match(lines[number]):
            line, number = ":" + lines[number], number + 1
        if line.lstrip().startswith("{"):
            typed = _BLOCK_TYPE.search(line)
            block_type = typed.group(1) if typed else block_type
            if "{4:" not in line:
                continue  # a header block on its own line
            current = None
            line = line.split("{4:", 1)[1]
        if (
            line.lstrip().startswith("-}")
            or line.strip() == "}"
            or (line.strip() == "-" and _ends_message(lines, number))
        ):
            current, block_type = None, None
            continue
        if not line.strip():
            continue
        tag = _TAG.match(line)
        if tag and tag.group(1) in KNOWN_TAGS:
            if current is None or (tag.group(1) == "20" and current.fields):
                current = Message(number, block_type=block_type)
                found.append(current)
            current.fields.append(Field(tag.group(1), line[tag.end() :], number))
        elif current is not None and current.fields:
            current.fields[-1].value += "\n" + line
        # else: a transmission header line before the first tag ("ABNANL2A", ":940:", "940 00")
    return found


def _ends_message(lines: list[str], after: int) -> bool:
    """A "-" line ends a message when what follows is not text: a tag, a block, the end. ING wraps
    :86: text so that a "-" of a reference can stand alone on a line."""
    # By index, not over lines[after:]: a copy of the rest for every "-" line is quadratic.
    following = next((lines[i].strip() for i in range(after, len(lines)) if lines[i].strip()), "")
    tag = _TAG.match(following)
    return not following or following[0] in "{}" or (tag is not None and tag.group(1) in KNOWN_TAGS)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal  # signed
    currency: str | None
    day: date | None


def balance(value: str) -> Balance | None:
    """``:60F:C140219EUR662,23``: mark, date, currency, amount (comma decimal)."""
    match = _BALANCE.match(value.strip())
    amount = match and swift_amount(match.group("amount"))
    if match is None or amount is None:
        return None
    day = swift_date(match.group("date"))
    signed = -amount if match.group("mark") == "D" else amount
    return Balance(signed, match.group("currency"), day[0] if day else None)


def sum_entries(value: str) -> tuple[int | None, Decimal, str] | None:
    """``:90D:1EUR2,30``: how many entries, their sum and currency."""
    match = _SUM.match(value.strip())
    amount = match and swift_amount(match.group("amount"))
    if match is None or amount is None:
        return None
    count = match.group("count")
    return (int(count) if count else None), amount, match.group("currency")


def floor_currency(value: str) -> str | None:
    match = _FLOOR.match(value.strip())
    return match.group("currency") if match else None


def swift_amount(text: str) -> Decimal | None:
    """A SWIFT amount: digits with one decimal comma ("10," and ",5" included); None if malformed."""
    if text.count(",") > 1 or not any(c.isdigit() for c in text):
        return None
    whole, _, fraction = text.partition(",")
    return Decimal(f"{whole or '0'}.{fraction or '0'}")


def swift_date(text: str) -> tuple[date, bool] | None:
    """YYMMDD, and whether the day had to be moved: 30 February (interest value dates) becomes its
    last day, as banks mean it. None for any other impossible date."""
    year, month, day = 2000 + int(text[:2]), int(text[2:4]), int(text[4:6])
    if int(text[:2]) >= 80:
        year -= 100
    if month == 2 and 28 < day <= 31:
        last = calendar.monthrange(year, 2)[1]
        return date(year, 2, min(day, last)), day > last
    try:
        return date(year, month, day), False
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class StatementLine:
    value_date: date
    booking_date: date | None
    mark: str  # C, D, RC, RD
    amount: Decimal
    type_code: str | None
    customer_ref: str | None
    bank_ref: str | None
    supplementary: str
    date_adjusted: bool


def statement_line(value: str) -> StatementLine | str:
    """A ``:61:`` field, or the reason it cannot be read.

    Subfields: value date, [entry date MMDD], mark, [funds code], amount, type code, customer
    reference [//bank reference], and [supplementary details] on the next line.
    """
    match = _STATEMENT_LINE.match(value)
    if match is None:
        if not value.strip():  # the tag alone: ":61:" with nothing after it, or only blanks
            return "an empty statement line"
        return f"not a statement line: {value.splitlines()[0][:40]!r}"
    amount = swift_amount(match.group("amount"))
    if amount is None:
        return f"malformed amount {match.group('amount')!r}"
    value_date = swift_date(match.group("value"))
    if value_date is None:
        return f"impossible value date {match.group('value')!r}"
    booking, booking_adjusted = None, False
    entry = (match.group("entry") or "").strip()
    if entry:
        dated = swift_date(f"{value_date[0]:%y}{entry}")
        if dated is None:
            return f"impossible entry date {entry!r}"
        booking, booking_adjusted = _nearest_year(dated[0], value_date[0]), dated[1]
    rest = match.group("rest").strip()
    if "//" in rest:
        customer, _, bank = rest.partition("//")
        extra = ""
    else:  # without "//", banks pad the reference with blanks before free text (Rabobank)
        customer, _, extra = rest.partition("  ")
        bank = ""
    supplementary = " ".join(f"{extra} {match.group('more') or ''}".split())
    return StatementLine(
        value_date=value_date[0],
        booking_date=booking,
        mark=match.group("mark").upper(),
        amount=amount,
        type_code=(match.group("code") or "").strip() or None,
        customer_ref=customer.strip() or None,
        bank_ref=bank.strip() or None,
        supplementary=supplementary,
        date_adjusted=value_date[1] or booking_adjusted,
    )


def _nearest_year(booked: date, value: date) -> date:
    """The entry date has no year: take the one that puts it nearest the value date."""
    if booked - value > _YEAR_TURN:
        return _with_year(booked, booked.year - 1)
    if value - booked > _YEAR_TURN:
        return _with_year(booked, booked.year + 1)
    return booked


def _with_year(day: date, year: int) -> date:
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
