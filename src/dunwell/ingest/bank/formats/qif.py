"""QIF (Quicken Interchange Format) bank and card statements.

QIF is a line format: ``!Type:Bank`` opens a section, then each line's first character says what
the rest is (``D`` date, ``T``/``U`` amount, ``P`` payee, ``M`` memo, ``N`` number) and ``^`` ends a
transaction. Small accounting tools and older bank portals still export it. It states no currency,
no balances and no date format: the date order is chosen for the whole file like for CSV exports
(``bank_detect.choose_date_format``), with US month-first order as the tie-breaker because QIF is
Quicken's (US) format. Investment sections (``!Type:Invst``) hold trades, not bank entries, and
make the file unreadable rather than half-read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.formats.bank_detect import (
    choose_date_format,
    choose_decimal_separator,
    clean_amount,
    parse_date,
)
from dunwell.ingest.bank.formats.bank_rows import UNKNOWN_CURRENCY
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)
from dunwell.ingest.converters import FieldError, make_decimal_parser

__all__ = ["read", "sniff"]

_HEADER = re.compile(r"\s*!(?:type|account|option|clear)", re.IGNORECASE)
#: Section types holding bank-like entries; Invst (trades) and the list types (Cat, Class, Memorized) do not.
_BANK_TYPES = frozenset({"bank", "cash", "ccard", "oth a", "oth l"})
_DATE_FORMATS = (
    "%m/%d/%y", "%d/%m/%y", "%y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y-%m-%d",
    "%d.%m.%Y", "%d.%m.%y", "%m-%d-%Y", "%d-%m-%Y", "%m-%d-%y", "%d-%m-%y",
)  # fmt: skip


@dataclass(slots=True)
class _Record:
    line: int
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Section:
    kind: str
    account: str | None
    records: list[_Record] = field(default_factory=list)


def sniff(head: bytes, path: Path) -> bool:
    text = head.decode("utf-8-sig", errors="replace")
    return path.suffix.lower() == ".qif" or _HEADER.match(text) is not None


def read(path: Path) -> StatementFile:
    """One statement per ``!Type`` section; a record without a readable date or amount is a problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Quicken's own exports are Windows text
    sections = [s for s in _sections(path, text) if s.kind in _BANK_TYPES]
    if not sections:
        raise StatementUnreadable(f"{path}: no bank, cash or card section (!Type:Bank); only lists")
    records = [r for s in sections for r in s.records]
    dates = [_qif_date(r.fields["D"]) for r in records if r.fields.get("D")]
    date_format, warning = choose_date_format(dates, _DATE_FORMATS, month_first_hint=True)
    amounts = [clean_amount(r.fields.get("T") or r.fields.get("U") or "")[0] for r in records]
    decimal = choose_decimal_separator(a for a in amounts if a)
    number = make_decimal_parser(decimal, "." if decimal == "," else ",")
    problems: list[StatementProblem] = []
    if warning:
        problems.append(StatementProblem("ambiguous_date_format", f"{path.stem}: {warning}"))
    statements = []
    for section in sections:
        transactions = []
        for record in section.records:
            try:
                transaction = _transaction(record, date_format, number)
            except FieldError as exc:
                problems.append(
                    StatementProblem(
                        "bad_entry", f"{path.stem} line {record.line}: {exc.reason}", record.line
                    )
                )
                continue
            if transaction is None:
                message = f"{path.stem} line {record.line}: a zero amount, left out"
                problems.append(StatementProblem("zero_amount", message, record.line))
            else:
                transactions.append(transaction)
        days = [t.value_date for t in transactions]
        label = path.stem if len(sections) == 1 else f"{path.stem} {section.account or section.kind}"
        statements.append(
            BankStatement(
                statement_id=label,
                account=section.account,
                currency=None,
                transactions=tuple(transactions),
                period_start=min(days, default=None),
                period_end=max(days, default=None),
            )
        )
    if any(s.transactions for s in statements):
        problems.append(
            StatementProblem(
                "currency_unknown",
                f"{path.stem}: QIF does not state a currency; amounts are kept as {UNKNOWN_CURRENCY}",
            )
        )
    return StatementFile(StatementFormat.QIF, tuple(statements), tuple(problems))


def _sections(path: Path, text: str) -> list[_Section]:
    sections: list[_Section] = []
    account: str | None = None
    in_account = False
    record: _Record | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("!"):
            directive = line[1:].casefold()
            in_account = directive == "account"
            if directive.startswith("type:"):
                kind = directive[5:].strip()
                if kind == "invst":
                    raise StatementUnreadable(
                        f"{path}: line {number}: an investment account (!Type:Invst), not a bank statement"
                    )
                sections.append(_Section(kind, account))
            continue
        if in_account:
            # An !Account block names the account the following !Type section belongs to.
            if line[0] == "N":
                account = line[1:].strip() or None
            elif line[0] == "^":
                in_account = False
            continue
        if not sections:
            raise StatementUnreadable(
                f"{path}: line {number}: an entry before any !Type header; not a QIF file"
            )
        if sections[-1].kind not in _BANK_TYPES:
            continue  # category and class lists: no money moved
        if line[0] == "^":
            if record is not None:
                sections[-1].records.append(record)
            record = None
            continue
        if record is None:
            record = _Record(number)
        code, value = line[0], line[1:].strip()
        # Split lines (S, E, $) repeat per category; the entry's own fields keep their first value.
        record.fields.setdefault(code, value)
    if record is not None and record.fields and sections:
        sections[-1].records.append(record)  # a last entry without its closing ^
    if not sections:
        raise StatementUnreadable(f"{path}: no !Type section; not a QIF file")
    return sections


def _qif_date(text: str) -> str:
    """Quicken writes ``1/ 5'04`` for 2004-01-05: the apostrophe marks a year of this century."""
    return text.replace(" ", "").replace("'", "/")


def _transaction(
    record: _Record, date_format: str, number: Callable[[str], Decimal]
) -> BankTransaction | None:
    fields = record.fields
    raw_date = fields.get("D")
    if not raw_date:
        raise FieldError("no date (D line)")
    day = parse_date(_qif_date(raw_date), date_format)
    if day is None:
        raise FieldError(f"unparseable date {raw_date!r} (expected {date_format})")
    raw_amount = fields.get("T") or fields.get("U")
    if not raw_amount:
        raise FieldError("no amount (T line)")
    amount = number(clean_amount(raw_amount)[0])
    if not amount:
        return None
    return BankTransaction(
        line=record.line,
        value_date=day,
        amount=abs(amount),
        direction=Direction.CREDIT if amount > 0 else Direction.DEBIT,
        currency=UNKNOWN_CURRENCY,
        booking_date=day,
        entry_ref=fields.get("N") or None,
        payer_name=fields.get("P") or None,
        remittance=fields.get("M") or "",
    )
