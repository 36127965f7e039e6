"""SWIFT MT940 customer statements and MT942 interim transaction reports.

One ``BankStatement`` per message (``:20:`` reference + ``:28C:`` number), each ``:61:`` statement
line an entry with the ``:86:`` that follows it as its details. MT942 reports (``:34F:`` floor
limit, ``:13D:`` time) are interim: their ``:90D:``/``:90C:`` counts and sums become the control
totals instead of balances. The text is split here (``swift_fields``) and the details read in
their bank dialects (``swift_details``); ADR 0011 says why not with ``mt-940`` alone.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dunwell.core.currencies import is_currency
from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.formats.swift_details import Details, details, is_iban
from dunwell.ingest.bank.formats.swift_fields import (
    Balance,
    Field,
    Message,
    StatementLine,
    balance,
    decode,
    floor_currency,
    messages,
    statement_line,
    sum_entries,
)
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    ControlTotals,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)

#: ISO 4217's code for "no currency": entries of a message that states none anywhere.
NO_CURRENCY = "XXX"
_OPENING, _CLOSING = ("60F", "60M", "60"), ("62F", "62M", "62")
_MANDATORY = {
    StatementFormat.MT940: (("20",), ("25",), ("28C", "28"), _OPENING, _CLOSING),
    StatementFormat.MT942: (("20",), ("25",), ("28C", "28"), ("34F",), ("13D",)),
}
#: The fields after the entries: an :86: that follows one of them is not an entry's.
_STATEMENT_END = frozenset({*_CLOSING, "64", "65"})
_FIRST_TAG = re.compile(rb"\s*:(\d{2}[A-Z]?|NS):")
_ACCOUNT_CURRENCY = re.compile(r"[/ ]?([A-Z]{3})$")


def sniff(head: bytes, path: Path) -> bool:
    """A message (``:20:`` with ``:25:`` or an opening balance, or a ``{4:`` block), or a file that
    starts with a SWIFT tag: a fragment is ours to refuse with a reason, not a table to misread."""
    head = head.removeprefix(codecs.BOM_UTF8)
    if b":20:" in head and (b":25:" in head or b":60F:" in head or b":60M:" in head or b"{4:" in head):
        return True
    return _FIRST_TAG.match(head) is not None


def read(path: Path) -> StatementFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    found = messages(decode(raw))
    if not any(message.has("20") for message in found):
        raise StatementUnreadable(
            f"{path}: no :20: transaction reference: an MT940/MT942 fragment, not a whole message"
        )
    statements: list[BankStatement] = []
    problems: list[StatementProblem] = []
    formats: set[StatementFormat] = set()
    for message in found:
        if not message.has("25", "61", *_OPENING, *_CLOSING):
            message_problem = "a message without account, balance or entries"
            problems.append(StatementProblem("empty_message", message_problem, message.line))
            continue
        built = _Message(message).build()
        statements.append(built.statement)
        problems.extend(built.problems)
        formats.add(built.format)
    if not statements:
        raise StatementUnreadable(f"{path}: no message states an account, a balance or a statement line")
    kind = StatementFormat.MT942 if formats == {StatementFormat.MT942} else StatementFormat.MT940
    return StatementFile(kind, tuple(statements), tuple(problems))


@dataclass(slots=True)
class _Entry:
    source: Field  # the :61:
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Built:
    statement: BankStatement
    problems: list[StatementProblem]
    format: StatementFormat


class _Message:
    def __init__(self, message: Message) -> None:
        self.message = message
        self.problems: list[StatementProblem] = []
        interim_tags = message.has("34F", "13D") or message.block_type == "942"
        self.format = StatementFormat.MT942 if interim_tags else StatementFormat.MT940

    def build(self) -> _Built:
        reference = self._text("20")
        number = self._text("28C", "28")
        opening, closing = self._balance(_OPENING), self._balance(_CLOSING)
        currency = self._currency(opening, closing)
        if currency != NO_CURRENCY and not is_currency(currency):
            self._problem("unknown_currency", f"{currency!r} is not an ISO 4217 code", self.message.line)
        account = self._text("25")
        label = "/".join(part for part in (reference, number) if part) or None
        self._missing()
        entries = self._entries()
        transactions = [t for t in (self._transaction(e, currency) for e in entries) if t is not None]
        statement = BankStatement(
            statement_id=label,
            account=account,
            currency=currency,
            transactions=tuple(transactions),
            opening=opening.amount if opening else None,
            closing=closing.amount if closing else None,
            period_start=opening.day if opening else None,
            period_end=closing.day if closing else None,
            control=self._control(),
            interim=self.format is StatementFormat.MT942,
        )
        return _Built(statement, self.problems, self.format)

    def _problem(self, code: str, message: str, line: int | None) -> None:
        self.problems.append(StatementProblem(code, message, line))

    def _text(self, *tags: str) -> str | None:
        found = self.message.first(*tags)
        text = " ".join(found.value.split()) if found else ""
        return text or None

    def _balance(self, tags: Sequence[str]) -> Balance | None:
        found = self.message.first(*tags)
        if found is None:
            return None
        parsed = balance(found.value)
        if parsed is None:
            self._problem(
                "bad_balance", f":{found.tag}: {found.value.strip()[:40]!r} is not a balance", found.line
            )
        return parsed

    def _currency(self, opening: Balance | None, closing: Balance | None) -> str:
        """The balances' currency; else the floor limit's or the totals'; else a :25: suffix."""
        for candidate in (opening, closing):
            if candidate is not None and candidate.currency:
                return candidate.currency
        floor = self.message.first("34F")
        if floor is not None and (stated := floor_currency(floor.value)):
            return stated
        for tag in ("90D", "90C"):
            found = self.message.first(tag)
            totals = sum_entries(found.value) if found else None
            if totals is not None:
                return totals[2]
        suffix = _ACCOUNT_CURRENCY.search(self._text("25") or "")
        if suffix:
            return suffix.group(1)
        self._problem(
            "currency_unknown",
            f"no balance or total states a currency: read as {NO_CURRENCY}",
            self.message.line,
        )
        return NO_CURRENCY

    def _missing(self) -> None:
        absent = [
            ":" + "/".join(tags) + ":" for tags in _MANDATORY[self.format] if not self.message.has(*tags)
        ]
        if absent:
            kind = self.format.value.upper()
            self._problem("missing_field", f"{kind} message without {', '.join(absent)}", self.message.line)

    def _entries(self) -> list[_Entry]:
        """Each :61: with the :86: (and, for old Rabobank files, several :86:) that follows it."""
        entries: list[_Entry] = []
        closed = False  # a closing balance since the last :61:: an :86: now is about the statement
        for found in self.message.fields:
            if found.tag == "61":
                entries.append(_Entry(found))
                closed = False
            elif found.tag in _STATEMENT_END:
                closed = True
            elif found.tag == "86" and entries and not closed:
                entries[-1].details.append(found.value)
        return entries

    def _transaction(self, entry: _Entry, currency: str) -> BankTransaction | None:
        parsed = statement_line(entry.source.value)
        if isinstance(parsed, str):
            self._problem("bad_entry", f":61: {parsed}", entry.source.line)
            return None
        if parsed.amount == 0:
            self._problem("zero_amount", ":61: an entry of zero was not kept", entry.source.line)
            return None
        if parsed.date_adjusted:
            self._problem(
                "date_adjusted", ":61: a day past the end of February read as its last day", entry.source.line
            )
        found = (
            details("\n".join(entry.details)) if entry.details else Details(remittance=parsed.supplementary)
        )
        return BankTransaction(
            line=entry.source.line,
            value_date=parsed.value_date,
            amount=parsed.amount,
            direction=Direction.CREDIT if parsed.mark in ("C", "RD") else Direction.DEBIT,
            currency=currency,
            booking_date=parsed.booking_date,
            entry_ref=_entry_ref(parsed),
            payer_name=found.payer_name,
            payer_account=found.payer_account or _account_in(parsed),
            remittance=found.remittance,
            structured_reference=found.structured_reference,
            end_to_end_id=found.end_to_end_id,
            bank_code=parsed.type_code,
            reversal=parsed.mark.startswith("R"),
        )

    def _control(self) -> ControlTotals:
        """MT942's :90D:/:90C: number and sum of debit and credit entries."""
        totals: dict[str, tuple[int | None, Decimal]] = {}
        for tag in ("90D", "90C"):
            found = self.message.first(tag)
            parsed = sum_entries(found.value) if found else None
            if found and parsed is None:
                self._problem(
                    "bad_total", f":{tag}: {found.value.strip()[:40]!r} is not a count and sum", found.line
                )
            elif parsed is not None:
                totals[tag] = parsed[0], parsed[1]
        debits, credits = totals.get("90D"), totals.get("90C")
        return ControlTotals(
            credits=credits[1] if credits else None,
            debits=debits[1] if debits else None,
            credit_entries=credits[0] if credits else None,
            debit_entries=debits[0] if debits else None,
        )


def _entry_ref(line: StatementLine) -> str | None:
    for reference in (line.bank_ref, line.customer_ref):
        if reference and reference.upper() not in ("NONREF", "NOTPROVIDED"):
            return reference
    return None


def _account_in(line: StatementLine) -> str | None:
    """Old Rabobank and ASN files put the counterparty's IBAN in the reference or the next line."""
    for candidate in (line.customer_ref, line.supplementary.split(" ", 1)[0]):
        if candidate and is_iban(candidate):
            return candidate
    return None
