"""Table rows to bank transactions and statements, through a ``BankMapping``.

Formats are chosen once per file (see ``bank_detect``), then every row is converted on its own: a
row that cannot be read becomes a ``bad_entry`` problem naming its line and the reason, and the
rest of the file still reads. Rows are grouped into one statement per (own account, currency),
because a multi-currency export (PayPal) keeps one running balance per currency; the balance
column then gives each statement its opening and closing balance for ``reconcile`` to check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from dunwell.core.currencies import is_currency, minor_unit_exponent
from dunwell.ingest.bank.formats.bank_detect import (
    choose_date_format,
    choose_decimal_separator,
    clean_amount,
    date_part,
    month_first_hint,
    parse_date,
)
from dunwell.ingest.bank.formats.bank_mappings import AMOUNT_FIELDS, TEXT_FIELDS, BankMapping, normalize
from dunwell.ingest.bank.model import BankStatement, BankTransaction, Direction, StatementProblem
from dunwell.ingest.converters import MAX_INTEGER_DIGITS, FieldError, make_decimal_parser
from dunwell.ingest.errors import MAPPING_MISSING_COLUMN, MappingError
from dunwell.ingest.readers import column_names as shared_column_names

__all__ = ["UNKNOWN_CURRENCY", "Cell", "Row", "build_statements", "cell_text", "column_names"]

#: A cell as read: text, a number or a date from a typed spreadsheet cell, or None when empty.
Cell = str | Decimal | date | None
#: A non-blank row: its 1-based line (CSV) or sheet row (XLSX), and its cells.
Row = tuple[int, list[Cell]]
#: ISO 4217's code for "no currency", for exports that never say which currency they are in.
UNKNOWN_CURRENCY = "XXX"
#: Below this, a difference between a spreadsheet float and its rounding to minor units is binary noise.
_FLOAT_NOISE = Decimal("1e-6")


def cell_text(cell: Cell) -> str | None:
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, Decimal):
        # Spreadsheets store ids as numbers: 19000000001 must not read as 19000000001.0.
        return str(int(cell)) if cell == cell.to_integral_value() else format(cell, "f")
    return cell.isoformat()


def column_names(cells: Sequence[Cell]) -> list[str]:
    """Header names, named as imports name them (``ingest.readers.column_names``)."""
    return shared_column_names(cells, cell_text)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One converted row: its transactions (the amount, and a fee when there is one)."""

    line: int
    key: tuple[str | None, str]  # (own account, currency): the statement it belongs to
    transactions: tuple[BankTransaction, ...]
    effect: Decimal  # the row's signed effect on the balance
    balance: Decimal | None


class _Formats:
    """The file-wide conventions: date format, number parser, default currency."""

    def __init__(self, stem: str, rows: list[Row], index: dict[str, list[int]], mapping: BankMapping) -> None:
        self.problems: list[StatementProblem] = []
        texts = {f: [c for _, cells in rows for i in index.get(f, ()) if isinstance(c := _at(cells, i), str)]
                 for f in ("booking_date", "value_date", "currency", *AMOUNT_FIELDS)}  # fmt: skip
        amounts = [clean_amount(t) for f in AMOUNT_FIELDS for t in texts[f]]
        column_codes = {t.upper() for t in texts["currency"] if is_currency(t.upper())}
        cell_codes = {code for _, code in amounts if code is not None}
        self.currency = mapping.currency or _single(cell_codes) or _single(column_codes)
        dec = mapping.decimal_separator or choose_decimal_separator(v for v, _ in amounts)
        thou = mapping.thousands_separator
        self.number = make_decimal_parser(dec, ("." if dec == "," else ",") if thou is None else thou)
        dates = texts["booking_date"] + texts["value_date"]
        if mapping.date_formats is not None:
            counts = [(sum(parse_date(date_part(t), f) is not None for t in dates), -k, f)
                      for k, f in enumerate(mapping.date_formats)]  # fmt: skip
            self.date_format = max(counts)[2]
        else:
            hint = month_first_hint(column_codes | cell_codes | {mapping.currency or ""} - {""})
            self.date_format, warning = choose_date_format(dates, month_first_hint=hint)
            if warning:
                self.problems.append(StatementProblem("ambiguous_date_format", f"{stem}: {warning}"))
        self._dates: dict[str, date | None] = {}

    def date(self, cell: Cell) -> date | None:
        if cell is None or isinstance(cell, date):
            return cell
        if isinstance(cell, Decimal):
            raise FieldError(f"a number ({cell_text(cell)}) where a date was expected")
        if cell not in self._dates:
            self._dates[cell] = parse_date(date_part(cell), self.date_format)
        parsed = self._dates[cell]
        if parsed is None:
            raise FieldError(f"unparseable date {cell!r} (expected {self.date_format})")
        return parsed

    def amount(self, cell: Cell, currency: str) -> Decimal | None:
        """A cell as an amount in ``currency``'s minor units; None when empty."""
        if cell is None or isinstance(cell, date):
            if cell is not None:
                raise FieldError(f"a date ({cell}) where an amount was expected")
            return None
        if isinstance(cell, Decimal):
            # A spreadsheet number skips the text parser and its size check: 1e300 in a cell would
            # otherwise fail to round to minor units (decimal.InvalidOperation), not as a bad row.
            if cell.adjusted() >= MAX_INTEGER_DIGITS:
                raise FieldError(
                    f"number too large: {cell:.6g} (at most {MAX_INTEGER_DIGITS} digits before the decimals)"
                )
            value = cell
        else:
            text, _ = clean_amount(cell)
            if not text:
                return None
            try:
                value = self.number(text)
            except FieldError as exc:
                raise FieldError(exc.reason.replace(repr(text), repr(cell))) from None
        if not is_currency(currency):
            return value
        rounded = value.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency)))
        if rounded != value and not (isinstance(cell, Decimal) and abs(rounded - value) < _FLOAT_NOISE):
            raise FieldError(f"{cell_text(cell)} has more decimals than {currency} allows")
        return rounded


def build_statements(
    stem: str, header: list[str], rows: list[Row], mapping: BankMapping
) -> tuple[tuple[BankStatement, ...], tuple[StatementProblem, ...]]:
    """The statements of the data ``rows`` (header excluded) and the problems met reading them."""
    index = _resolve(stem, header, mapping)
    formats = _Formats(stem, rows, index, mapping)
    problems = formats.problems
    entries: list[_Entry] = []
    for line, cells in rows:
        try:
            entry = _convert(line, cells, index, mapping, formats)
        except FieldError as exc:
            problems.append(StatementProblem("bad_entry", f"{stem} line {line}: {exc.reason}", line))
            continue
        if not entry.transactions:
            problems.append(
                StatementProblem("zero_amount", f"{stem} line {line}: a zero amount, left out", line)
            )
        entries.append(entry)
    if any(e.key[1] == UNKNOWN_CURRENCY for e in entries):
        problems.append(
            StatementProblem(
                "currency_unknown",
                f"{stem}: the file does not say its currency; amounts are kept as {UNKNOWN_CURRENCY} "
                "(map a currency column or set currency: {const: EUR})",
            )
        )
    groups: dict[tuple[str | None, str], list[_Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.key, []).append(entry)
    if not groups:
        return (BankStatement(stem, None, formats.currency, ()),), tuple(problems)
    statements = []
    for (account, currency), members in groups.items():
        opening, closing = _balances(members)
        transactions = tuple(t for e in members for t in e.transactions)
        days = [t.booking_date or t.value_date for t in transactions]
        label = stem if len(groups) == 1 else " ".join(filter(None, (stem, account, currency)))
        statements.append(
            BankStatement(
                statement_id=label,
                account=account,
                currency=None if currency == UNKNOWN_CURRENCY else currency,
                transactions=transactions,
                opening=opening,
                closing=closing,
                period_start=min(days, default=None),
                period_end=max(days, default=None),
            )
        )
    return tuple(statements), tuple(problems)


def _convert(
    line: int,
    cells: list[Cell],
    index: dict[str, list[int]],
    mapping: BankMapping,
    formats: _Formats,
) -> _Entry:
    def cell(field: str) -> Cell:
        columns = index.get(field)
        return _at(cells, columns[0]) if columns else None

    text = {f: _text(cells, index.get(f, ()), join=f == "remittance") for f in TEXT_FIELDS}
    currency = _currency(cell("currency"), formats)
    booked, valued = formats.date(cell("booking_date")), formats.date(cell("value_date"))
    value_day = valued if valued is not None else booked
    if value_day is None:
        raise FieldError("no date")
    signed = _signed_amount(cell, mapping, formats, currency)
    fee = formats.amount(cell("fee"), currency) or Decimal(0)
    balance = formats.amount(cell("balance"), currency)
    if mapping.invert_sign:
        signed, fee = -signed, -fee
    base = BankTransaction(
        line=line,
        value_date=value_day,
        amount=abs(signed),
        direction=Direction.CREDIT if signed > 0 else Direction.DEBIT,
        currency=currency,
        booking_date=booked,
        entry_ref=text["entry_ref"],
        payer_name=text["payer_name"],
        payer_account=text["payer_account"],
        remittance=text["remittance"] or "",
        structured_reference=text["structured_reference"],
        end_to_end_id=text["end_to_end_id"],
        bank_code=text["bank_code"],
    )
    transactions = [base] if signed else []
    if fee:
        # The fee is its own entry: the gross is what an invoice is matched on, the fee an expense.
        transactions.append(
            BankTransaction(
                line=line,
                value_date=base.value_date,
                amount=abs(fee),
                direction=Direction.CREDIT if fee > 0 else Direction.DEBIT,
                currency=currency,
                booking_date=booked,
                entry_ref=f"{base.entry_ref}/fee" if base.entry_ref else None,
                remittance=f"fee {base.entry_ref or ''}".strip(),
                bank_code="FEE",
            )
        )
    return _Entry(line, (text["account"], currency), tuple(transactions), signed + fee, balance)


def _signed_amount(
    cell: Callable[[str], Cell], mapping: BankMapping, formats: _Formats, currency: str
) -> Decimal:
    if "amount" in mapping.fields:
        amount = formats.amount(cell("amount"), currency)
        if amount is None:
            raise FieldError("no amount")
        if mapping.indicator is None:
            return amount
        mark = cell_text(cell("indicator")) or ""
        if mark.casefold() in {v.casefold() for v in mapping.indicator.credit}:
            return abs(amount)
        if mark.casefold() in {v.casefold() for v in mapping.indicator.debit}:
            return -abs(amount)
        raise FieldError(f"debit/credit indicator {mark!r} is neither {'/'.join(mapping.indicator.credit)} "
                         f"nor {'/'.join(mapping.indicator.debit)}")  # fmt: skip
    credit = formats.amount(cell("credit"), currency)
    debit = formats.amount(cell("debit"), currency)
    if credit is None and debit is None:
        raise FieldError("no amount (credit and debit are both empty)")
    # Each column holds its own direction; banks differ on whether they write a debit as negative.
    if credit and debit:
        raise FieldError(f"both a credit ({credit}) and a debit ({debit})")
    return abs(credit) if credit else -abs(debit or Decimal(0))


def _currency(cell: Cell, formats: _Formats) -> str:
    code = cell_text(cell)
    if code is None:
        return formats.currency or UNKNOWN_CURRENCY
    if not is_currency(code.upper()):
        raise FieldError(f"unknown currency {code!r} (expected an ISO 4217 code such as EUR)")
    return code.upper()


def _balances(entries: list[_Entry]) -> tuple[Decimal | None, Decimal | None]:
    """Opening and closing balance from the running-balance column, for files in either order.

    Some banks list the newest entry first; the order whose balances chain (previous balance plus
    this row's effect gives this row's balance) more often is taken as the file's.
    """
    pairs = list(pairwise(entries))
    forward = sum(1 for a, b in pairs if a.balance is not None and b.balance == a.balance + b.effect)
    backward = sum(1 for a, b in pairs if b.balance is not None and a.balance == b.balance + a.effect)
    ordered = entries[::-1] if backward > forward else entries
    known = [(k, e.balance) for k, e in enumerate(ordered) if e.balance is not None]
    if not known:
        return None, None
    (first, first_balance), (last, last_balance) = known[0], known[-1]
    opening = first_balance - sum((e.effect for e in ordered[: first + 1]), Decimal(0))
    closing = last_balance + sum((e.effect for e in ordered[last + 1 :]), Decimal(0))
    return opening, closing


def _resolve(stem: str, header: list[str], mapping: BankMapping) -> dict[str, list[int]]:
    """Each mapped field's column positions; header names compare exactly, else loosely."""
    exact = {name: i for i, name in reversed(list(enumerate(header)))}
    loose = {normalize(name): i for i, name in reversed(list(enumerate(header)))}
    index: dict[str, list[int]] = {}
    missing: list[str] = []
    specs = dict(mapping.fields)
    wanted = [(field, spec.names, spec.optional) for field, spec in specs.items()]
    if mapping.indicator is not None:
        wanted.append(("indicator", (mapping.indicator.column,), False))
    for field, names, optional in wanted:
        for name in names:
            position = exact.get(name, loose.get(normalize(name)))
            if position is not None:
                index.setdefault(field, []).append(position)
            elif not optional:
                missing.append(f"{name!r} (for {field})")
    if missing:
        shown = ", ".join(repr(h) for h in header[:40])
        raise MappingError(
            f"{mapping.source}: {stem} has no column {', '.join(missing)}; its columns are: {shown}",
            code=MAPPING_MISSING_COLUMN,
        )
    return index


def _at(cells: list[Cell], position: int) -> Cell:
    return cells[position] if position < len(cells) else None


def _text(cells: list[Cell], positions: Sequence[int], *, join: bool) -> str | None:
    values = [t for t in (cell_text(_at(cells, i)) for i in positions) if t]
    if not values:
        return None
    return " ".join(values) if join else values[0]


def _single(codes: set[str]) -> str | None:
    return next(iter(codes)) if len(codes) == 1 else None
