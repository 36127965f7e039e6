"""BAI2 (BAI Cash Management Balance Reporting, version 2): one statement per account per group.

Read with our own record reader (``bai2_records``) rather than the ``bai2`` package's parser: that
parser raises on the first record count or control total that does not add up, on records sharing
a line, on summaries split across ``88`` records and on distributed-availability summaries, and
four of the nine public sample files fail in it. Here a total that does not add up is a problem
reported beside the statements, and only a file whose structure cannot be followed is refused.
The package still supplies the type-code table for codes outside the credit/debit ranges.
See ADR 0011.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from bai2.constants import TypeCodes  # type: ignore[import-untyped]

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.formats.bai2_records import (
    FieldCursor,
    Record,
    bai_date,
    exponent,
    records,
    signed_int,
    to_decimal,
)
from dunwell.ingest.bank.formats.bai2_text import read_detail_text
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    ControlTotals,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)

#: BAI2 v2 leaves the currency optional; the standard is American and readers default to dollars.
DEFAULT_CURRENCY = "USD"
_OPENING_LEDGER, _CLOSING_LEDGER, _TOTAL_CREDITS, _TOTAL_DEBITS = "010", "015", "100", "400"
#: As-of-date modifiers 1 (interim previous-day), 3 (interim same-day) and 4 (final same-day):
#: an intraday report whose entries need not carry the opening ledger to a closing one.
_INTRADAY_MODIFIERS = frozenset({"1", "3", "4"})
#: Extra fields each funds type puts between the amount and the bank reference (D is variable).
_FUNDS_FIELDS = {"": 0, "Z": 0, "0": 0, "1": 0, "2": 0, "V": 2, "S": 3}
#: A numeric type code, leading zeros aside (the digits are bounded: int() refuses 4,300 of them).
_TYPE_CODE = re.compile(r"0*([0-9]{1,4})")


def sniff(head: bytes, path: Path) -> bool:
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"01,")


def read(path: Path) -> StatementFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return _Reader(path).read(records(_decode(raw), path))


def _decode(raw: bytes) -> str:
    raw = raw.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # maps every byte: never fails


def direction_of(type_code: str) -> Direction | None:
    """Credit or debit for a detail type code; None for status and non-monetary codes (890...)."""
    numeric = _TYPE_CODE.fullmatch(type_code)  # ASCII digits only: "1²5" is no number for int()
    if numeric and 100 <= int(numeric.group(1)) <= 399:
        return Direction.CREDIT
    if numeric and 400 <= int(numeric.group(1)) <= 699:
        return Direction.DEBIT
    known = TypeCodes.get(type_code)  # loan (7xx) and bank-specific codes the package knows
    value = getattr(getattr(known, "transaction", None), "value", None)
    return {"credit": Direction.CREDIT, "debit": Direction.DEBIT}.get(str(value))


@dataclass(slots=True)
class _Group:
    as_of: date
    currency: str | None
    interim: bool
    account_totals: int = 0
    accounts: int = 0
    record_count: int = 1  # its 02 header


@dataclass(slots=True)
class _Account:
    group: _Group
    number: str
    currency: str
    decimals: int
    summaries: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    transactions: list[BankTransaction] = field(default_factory=list)
    amount_sum: int = 0  # the 49 control total: every amount in the account, balances included
    record_count: int = 0


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements: list[BankStatement] = []
        self.problems: list[StatementProblem] = []
        self.file_id = ""
        self.skipped: Counter[str] = Counter()
        self.ids: Counter[str] = Counter()
        self.assumed_currency = 0
        self.group: _Group | None = None
        self.account: _Account | None = None
        self.group_totals = 0
        self.groups = 0

    def read(self, found: list[Record]) -> StatementFile:
        if not found or found[0].code != "01":
            raise StatementUnreadable(f"{self.path}: a BAI2 file starts with an 01 file header record")
        files: list[list[Record]] = []
        for record in found:  # banks concatenate files: each 01 starts one
            if record.code == "01":
                files.append([record])
            else:
                files[-1].append(record)
        for records_of_file in files:
            self._file(records_of_file)
        self._summary_problems()
        return StatementFile(StatementFormat.BAI2, tuple(self.statements), tuple(self.problems))

    def _file(self, found: list[Record]) -> None:
        header = [*found[0].fields(), *[""] * 8]
        if header[7] not in ("", "2"):
            raise StatementUnreadable(f"{self.path}: BAI version {header[7]!r}; only version 2 is read")
        self.file_id, self.group_totals, self.groups = header[4], 0, 0
        file_records = found[0].count
        for index, record in enumerate(found[1:], start=1):
            file_records += record.count
            if record.code == "99":
                self._close_group(record.line)
                self._check(
                    "99 file", record, (self.group_totals, self.groups, file_records), ("groups", "records")
                )
                for extra in found[index + 1 :]:
                    code = "bad_entry" if extra.code == "16" else "bad_record"
                    self._problem(code, f"an {extra.code} record after the 99 file trailer", extra.line)
                return
            self._record(record)
        self._close_group(found[-1].line)
        self._problem("missing_trailer", "the file ends without a 99 file trailer", None)

    def _record(self, record: Record) -> None:
        if record.code == "02":
            self._close_group(record.line)
        elif record.code == "03":
            self._close_account(None, record.line)
        if self.group is not None:
            self.group.record_count += record.count
        if self.account is not None:
            self.account.record_count += record.count
        if record.code == "02":
            self.group = self._open_group(record)
        elif record.code == "03" and self.group is not None:
            self.account = self._open_account(record, self.group)
        elif record.code == "16" and self.account is not None:
            self._detail(record, self.account)
        elif record.code == "49" and self.account is not None:
            self._close_account(record, record.line)
        elif record.code == "98" and self.group is not None:
            self._close_account(None, record.line)
            self._check_group(self.group, record)
            self.group = None
        elif record.code == "03":
            raise StatementUnreadable(
                f"{self.path}: line {record.line}: an 03 account record outside a group"
            )
        else:
            code = "bad_entry" if record.code == "16" else "bad_record"
            self._problem(
                code, f"an {record.code} record out of place (outside an account or group)", record.line
            )

    def _problem(self, code: str, message: str, line: int | None) -> None:
        self.problems.append(StatementProblem(code, message, line))

    def _summary_problems(self) -> None:
        if self.assumed_currency:
            self._problem(
                "currency_assumed",
                f"{self.assumed_currency} account(s) state no currency (neither 03 nor 02): "
                f"read as {DEFAULT_CURRENCY}",
                None,
            )
        if self.skipped:
            codes = ", ".join(f"{code} x{n}" for code, n in sorted(self.skipped.items()))
            self._problem(
                "info_records_skipped",
                f"{sum(self.skipped.values())} detail record(s) with non-monetary or unsigned type codes "
                f"were not read as transactions (type {codes})",
                None,
            )

    def _open_group(self, record: Record) -> _Group:
        fields = [*record.fields(), *[""] * 7]
        as_of = bai_date(fields[3])
        if as_of is None:
            raise StatementUnreadable(
                f"{self.path}: line {record.line}: the 02 group header has no valid as-of date "
                f"({fields[3]!r})"
            )
        return _Group(as_of, fields[5].upper() or None, fields[6] in _INTRADAY_MODIFIERS)

    def _open_account(self, record: Record, group: _Group) -> _Account:
        fields = [*record.fields(), "", ""]
        number, currency = fields[0], fields[1].upper() or group.currency or ""
        if not currency:
            currency = DEFAULT_CURRENCY
            self.assumed_currency += 1
        decimals = exponent(currency)
        if decimals is None:
            self._problem(
                "unknown_currency", f"{currency!r} is not an ISO 4217 code: read with 2 decimals", record.line
            )
            decimals = 2
        account = _Account(group, number, currency, decimals, record_count=record.count)
        self._summaries(account, fields[2:], record.line)
        return account

    def _summaries(self, account: _Account, values: list[str], line: int) -> None:
        """Type code, amount, item count, funds type (and its fields), repeated."""
        cursor = FieldCursor.over(values)
        while not cursor.done:
            code = cursor.next()
            if not code:  # a stray separator: some banks add an empty field before "/"
                continue
            amount, count = signed_int(cursor.next()), signed_int(cursor.next())
            self._skip_funds(cursor.next().upper(), cursor, line)
            if amount is not None:
                account.amount_sum += amount
            account.summaries.setdefault(code, (amount, count))

    def _skip_funds(self, funds: str, cursor: FieldCursor, line: int) -> str:
        """Read past the funds type's own fields; returns the value date of a V (else "")."""
        if funds == "D":  # a count, then that many (days, amount) pairs
            stated = cursor.next()
            pairs = max(signed_int(stated) or 0, 0)
            for _ in range(2 * pairs):
                if cursor.done:  # the count is not to be trusted past the record's end
                    message = f"funds type D states {stated[:20]} distributions, the record has fewer"
                    self._problem("bad_record", message, line)
                    break
                cursor.next()
            return ""
        if funds not in _FUNDS_FIELDS:
            self._problem("unknown_funds_type", f"funds type {funds!r}: read as having no extra fields", line)
        extra = [cursor.next() for _ in range(_FUNDS_FIELDS.get(funds, 0))]
        return extra[0] if funds == "V" else ""

    def _detail(self, record: Record, account: _Account) -> None:
        cursor = FieldCursor(record)
        type_code, amount_text, funds = cursor.next(), cursor.next(), cursor.next().upper()
        value_date = bai_date(self._skip_funds(funds, cursor, record.line))
        bank_ref, customer_ref = cursor.next(), cursor.next()
        text = cursor.rest()
        amount = signed_int(amount_text)
        if amount is not None:
            account.amount_sum += amount
        if amount is None or amount < 0:
            self._problem(
                "bad_entry", f"amount {amount_text[:40]!r} is not a whole number of minor units", record.line
            )
            return
        direction = direction_of(type_code)
        if direction is None:
            self.skipped[type_code or "blank"] += 1
            return
        if amount == 0:
            self._problem("zero_amount", f"type {type_code}: an entry of zero was not kept", record.line)
            return
        as_of = account.group.as_of
        said = read_detail_text(text, type_code)
        credit = direction is Direction.CREDIT  # a debit's text names us as the debtor, if anyone
        account.transactions.append(
            BankTransaction(
                line=record.line,
                value_date=value_date or as_of,
                amount=to_decimal(amount, account.decimals),
                direction=direction,
                currency=account.currency,
                booking_date=as_of,
                entry_ref=bank_ref or customer_ref or None,
                payer_name=said.payer_name if credit else None,
                payer_account=said.payer_account if credit else None,
                remittance=said.remittance,
                bank_code=type_code,
                bank_text=text,
                remittance_items=said.items,
            )
        )

    def _close_account(self, trailer: Record | None, line: int) -> None:
        account, self.account = self.account, None
        if account is None:
            return
        total = account.amount_sum
        if trailer is None:
            self._problem("missing_trailer", f"account {account.number}: no 49 account trailer", line)
        else:
            stated = self._check(
                f"49 account {account.number}",
                trailer,
                (account.amount_sum, account.record_count),
                ("records",),
            )
            total = stated if stated is not None else total
        account.group.account_totals += total
        account.group.accounts += 1
        self.statements.append(self._statement(account))

    def _close_group(self, line: int) -> None:
        """End a group that had no 98 trailer (a new 02, the 99 or the end of the file came first)."""
        self._close_account(None, line)
        if self.group is not None:
            self._problem("missing_trailer", "a group without a 98 group trailer", line)
            self.group_totals += self.group.account_totals
            self.groups += 1
            self.group = None

    def _check_group(self, group: _Group, trailer: Record) -> None:
        found = (group.account_totals, group.accounts, group.record_count)
        stated = self._check("98 group", trailer, found, ("accounts", "records"))
        self.group_totals += stated if stated is not None else group.account_totals
        self.groups += 1

    def _check(
        self, where: str, trailer: Record, found: tuple[int, ...], counts: tuple[str, ...]
    ) -> int | None:
        """Compare a trailer's control total and counts with what was read; returns the stated total."""
        stated = [signed_int(value) for value in trailer.fields()[: len(found)]]
        stated += [None] * (len(found) - len(stated))
        for index, (claim, actual) in enumerate(zip(stated, found, strict=True)):
            if claim is None or claim == actual:
                continue
            what = "a control total of" if index == 0 else f"{counts[index - 1]}:"
            code = "control_total_mismatch" if index == 0 else "record_count_mismatch"
            self._problem(
                code, f"the {where} trailer states {what} {claim}, the file gives {actual}", trailer.line
            )
        return stated[0]

    def _statement(self, account: _Account) -> BankStatement:
        def money(code: str) -> tuple[Decimal | None, int | None]:
            amount, count = account.summaries.get(code, (None, None))
            return (None if amount is None else to_decimal(amount, account.decimals)), count

        credits, credit_entries = money(_TOTAL_CREDITS)
        debits, debit_entries = money(_TOTAL_DEBITS)
        closing, as_of = money(_CLOSING_LEDGER)[0], account.group.as_of
        statement_id = f"{self.file_id}/{as_of:%Y-%m-%d}/{account.number}"
        self.ids[statement_id] += 1
        if self.ids[statement_id] > 1:  # the same account twice on one day: keep the ids apart
            statement_id += f"#{self.ids[statement_id]}"
        return BankStatement(
            statement_id=statement_id,
            account=account.number or None,
            currency=account.currency,
            transactions=tuple(account.transactions),
            opening=money(_OPENING_LEDGER)[0],
            closing=closing,
            period_start=as_of,
            period_end=as_of,
            control=ControlTotals(
                credits=credits, debits=debits, credit_entries=credit_entries, debit_entries=debit_entries
            ),
            interim=closing is None or account.group.interim,
        )
